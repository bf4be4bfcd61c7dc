// What agents see of a visitor's past: their earlier conversations (the list's visitorId filter)
// and the last pages they saw (VisitorDetail.pages).
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient, LiveChatError } from '@live-chat/sdk'
import { eventually, serverPerFile } from '../helpers.js'

const t = serverPerFile()

async function agentOn(siteId: string): Promise<AgentClient> {
  const a = await t.s.fx.agent(siteId)
  const client = t.track(new AgentClient({ url: t.s.url, token: a.token }))
  await client.connect(siteId)
  return client
}

function visitorOn(siteId: string): LiveChatClient {
  return t.track(new LiveChatClient({ url: t.s.url, siteId, storage: 'memory' }))
}

describe('conversations.list with visitorId', () => {
  it("lists only that visitor's conversations, newest first, and nothing for another site's agent", async () => {
    const site = await t.s.fx.site()
    const other = await t.s.fx.site()
    const agent = await agentOn(site.id)
    const stranger = await agentOn(other.id)
    const ada = visitorOn(site.id)
    const bob = visitorOn(site.id)
    await ada.connect()
    await bob.connect()
    const first = (await ada.startConversation({ fields: { name: 'Ada' }, message: 'First visit' })).conversation
    await agent.conversations.resolve(first.id)
    const second = (await ada.startConversation({ message: 'Back again' })).conversation
    await bob.startConversation({ fields: { name: 'Bob' }, message: 'Hello' })
    expect(second.id).not.toBe(first.id)

    const visitorId = ada.visitor!.id
    const page = await agent.conversations.list({ visitorId })
    expect(page.items.map((c) => c.id)).toEqual([second.id, first.id])
    expect(page.items.every((c) => c.visitor.id === visitorId)).toBe(true)
    // Combines with the other filters.
    expect((await agent.conversations.list({ visitorId, status: 'resolved' })).items.map((c) => c.id)).toEqual([first.id])
    // Row-level security and site scoping: another site's agent sees none of them.
    expect((await stranger.conversations.list({ visitorId })).items).toEqual([])
  })

  it('refuses a visitorId that is not a UUID', async () => {
    const site = await t.s.fx.site()
    const agent = await agentOn(site.id)
    const error = await agent.conversations.list({ visitorId: 'not-a-uuid' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LiveChatError)
    expect((error as LiveChatError).code).toBe('invalid_payload')
  })
})

describe('VisitorDetail.pages', () => {
  it('keeps the pages a visitor saw, oldest first, a reload once, from before and after the session', async () => {
    const site = await t.s.fx.site()
    const agent = await agentOn(site.id)
    const visitor = visitorOn(site.id)
    await visitor.connect()
    // Reported before the visitor acts: kept by the SDK and sent with the session.
    await visitor.visitPage('https://shop.test/', 'Home')
    const { conversation } = await visitor.startConversation({ message: 'Hi' })
    await visitor.visitPage('https://shop.test/pricing', 'Pricing')
    await visitor.visitPage('https://shop.test/checkout', 'Checkout')
    await visitor.visitPage('https://shop.test/checkout', 'Checkout (reloaded)')

    const pages = (await eventually(async () => {
      const { pages } = (await agent.conversations.get(conversation.id)).visitor
      return pages.length === 3 && pages.at(-1)?.title === 'Checkout (reloaded)' ? pages : undefined
    }, 5_000, 'three pages'))!
    expect(pages.map((p) => [p.url, p.title])).toEqual([
      ['https://shop.test/', 'Home'],
      ['https://shop.test/pricing', 'Pricing'],
      ['https://shop.test/checkout', 'Checkout (reloaded)'],
    ])
    for (const p of pages) expect(Number.isNaN(Date.parse(p.at))).toBe(false)
    expect(Date.parse(pages[0]!.at)).toBeLessThanOrEqual(Date.parse(pages[2]!.at))
    // The list shows the same visitor detail.
    const listed = (await agent.conversations.list({ visitorId: visitor.visitor!.id })).items[0]!
    expect(listed.visitor.pages.map((p) => p.url)).toEqual(pages.map((p) => p.url))
  })

  it('keeps only the last 20 pages', async () => {
    const site = await t.s.fx.site()
    const agent = await agentOn(site.id)
    const visitor = visitorOn(site.id)
    await visitor.connect()
    const { conversation } = await visitor.startConversation({ message: 'Hi' })
    for (let i = 1; i <= 25; i++) await visitor.visitPage(`https://shop.test/p/${i}`, `Page ${i}`)
    const { pages } = (await agent.conversations.get(conversation.id)).visitor
    expect(pages).toHaveLength(20)
    expect(pages[0]!.url).toBe('https://shop.test/p/6')
    expect(pages.at(-1)!.url).toBe('https://shop.test/p/25')
  })
})
