// Retention: a site's policy deletes or anonymises the conversations last active more than N days
// ago, and deletes visitors who never chatted and were not seen for N days. Each mode is shown on
// visitors of every kind (all old, old and recent, never chatted), with the analytics' day rows
// unchanged, one audit event with the counts, and a second run that changes nothing. Two servers
// running it at once act once; a server that finds another at it skips the site.
//
// Times are moved into the past as the database's owner (the app never writes them back).
import crypto from 'node:crypto'
import pg from 'pg'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { SiteSettings } from '@live-chat/protocol'
import type { VisitorActor } from '../../src/shared/context.js'
import { RETENTION_LOCK, type RetentionCounts } from '../../src/privacy/retention.js'
import { eventually, serverPerFile, startServer, type TestServer } from '../helpers.js'
import { SAMPLES } from '../uploads/samples.js'
import { scanDatabase } from './scan.js'

const t = serverPerFile({ analytics: { missedSweepMs: 0, intervalMs: 0 } })
let owner: pg.Client
beforeAll(async () => {
  owner = new pg.Client({ connectionString: inject('databaseUrl') })
  await owner.connect()
})
afterAll(() => owner?.end())

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
const DAY = 86_400_000

/** A site with an admin, its policy set over HTTP. */
async function siteWith(retention: SiteSettings['retention']) {
  const site = await t.s.fx.site()
  const admin = await t.s.fx.agent(site.id, { role: 'admin' })
  const res = await request(t.s.url).patch(`/api/sites/${site.id}/settings`).set(bearer(admin.token)).send({ retention })
  expect(res.status, res.text).toBe(200)
  return { site, admin, adminActor: await t.s.services.agents.authenticate(admin.token, site.id) }
}

/** A visitor with distinctive words in their profile; `chats` conversations, each with a file, an edited message, an agent's reply; all `days` old. */
async function visitor(siteId: string, adminActor: Awaited<ReturnType<typeof siteWith>>['adminActor'], label: string) {
  const word = `${label}${crypto.randomBytes(5).toString('hex')}`
  // (idempotency keys are the client's random ids, not the visitor's words)
  const key = crypto.randomBytes(6).toString('hex')
  const session = await t.s.services.visitors.createSession(siteId, { page: { url: `https://shop.example/${word}` } }, { userAgent: `Agent ${word}` })
  const va: VisitorActor = { kind: 'visitor', siteId, visitorId: session.visitor.id }
  const chat = async (n: number) => {
    const file = await request(t.s.url).post('/api/visitor/uploads').set(bearer(session.token)).attach('file', Buffer.from(`file ${word} ${n}`), 'note.txt')
    const { conversation } = await t.s.services.conversations.start(va, {
      clientKey: `key-${key}-${n}`,
      fields: { name: `Name ${word}`, email: `${word}@example.test` },
      message: { clientId: `first-${key}-${n}`, text: `hello ${word} ${n}`, attachments: [file.body.id as string] },
    })
    const { message } = await t.s.services.messages.send(va, { conversationId: conversation.id, clientId: `edit-${key}-${n}`, text: `before ${word}` })
    await t.s.services.messages.edit(va, { conversationId: conversation.id, messageId: message.id, text: `after ${word}` })
    await t.s.services.conversations.assign(adminActor, conversation.id, { agentId: adminActor.agentId })
    await t.s.services.messages.send(adminActor, { conversationId: conversation.id, clientId: `reply-${key}-${n}`, text: `Happy to help` })
    await t.s.services.conversations.resolve(adminActor, conversation.id)
    await t.s.services.conversations.rate(va, { conversationId: conversation.id, rating: 4, feedback: `comment ${word}` })
    return conversation.id
  }
  return { id: session.visitor.id, token: session.token, word, chat }
}

/** Moves a conversation (its start, messages and last activity) or a visitor's last visit `days` into the past. */
async function age(what: { conversation?: string; visitor?: string }, days: number) {
  const at = new Date(Date.now() - days * DAY)
  if (what.conversation) {
    await owner.query('UPDATE mod_chat_messages SET created_at = $2 WHERE conversation_id = $1', [what.conversation, at])
    await owner.query('UPDATE mod_chat_conversations SET created_at = $2, first_message_at = $2, last_activity_at = $2, updated_at = now() WHERE id = $1', [what.conversation, at])
  }
  if (what.visitor) await owner.query('UPDATE mod_chat_visitors SET last_seen_at = $2 WHERE id = $1', [what.visitor, at])
}

/** Runs the analytics job until a run of this server started after now (another server's run may be going on). */
const aggregate = () => eventually(async () => (await t.s.services.analytics.aggregator.run()).ran, 20_000, 'an analytics run')

async function dayRows(siteId: string) {
  const { rows } = await owner.query(
    `SELECT date::text, total_conversations, conversations_resolved, messages_visitor, messages_agent, first_response_seconds, resolution_seconds, ratings, hours, agents
     FROM mod_chat_analytics WHERE site_id = $1 ORDER BY date`,
    [siteId],
  )
  return rows
}

/** Every row of the site in the tables retention touches (as the owner). */
async function siteRows(siteId: string) {
  const q = async (sql: string) => (await owner.query(sql, [siteId])).rows
  return {
    visitors: await q('SELECT * FROM mod_chat_visitors WHERE site_id = $1 ORDER BY id'),
    conversations: await q('SELECT * FROM mod_chat_conversations WHERE site_id = $1 ORDER BY id'),
    messages: await q('SELECT * FROM mod_chat_messages WHERE site_id = $1 ORDER BY id'),
    edits: await q('SELECT * FROM mod_chat_message_edits WHERE site_id = $1 ORDER BY id'),
    uploads: await q('SELECT id, message_id FROM mod_chat_uploads WHERE site_id = $1 ORDER BY id'),
    removed: await q('SELECT * FROM mod_chat_analytics_removed WHERE site_id = $1 ORDER BY id'),
  }
}

const auditOf = (agencyId: string, siteId: string) =>
  t.s.db.inAgency(agencyId, (tx) => tx.auditEvent.findMany({ where: { siteId, action: 'retention.applied' }, orderBy: { createdAt: 'asc' } }))

describe('the retention setting', () => {
  it('is off by default; admins set delete or anonymise after N ≥ 1 days, or off; bad input is 400, an agent 403; changes are audited', async () => {
    const site = await t.s.fx.site()
    const admin = await t.s.fx.agent(site.id, { role: 'admin' })
    const agent = await t.s.fx.agent(site.id, { role: 'agent' })
    const settings = () => request(t.s.url).get(`/api/sites/${site.id}/settings`).set(bearer(admin.token))
    const patch = (body: unknown, token = admin.token) => request(t.s.url).patch(`/api/sites/${site.id}/settings`).set(bearer(token)).send(body as object)
    expect((await settings()).body.retention).toEqual({ mode: 'off' })
    for (const bad of [{ mode: 'delete' }, { mode: 'delete', days: 0 }, { mode: 'anonymise', days: 1.5 }, { mode: 'purge', days: 30 }, { mode: 'delete', days: '30' }, { mode: 'anonymise', days: 36_501 }, { days: 30 }, 'delete']) {
      const res = await patch({ retention: bad })
      expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({ bad, status: 400, code: 'invalid_payload' })
    }
    expect((await patch({ retention: { mode: 'delete', days: 30 } }, agent.token)).status).toBe(403)
    expect((await settings()).body.retention).toEqual({ mode: 'off' })
    expect((await patch({ retention: { mode: 'anonymise', days: 1 } })).body.retention).toEqual({ mode: 'anonymise', days: 1 })
    expect((await patch({ retention: { mode: 'delete', days: 365 } })).body.retention).toEqual({ mode: 'delete', days: 365 })
    expect((await settings()).body.retention).toEqual({ mode: 'delete', days: 365 })
    expect((await patch({ retention: { mode: 'off' } })).body.retention).toEqual({ mode: 'off' })
    const changes = await t.s.db.inAgency(site.agencyId, (tx) => tx.auditEvent.findMany({ where: { siteId: site.id, action: 'site.updated' }, orderBy: { createdAt: 'asc' } }))
    expect(changes.map((e) => (e.data as { retention?: unknown }).retention)).toEqual([
      { from: { mode: 'off' }, to: { mode: 'anonymise', days: 1 } },
      { from: { mode: 'anonymise', days: 1 }, to: { mode: 'delete', days: 365 } },
      { from: { mode: 'delete', days: 365 }, to: { mode: 'off' } },
    ])
  })
})

describe('retention runs', () => {
  it('delete: old conversations go with everything of theirs, visitors left with none and unseen go; the rest stays; analytics unchanged; a second run changes nothing', async () => {
    const { site, adminActor } = await siteWith({ mode: 'off' })
    const gone = await visitor(site.id, adminActor, 'gone')
    const goneChat = await gone.chat(1)
    const mixed = await visitor(site.id, adminActor, 'mixed')
    const mixedOld = await mixed.chat(1)
    const mixedNew = await mixed.chat(2)
    const idle = await visitor(site.id, adminActor, 'idle')
    const fresh = await visitor(site.id, adminActor, 'fresh')
    await age({ conversation: goneChat, visitor: gone.id }, 40)
    await age({ conversation: mixedOld }, 40)
    await age({ visitor: idle.id }, 40)
    await aggregate()
    const days = await dayRows(site.id)
    expect(days.reduce((n, d) => n + d.total_conversations, 0)).toBe(3)
    expect((await scanDatabase(inject('databaseUrl'), [gone.word, idle.word])).map((r) => r.term).sort()).toEqual(expect.arrayContaining([gone.word, idle.word]))

    // Nothing happens while the policy is off.
    expect((await t.s.services.privacy.retention.run()).get(site.id)).toBeUndefined()
    const admin = await t.s.fx.agent(site.id, { role: 'admin' })
    expect((await request(t.s.url).patch(`/api/sites/${site.id}/settings`).set(bearer(admin.token)).send({ retention: { mode: 'delete', days: 30 } })).status).toBe(200)

    const first = (await t.s.services.privacy.retention.run()).get(site.id)
    // Two conversations of five messages (two system lines each), their files; `gone` and `idle`.
    expect(first).toEqual<RetentionCounts>({ mode: 'delete', days: 30, conversations: 2, messages: 10, files: 2, visitorsDeleted: 2, visitorsAnonymised: 0 })
    const rows = await siteRows(site.id)
    expect(rows.visitors.map((v) => v.id).sort()).toEqual([mixed.id, fresh.id].sort())
    expect(rows.conversations.map((c) => c.id)).toEqual([mixedNew])
    expect(await scanDatabase(inject('databaseUrl'), [gone.word, idle.word])).toEqual([])
    expect((await scanDatabase(inject('databaseUrl'), [mixed.word])).length).toBeGreaterThan(0)

    await aggregate()
    expect(await dayRows(site.id)).toEqual(days)
    const events = await auditOf(site.agencyId, site.id)
    expect(events).toMatchObject([{ actorType: 'system', actorLabel: 'retention', targetType: 'site', targetId: site.id, data: first }])

    // Again: nothing is due, nothing changes, nothing is recorded.
    expect((await t.s.services.privacy.retention.run()).get(site.id)).toBeUndefined()
    expect(await siteRows(site.id)).toEqual(rows)
    expect(await auditOf(site.agencyId, site.id)).toHaveLength(1)
  })

  it('anonymise: old conversations keep their rows and figures but lose texts, files and comments; profiles go once nothing newer is left', async () => {
    const { site, adminActor } = await siteWith({ mode: 'anonymise', days: 30 })
    const old = await visitor(site.id, adminActor, 'old')
    const oldChat = await old.chat(1)
    // What the team kept about them as a contact: their company, an attribute value, a note.
    await t.s.services.contacts.createAttribute(adminActor, { key: 'plan', label: 'Plan', type: 'text' })
    await t.s.services.contacts.update(adminActor, old.id, { company: `Co ${old.word}`, attributes: { plan: `Plan ${old.word}` } })
    await t.s.services.contacts.addNote(adminActor, old.id, `Note ${old.word}`)
    await request(t.s.url).post('/api/visitor/uploads').set(bearer(old.token)).attach('file', SAMPLES.pdf, 'never-sent.pdf')
    const mixed = await visitor(site.id, adminActor, 'mixed')
    const mixedOld = await mixed.chat(1)
    await mixed.chat(2)
    await age({ conversation: oldChat, visitor: old.id }, 45)
    await age({ conversation: mixedOld }, 45)
    await aggregate()
    const days = await dayRows(site.id)
    const before = await siteRows(site.id)

    const first = (await t.s.services.privacy.retention.run()).get(site.id)
    // Two conversations: their visitor's and the agent's messages (three each), their files; `old`'s profile and unsent file.
    expect(first).toEqual<RetentionCounts>({ mode: 'anonymise', days: 30, conversations: 2, messages: 6, files: 3, visitorsDeleted: 0, visitorsAnonymised: 1 })
    const rows = await siteRows(site.id)
    // Every row is still there but the files' and the earlier texts'.
    expect(rows.conversations.map((c) => c.id)).toEqual(before.conversations.map((c) => c.id))
    expect(rows.messages.map((m) => m.id)).toEqual(before.messages.map((m) => m.id))
    expect(rows.visitors.map((v) => v.id)).toEqual(before.visitors.map((v) => v.id))
    const anonymised = rows.conversations.filter((c) => c.id === oldChat || c.id === mixedOld)
    expect(anonymised).toMatchObject([0, 1].map(() => ({ subject: null, rating: 4, rating_feedback: null, anonymised_at: expect.any(Date), status: 'resolved' })))
    for (const m of rows.messages.filter((m) => m.conversation_id === oldChat || m.conversation_id === mixedOld)) {
      if (m.message_type === 'system') expect(m.metadata).not.toEqual({})
      else expect(m).toMatchObject({ content: null, attachments: [], metadata: {}, edited_at: null, deleted_at: expect.any(Date) })
    }
    expect(rows.visitors.find((v) => v.id === old.id)).toMatchObject({ name: null, email: null, user_agent: null, current_url: null, pages: [], consents: [], custom_data: {}, anonymised_at: expect.any(Date) })
    expect(rows.visitors.find((v) => v.id === mixed.id)).toMatchObject({ name: `Name ${mixed.word}`, anonymised_at: null })
    expect(rows.uploads).toHaveLength(1)
    expect(await scanDatabase(inject('databaseUrl'), [old.word])).toEqual([])
    // `mixed`'s newer conversation keeps its words; the old one's are gone from it.
    const texts = await scanDatabase(inject('databaseUrl'), [`hello ${mixed.word} 1`, `hello ${mixed.word} 2`])
    expect(new Set(texts.map((r) => r.term))).toEqual(new Set([`hello ${mixed.word} 2`]))

    await aggregate()
    expect(await dayRows(site.id)).toEqual(days)
    expect(await auditOf(site.agencyId, site.id)).toMatchObject([{ data: first }])

    expect((await t.s.services.privacy.retention.run()).get(site.id)).toBeUndefined()
    expect(await siteRows(site.id)).toEqual(rows)
    expect(await auditOf(site.agencyId, site.id)).toHaveLength(1)
  })
})

describe('retention across servers', () => {
  it('a server that finds the site’s lock taken skips it; runs at once on two servers act once, counted once', async () => {
    const { site, adminActor } = await siteWith({ mode: 'delete', days: 10 })
    const chats: string[] = []
    for (let i = 0; i < 4; i++) {
      const v = await visitor(site.id, adminActor, `v${i}`)
      chats.push(await v.chat(1))
      await age({ conversation: chats[i], visitor: v.id }, 20)
    }
    const before = await siteRows(site.id)

    // Another process holds the site's lock: this one skips the site and changes nothing.
    const holder = new pg.Client({ connectionString: inject('databaseUrl') })
    await holder.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [RETENTION_LOCK, site.id])
      expect((await t.s.services.privacy.retention.run()).get(site.id)).toBeUndefined()
      expect(await siteRows(site.id)).toEqual(before)
      await holder.query('COMMIT')
    } finally {
      await holder.end()
    }

    // Two servers (each its own connections), both running twice, at once.
    const other: TestServer = await startServer()
    try {
      const runs = await Promise.all([t.s, other, t.s, other].map((s) => s.services.privacy.retention.run()))
      const acted = runs.map((r) => r.get(site.id)).filter((c) => c !== undefined)
      expect(acted).toEqual([{ mode: 'delete', days: 10, conversations: 4, messages: 20, files: 4, visitorsDeleted: 4, visitorsAnonymised: 0 }])
    } finally {
      await other.close()
    }
    const rows = await siteRows(site.id)
    expect(rows.conversations).toEqual([])
    // The analytics kept each conversation's figures once.
    expect(rows.removed.filter((r) => r.kind === 'conversation')).toHaveLength(4)
    expect(rows.removed.filter((r) => r.kind === 'message').reduce((n, r) => n + r.count, 0)).toBe(12)
    expect(await auditOf(site.agencyId, site.id)).toHaveLength(1)
  })
})
