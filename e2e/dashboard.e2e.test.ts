// End to end, in headless Chromium (playwright-core driving /usr/bin/chromium) against the real
// server and its built assets: a visitor on a shop's page (another origin) chats through the
// CDN widget; agent Ann answers in the dashboard with a canned response inserted by its
// shortcut, transfers the chat to agent Ben, who resolves it, and the visitor rates it. The
// database is then checked for exactly what happened: each message stored once, the transfer
// and the resolution recorded, the rating kept, the canned response counted.
//
// Needs `npm run build` (the widget's CDN build and the dashboard page); `npm run test:e2e`
// runs after the browser tests, which build. A second test has two agents press Send at the same
// moment: one reply goes out, the other agent is asked (the collision guard).
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium } from './chromium.js'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { openDatabase, type Database } from '../packages/server/src/shared/db/index.js'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../packages/server/test/helpers.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const widgetDir = path.join(root, 'packages/widget/cdn')
const dashboardDir = path.join(root, 'packages/dashboard/public')

let shop: http.Server
let shopUrl: string
let db: Database
let s: TestServer
let browser: Browser
let site: SiteFixture
let ann: AgentFixture
let ben: AgentFixture
const contexts: BrowserContext[] = []

beforeAll(async () => {
  for (const f of [path.join(widgetDir, 'live-chat.js'), path.join(dashboardDir, 'assets/dashboard.js')]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(root, f)} is missing: run \`npm run build\` first`)
  }
  db = await openDatabase({ url: inject('databaseUrl'), migrate: false, poolSize: 5 })
  s = await startServer({ db, widgetDir, dashboardDir })
  site = await s.fx.site()
  ann = await s.fx.agent(site.id, { role: 'admin', name: 'Ann Agent' })
  ben = await s.fx.agent(site.id, { role: 'agent', name: 'Ben Backup' })
  browser = await launchChromium()
  // The shop: its own server and origin (localhost, where the chat server is 127.0.0.1), with
  // the two lines a site owner pastes.
  shop = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Trail shoes</h1>
      <script src="${s.url}/live-chat.js" async></script>
      <live-chat site-id="${site.id}"></live-chat></body></html>`)
  })
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve))
  shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await new Promise((resolve) => shop?.close(resolve))
  await s?.close()
  await db?.close()
})

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  contexts.push(context)
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  return page
}

/** A visitor on the shop's product page. */
async function visitorPage(): Promise<Page> {
  const page = await newPage()
  await page.goto(`${shopUrl}/product/42`)
  return page
}

/** An agent's dashboard tab, signed in through the form. */
async function agentPage(agent: AgentFixture): Promise<Page> {
  const page = await newPage()
  await page.goto(`${s.url}/dashboard/`)
  await page.getByLabel('Email').fill(agent.email)
  await page.getByLabel('Password').fill(agent.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('listbox', { name: 'Conversations' }).waitFor()
  return page
}

async function conversationRow(siteId: string) {
  return db.inSite(siteId, (tx) => tx.conversation.findFirstOrThrow({ where: { siteId }, orderBy: { createdAt: 'desc' } }))
}

describe('visitor ↔ agents through the widget and the dashboard', () => {
  it('canned reply by shortcut, transfer, resolve, rating: every step stored once', async () => {
    // A canned response with a variable and a fallback, made through the API as an admin would.
    const api = new AgentClient({ url: s.url })
    await api.login(ann.email, ann.password)
    api.useSite(site.id)
    const canned = await api.cannedResponses.create({
      title: 'Greeting',
      shortcut: 'greet',
      content: 'Hi {{visitor.name | there}}, this is {{agent.name}}. How can I help?',
    })

    // Ann signs in (and so comes online); the widget then shows the team as available.
    const annPage = await agentPage(ann)
    const visitor = await visitorPage()
    // The loader's shell fetches the full widget on idle or interaction, then the real launcher
    // (inside <live-chat-app>) takes over.
    await visitor.locator('live-chat [part~="launcher"]').first().hover()
    await visitor.locator('live-chat-app [part~="launcher"]').click({ timeout: 15_000 })
    const input = visitor.locator('live-chat-app [part~="input"]')
    await input.fill('Hello, where is my order #1234?')
    await input.press('Enter')

    // Ann sees the new conversation and opens it.
    const list = annPage.getByRole('listbox', { name: 'Conversations' })
    const item = list.getByRole('option').first()
    await expect.poll(async () => (await item.textContent()) ?? '', { timeout: 15_000 }).toContain('where is my order')
    await item.click()
    await annPage.getByText('Hello, where is my order #1234?').first().waitFor()

    // The canned response by its shortcut: "/gre" filters the picker, Enter inserts it filled.
    const reply = annPage.getByRole('combobox', { name: 'Reply' }).or(annPage.getByRole('textbox', { name: 'Reply' }))
    await reply.click()
    await reply.pressSequentially('/gre')
    const picker = annPage.getByRole('listbox', { name: 'Canned responses' })
    await picker.getByRole('option', { name: /greet/ }).waitFor()
    await reply.press('Enter')
    const filled = 'Hi there, this is Ann Agent. How can I help?'
    await expect.poll(() => reply.inputValue()).toBe(filled)
    await annPage.getByRole('button', { name: 'Send' }).click()

    // The visitor receives it.
    await visitor.locator('live-chat-app .msg:not(.own) .bubble', { hasText: filled }).waitFor({ timeout: 15_000 })

    // Ben signs in; Ann transfers the chat to him.
    const benPage = await agentPage(ben)
    await expect.poll(async () => (await conversationRow(site.id)).assignedAgentId, { timeout: 10_000 }).toBe(ann.id)
    const assignTo = annPage.getByRole('combobox', { name: 'Assign to' })
    const benOption = await assignTo.locator('option', { hasText: 'Ben Backup' }).getAttribute('value')
    await assignTo.selectOption(benOption!)
    await expect.poll(async () => (await conversationRow(site.id)).assignedAgentId, { timeout: 10_000 }).toBe(ben.id)

    // Ben finds it among his conversations and resolves it.
    await benPage.getByRole('tab', { name: /Mine/ }).or(benPage.getByRole('button', { name: /Mine/ })).first().click()
    const benItem = benPage.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first()
    // The list previews the last thing a person wrote (Ann's reply); the transfer shows in the timeline.
    await expect.poll(async () => (await benItem.textContent()) ?? '', { timeout: 15_000 }).toContain('How can I help?')
    await benItem.click()
    await benPage.getByText(filled).first().waitFor()
    await benPage.getByText(/Transferred from Ann Agent to Ben Backup/i).first().waitFor()
    await benPage.getByRole('button', { name: 'Resolve', exact: true }).click()
    await expect.poll(async () => (await conversationRow(site.id)).status, { timeout: 10_000 }).toBe('resolved')

    // The visitor rates it.
    await visitor.locator('live-chat-app [role="radio"][aria-label="5 of 5"]').click({ timeout: 15_000 })
    await visitor.locator('live-chat-app textarea[name="comment"]').fill('Quick and kind, thanks!')
    await visitor.locator('live-chat-app button.primary', { hasText: 'Send rating' }).click()
    await visitor.locator('live-chat-app', { hasText: 'Thank you for your feedback!' }).waitFor()

    // What the database holds: the whole story, each message once.
    const conv = await conversationRow(site.id)
    expect(conv).toMatchObject({ status: 'resolved', assignedAgentId: ben.id, rating: 5, ratingFeedback: 'Quick and kind, thanks!' })
    const messages = await db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId: conv.id }, orderBy: { seq: 'asc' } }))
    const texts = messages.filter((m) => m.senderType !== 'system').map((m) => `${m.senderType}: ${m.content}`)
    expect(texts).toEqual([`visitor: Hello, where is my order #1234?`, `agent: ${filled}`])
    const events = messages.filter((m) => m.senderType === 'system').map((m) => (m.metadata as { event?: string } | null)?.event)
    expect(events).toEqual(expect.arrayContaining(['assigned', 'transferred', 'resolved']))
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1))
    const used = (await api.cannedResponses.list()).find((c) => c.id === canned.id)
    expect(used?.usageCount).toBe(1)
    api.disconnect()
  }, 120_000)

  it('two agents answer one visitor at the same moment: one reply goes out, the other agent is asked, nothing doubles unasked', async () => {
    const annPage = await agentPage(ann)
    const benPage = await agentPage(ben)
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    const { conversation } = await visitor.startConversation({ fields: { name: 'Cleo' }, message: 'Can I return shoes I wore once?' })
    const replies = async () =>
      (await db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId: conversation.id, senderType: 'agent', isPrivate: false }, orderBy: { seq: 'asc' } }))).map(
        (m) => m.content,
      )
    try {
      for (const page of [annPage, benPage]) {
        await page.goto(`${s.url}/dashboard/#inbox/${conversation.id}`)
        await page.getByText('Can I return shoes I wore once?').first().waitFor()
      }
      // Each sees the other here.
      await benPage.getByText('Ann Agent is viewing this conversation').waitFor()
      await annPage.getByText('Ben Backup is viewing this conversation').waitFor()
      const box = (page: Page) => page.getByRole('combobox', { name: 'Reply' }).or(page.getByRole('textbox', { name: 'Reply' }))
      // Both write; each sees the other writing.
      await box(annPage).pressSequentially('Yes, within 30 days.')
      await benPage.getByText('Ann Agent is also writing a reply').waitFor()
      await box(benPage).pressSequentially('Sorry, worn shoes cannot be returned.')
      await annPage.getByText('Ben Backup is also writing a reply').waitFor()
      // Both press Send at once.
      await Promise.all([annPage.getByRole('button', { name: 'Send', exact: true }).click(), benPage.getByRole('button', { name: 'Send', exact: true }).click()])
      await expect.poll(replies, { timeout: 5_000 }).toHaveLength(1)
      const [first] = await replies()
      const [askedPage, other] = first === 'Yes, within 30 days.' ? [benPage, 'Sorry, worn shoes cannot be returned.'] : [annPage, 'Yes, within 30 days.']
      await askedPage.getByText(`replied while you were writing: “${first}”`).waitFor()
      // A moment later still one: the refused reply waits for its agent.
      await new Promise((r) => setTimeout(r, 1_000))
      expect(await replies()).toEqual([first])
      // That agent sends it after all.
      await askedPage.getByRole('button', { name: 'Send anyway' }).click()
      await expect.poll(replies, { timeout: 10_000 }).toEqual([first, other])
    } finally {
      visitor.disconnect()
    }
  }, 120_000)
})
