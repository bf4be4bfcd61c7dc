// The collision guard: two agents answering one visitor at once. A reply that names the last seq
// its agent saw (`unlessRepliedAfter`) is refused when someone else replied after it, decided under
// the conversation's lock, so of two sent at the same moment exactly one goes out; the other is
// told, sends nothing, and goes out only when sent again without the guard.
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient, type LiveChatError } from '@live-chat/sdk'
import { serverPerFile } from '../helpers.js'

const t = serverPerFile()

async function twoAgents() {
  const site = await t.s.fx.site()
  const [a, b] = await Promise.all([t.s.fx.agent(site.id, { name: 'Ada' }), t.s.fx.agent(site.id, { name: 'Bo' })])
  const ada = t.track(new AgentClient({ url: t.s.url, token: a.token }))
  const bo = t.track(new AgentClient({ url: t.s.url, token: b.token }))
  await Promise.all([ada.connect(site.id), bo.connect(site.id)])
  const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
  const { conversation, messages } = await visitor.startConversation({ message: 'Is anyone there?' })
  return { site, a, b, ada, bo, visitor, id: conversation.id, seen: messages[0]!.seq }
}

const code = (p: Promise<unknown>) => p.then(
  () => 'sent',
  (e: LiveChatError) => e.code,
)
const publicTexts = async (agent: AgentClient, id: string) => (await agent.messages(id, { after: 0 })).messages.filter((m) => !m.private && m.senderType !== 'system').map((m) => m.text)

describe('two agents answering at once', () => {
  it('the second reply is refused and not sent, then goes out when sent again without the guard', async () => {
    const { ada, bo, id, seen } = await twoAgents()
    expect(await code(ada.send(id, 'Hi! I can help.', { unlessRepliedAfter: seen }))).toBe('sent')
    const refused = await bo.send(id, 'Hello, how can I help?', { unlessRepliedAfter: seen }).catch((e: LiveChatError) => e)
    expect(refused).toMatchObject({ code: 'replied_meanwhile' })
    expect((refused as LiveChatError).message).toContain('Ada replied')
    expect(await publicTexts(ada, id)).toEqual(['Is anyone there?', 'Hi! I can help.'])
    // Sent again on purpose (the agent said yes), without the guard.
    expect(await code(bo.send(id, 'Hello, how can I help?'))).toBe('sent')
    expect(await publicTexts(ada, id)).toEqual(['Is anyone there?', 'Hi! I can help.', 'Hello, how can I help?'])
  })

  it('of two sent at the same moment exactly one goes out, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const { ada, bo, id, seen } = await twoAgents()
      const results = await Promise.all([code(ada.send(id, `Ada ${round}`, { unlessRepliedAfter: seen })), code(bo.send(id, `Bo ${round}`, { unlessRepliedAfter: seen }))])
      expect(results.sort()).toEqual(['replied_meanwhile', 'sent'])
      expect(await publicTexts(ada, id)).toHaveLength(2)
    }
  })

  it('does not stop: one’s own earlier replies, private notes (theirs or one’s own), the visitor writing, or an unsent reply', async () => {
    const { ada, bo, visitor, id, seen } = await twoAgents()
    const first = await ada.send(id, 'One moment', { unlessRepliedAfter: seen })
    expect(await code(ada.send(id, 'Found it', { unlessRepliedAfter: seen }))).toBe('sent') // her own
    const mark = (await ada.messages(id, { after: 0 })).messages.at(-1)!.seq
    await bo.send(id, 'I know this customer', { private: true })
    await visitor.send(id, 'Thanks!')
    expect(await code(ada.send(id, 'You are welcome', { unlessRepliedAfter: mark }))).toBe('sent')
    // A note is never stopped (it does not reach the visitor).
    expect(await code(bo.send(id, 'Ada has it', { private: true, unlessRepliedAfter: seen }))).toBe('sent')
    // A reply its sender took back does not count.
    await ada.unsendMessage(id, first.id)
    const all = (await ada.messages(id, { after: 0 })).messages
    await ada.unsendMessage(id, all.find((m) => m.text === 'Found it')!.id)
    await ada.unsendMessage(id, all.find((m) => m.text === 'You are welcome')!.id)
    expect(await code(bo.send(id, 'Anything else?', { unlessRepliedAfter: seen }))).toBe('sent')
  })

  it('works over REST too; a bad guard is invalid_payload; a resend of a stored reply is answered as stored', async () => {
    const { site, a, b, ada, id, seen } = await twoAgents()
    const post = (token: string, body: object) =>
      fetch(`${t.s.url}/api/sites/${site.id}/conversations/${id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const sent = await post(a.token, { clientId: 'client-ada-0001', text: 'Hi there', unlessRepliedAfter: seen })
    expect(sent.status, await sent.clone().text()).toBe(201)
    const again = await post(a.token, { clientId: 'client-ada-0001', text: 'Hi there', unlessRepliedAfter: seen })
    expect(again.status).toBeLessThan(300)
    const late = await post(b.token, { clientId: 'client-bo-0001', text: 'Hey', unlessRepliedAfter: seen })
    expect(late.status).toBe(409)
    expect(await late.json()).toMatchObject({ error: { code: 'replied_meanwhile' } })
    for (const bad of [-1, 1.5, 'x']) {
      const r = await post(b.token, { clientId: `client-bo-${String(bad)}-guard`, text: 'Hey', unlessRepliedAfter: bad })
      expect(r.status).toBe(400)
      expect(await r.json()).toMatchObject({ error: { code: 'invalid_payload' } })
    }
    expect(await publicTexts(ada, id)).toEqual(['Is anyone there?', 'Hi there'])
  })
})
