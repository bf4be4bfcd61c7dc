// From nothing to a first chat, as a new operator and their team do it, in headless Chromium
// (playwright-core on /usr/bin/chromium): the built server in production mode on an empty Postgres
// database prints a one-time setup link; the owner opens it and creates the workspace (agency,
// first site and its domain) and is shown the embed snippet; they invite an agent by email (a real
// SMTP server receives it); the agent opens the link, sets name and password and lands signed in;
// a visitor on a page carrying exactly that snippet chats with them. No SQL, no demo seed, no import
// of the server's code: only its process, HTTP, email and the browser.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium } from './chromium.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSmtp, type TestSmtp } from '../packages/server/test/smtp.js'
import { emptyDatabase } from '../packages/server/test/global-setup.js'
import { startProduction, type ProductionServer } from './production.js'


let db: Awaited<ReturnType<typeof emptyDatabase>>
let smtp: TestSmtp
let server: ProductionServer
let browser: Browser
let shop: http.Server
let shopOrigin: string
/** What the shop's pages carry: the snippet exactly as the dashboard showed it. */
let snippet = ''
const contexts: BrowserContext[] = []

beforeAll(async () => {
  db = await emptyDatabase('live_chat_onboarding')
  smtp = await startSmtp()
  // The customer's shop: its own origin (localhost; the chat server is 127.0.0.1).
  shop = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Trail shoes</h1>\n${snippet}\n</body></html>`)
  })
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve))
  shopOrigin = `http://localhost:${(shop.address() as AddressInfo).port}`
  server = await startProduction({ DATABASE_URL: db.url, SMTP_URL: smtp.url, MAIL_FROM: 'Live Chat <chat@example.test>' })
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await server?.stop()
  await new Promise((resolve) => shop?.close(resolve))
  await smtp?.close()
  await db?.drop()
})

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  contexts.push(context)
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  return page
}

describe('from an empty database to a first chat', () => {
  it('setup link → workspace → snippet → invitation by email → the agent signs in → a visitor chats with them', async () => {
    // 1. The setup link, from what the server printed at start.
    const setupLink = await server.setupLink()
    expect(setupLink.startsWith(`${server.url}/dashboard/#setup/`)).toBe(true)
    expect(server.output()).not.toMatch(/Demo (site|agent)/)
    // Production prints JSON lines only; the link is in its own line, never in a log record.
    const token = setupLink.split('#setup/')[1]!
    expect(server.jsonLines().filter((l) => JSON.stringify(l).includes(token)).map((l) => Object.keys(l).sort())).toEqual([['level', 'msg', 'service', 'setupUrl', 'time']])

    // 2. The owner creates the workspace and is shown the snippet.
    const owner = await newPage()
    await owner.goto(setupLink)
    await owner.getByLabel('Your name').fill('Olivia Owner')
    await owner.getByLabel('Email').fill('olivia@example.test')
    await owner.getByLabel('Password').fill('olivia-secret-password')
    await owner.getByLabel('Agency or company name').fill('Trail Agency')
    await owner.getByLabel('First site').fill('Trail Shoes')
    await owner.getByLabel('Its domains').fill(shopOrigin)
    await owner.getByRole('button', { name: 'Create workspace' }).click()
    await owner.getByRole('heading', { name: 'Your workspace is ready' }).waitFor({ timeout: 15_000 })
    // The link is spent and gone from the address bar.
    expect(owner.url()).not.toContain('#setup/')
    snippet = await owner.locator('textarea#snippet').inputValue()
    expect(snippet).toContain(`${server.url}/live-chat.js`)
    const siteId = /site-id="([0-9a-f-]{36})"/.exec(snippet)?.[1]
    expect(siteId).toBeTruthy()

    // 3. The owner invites an agent to the site by email.
    await owner.getByRole('button', { name: 'Go to the inbox' }).click()
    await owner.goto(`${server.url}/dashboard/#admin/team`)
    const invite = owner.getByRole('region', { name: 'Invite someone' })
    await invite.getByLabel('Email').fill('ann@example.test')
    await invite.getByRole('checkbox', { name: 'Trail Shoes' }).check()
    await invite.getByRole('button', { name: 'Send invitation' }).click()
    await owner.getByRole('region', { name: /Pending invitations/ }).getByText('ann@example.test').waitFor({ timeout: 15_000 })

    // 4. The email arrives; its link opens the invitation.
    const mail = await smtp.firstMailTo('ann@example.test', 'the invitation email')
    const inviteLink = /(http\S+\/dashboard\/#invite\/\S+)/.exec(mail.text ?? '')?.[1]
    expect(inviteLink).toBeTruthy()
    expect(mail.subject).toMatch(/Trail Agency/)

    // 5. The agent accepts: name and password, and lands signed in, in the inbox.
    const ann = await newPage()
    await ann.goto(inviteLink!)
    await ann.getByLabel('Your name').fill('Ann Agent')
    await ann.getByLabel(/password/i).first().fill('ann-secret-password-1')
    await ann.getByRole('button', { name: /Join Trail Agency/ }).click()
    await ann.getByRole('listbox', { name: 'Conversations' }).waitFor({ timeout: 15_000 })
    expect(ann.url()).not.toContain('#invite/')

    // The owner signs out, so the chat is routed to Ann, the only agent online.
    await owner.getByRole('button', { name: 'Sign out' }).click()
    await owner.getByRole('button', { name: 'Sign in' }).waitFor()

    // 6. A visitor on the shop's page, which carries the snippet, chats with Ann.
    const visitor = await newPage()
    await visitor.goto(`${shopOrigin}/product/42`)
    await visitor.locator('live-chat [part~="launcher"]').first().hover()
    await visitor.locator('live-chat-app [part~="launcher"]').click({ timeout: 15_000 })
    const input = visitor.locator('live-chat-app [part~="input"]')
    await input.fill('Hi! Do these come in size 44?')
    await input.press('Enter')

    const item = ann.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first()
    await expect.poll(async () => (await item.textContent()) ?? '', { timeout: 15_000 }).toContain('size 44')
    await item.click()
    const reply = ann.getByRole('combobox', { name: 'Reply' }).or(ann.getByRole('textbox', { name: 'Reply' }))
    await reply.fill('They do, in black and in blue.')
    await ann.getByRole('button', { name: 'Send' }).click()
    await visitor.locator('live-chat-app .msg:not(.own) .bubble', { hasText: 'They do, in black and in blue.' }).waitFor({ timeout: 15_000 })
    await visitor.locator('live-chat-app', { hasText: 'Ann Agent' }).waitFor()
  }, 180_000)
})
