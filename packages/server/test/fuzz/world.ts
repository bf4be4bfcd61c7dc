// The fuzz suites' world: one real server with one site holding one of everything a route can
// name (agents, a visitor, a conversation with messages, a canned response, a webhook, an
// upload), the row counts that must not move when input is refused, and the checks every
// answer must pass.
import crypto from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import request from 'supertest'
import { expect } from 'vitest'
import { ERROR_CODES, type ErrorCode } from '@live-chat/protocol'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { agencyUser, ALL_SCOPES, apiKey, type AgencyUser } from '../api-keys/fixtures.js'
import { preview } from './arbitraries.js'

export interface World {
  s: TestServer
  site: SiteFixture
  /** Capacity 0 everywhere: routing never assigns, so nothing but the fuzzer writes. */
  admin: AgentFixture
  agent: AgentFixture
  /** The agency's owner (agency routes). */
  owner: AgencyUser
  /** An agency-wide API key with every scope, and another one for the revoke route. */
  key: { id: string; secret: string }
  spareKey: string
  visitor: { id: string; token: string }
  conv: string
  /** The admin's choice message in `conv` (options yes / no). */
  choice: string
  canned: string
  /** A proactive message (enabled, so the anonymous beacon counts it). */
  trigger: string
  team: string
  sla: string
  /** A ban of an email nobody here has. */
  ban: string
  /** A contact attribute (`plan`, a list: free, pro; and `nickname`, text the visitor may set), the visitor's value of `plan`, and a note on the visitor. */
  contactAttribute: string
  note: string
  /** The admin's mention in the plain agent's private note. */
  mention: string
  webhook: string
  /** A delivery of the webhook (a test ping). */
  delivery: string
  upload: string
}

export async function makeWorld(): Promise<World> {
  // A local SMTP server that takes anything: the transcript route sends for real.
  const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], onData: (stream, _s, cb) => stream.resume().on('end', () => cb()) })
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r))
  const { port } = smtp.server.address() as AddressInfo
  // No abuse limits: every fuzzed request should reach the checks behind them (security/ tests those).
  const started = await startServer({ rateLimits: false, mail: { smtpUrl: `smtp://127.0.0.1:${port}`, from: 'chat@example.test' } })
  const s: TestServer = {
    ...started,
    async close() {
      await started.close()
      await new Promise<void>((r) => smtp.close(r))
    },
  }
  const site = await s.fx.site()
  const admin = await s.fx.agent(site.id, { role: 'admin', capacity: 0 })
  const agent = await s.fx.agent(site.id, { role: 'agent', capacity: 0 })
  const session = await s.fx.visitorSession(site.id)
  const visitor = { id: session.visitor.id, token: session.token }
  const visitorActor = { kind: 'visitor' as const, siteId: site.id, visitorId: visitor.id }
  const conversation = await s.services.conversations.start(visitorActor, { clientKey: 'fuzz-world-0001', message: { clientId: 'fuzz-world-0001', text: 'hello' } })
  const adminActor = await s.services.agents.authenticate(admin.token, site.id)
  const canned = await s.services.cannedResponses.create(adminActor, { title: 'Hello', shortcut: 'hello', content: 'Hello there' })
  const trigger = await s.services.triggers.create(adminActor, { name: 'Pricing', text: 'Questions?', rules: { url: '/pricing*' } })
  const team = await s.services.teams.create(adminActor, { name: 'Sales' })
  const sla = await s.services.sla.create(adminActor, { name: 'Default', firstResponseMinutes: 5 })
  const ban = await s.services.bans.create(adminActor, { kind: 'email', email: 'banned@example.test' })
  const contactAttribute = await s.services.contacts.createAttribute(adminActor, { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] })
  await s.services.contacts.createAttribute(adminActor, { key: 'nickname', label: 'Nickname', type: 'text', visitorMaySet: true })
  await s.services.contacts.update(adminActor, visitor.id, { attributes: { plan: 'pro' } })
  const contactNote = await s.services.contacts.addNote(adminActor, visitor.id, 'A note on the contact')
  const choice = await s.services.messages.send(adminActor, {
    conversationId: conversation.conversation.id,
    clientId: 'fuzz-world-0002',
    text: 'Pick one',
    content: { kind: 'choice', options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] },
  })
  const agentActor = await s.services.agents.authenticate(agent.token, site.id)
  const note = await s.services.messages.send(agentActor, { conversationId: conversation.conversation.id, clientId: 'fuzz-world-0003', text: `@[${admin.name}] look`, private: true })
  const mention = await s.db.inSite(site.id, (tx) => tx.mention.findFirstOrThrow({ where: { messageId: note.message.id } }))
  const hook = await request(s.url)
    .post(`/api/sites/${site.id}/webhooks`)
    .set('Authorization', `Bearer ${admin.token}`)
    .send({ url: 'https://hooks.example.test/hook', events: ['conversation.resolved'], active: false })
  expect(hook.status, hook.text).toBe(201)
  const ping = await request(s.url)
    .post(`/api/sites/${site.id}/webhooks/${(hook.body as { id: string }).id}/test`)
    .set('Authorization', `Bearer ${admin.token}`)
  expect(ping.status, ping.text).toBe(202)
  const upload = await request(s.url)
    .post('/api/visitor/uploads')
    .set('Authorization', `Bearer ${visitor.token}`)
    .attach('file', Buffer.from('just some text\n'), 'note.txt')
  expect(upload.status, upload.text).toBe(201)
  return {
    s,
    site,
    admin,
    agent,
    owner: await agencyUser(s, site.agencyId, 'owner'),
    key: await apiKey(s, site.agencyId, { scopes: ALL_SCOPES }),
    spareKey: (await apiKey(s, site.agencyId, { scopes: ['sites:read'] })).id,
    visitor,
    conv: conversation.conversation.id,
    choice: choice.message.id,
    canned: canned.id,
    trigger: trigger.id,
    team: team.id,
    sla: sla.id,
    ban: ban.id,
    contactAttribute: contactAttribute.id,
    note: contactNote.id,
    mention: mention.id,
    webhook: (hook.body as { id: string }).id,
    delivery: (ping.body as { id: string }).id,
    upload: (upload.body as { id: string }).id,
  }
}

/**
 * Rows of the site's tables that requests write directly (not the asynchronous ones: webhook
 * deliveries, email jobs, presence), and the sum of conversations' last_seq (a message refused
 * after taking its seq would move it).
 */
export async function counts(w: World): Promise<Record<string, number>> {
  const [row] = await w.s.db.inSite(w.site.id, (tx) =>
    tx.$queryRaw<Record<string, bigint | number | null>[]>`
      SELECT
        (SELECT count(*) FROM mod_chat_conversations WHERE site_id = ${w.site.id}::uuid) AS conversations,
        (SELECT coalesce(sum(last_seq), 0) FROM mod_chat_conversations WHERE site_id = ${w.site.id}::uuid) AS last_seqs,
        (SELECT count(*) FROM mod_chat_messages WHERE site_id = ${w.site.id}::uuid) AS messages,
        (SELECT count(*) FROM mod_chat_visitors WHERE site_id = ${w.site.id}::uuid) AS visitors,
        (SELECT count(*) FROM mod_chat_agents WHERE site_id = ${w.site.id}::uuid) AS agents,
        (SELECT count(*) FROM mod_chat_canned_responses WHERE site_id = ${w.site.id}::uuid) AS canned,
        (SELECT count(*) FROM mod_chat_triggers WHERE site_id = ${w.site.id}::uuid) AS triggers,
        (SELECT count(*) FROM mod_chat_teams WHERE site_id = ${w.site.id}::uuid) AS teams,
        (SELECT count(*) FROM mod_chat_sla_policies WHERE site_id = ${w.site.id}::uuid) AS sla_policies,
        (SELECT count(*) FROM mod_chat_bans WHERE site_id = ${w.site.id}::uuid) AS bans,
        (SELECT count(*) FROM mod_chat_contact_attributes WHERE site_id = ${w.site.id}::uuid) AS contact_attributes,
        (SELECT count(*) FROM mod_chat_contact_attribute_values WHERE site_id = ${w.site.id}::uuid) AS contact_values,
        (SELECT count(*) FROM mod_chat_contact_notes WHERE site_id = ${w.site.id}::uuid) AS contact_notes,
        (SELECT count(*) FROM mod_chat_webhooks WHERE site_id = ${w.site.id}::uuid) AS webhooks,
        (SELECT count(*) FROM mod_chat_uploads WHERE site_id = ${w.site.id}::uuid) AS uploads,
        (SELECT count(*) FROM mod_chat_uploads WHERE site_id = ${w.site.id}::uuid AND message_id IS NOT NULL) AS attached`,
  )
  const keys = await w.s.db.inAgency(w.site.agencyId, (tx) => tx.apiKey.count({ where: { revokedAt: null } }))
  return { ...Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])), keys }
}

const CLIENT_ERRORS = new Set(Object.entries(ERROR_CODES).filter(([, status]) => status < 500).map(([code]) => code))

/** A refusal in the documented shape: a 4xx code of ours and a message. */
export function expectErrorBody(error: unknown, context: string): asserts error is { code: ErrorCode; message: string } {
  const e = error as { code?: unknown; message?: unknown } | null
  expect(typeof e?.code === 'string' && CLIENT_ERRORS.has(e.code), `${context}: error ${preview(error)}`).toBe(true)
  expect(typeof e?.message === 'string' && /\S/.test(e.message), `${context}: message of ${preview(error)}`).toBe(true)
}

/** An HTTP answer: never 5xx; a 4xx is JSON `{ error: { code, message } }` with the code's status. */
export function expectHttpAnswer(res: request.Response, context: string): boolean {
  expect(res.status < 500, `${context}: status ${res.status} ${res.text.slice(0, 300)}`).toBe(true)
  if (res.status < 400) return true
  expect(res.headers['content-type'], `${context}: content type`).toMatch(/^application\/json/)
  const error = (res.body as { error?: unknown }).error
  expectErrorBody(error, context)
  expect(ERROR_CODES[error.code], `${context}: status of ${error.code}`).toBe(res.status)
  return false
}

/** Whether Object.prototype (or Array.prototype) gained anything: the server runs in this process. */
export function expectNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => !ORIGINAL_OBJECT_KEYS.has(k))).toEqual([])
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  expect(([] as unknown as Record<string, unknown>)['polluted']).toBeUndefined()
}
const ORIGINAL_OBJECT_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype))

export const randomId = () => crypto.randomUUID()
