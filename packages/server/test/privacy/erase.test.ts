// Erasing a visitor, proven by looking everywhere. A visitor with distinctive words in every place
// a visitor's data can be (name, email, phone, the host's user id, browser, pages, details, a
// consent, message texts and an edited message's old text, an uploaded file's bytes, a rating's
// comment, webhook deliveries waiting for a failing receiver, an outbox event not dispatched yet,
// a pending reply email, an audit event of a search for their email) is erased; then every table
// of the database is read as its owner, every column as text and the files' bytes as bytes, and
// none of the words is anywhere — each was found before. The analytics' day rows stay exactly as
// they were, also when recomputed from scratch.
//
// On a database of its own, with two servers: A dispatches the outbox (webhook deliveries and the
// reply email come from there), B does not (so an event waits in the outbox when A is gone).
import crypto from 'node:crypto'
import pg from 'pg'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WEBHOOK_EVENTS, type VisitorErased } from '@live-chat/protocol'
import { identityHash } from '../../src/shared/auth.js'
import { openDatabase } from '../../src/shared/db/index.js'
import type { VisitorActor } from '../../src/shared/context.js'
import { createTestDatabase } from '../global-setup.js'
import { ask, connectRaw, eventually, rawSocket, startServer, waitFor, type ServerOptions, type TestServer } from '../helpers.js'
import { startSmtp, type TestSmtp } from '../smtp.js'
import { receiver } from '../webhooks/receivers.js'
import { scanDatabase } from './scan.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let smtp: TestSmtp
let rx: Awaited<ReturnType<typeof receiver>>
let a: TestServer
let b: TestServer
let owner: pg.Client

beforeAll(async () => {
  database = await createTestDatabase('live_chat_privacy')
  smtp = await startSmtp()
  rx = await receiver()
  // The receiver is down: every delivery waits for its next try, its body in the log.
  rx.box.answer = () => 503
  const opts = (events: boolean): ServerOptions => ({
    webhooks: { allowedNetworks: ['127.0.0.1/32'] },
    // A reply email waits an hour: it is pending when the visitor is erased.
    mail: { smtpUrl: smtp.url, from: 'Chat <chat@example.test>', batchMs: 3_600_000 },
    analytics: { missedSweepMs: 0, intervalMs: 0 },
    events: { enabled: events },
  })
  a = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }), ...opts(true) })
  b = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }), ...opts(false) })
  owner = new pg.Client({ connectionString: database.url })
  await owner.connect()
}, 120_000)

afterAll(async () => {
  await owner?.end()
  await b?.close()
  await a?.close().catch(() => undefined)
  await rx?.close()
  await smtp?.close()
  await database?.drop()
})

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

/** The site's day rows as the analytics job left them (without the row ids and times). */
async function dayRows(siteId: string) {
  const { rows } = await owner.query(
    `SELECT date::text, total_conversations, conversations_offline, conversations_resolved, conversations_missed, messages_visitor, messages_agent,
            first_response_seconds, resolution_seconds, ratings, hours, agents
     FROM mod_chat_analytics WHERE site_id = $1 ORDER BY date`,
    [siteId],
  )
  return rows
}

describe('DELETE /api/sites/:siteId/visitors/:visitorId', () => {
  it('leaves no trace of the visitor in any table or file, keeps the analytics as they were, and records only the id', async () => {
    const hex = crypto.randomBytes(5).toString('hex')
    const digits = String(crypto.randomInt(1_000_000_000, 9_999_999_999))
    const words = {
      name: `quorra${hex}`,
      email: `privacy.${hex}`,
      phone: digits,
      userId: `extid${hex}`,
      browser: `tapir${hex}`,
      page: `okapi${hex}`,
      detail: `kudu${hex}`,
      text: `moth${hex}`,
      oldText: `wren${hex}`,
      newText: `lynx${hex}`,
      file: `ibex${hex}`,
      rating: `yak${hex}`,
      second: `gnu${hex}`,
      company: `eland${hex}`,
      attribute: `dingo${hex}`,
      note: `heron${hex}`,
    }
    const email = `${words.email}@example.test`

    // ---- the visitor, everywhere (server A: it dispatches deliveries and the reply email)
    const site = await a.fx.site({
      widget: { preChatEnabled: true, preChatFields: [{ name: 'terms', label: 'I agree to the privacy policy', type: 'consent', required: false, url: 'https://shop.example/privacy' }] },
    })
    const admin = await a.fx.agent(site.id, { role: 'admin' })
    const adminActor = await a.services.agents.authenticate(admin.token, site.id)
    const hook = await request(a.url).post(`/api/sites/${site.id}/webhooks`).set(bearer(admin.token)).send({ url: rx.url, events: WEBHOOK_EVENTS })
    expect(hook.status, hook.text).toBe(201)
    const session = await a.services.visitors.createSession(
      site.id,
      { identity: { userId: words.userId, hash: identityHash(site.identitySecret, words.userId), name: `Zed Quorra${hex}`, email }, page: { url: `https://shop.example/orders/${words.page}`, title: 'Your order' } },
      { userAgent: `Mozilla/5.0 (X11) ${words.browser}`, ip: '203.0.113.7' },
    )
    const visitorId = session.visitor.id
    const va: VisitorActor = { kind: 'visitor', siteId: site.id, visitorId }
    // On another device, anonymous, they give their company, then log in: merged into the contact (a tombstone left behind).
    const anonymous = await a.services.visitors.createSession(site.id, {}, {})
    await a.services.visitors.update({ kind: 'visitor', siteId: site.id, visitorId: anonymous.visitor.id }, { company: `Acme ${words.company}` })
    const merged = await a.services.visitors.createSession(site.id, { token: anonymous.token, identity: { userId: words.userId, hash: identityHash(site.identitySecret, words.userId) } }, {})
    expect(merged.visitor).toMatchObject({ id: visitorId, company: `Acme ${words.company}` })
    // The team's side of the contact: an attribute value and a note.
    await a.services.contacts.createAttribute(adminActor, { key: 'nickname', label: 'Nickname', type: 'text' })
    await a.services.contacts.update(adminActor, visitorId, { attributes: { nickname: `Nick ${words.attribute}` } })
    await a.services.contacts.addNote(adminActor, visitorId, `Met at the fair, ${words.note}`)
    const upload = await request(a.url).post('/api/visitor/uploads').set(bearer(session.token)).attach('file', Buffer.from(`the photo of my receipt: ${words.file}`), 'receipt.txt')
    expect(upload.status, upload.text).toBe(201)
    const started = await a.services.conversations.start(va, {
      clientKey: `key-${hex}`,
      fields: { phone: `+44 ${digits}`, custom: { company: `Acme ${words.detail}`, terms: true } },
      message: { clientId: `first-${hex}`, text: `the parcel code is ${words.text}`, attachments: [upload.body.id as string] },
    })
    const conversationId = started.conversation.id
    const { message: toEdit } = await a.services.messages.send(va, { conversationId, clientId: `edit-${hex}`, text: `old wording ${words.oldText}` })
    await a.services.messages.edit(va, { conversationId, messageId: toEdit.id, text: `new wording ${words.newText}` })
    await a.services.conversations.assign(adminActor, conversationId, { agentId: admin.id })
    await a.services.messages.send(adminActor, { conversationId, clientId: `reply-${hex}`, text: 'It ships today.' })
    await a.services.conversations.resolve(adminActor, conversationId)
    await a.services.conversations.rate(va, { conversationId, rating: 4, feedback: `quick and kind ${words.rating}` })
    // An admin searched for the visitor's email: the audit log holds the search.
    const search = await request(a.url).get(`/api/sites/${site.id}/exports/conversations.csv`).query({ q: email }).set(bearer(admin.token))
    expect(search.status).toBe(200)
    // The deliveries (waiting for the failing receiver) and the reply email (waiting for its hour) are there.
    const pending = () => owner.query<{ deliveries: number; emails: number }>(
      `SELECT (SELECT count(*)::int FROM mod_chat_webhook_deliveries WHERE site_id = $1 AND status = 'pending') AS deliveries,
              (SELECT count(*)::int FROM mod_chat_email_jobs WHERE site_id = $1) AS emails`,
      [site.id],
    )
    await eventually(async () => {
      const { rows: [p] } = await pending()
      return p!.deliveries >= 5 && p!.emails === 1
    }, 15_000, 'pending deliveries and the reply email')
    await a.close()

    // ---- server B alone: a second conversation's event waits in the outbox
    const second = await b.services.conversations.start(va, { clientKey: `key2-${hex}`, message: { clientId: `second-${hex}`, text: `one more thing ${words.second}` } })
    // An agent's dashboard opens: their connection lets the queue move, and the waiting second
    // conversation becomes theirs (a system line) before anything is counted.
    const dashboard = await connectRaw(rawSocket(b.url, '/agent', { token: admin.token, siteId: site.id }))
    await eventually(
      async () => (await b.db.inSite(site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: second.conversation.id } }))).assignedAgentId === admin.id,
      5_000,
      'the second conversation assigned to the agent who connected',
    )
    const { rows: [outbox] } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM mod_chat_events WHERE site_id = $1 AND data::text ILIKE $2`, [site.id, `%${words.name}%`])
    expect(outbox!.n).toBeGreaterThan(0)
    expect((await b.services.analytics.aggregator.run()).ran).toBe(true)
    const days = await dayRows(site.id)
    expect(days.reduce((n, d) => n + d.total_conversations, 0)).toBe(2)
    // Three messages from the visitor, the agent's reply (system lines are not counted).
    expect(days.reduce((n, d) => [n[0]! + d.messages_visitor, n[1]! + d.messages_agent], [0, 0])).toEqual([3, 1])
    const visitorRow = await b.db.inSite(site.id, (tx) => tx.visitor.findUniqueOrThrow({ where: { id: visitorId } }))
    expect(visitorRow.consents).toMatchObject([{ field: 'terms', text: 'I agree to the privacy policy' }])

    // Every word is somewhere before.
    const terms = Object.values(words)
    const before = await scanDatabase(database.url, terms)
    expect(terms.filter((t) => !before.some((r) => r.term === t))).toEqual([])
    expect(before.some((r) => r.table === 'mod_chat_uploads' && r.column === 'data' && r.term === words.file)).toBe(true)
    expect(before.some((r) => r.table === 'mod_chat_message_edits' && r.term === words.oldText)).toBe(true)
    expect(before.some((r) => r.table === 'audit_events' && r.term === words.email)).toBe(true)

    // ---- erase, with the visitor's widget open and the agent's dashboard
    const widget = await connectRaw(rawSocket(b.url, '/visitor', { token: session.token }))
    try {
      const told = waitFor<{ visitorId: string }>((fn) => (dashboard.on('visitor:erased', fn), () => dashboard.off('visitor:erased', fn)))
      const gone = new Promise<string>((resolve) => widget.once('disconnect', resolve))
      const res = await request(b.url).delete(`/api/sites/${site.id}/visitors/${visitorId}`).set(bearer(admin.token))
      expect(res.status, res.text).toBe(200)
      // Five messages in the first (two of them system lines), two in the second (one a system line), and the one file.
      expect(res.body as VisitorErased).toEqual({ visitorId, conversations: 2, messages: 7, files: 1 })
      expect(await told).toEqual({ visitorId })
      expect(await gone).toBe('io server disconnect')
      // Its token names nobody now.
      await expect(connectRaw(rawSocket(b.url, '/visitor', { token: session.token }))).rejects.toMatchObject({ data: { code: 'unauthorized' } })
      expect(await ask(dashboard, 'messages:sync', { conversationId, afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    } finally {
      widget.disconnect()
      dashboard.disconnect()
    }

    // ---- no word anywhere, in any table, any column, any file
    expect(await scanDatabase(database.url, terms)).toEqual([])
    // The merged-away tombstone went with the contact; so did the note and the value.
    const { rows: [left] } = await owner.query<{ visitors: number; notes: number; values: number }>(
      `SELECT (SELECT count(*)::int FROM mod_chat_visitors WHERE site_id = $1) AS visitors,
              (SELECT count(*)::int FROM mod_chat_contact_notes WHERE site_id = $1) AS notes,
              (SELECT count(*)::int FROM mod_chat_contact_attribute_values WHERE site_id = $1) AS values`,
      [site.id],
    )
    expect(left).toEqual({ visitors: 0, notes: 0, values: 0 })

    // ---- the analytics: the same day rows, after the next run and after a recomputation from scratch
    expect((await b.services.analytics.aggregator.run()).ran).toBe(true)
    expect(await dayRows(site.id)).toEqual(days)
    await owner.query('UPDATE mod_chat_analytics_watermark SET through = NULL WHERE id = 1')
    expect((await b.services.analytics.aggregator.run()).ran).toBe(true)
    expect(await dayRows(site.id)).toEqual(days)

    // ---- the audit event names the visitor by id only; the outbox tells webhooks the ids
    const { rows: audit } = await owner.query(`SELECT action, target_type, target_id, target_label, data FROM audit_events WHERE site_id = $1 AND action = 'visitor.erased'`, [site.id])
    expect(audit).toEqual([{ action: 'visitor.erased', target_type: 'visitor', target_id: visitorId, target_label: null, data: { conversations: 2, messages: 7, files: 1 } }])
    const { rows: searched } = await owner.query(`SELECT data FROM audit_events WHERE site_id = $1 AND action = 'export.conversations'`, [site.id])
    expect(searched).toEqual([{ data: { filter: { q: '[erased]' } } }])
    const { rows: erasedEvent } = await owner.query(`SELECT data FROM mod_chat_events WHERE site_id = $1 AND type = 'visitor.erased'`, [site.id])
    expect(erasedEvent).toEqual([{ data: { visitorId, conversationIds: expect.arrayContaining([conversationId]) } }])
    expect((erasedEvent[0] as { data: { conversationIds: string[] } }).data.conversationIds).toHaveLength(2)
  }, 120_000)

  it('is for site admins: an agent gets 403; an unknown, already erased or malformed id answers 404 or 400, and nothing changes', async () => {
    const site = await b.fx.site()
    const admin = await b.fx.agent(site.id, { role: 'admin' })
    const agent = await b.fx.agent(site.id, { role: 'agent' })
    const session = await b.fx.visitorSession(site.id)
    const count = () => b.db.inSite(site.id, (tx) => tx.visitor.count())
    const del = (id: string, token: string) => request(b.url).delete(`/api/sites/${site.id}/visitors/${id}`).set(bearer(token))
    expect((await del(session.visitor.id, agent.token)).body).toMatchObject({ error: { code: 'forbidden' } })
    expect((await del(crypto.randomUUID(), admin.token)).status).toBe(404)
    expect((await del('not-a-uuid', admin.token)).status).toBe(400)
    expect(await count()).toBe(1)
    const res = await del(session.visitor.id.toUpperCase(), admin.token)
    expect(res.body).toEqual({ visitorId: session.visitor.id, conversations: 0, messages: 0, files: 0 })
    expect(await count()).toBe(0)
    expect((await del(session.visitor.id, admin.token)).body).toMatchObject({ error: { code: 'not_found' } })
  })
})
