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
})
