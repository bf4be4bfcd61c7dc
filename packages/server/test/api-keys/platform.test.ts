// Issue 14's platform API, shown end to end: a platform holding one agency-wide API key, and no
// user token anywhere, creates a site, adds an agent, reads the conversations and answers a real
// visitor, whose socket receives the message. The key itself comes from the operator's CLI path
// (AgencyService.operator + ApiKeyService.create), as `live-chat-server admin create-api-key` makes it.
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { LiveChatClient } from '@live-chat/sdk'
import type { AgencySite, AgentSummary, AuditEvent, ConversationSummary, Message, MessagePage, Page } from '@live-chat/protocol'
import { serverPerFile, waitFor } from '../helpers.js'
import { appRoutes, bearer } from './fixtures.js'

const t = serverPerFile()

describe('a platform with an agency-wide API key alone', () => {
  it('creates a site, adds an agent, reads conversations and answers a visitor, whose socket receives it', async () => {
    const agency = await t.s.db.prisma.agency.create({ data: { name: 'Hosted shops' } })
    const made = await t.s.services.apiKeys.create(await t.s.services.agency.operator(agency.id), {
      name: 'Platform backend',
      siteId: null,
      scopes: ['sites:write', 'agents:write', 'conversations:read', 'messages:write', 'audit:read'],
    })
    const key = bearer(made.secret)
    const api = () => request(t.s.url)

    // 1. A site for a new customer.
    const created = await api().post('/api/agency/sites').set(key).send({ name: 'Shop of Ann', domains: ['shop-of-ann.example'] })
    expect(created.status, created.text).toBe(201)
    const site = created.body as AgencySite
    expect(site).toMatchObject({ agencyId: agency.id, name: 'Shop of Ann', domains: ['https://shop-of-ann.example'] })

    // 2. Its first agent (a new account in the agency).
    const added = await api().post(`/api/sites/${site.id}/agents`).set(key).send({ email: 'ann@shop-of-ann.example', name: 'Ann', password: 'a long enough password', role: 'admin' })
    expect(added.status, added.text).toBe(201)
    const ann = added.body as AgentSummary
    expect(ann).toMatchObject({ siteId: site.id, name: 'Ann', role: 'admin' })

    // 3. A visitor on the shop's page writes.
    const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
    await visitor.connect()
    const { conversation } = await visitor.startConversation({ fields: { name: 'Vera' }, message: 'Is my order on its way?' })

    // 4. The platform reads the conversations and their messages.
    const list = await api().get(`/api/sites/${site.id}/conversations?status=pending,active`).set(key)
    expect(list.status, list.text).toBe(200)
    const items = (list.body as Page<ConversationSummary>).items
    expect(items.map((c) => c.id)).toEqual([conversation.id])
    const history = await api().get(`/api/sites/${site.id}/conversations/${conversation.id}/messages`).set(key)
    expect((history.body as MessagePage).messages.map((m) => m.text)).toEqual(['Is my order on its way?'])

    // 5. It answers as Ann; the visitor's socket receives the message.
    const received = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'Yes, it left this morning.')
    const sent = await api().post(`/api/sites/${site.id}/conversations/${conversation.id}/messages`).set(key).send({ clientId: 'platform-0001', text: 'Yes, it left this morning.', agentId: ann.id })
    expect(sent.status, sent.text).toBe(201)
    expect(await received).toMatchObject({ id: (sent.body as Message).id, senderType: 'agent', senderId: ann.id, senderName: 'Ann' })

    // Ann's account is real: she signs in with the password the platform chose.
    const login = await api().post('/api/auth/login').send({ email: 'ann@shop-of-ann.example', password: 'a long enough password' })
    expect(login.status, login.text).toBe(200)

    // The agency's log says the key did it.
    const log = await api().get('/api/agency/audit').set(key)
    const byKey = (log.body as Page<AuditEvent>).items.filter((e) => e.actor.type === 'api_key' && e.actor.id === made.key.id).map((e) => e.action)
    expect(byKey).toContain('site.created')
  })
})
