// Acting with a key on a site: a key is an admin that is no agent (NO_AGENT). Its messages are
// sent as the agent named by `agentId` and go through the agents' own path (stored, sent to the
// visitor's and agents' sockets, webhooks queued); what only an agent has ("mine", sending as
// itself) is refused or says nobody.
import crypto from 'node:crypto'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary, Message } from '@live-chat/protocol'
import { NO_AGENT } from '../../src/shared/context.js'
import { eventually, serverPerFile, waitFor } from '../helpers.js'
import { agency, apiKey, bearer } from './fixtures.js'

const t = serverPerFile()
const api = () => request(t.s.url)

function expectError(res: request.Response, status: number, code: string, message?: RegExp): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status, body: { error: { code, message: message ?? expect.stringMatching(/\S/) } } })
}

/** An agency site with an agent (online through its socket), a visitor with a conversation, and a key. */
async function world() {
  const a = await agency(t.s)
  const ada = await t.s.fx.agent(a.site.id, { name: 'Ada', capacity: 0 })
  const key = await apiKey(t.s, a.id, { scopes: ['conversations:read', 'conversations:write', 'messages:write', 'agents:read', 'agents:write'] })
  const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: a.site.id, storage: 'memory' }))
  await visitor.connect()
  const { conversation } = await visitor.startConversation({ message: 'Hello?' })
  const agent = t.track(new AgentClient({ url: t.s.url, token: ada.token }))
  await agent.connect(a.site.id)
  return { a, ada, key, visitor, agent, conv: conversation.id }
}

const post = (siteId: string, conv: string, token: string, body: object) => api().post(`/api/sites/${siteId}/conversations/${conv}/messages`).set(bearer(token)).send(body)
const cid = () => `c-${crypto.randomBytes(6).toString('hex')}`

describe('POST …/conversations/:id/messages with a key', () => {
  it("sends as the named agent, exactly as that agent's own message: stored, on the visitor's and agents' sockets, webhooks queued", async () => {
    const { a, ada, key, visitor, agent, conv } = await world()
    const hook = await t.s.db.inSite(a.site.id, (tx) => tx.webhook.create({ data: { siteId: a.site.id, url: 'http://127.0.0.1:9/hook', events: ['message.created'], active: true, secret: 'x'.repeat(32) } }))
    const visitorGets = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'From the platform')
    const agentGets = waitFor<Message>((fn) => agent.on('message', fn), (m) => m.text === 'From the platform')
    const res = await post(a.site.id, conv, key.secret, { clientId: cid(), text: 'From the platform', agentId: ada.id.toUpperCase() })
    expect(res.status, res.text).toBe(201)
    const sent = res.body as Message
    expect(sent).toMatchObject({ conversationId: conv, senderType: 'agent', senderId: ada.id, senderName: 'Ada', private: false, text: 'From the platform' })
    expect(await visitorGets).toEqual(sent)
    expect(await agentGets).toEqual(sent)
    // The same as the agent's own reply over REST, but for its id, seq, clientId and time.
    const own = await post(a.site.id, conv, ada.token, { clientId: cid(), text: 'From Ada herself' })
    expect(own.status).toBe(201)
    const shape = (m: Message) => ({ ...m, id: 0, seq: 0, clientId: 0, createdAt: 0, text: 0 })
    expect(shape(sent)).toEqual(shape(own.body as Message))
    const stored = await t.s.db.inSite(a.site.id, (tx) => tx.message.findUniqueOrThrow({ where: { id: sent.id } }))
    expect(stored).toMatchObject({ senderType: 'agent', senderId: ada.id, senderName: 'Ada', content: 'From the platform' })
    // Queued by the outbox's dispatcher, right after the commit.
    const deliveries = await eventually(async () => {
      const rows = await t.s.db.inSite(a.site.id, (tx) => tx.webhookDelivery.findMany({ where: { webhookId: hook.id, event: 'message.created' } }))
      return rows.length >= 2 ? rows : null
    }, 5_000, 'the deliveries')
    if (!deliveries) throw new Error('unreachable')
    expect(deliveries.map((d) => (d.payload as { data: { message: { id: string } } }).data.message.id).sort()).toEqual([sent.id, (own.body as Message).id].sort())
  })

  it('a private note goes to the agents only; a resend with the same clientId returns the stored message', async () => {
    const { a, ada, key, agent, visitor, conv } = await world()
    const heard: Message[] = []
    visitor.on('message', (m) => heard.push(m))
    const agentGets = waitFor<Message>((fn) => agent.on('message', fn), (m) => m.text === 'note')
    const clientId = cid()
    const res = await post(a.site.id, conv, key.secret, { clientId, text: 'note', private: true, agentId: ada.id })
    expect(res.status, res.text).toBe(201)
    expect(await agentGets).toMatchObject({ private: true, senderId: ada.id })
    const again = await post(a.site.id, conv, key.secret, { clientId, text: 'note', private: true, agentId: ada.id })
    expect(again.status).toBe(200)
    expect((again.body as Message).id).toBe((res.body as Message).id)
    // The visitor hears the next public one but never the note.
    const visitorGets = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'public')
    await post(a.site.id, conv, key.secret, { clientId: cid(), text: 'public', agentId: ada.id })
    await visitorGets
    expect(heard.map((m) => m.text)).not.toContain('note')
  })

  it("when the same clientId is sent again as another agent, answers 409 conflict", async () => {
    const { a, ada, key, conv } = await world()
    const bob = await t.s.fx.agent(a.site.id, { name: 'Bob' })
    const clientId = cid()
    expect((await post(a.site.id, conv, key.secret, { clientId, text: 'x', agentId: ada.id })).status).toBe(201)
    expectError(await post(a.site.id, conv, key.secret, { clientId, text: 'x', agentId: bob.id }), 409, 'conflict')
  })

  const refusals = [
    { name: 'no agentId', body: () => ({}), status: 400, code: 'invalid_payload' },
    { name: 'agentId that is no UUID', body: () => ({ agentId: 'ada' }), status: 400, code: 'invalid_payload' },
    { name: 'agentId NO_AGENT', body: () => ({ agentId: NO_AGENT }), status: 404, code: 'not_found' },
    { name: 'a random agentId', body: () => ({ agentId: crypto.randomUUID() }), status: 404, code: 'not_found' },
    { name: 'an attachment', body: (ada: string) => ({ agentId: ada, attachments: [crypto.randomUUID()] }), status: 400, code: 'invalid_payload' },
  ]
  for (const r of refusals) {
    it(`with ${r.name}, answers ${r.status} ${r.code} and stores nothing`, async () => {
      const { a, ada, key, conv } = await world()
      const before = await t.s.db.inSite(a.site.id, (tx) => tx.message.count())
      expectError(await post(a.site.id, conv, key.secret, { clientId: cid(), text: 'x', ...r.body(ada.id) }), r.status, r.code)
      expect(await t.s.db.inSite(a.site.id, (tx) => tx.message.count())).toBe(before)
    })
  }

  it("with the agentId of another site's agent, or of an agent removed from the site, answers 404", async () => {
    const { a, key, conv } = await world()
    const elsewhere = await t.s.fx.agent(a.other.id)
    const gone = await t.s.fx.agent(a.site.id)
    await t.s.db.inSite(a.site.id, (tx) => tx.agent.update({ where: { id: gone.id }, data: { removedAt: new Date() } }))
    expectError(await post(a.site.id, conv, key.secret, { clientId: cid(), text: 'x', agentId: elsewhere.id }), 404, 'not_found')
    expectError(await post(a.site.id, conv, key.secret, { clientId: cid(), text: 'x', agentId: gone.id }), 404, 'not_found')
  })
})

describe('POST …/messages with an agent token and agentId', () => {
  it("with their own agentId, sends as usual; with another agent's, answers 403 and stores nothing", async () => {
    const { a, ada, conv } = await world()
    const bob = await t.s.fx.agent(a.site.id, { name: 'Bob' })
    const mine = await post(a.site.id, conv, ada.token, { clientId: cid(), text: 'mine', agentId: ada.id })
    expect(mine.status).toBe(201)
    expect((mine.body as Message).senderId).toBe(ada.id)
    const before = await t.s.db.inSite(a.site.id, (tx) => tx.message.count())
    expectError(await post(a.site.id, conv, ada.token, { clientId: cid(), text: 'as bob', agentId: bob.id }), 403, 'forbidden')
    expect(await t.s.db.inSite(a.site.id, (tx) => tx.message.count())).toBe(before)
  })
})

describe('what only an agent has, with a key', () => {
  it('"mine" is refused (400) on the list and the export; an agentId filter works', async () => {
    const { a, ada, key, conv } = await world()
    await t.s.services.conversations.assign(await t.s.services.agents.authenticate(ada.token, a.site.id), conv, { agentId: ada.id })
    const keyAll = await apiKey(t.s, a.id, { scopes: ['conversations:read'] })
    expectError(await api().get(`/api/sites/${a.site.id}/conversations?mine=true`).set(bearer(key.secret)), 400, 'invalid_payload', /mine/)
    expectError(await api().get(`/api/sites/${a.site.id}/exports/conversations.csv?mine=true`).set(bearer(keyAll.secret)), 400, 'invalid_payload', /mine/)
    const byAgent = await api().get(`/api/sites/${a.site.id}/conversations?agentId=${ada.id}`).set(bearer(key.secret))
    expect((byAgent.body as { items: ConversationSummary[] }).items.map((c) => c.id)).toEqual([conv])
    // An agent's own "mine" is unchanged.
    const hers = await api().get(`/api/sites/${a.site.id}/conversations?mine=true`).set(bearer(ada.token))
    expect((hers.body as { items: ConversationSummary[] }).items.map((c) => c.id)).toEqual([conv])
  })

  it('assigning, resolving and reopening record no agent as the one who did it (null, never NO_AGENT)', async () => {
    const { a, ada, key, conv, visitor } = await world()
    const assigned = await api().post(`/api/sites/${a.site.id}/conversations/${conv}/assign`).set(bearer(key.secret)).send({ agentId: ada.id })
    expect(assigned.status, assigned.text).toBe(200)
    expect(assigned.body).toMatchObject({ status: 'active', assignedAgentId: ada.id })
    const resolvedSeen = waitFor<{ status: string }>((fn) => visitor.on('conversation', fn), (c) => c.status === 'resolved')
    expect((await api().post(`/api/sites/${a.site.id}/conversations/${conv}/resolve`).set(bearer(key.secret))).status).toBe(200)
    await resolvedSeen
    expect((await api().post(`/api/sites/${a.site.id}/conversations/${conv}/reopen`).set(bearer(key.secret))).status).toBe(200)
    const system = await t.s.db.inSite(a.site.id, (tx) => tx.message.findMany({ where: { conversationId: conv, senderType: 'system' }, orderBy: { seq: 'asc' } }))
    expect(system.map((m) => (m.metadata as { event: string }).event)).toEqual(['assigned', 'resolved', 'reopened'])
    expect(system.map((m) => m.senderId)).toEqual([null, null, null])
    expect(system[1]!.metadata).toEqual({ event: 'resolved', agentId: null })
    const text = JSON.stringify(system)
    expect(text).not.toContain(NO_AGENT)
  })

  it('assigning to NO_AGENT, or changing the agent NO_AGENT, answers 404', async () => {
    const { a, key, conv } = await world()
    expectError(await api().post(`/api/sites/${a.site.id}/conversations/${conv}/assign`).set(bearer(key.secret)).send({ agentId: NO_AGENT }), 404, 'not_found')
    expectError(await api().patch(`/api/sites/${a.site.id}/agents/${NO_AGENT}`).set(bearer(key.secret)).send({ displayName: 'x' }), 404, 'not_found')
  })

  it('lists the agents and adds one (an admin of the site); the new account is in the agency', async () => {
    const { a, key } = await world()
    const email = `added-${crypto.randomBytes(4).toString('hex')}@example.test`
    const added = await api().post(`/api/sites/${a.site.id}/agents`).set(bearer(key.secret)).send({ email, name: 'Added', password: 'a long enough password' })
    expect(added.status, added.text).toBe(201)
    const user = await t.s.db.prisma.user.findUniqueOrThrow({ where: { email } })
    expect(user.agencyId).toBe(a.id)
    await eventually(async () => {
      const list = await api().get(`/api/sites/${a.site.id}/agents`).set(bearer(key.secret))
      return (list.body as { items: { name: string }[] }).items.some((x) => x.name === 'Added')
    })
  })
})
