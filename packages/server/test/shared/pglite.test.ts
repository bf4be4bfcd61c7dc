// The same core flow on the embedded database: same schema, same migrations, same code path.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UploadedFile } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { coreFlow } from '../core-flow.js'
import { startServer, type TestServer } from '../helpers.js'
import { SAMPLES } from '../uploads/samples.js'

let s: TestServer
beforeAll(async () => {
  s = await startServer({ db: await openDatabase({ dataDir: 'memory://' }) })
}, 120_000)
afterAll(() => s?.close())

describe('a conversation on the embedded PGlite database', () => {
  it('runs as the application role under row-level security', async () => {
    expect(s.db.kind).toBe('pglite')
    const [me] = await s.db.prisma.$queryRaw<{ name: string; superuser: boolean }[]>`
      SELECT current_user::text AS name, r.rolsuper AS superuser FROM pg_roles r WHERE r.rolname = current_user`
    expect(me).toEqual({ name: 'live_chat_app', superuser: false })
  })

  it('a visitor and an agent converse end to end through the SDK', () => coreFlow(s))

  it('stores an upload and serves it by its id (the site lookup works there too)', async () => {
    const site = await s.fx.site()
    const { token } = await s.fx.visitorSession(site.id)
    const up = await request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${token}`).attach('file', SAMPLES.png, 'a.png')
    expect(up.status).toBe(201)
    const served = await request(s.url).get((up.body as UploadedFile).url)
    expect({ status: served.status, type: served.headers['content-type'] }).toEqual({ status: 200, type: 'image/png' })
  })

  it('keeps sites apart', async () => {
    const a = await s.fx.site()
    const b = await s.fx.site()
    await s.db.inSite(b.id, (tx) => tx.visitor.create({ data: { siteId: b.id, name: 'in B' } }))
    expect(await s.db.inSite(a.id, (tx) => tx.visitor.count({ where: { name: 'in B' } }))).toBe(0)
    expect(await s.db.prisma.visitor.count()).toBe(0)
  })

  it('exports and erases a visitor, and applies a retention policy, there too', async () => {
    const site = await s.fx.site()
    const admin = await s.fx.agent(site.id, { role: 'admin' })
    const actor = await s.services.agents.authenticate(admin.token, site.id)
    const erased = await s.fx.visitorSession(site.id)
    await s.services.conversations.start({ kind: 'visitor', siteId: site.id, visitorId: erased.visitor.id }, { clientKey: 'pglite-erase-1', message: { clientId: 'pglite-msg-01', text: 'forget me' } })
    const exported = await request(s.url).get(`/api/sites/${site.id}/visitors/${erased.visitor.id}/export`).set('Authorization', `Bearer ${admin.token}`)
    expect({ status: exported.status, type: exported.headers['content-type'] }).toEqual({ status: 200, type: 'application/zip' })
    expect(await s.services.privacy.erase(actor, erased.visitor.id)).toEqual({ visitorId: erased.visitor.id, conversations: 1, messages: 1, files: 0 })

    const kept = await s.fx.visitorSession(site.id)
    const { conversation } = await s.services.conversations.start({ kind: 'visitor', siteId: site.id, visitorId: kept.visitor.id }, { clientKey: 'pglite-keep-1', message: { clientId: 'pglite-msg-02', text: 'old words' } })
    await s.db.inSite(site.id, (tx) => tx.$executeRaw`UPDATE mod_chat_conversations SET last_activity_at = now() - interval '3 days' WHERE id = ${conversation.id}::uuid`)
    await s.services.sites.updateSettings(actor, { retention: { mode: 'anonymise', days: 2 } })
    expect((await s.services.privacy.retention.run()).get(site.id)).toMatchObject({ conversations: 1, messages: 1 })
    const [message] = await s.db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId: conversation.id } }))
    expect(message).toMatchObject({ content: null, deletedAt: expect.any(Date) })
  })
})
