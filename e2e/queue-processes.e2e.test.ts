// The queue in a real browser over two real server processes sharing Postgres and Redis (issue 17,
// "queue position updates across two server processes"): the built widget on a host page talks
// to process one and waits in line as number 2; an agent on process two answers the conversation
// ahead; the widget's header says number 1, with the estimate, without a reload.
//
// Needs `npm run build` (the widget's CDN build, served by the processes).
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { launchChromium } from './chromium.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { eventually, startServer, type TestServer } from '../packages/server/test/helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../packages/server/test/processes.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

let fixtures: TestServer
let one: ServerProcess
let two: ServerProcess
let browser: Browser
let shop: http.Server
const clients: { disconnect(): unknown }[] = []

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'packages/widget/cdn/live-chat.js'))) throw new Error('packages/widget/cdn is missing: run `npm run build` first')
  ;[fixtures, one, two, browser] = await Promise.all([startServer(), startProcess(), startProcess(), launchChromium()])
}, 120_000)

afterAll(async () => {
  for (const c of clients) c.disconnect()
  await browser?.close()
  await new Promise((resolve) => (shop ? shop.close(resolve) : resolve(undefined)))
  await Promise.all([stopProcess(one), stopProcess(two)])
  await fixtures?.close()
})

/** A host page on its own origin embedding the widget from `server`. */
async function hostPage(server: string, siteId: string): Promise<string> {
  shop = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1>
      <script src="${server}/live-chat.js" async></script>
      <live-chat site-id="${siteId}"></live-chat></body></html>`)
  })
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve))
  return `http://localhost:${(shop.address() as AddressInfo).port}`
}

describe('the queue in the widget, across two server processes', () => {
  it('waiting as number 2 on process one, the widget shows number 1 and the new estimate when an agent on process two answers the chat ahead', async () => {
    const s = fixtures
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id, { capacity: 1 })
    const visitor = (url: string) => {
      const c = new LiveChatClient({ url, siteId: site.id, storage: 'memory' })
      clients.push(c)
      return c
    }

    // History for the estimate (written through the in-test server before either process reads
    // it): six chats, each held 6 minutes from assignment to resolve.
    const seeding = new AgentClient({ url: s.url, token: a.token })
    clients.push(seeding)
    await seeding.connect(site.id)
    await eventually(async () => (await seeding.agents.list()).find((x) => x.id === a.id)?.online, 5_000, 'agent online')
    for (let i = 0; i < 6; i++) {
      const { conversation } = await visitor(s.url).startConversation({ message: `past ${i}` })
      await seeding.conversations.resolve(conversation.id)
      await s.db.inSite(site.id, async (tx) => {
        await tx.$executeRaw`UPDATE mod_chat_messages SET created_at = now() - interval '10 minutes' WHERE conversation_id = ${conversation.id}::uuid AND metadata->>'event' = 'assigned'`
        await tx.$executeRaw`UPDATE mod_chat_conversations SET resolved_at = now() - interval '4 minutes' WHERE id = ${conversation.id}::uuid`
      })
    }
    seeding.disconnect()

    // The agent works on process two; its one slot is taken, one visitor waits (both on process one).
    const agent = new AgentClient({ url: two.url, token: a.token })
    clients.push(agent)
    await agent.connect(site.id)
    const busy = visitor(one.url)
    await eventually(async () => (await busy.connect(), busy.online), 10_000, 'the agent online, as process one sees it')
    expect((await busy.startConversation({ message: 'served' })).conversation.status).toBe('active')
    const ahead = visitor(one.url)
    const waiting = await ahead.startConversation({ message: 'ahead' })
    expect(waiting.conversation.status).toBe('pending')

    // The widget, from process one, on a host page: the visitor writes and waits as number 2.
    const page = await browser.newPage()
    try {
      await page.goto(await hostPage(one.url, site.id))
      await page.locator('live-chat [part~="launcher"]').first().hover().catch(() => {})
      await page.locator('live-chat-app [part~="launcher"]').click()
      const input = page.locator('live-chat-app [part~="input"]')
      await input.fill('Is anyone there?')
      await input.press('Enter')
      const status = page.locator('live-chat-app [part~="header"] .status')
      // A slot frees every 360 s (one slot): number 2 waits about 12 min, number 1 about 6.
      await status.filter({ hasText: 'You are number 2 in line · about 12 min' }).waitFor({ timeout: 15_000 })
      await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true))

      // The agent, on process two, answers the conversation ahead: it no longer waits.
      await agent.send(waiting.conversation.id, 'Hi! Looking at it now.')
      await status.filter({ hasText: 'You are number 1 in line · about 6 min' }).waitFor({ timeout: 15_000 })
      expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true)
    } finally {
      await page.close()
    }
  })
})
