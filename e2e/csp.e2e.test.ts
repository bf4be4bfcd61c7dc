// The dashboard under its real Content Security Policy (shared/security.ts), as the server sends
// it, in headless Chromium: signing in, the inbox with a live conversation (REST and the Socket.io
// WebSocket), canned responses, settings with the widget preview, analytics; no violation is
// reported anywhere (a blocked script, style, image or connection would be), and the WebSocket
// really is the transport. Also the widget on another site's page, which has no policy of ours,
// and <live-chat-dashboard> in a platform's own admin on another origin, under the policy the
// README tells platforms to set.
//
// Needs `npm run build` (the dashboard page and the widget's CDN build).
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './chromium.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveChatClient } from '@live-chat/sdk'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../packages/server/test/helpers.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const widgetDir = path.join(root, 'packages/widget/cdn')
const dashboardDir = path.join(root, 'packages/dashboard/public')

let s: TestServer
let browser: Browser
let site: SiteFixture
let ann: AgentFixture
let shop: http.Server
let shopUrl: string
let platform: http.Server
let platformUrl: string
/** What the platform's backend puts into the element: a token from POST /api/auth/login. */
let platformToken: string | null = null

beforeAll(async () => {
  for (const f of [path.join(widgetDir, 'live-chat.js'), path.join(dashboardDir, 'assets/dashboard.js')]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(root, f)} is missing: run \`npm run build\` first`)
  }
  s = await startServer({ widgetDir, dashboardDir })
  site = await s.fx.site()
  ann = await s.fx.agent(site.id, { role: 'admin', name: 'Ann Agent' })
  // Ann owns the site's agency, so the Admin pages are hers to show too.
  await s.db.prisma.user.update({ where: { id: ann.userId }, data: { agencyId: site.agencyId, agencyRole: 'owner' } })
  browser = await launchChromium()
  shop = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body>
      <script src="${s.url}/live-chat.js" async></script>
      <live-chat site-id="${site.id}"></live-chat></body></html>`)
  })
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve))
  shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}`
  // A platform's admin (another origin) with a strict policy of its own: the README's lines for
  // embedding the dashboard, and nothing else from our server.
  platform = http.createServer((_req, res) => {
    const ws = s.url.replace(/^http/, 'ws')
    res.setHeader(
      'content-security-policy',
      `default-src 'self'; script-src 'self' ${s.url}; connect-src 'self' ${s.url} ${ws}; img-src 'self' data: ${s.url}; style-src 'self'`,
    )
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="en"><head><title>Agency admin</title></head><body>
      <h1>Support</h1>
      <script type="module" src="${s.url}/dashboard/assets/dashboard.js"></script>
      <live-chat-dashboard server="${s.url}" site-id="${site.id}"${platformToken ? ` token="${platformToken}"` : ''}></live-chat-dashboard>
      </body></html>`)
  })
  await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve))
  platformUrl = `http://localhost:${(platform.address() as AddressInfo).port}`
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => shop?.close(resolve))
  await new Promise((resolve) => platform?.close(resolve))
  await s?.close()
})

interface Violation {
  directive: string
  blocked: string
  sample: string
}

/** A page that records every CSP violation (the event is composed: it reaches the document from shadow roots). */
async function watchedPage(): Promise<{ page: Page; violations: () => Promise<Violation[]>; sockets: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  await page.addInitScript(() => {
    const seen: unknown[] = ((window as unknown as { __csp: unknown[] }).__csp = [])
    document.addEventListener(
      'securitypolicyviolation',
      (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample }),
      true,
    )
  })
  const sockets: string[] = []
  page.on('websocket', (ws) => sockets.push(ws.url()))
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  return { page, violations: () => page.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp), sockets }
}

describe('the dashboard under its Content Security Policy', () => {
  it('signs in, chats live over a WebSocket and shows every page without a single violation', async () => {
    const { page, violations, sockets } = await watchedPage()
    const response = await page.goto(`${s.url}/dashboard/`)
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.getByLabel('Email').fill(ann.email)
    await page.getByLabel('Password').fill(ann.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor()

    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    try {
      await visitor.connect()
      const { conversation } = await visitor.startConversation({ fields: { name: 'Vera' }, message: 'Hello under CSP' })
      const item = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first()
      await expect.poll(async () => (await item.textContent()) ?? '', { timeout: 15_000 }).toContain('Hello under CSP')
      await item.click()
      await page.getByText('Hello under CSP').first().waitFor()
      // A live message reaches the open conversation.
      await visitor.send(conversation.id, 'Still there?')
      await page.getByText('Still there?').first().waitFor({ timeout: 15_000 })
    } finally {
      visitor.disconnect()
    }
    expect(sockets.some((u) => u.startsWith(s.url.replace(/^http/, 'ws')) && u.includes('/socket.io/'))).toBe(true)

    // Every page, drawn: canned responses, settings (with the widget preview in the site's
    // colour), analytics (chart.js on a canvas), the Admin pages (sites, a site, team and
    // invitations, API keys, the audit log), your account, and back to the inbox.
    for (const [hash, shown] of [
      ['#canned', 'lcd-canned-responses'],
      ['#settings', 'lcd-widget-preview figure'],
      ['#analytics', 'lcd-analytics canvas'],
      ['#admin/sites', 'lcd-admin-sites table'],
      [`#admin/sites/${site.id}`, 'lcd-settings-embed textarea'],
      ['#admin/team', 'lcd-invitations form'],
      ['#admin/api-keys', 'lcd-admin-api-keys form'],
      ['#admin/audit', 'lcd-admin-audit table'],
      ['#account', 'lcd-account form'],
      ['#inbox', 'lcd-inbox'],
    ] as const) {
      await page.evaluate((h) => (location.hash = h), hash)
      await page.locator(shown).first().waitFor({ timeout: 15_000 })
    }
    expect(await violations()).toEqual([])
    // The watcher does see what the policy refuses: an inline style attribute, an inline script.
    await page.evaluate(() => {
      document.body.setAttribute('style', 'outline: 1px solid red')
      document.body.append(Object.assign(document.createElement('script'), { textContent: 'window.__ran = 1' }))
    })
    await expect.poll(async () => (await violations()).map((v) => v.directive).sort()).toEqual(['script-src-elem', 'style-src-attr'])
    expect(await page.evaluate(() => (window as unknown as { __ran?: number }).__ran)).toBeUndefined()
  }, 90_000)
})

describe('the widget on another site’s page', () => {
  it('loads across origins and chats, with no violation and no blocked resource', async () => {
    const { page, violations } = await watchedPage()
    const failed: string[] = []
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`))
    await page.goto(`${shopUrl}/`)
    await page.locator('live-chat [part~="launcher"]').first().hover()
    await page.locator('live-chat-app [part~="launcher"]').click({ timeout: 15_000 })
    const input = page.locator('live-chat-app [part~="input"]')
    await input.fill('Hello from the shop')
    await input.press('Enter')
    await page.locator('live-chat-app .msg.own .bubble', { hasText: 'Hello from the shop' }).waitFor({ timeout: 15_000 })
    expect(failed).toEqual([])
    expect(await violations()).toEqual([])
  }, 60_000)
})

describe('<live-chat-dashboard> in a platform’s admin on another origin', () => {
  it('loads its scripts across origins, signs in, and answers a visitor live, with no violation', async () => {
    const { page, violations, sockets } = await watchedPage()
    const failed: string[] = []
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`))
    const errors: string[] = []
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))

    // Without a token the element shows its own sign-in form, and signing in works from here.
    await page.goto(`${platformUrl}/support`)
    await page.getByLabel('Email').fill(ann.email)
    await page.getByLabel('Password').fill(ann.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor({ timeout: 15_000 })

    // With the token the platform's backend got for its agent, it opens straight on the inbox.
    const login = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ann.email, password: ann.password }),
    })
    platformToken = ((await login.json()) as { token: string }).token
    await page.goto(`${platformUrl}/support`)
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor({ timeout: 15_000 })
    expect(await page.getByLabel('Password').count()).toBe(0)

    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    try {
      await visitor.connect()
      await visitor.startConversation({ fields: { name: 'Piet' }, message: 'Hello from a client site' })
      const item = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: /Hello from a client site/ })
      await item.waitFor({ timeout: 15_000 })
      await item.click()
      const answered = new Promise<string>((resolve) => visitor.on('message', (m) => m.senderType === 'agent' && resolve(m.text ?? '')))
      const reply = page.getByRole('combobox', { name: 'Reply' }).or(page.getByRole('textbox', { name: 'Reply' }))
      await reply.fill('Answered from the agency admin')
      await page.getByRole('button', { name: 'Send' }).click()
      expect(await answered).toBe('Answered from the agency admin')
    } finally {
      visitor.disconnect()
    }
    expect(sockets.some((u) => u.startsWith(s.url.replace(/^http/, 'ws')) && u.includes('/socket.io/'))).toBe(true)
    expect(failed).toEqual([])
    expect(errors).toEqual([])
    expect(await violations()).toEqual([])
  }, 90_000)
})
