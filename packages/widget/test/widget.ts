// Widget-specific test helpers: mount a <live-chat> for a test site and drive it like a visitor.
import type { AgentClient, ConversationSummary } from '@live-chat/sdk'
import type { LiveChat } from '../src/live-chat.js'
import '../src/index.js'
import { mount, nextFrame, waitFor, type TestSite } from '../../../test/browser/helpers.js'

/** A `<live-chat>` for `site`, added to the page (removed by cleanup()), ready (config loaded). */
export async function mountWidget(site: TestSite, attrs: Record<string, string> = {}): Promise<LiveChat> {
  const el = document.createElement('live-chat')
  el.setAttribute('site-id', site.siteId)
  el.setAttribute('server', site.url)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  const ready = new Promise((resolve) => el.addEventListener('lc-ready', resolve, { once: true }))
  mount(el)
  await ready
  await el.updateComplete
  return el
}

/** The first element matching `selector` in the widget's shadow root, waiting for it to appear. */
export function find<T extends Element = HTMLElement>(el: Element, selector: string, ms = 5_000): Promise<T> {
  return waitFor(() => (el.shadowRoot?.querySelector<T>(selector) ?? null) as T | null, ms, `${selector} in <${el.localName}>`)
}

/** Every element matching `selector` in the widget's shadow root, now. */
export function all<T extends Element = HTMLElement>(el: Element, selector: string): T[] {
  return [...(el.shadowRoot?.querySelectorAll<T>(selector) ?? [])]
}

/** Opens the window (through the launcher, as a visitor would). */
export async function openWindow(el: LiveChat): Promise<void> {
  if (!el.isOpen) (await find(el, '[part~="launcher"]')).click()
  const win = await find(el, '[part~="window"]')
  // Let the entrance animation finish, so positions and colours are final.
  await Promise.all(win.getAnimations().map((a) => a.finished.catch(() => undefined)))
}

/** Types `text` in the composer and presses Enter. */
export async function typeAndSend(el: LiveChat, text: string): Promise<void> {
  const input = await find<HTMLTextAreaElement>(el, '[part~="input"]')
  input.value = text
  input.dispatchEvent(new Event('input'))
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
  await nextFrame()
}

/** The texts of the message bubbles shown, in order. */
export function bubbles(el: Element): string[] {
  return all(el, '[part~="message"] .bubble').map((b) => b.textContent?.trim() ?? '')
}

/** Waits until a bubble with exactly `text` is shown. */
export function waitForBubble(el: Element, text: string, ms = 5_000): Promise<true> {
  return waitFor(() => bubbles(el).includes(text) || null, ms, `a message "${text}" (shown: ${JSON.stringify(bubbles(el))})`) as Promise<true>
}

/** HMAC-SHA256(secret, userId) as hex: what the host site's server would compute. */
export async function identityHash(secret: string, userId: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(userId))
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Waits until the widget shows conversation `id` (the visitor's "start" was acknowledged): the
 * agent side hears of a new conversation before the visitor's own call returns.
 */
export function showing(el: LiveChat, id: string): Promise<true> {
  return waitFor(() => el._conv?.id === id || null, 5_000, `the widget to show conversation ${id}`) as Promise<true>
}

/** The conversation the agent side sees first (created by the visitor's first message). */
export function nextConversation(agent: AgentClient): Promise<ConversationSummary> {
  return new Promise((resolve) => {
    const off = agent.on('conversation:created', (c) => {
      off()
      resolve(c)
    })
  })
}

/** A widget for `site` whose visitor opened the chat and started a conversation with `text`. */
export async function startChat(site: TestSite, agent: AgentClient, text: string): Promise<{ el: LiveChat; conv: ConversationSummary }> {
  const el = await mountWidget(site)
  await openWindow(el)
  const created = nextConversation(agent)
  await typeAndSend(el, text)
  const conv = await created
  await showing(el, conv.id)
  return { el, conv }
}
