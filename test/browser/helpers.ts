// Helpers for the widget's browser tests (web-test-runner, mocha, headless Chromium). The server
// side lives in ./server-plugin.mjs: one real Live Chat server per run, with its own database;
// each test makes its own site with createSite(), so tests never see each other's rows.
import { executeServerCommand } from '@web/test-runner-commands'
import type { AxeResults, RunOptions } from 'axe-core'
import { AgentClient } from '@live-chat/sdk'
import type { UpdateSiteSettings } from '@live-chat/protocol'
// axe-core is a UMD script: run as a module it installs `window.axe`.
import 'axe-core/axe.min.js'

declare global {
  interface Window {
    axe: { run(context: Element, options: RunOptions): Promise<AxeResults> }
  }
}

/** Widget settings a test may set on its site (what the dashboard can change). */
export type WidgetSettings = NonNullable<UpdateSiteSettings['widget']>

export interface CreateSiteOptions {
  settings?: WidgetSettings
  /** Agent users to create as members of the site (default 0); the first is its admin. */
  agents?: number
  /** Origins allowed to embed the widget (default: any). */
  allowedOrigins?: string[]
}

export interface TestAgent {
  email: string
  password: string
  agentId: string
  name: string
}

export interface TestSite {
  siteId: string
  /** The server's base URL (the widget's `server` attribute). */
  url: string
  /** For identity hashes: HMAC-SHA256(identitySecret, userId). */
  identitySecret: string
  agents: TestAgent[]
}

/** Runs a command of the test server's plugin (test/browser/server-plugin.mjs) and gives its answer. */
export async function command<T>(name: string, payload?: unknown): Promise<T> {
  const result = await executeServerCommand<T, unknown>(name, payload)
  if (result === undefined || result === null) throw new Error(`the server command ${name} gave no answer: is the live-chat-server plugin in web-test-runner.config.mjs?`)
  return result
}

/** The test server's base URL, e.g. `http://127.0.0.1:41234` (also serves /live-chat.js). */
export async function server(): Promise<string> {
  return (await command<{ url: string }>('lc-server')).url
}

/** A new agency and site on the test server, with `agents` agent users. */
export function createSite(opts: CreateSiteOptions = {}): Promise<TestSite> {
  return command<TestSite>('lc-site', opts)
}

export interface TestPerson {
  email: string
  password: string
  userId: string
  name: string
}

export interface TestAgency {
  agencyId: string
  agencyName: string
  /** The server's base URL. */
  url: string
  /** The agency's owner: an admin of every site. */
  owner: TestPerson
  sites: { siteId: string; name: string }[]
  /** Agency members, each an agent of the first site. */
  members: (TestPerson & { agentId: string })[]
}

/** A new agency with its owner, `sites` sites (default 1) allowing `domains`, and `members` members (agents of the first site). */
export function createAgency(opts: { sites?: number; members?: number; domains?: string[] } = {}): Promise<TestAgency> {
  return command<TestAgency>('lc-agency', opts)
}

/** `person` of the agency, signed in; connected to `siteId` (default: the first site) when `connect` (default true). Disconnected by cleanup(). */
export async function personClient(agency: TestAgency, person: TestPerson = agency.owner, opts: { siteId?: string; connect?: boolean } = {}): Promise<AgentClient> {
  const client = new AgentClient({ url: agency.url })
  clients.add(client)
  await client.login(person.email, person.password)
  const siteId = opts.siteId ?? agency.sites[0]?.siteId
  if (siteId) {
    if (opts.connect === false) client.useSite(siteId)
    else await client.connect(siteId)
  }
  return client
}

/** A real HTTP receiver (in the test server's Node process) that records what it is sent. */
export interface TestReceiver {
  id: string
  /** Where to send: `http://127.0.0.1:<port>/hook`. */
  url: string
}

export interface ReceivedRequest {
  method: string
  headers: Record<string, string>
  body: string
}

/** Starts an HTTP receiver that answers every request with `status` (default 200). */
export function receiver(opts: { status?: number } = {}): Promise<TestReceiver> {
  return command<TestReceiver>('lc-receiver', opts)
}

/** What the receiver got so far, oldest first. */
export async function received(r: TestReceiver): Promise<ReceivedRequest[]> {
  return (await command<{ requests: ReceivedRequest[] }>('lc-received', { id: r.id })).requests
}

/**
 * Changes a conversation as history would have: its start moved into the past, or marked missed
 * (`missedAt: null` clears the mark). ISO times.
 */
export async function setConversation(site: TestSite, conversationId: string, changes: { createdAt?: string; missedAt?: string | null }): Promise<void> {
  await command('lc-conversation', { siteId: site.siteId, conversationId, ...changes })
}

const clients = new Set<AgentClient>()

/**
 * Agent `i` of the site, logged in and connected to the site's agent socket; with
 * `online: true` also set online, so the site shows as staffed. Disconnected by cleanup().
 */
export async function agentClient(site: TestSite, i = 0, opts: { online?: boolean } = {}): Promise<AgentClient> {
  const agent = site.agents[i]
  if (!agent) throw new Error(`the site has ${site.agents.length} agents; createSite({ agents: ${i + 1} }) for agent ${i}`)
  const client = new AgentClient({ url: site.url })
  clients.add(client)
  await client.login(agent.email, agent.password)
  await client.connect(site.siteId)
  if (opts.online) {
    await client.setStatus('online')
    // The server records the socket's connection just after the handshake: wait until visitors
    // are told the site is staffed (a widget fetching its config just now could still be told not).
    await waitFor(async () => ((await (await fetch(`${site.url}/api/sites/${site.siteId}/widget`)).json()) as { online: boolean }).online, 5_000, 'the site to show as staffed')
  }
  return client
}

const mounted = new Set<Element>()

/** Adds `el` to the document body; cleanup() removes it. */
export function mount<T extends Element>(el: T): T {
  document.body.append(el)
  mounted.add(el)
  return el
}

/** Disconnects the agent clients and removes what mount() added; call it in afterEach. */
export function cleanup(): void {
  for (const c of clients) c.disconnect()
  clients.clear()
  for (const el of mounted) el.remove()
  mounted.clear()
}

/** Resolves after the next animation frame (after Lit's pending render, usually). */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()))
}

/** Polls `predicate` until it returns a truthy value, and returns it; fails after `ms`. */
export async function waitFor<T>(predicate: () => T | Promise<T>, ms = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = performance.now() + ms
  let last: unknown
  for (;;) {
    try {
      const value = await predicate()
      if (value) return value as NonNullable<T>
      last = undefined
    } catch (e) {
      last = e
    }
    if (performance.now() > end) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : ''
      throw new Error(`timed out after ${ms} ms waiting for ${what}${why}`)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A file the page offered for download. */
export interface Download {
  /** The file name it was offered under. */
  name: string
  /** Its content. */
  text: () => Promise<string>
}

/**
 * Catches the next file the page offers for download (a click on an `<a download>`, as the
 * dashboard's saveBlob makes), stops the browser from saving it, and gives its name and content.
 */
export function nextDownload(ms = 10_000): Promise<Download> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      document.removeEventListener('click', onClick, true)
      reject(new Error(`no download within ${ms} ms`))
    }, ms)
    function onClick(e: MouseEvent): void {
      const a = e.composedPath()[0]
      if (!(a instanceof HTMLAnchorElement) || !a.hasAttribute('download')) return
      e.preventDefault()
      clearTimeout(timer)
      document.removeEventListener('click', onClick, true)
      const href = a.href
      resolve({ name: a.download, text: async () => (await fetch(href)).text() })
    }
    document.addEventListener('click', onClick, true)
  })
}

/** Throws `message` unless `value` is truthy. */
export function assert(value: unknown, message: string): asserts value {
  if (!value) throw new Error(message)
}

/**
 * Runs axe-core on `element` with its shadow root and fails with every violation listed (rule,
 * impact, help and the failing nodes). `options` go to axe.run (e.g. `{ rules: { x: { enabled: false } } }`).
 * An element in an iframe is checked by that page's axe (load /node_modules/axe-core/axe.min.js there).
 */
export async function axeCheck(element: Element, options: RunOptions = {}): Promise<void> {
  // Colours are only final once entrance animations (fades) have run.
  const running = [...document.getAnimations(), ...(element.shadowRoot?.getAnimations() ?? [])]
  await Promise.all(running.map((a) => a.finished.catch(() => undefined)))
  const axe = element.ownerDocument.defaultView?.axe
  if (!axe) throw new Error('axeCheck: axe-core is not loaded in the element’s page')
  const results = await axe.run(element, { resultTypes: ['violations'], ...options })
  if (results.violations.length === 0) return
  const lines = results.violations.map((v) => {
    const nodes = v.nodes.map((n) => `    ${n.target.join(' >>> ')}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
    return `  ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n${nodes.join('\n')}`
  })
  throw new Error(`axe found ${results.violations.length} accessibility violation(s) in <${element.localName}>:\n${lines.join('\n')}`)
}
