// The outbox under kill -9: a server process takes agents' replies and assignments over REST
// while its dispatcher hands their events to two webhook receivers and the reply-email queue,
// and is killed with SIGKILL at a random moment, again and again; a new process takes over each
// time. Every kill leaves committed changes whose events were not yet dispatched (counted in the
// outbox right after the kill). Clients resend what was not answered, with the same clientId.
// In the end the books balance:
// - every send is stored once;
// - every stored public message and assignment has one event, and each receiver got it at
//   least once; a repeat carries the same event id (body and webhook-id header); a resend of a
//   stored message made no second event;
// - every conversation whose absent visitor left an address gets one reply email holding every
//   reply.
// On a database of its own (its processes and receivers are the only ones on it).
import crypto from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WEBHOOK_EVENTS, type WebhookPayload } from '@live-chat/protocol'
import { REPLIES_SHOWN } from '../../src/email/service.js'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'
import { startSmtp, type TestSmtp } from '../smtp.js'
import { receiver } from '../webhooks/receivers.js'

const KILLS = 8
const CONVERSATIONS = 12
const SENDERS = 6

let database: Awaited<ReturnType<typeof createTestDatabase>>
let fixtures: TestServer
let smtp: TestSmtp
let a: Awaited<ReturnType<typeof receiver>>
let b: Awaited<ReturnType<typeof receiver>>
let admin: pg.Client
let current: ServerProcess | undefined

const env = () => ({
  DATABASE_URL: database.url,
  REDIS_URL: '',
  SMTP_URL: smtp.url,
  // The reply emails wait until the end (the test then makes them due): they are sent by the
  // last process, after the kills, and the test counts each conversation's.
  EMAIL_BATCH_MS: '3600000',
  WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
})

beforeAll(async () => {
  database = await createTestDatabase('live_chat_outbox_chaos')
  smtp = await startSmtp()
  ;[a, b] = await Promise.all([receiver(), receiver()])
  // The fixtures' own server dispatches nothing: only the processes killed here do.
  fixtures = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 3 }), events: { enabled: false }, webhooks: { allowedNetworks: ['127.0.0.1/32'] } })
  admin = new pg.Client({ connectionString: database.url })
  await admin.connect()
}, 120_000)
afterAll(async () => {
  await stopProcess(current)
  await fixtures?.close()
  await admin?.end()
  await Promise.all([a?.close(), b?.close(), smtp?.close()])
  await database?.drop()
})

const outboxLength = async () => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM mod_chat_events')).rows[0]!.n)

describe('the outbox, the server killed between commit and dispatch', () => {
  it(`kill -9 ${KILLS} times under load: every event reaches both receivers, once per id; every reply email is sent once`, async () => {
    const site = await fixtures.fx.site()
    const ada = await fixtures.fx.agent(site.id, { role: 'admin', name: 'Ada' })
    const bob = await fixtures.fx.agent(site.id, { name: 'Bob' })
    for (const r of [a, b]) await fixturesWebhook(site.id, ada, r.url)
    // Conversations of visitors who left an address and are gone (not online: they get email).
    const conversations: string[] = []
    for (let i = 0; i < CONVERSATIONS; i++) {
      const session = await fixtures.fx.visitorSession(site.id)
      const started = await fixtures.services.conversations.start(
        { kind: 'visitor', siteId: site.id, visitorId: session.visitor.id },
        { clientKey: `k${i}`, fields: { name: `Visitor ${i}`, email: `visitor${i}@example.test` }, message: { clientId: `first${i}`, text: `hello ${i}` } },
      )
      conversations.push(started.conversation.id)
    }

    // The load: each sender sends replies (and now and then a transfer) until stopped; a request
    // that fails (its process was killed) is sent again, with the same clientId, to the next one.
    const sent = new Map<string, { conversationId: string; text: string; answers: number[] }>()
    const transfers: { conversationId: string; agentId: string }[] = []
    let stop = false
    let resends = 0
    const post = async (route: string, body: unknown): Promise<number> => {
      for (;;) {
        const server = current
        if (server) {
          try {
            const res = await fetch(`${server.url}/api/sites/${site.id}${route}`, {
              method: 'POST',
              headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
              body: JSON.stringify(body),
              signal: AbortSignal.timeout(5_000),
            })
            if (res.status < 500) {
              expect(res.status, `${route}: ${await res.text()}`).toBeLessThan(300)
              return res.status
            }
          } catch {
            // killed mid-request: try again
          }
        }
        resends++
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    const sender = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const conversationId = conversations[(n + i * SENDERS) % CONVERSATIONS]!
        if (i % 10 === 9) {
          const agentId = (n + i) % 2 === 0 ? ada.id : bob.id
          transfers.push({ conversationId, agentId })
          await post(`/conversations/${conversationId}/assign`, { agentId })
          continue
        }
        const clientId = `s${n}_${i}_${crypto.randomBytes(3).toString('hex')}`
        const entry = { conversationId, text: `reply ${n}.${i}`, answers: [] as number[] }
        sent.set(clientId, entry)
        entry.answers.push(await post(`/conversations/${conversationId}/messages`, { clientId, text: entry.text }))
      }
    }

    current = await startProcess(env())
    const load = Promise.all(Array.from({ length: SENDERS }, (_, n) => sender(n)))
    const leftInOutbox: number[] = []
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 1300))
      const victim = current!
      current = undefined
      victim.child.kill('SIGKILL')
      await victim.exited
      leftInOutbox.push(await outboxLength())
      current = await startProcess(env())
    }
    await new Promise((r) => setTimeout(r, 500))
    stop = true
    await load

    // Everything dispatched and delivered by the last process.
    await eventually(async () => (await outboxLength()) === 0, 30_000, 'the outbox to empty')
    await eventually(
      async () => Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM mod_chat_webhook_deliveries WHERE status <> 'delivered'`)).rows[0]!.n) === 0,
      60_000,
      'every delivery delivered',
    )

    // Stored once each.
    const stored = (await admin.query<Stored>(
      `SELECT id, client_id, content, sender_type, metadata, conversation_id, created_at FROM mod_chat_messages WHERE site_id = $1 ORDER BY conversation_id, seq`,
      [site.id],
    )).rows
    const replies = stored.filter((m) => m.sender_type === 'agent')
    expect(replies.map((m) => m.client_id).sort()).toEqual([...sent.keys()].sort())
    const alreadyStored = [...sent.values()].filter((s) => s.answers[0] === 200).length

    // One event per stored message or assignment, at each receiver at least once, repeats by the same id.
    const expected = new Set([
      ...conversations,
      ...stored.filter((m) => m.sender_type !== 'system' || ['assigned', 'transferred'].includes(m.metadata.event ?? '')).map((m) => m.id),
    ])
    const report = (r: typeof a) => {
      const bySubject = new Map<string, Set<string>>()
      let repeats = 0
      for (const got of r.got) {
        const p = JSON.parse(got.body) as WebhookPayload
        expect(got.headers['webhook-id']).toBe(p.id)
        const subject = subjectOf(p, stored)
        if (!subject) continue
        const ids = bySubject.get(subject) ?? new Set<string>()
        if (ids.has(p.id)) repeats++
        ids.add(p.id)
        bySubject.set(subject, ids)
      }
      return { bySubject, repeats }
    }
    const ra = report(a)
    const rb = report(b)
    for (const r of [ra, rb]) {
      const missing = [...expected].filter((id) => !r.bySubject.has(id))
      expect(missing, 'stored changes whose event never arrived').toEqual([])
      const twice = [...r.bySubject].filter(([, ids]) => ids.size > 1)
      expect(twice, 'a change with two different event ids').toEqual([])
    }

    // The reply emails, made due now: one per conversation, holding every reply (the latest
    // REPLIES_SHOWN of a conversation that got more, with their count).
    await admin.query('UPDATE mod_chat_email_jobs SET due_at = now()')
    const jobs = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM mod_chat_email_jobs')).rows[0]!.n)
    const replied = new Set(replies.map((m) => m.conversation_id))
    expect(jobs).toBe(replied.size)
    // The process sweeps due emails every batch window, at most every 30 s (email/service.ts): the
    // jobs just made due wait for its next sweep, up to 30 s, then are sent.
    await eventually(() => smtp.inbox.length >= replied.size, 45_000, 'the reply emails')
    await new Promise((r) => setTimeout(r, 1_000)) // a second email to anyone would have come by now
    for (const [i, id] of conversations.entries()) {
      const mails = smtp.mailsTo(`visitor${i}@example.test`)
      const theirs = replies.filter((m) => m.conversation_id === id)
      expect(mails, `emails to visitor ${i}`).toHaveLength(theirs.length > 0 ? 1 : 0)
      if (theirs.length > 1) expect(mails[0]!.text, `visitor ${i}'s email`).toContain(`You have ${theirs.length} new replies`)
      for (const m of theirs.slice(-REPLIES_SHOWN)) expect(mails[0]!.text, `visitor ${i}'s email`).toContain(m.content)
    }

    console.log(
      `outbox chaos: ${KILLS} kills; events left undispatched by each kill: ${leftInOutbox.join(', ')}; ` +
        `${sent.size} replies and ${transfers.length} transfers sent, ${resends} requests retried, ${alreadyStored} replies answered "already stored"; ` +
        `${expected.size} events expected, receiver A got ${a.got.length} requests (${ra.repeats} repeats), B ${b.got.length} (${rb.repeats} repeats); ` +
        `${replied.size} reply emails`,
    )
    expect(leftInOutbox.some((n) => n > 0), 'some kill came between a commit and its dispatch').toBe(true)
  }, 300_000)
})

/** Makes a webhook subscribed to every event, through the REST API as a site admin. */
async function fixturesWebhook(siteId: string, adminAgent: { token: string }, hookUrl: string): Promise<unknown> {
  const res = await fetch(`${fixtures.url}/api/sites/${siteId}/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminAgent.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: hookUrl, events: WEBHOOK_EVENTS }),
  })
  expect(res.status).toBe(201)
  return res.json()
}

interface Stored {
  id: string
  client_id: string | null
  content: string | null
  sender_type: string
  metadata: { event?: string }
  conversation_id: string
  created_at: Date
}

/** What an event is about: the conversation of conversation.created, the message of message.created, the system line of an assignment. */
function subjectOf(p: WebhookPayload, stored: Stored[]): string | null {
  if (p.event === 'conversation.created') return p.data.conversation.id
  if (p.event === 'message.created') return p.data.message.id
  if (p.event === 'conversation.assigned') {
    // An event is stamped with its message's time.
    const line = stored.find((m) => m.conversation_id === p.data.conversationId && m.sender_type === 'system' && new Date(m.created_at).toISOString() === p.createdAt)
    return line?.id ?? `unknown assignment ${p.data.conversationId} at ${p.createdAt}`
  }
  return null
}
