// Retention on two real server processes at once, each applying the policies every 100 ms: a
// site's work is done once — one audit event, each deleted conversation's analytics figures kept
// once — however the two processes' runs fall.
//
// On a database of its own: these processes apply every policy they find.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VisitorActor } from '../../src/shared/context.js'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let fixtures: TestServer
let owner: pg.Client
let processes: ServerProcess[] = []

beforeAll(async () => {
  database = await createTestDatabase('live_chat_retention')
  fixtures = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 3 }) })
  owner = new pg.Client({ connectionString: database.url })
  await owner.connect()
}, 120_000)

afterAll(async () => {
  await Promise.all(processes.map((p) => stopProcess(p)))
  await owner?.end()
  await fixtures?.close()
  await database?.drop()
})

describe('retention on two processes at once', () => {
  it('deletes each due conversation once, keeps its figures once, and records one event', async () => {
    const site = await fixtures.fx.site()
    const admin = await fixtures.fx.agent(site.id, { role: 'admin' })
    const adminActor = await fixtures.services.agents.authenticate(admin.token, site.id)
    await fixtures.services.sites.updateSettings(adminActor, { retention: { mode: 'delete', days: 10 } })
    const COUNT = 6
    for (let i = 0; i < COUNT; i++) {
      const session = await fixtures.fx.visitorSession(site.id)
      const va: VisitorActor = { kind: 'visitor', siteId: site.id, visitorId: session.visitor.id }
      const { conversation } = await fixtures.services.conversations.start(va, { clientKey: `key-00000${i}`, message: { clientId: `first-0000${i}`, text: `hello ${i}` } })
      // (two messages: the visitor's, and the admin's answer)
      await fixtures.services.messages.send(adminActor, { conversationId: conversation.id, clientId: `reply-0000${i}`, text: 'hi' })
      await owner.query("UPDATE mod_chat_messages SET created_at = now() - interval '20 days' WHERE conversation_id = $1", [conversation.id])
      await owner.query("UPDATE mod_chat_conversations SET created_at = now() - interval '20 days', last_activity_at = now() - interval '20 days' WHERE id = $1", [conversation.id])
      await owner.query("UPDATE mod_chat_visitors SET last_seen_at = now() - interval '20 days' WHERE id = $1", [session.visitor.id])
    }

    const env = { DATABASE_URL: database.url, REDIS_URL: '', RETENTION_INTERVAL_MS: '100', ANALYTICS_INTERVAL_MS: '0', MISSED_SWEEP_MS: '0' }
    processes = await Promise.all([startProcess(env), startProcess(env)])
    const count = async (sql: string) => (await owner.query<{ n: number }>(sql, [site.id])).rows[0]!.n
    await eventually(async () => (await count('SELECT count(*)::int AS n FROM mod_chat_conversations WHERE site_id = $1')) === 0, 30_000, 'the due conversations deleted')
    await eventually(async () => (await count('SELECT count(*)::int AS n FROM mod_chat_visitors WHERE site_id = $1')) === 0, 30_000, 'their visitors deleted')
    // Both processes keep running (a run every 100 ms each): ten more runs of each find nothing to do.
    await new Promise((r) => setTimeout(r, 1_000))

    expect(await count("SELECT count(*)::int AS n FROM audit_events WHERE site_id = $1 AND action = 'retention.applied'")).toBe(1)
    const { rows: [event] } = await owner.query("SELECT data FROM audit_events WHERE site_id = $1 AND action = 'retention.applied'", [site.id])
    expect(event!.data).toEqual({ mode: 'delete', days: 10, conversations: COUNT, messages: COUNT * 2, files: 0, visitorsDeleted: COUNT, visitorsAnonymised: 0 })
    expect(await count("SELECT count(*)::int AS n FROM mod_chat_analytics_removed WHERE site_id = $1 AND kind = 'conversation'")).toBe(COUNT)
    expect(await count("SELECT coalesce(sum(count), 0)::int AS n FROM mod_chat_analytics_removed WHERE site_id = $1 AND kind = 'message'")).toBe(COUNT * 2)
  }, 180_000)
})
