import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers.js'

let s: TestServer
beforeAll(async () => {
  s = await startServer()
})
afterAll(() => s.close())

async function siteWithChat(text: string) {
  const site = await s.fx.site()
  const { visitor } = await s.fx.visitorSession(site.id)
  const actor = { kind: 'visitor' as const, siteId: site.id, visitorId: visitor.id }
  const started = await s.services.conversations.start(actor, { clientKey: `k-${text}-0001`, message: { clientId: `c-${text}-0001`, text } })
  return { site, visitorId: visitor.id, conversationId: started.conversation.id }
}

describe('row-level security', () => {
  it('runs the app as a role that is neither superuser nor exempt from RLS', async () => {
    const [me] = await s.db.prisma.$queryRaw<{ name: string; superuser: boolean; bypass: boolean }[]>`
      SELECT current_user::text AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass
      FROM pg_roles r WHERE r.rolname = current_user`
    expect(me).toEqual({ name: 'live_chat_app', superuser: false, bypass: false })
  })

  it('when a query forgets its site filter, it still sees only the site set for the transaction', async () => {
    const a = await siteWithChat('secret of A')
    const b = await siteWithChat('secret of B')
    const seen = await s.db.inSite(a.site.id, async (tx) => ({
      messages: await tx.message.findMany({ select: { content: true, siteId: true } }),
      conversations: await tx.conversation.findMany({ select: { id: true } }),
      visitors: await tx.visitor.findMany({ select: { id: true } }),
      // Even asking for site B's rows by id returns nothing.
      byId: await tx.conversation.findUnique({ where: { id: b.conversationId } }),
      bMessages: await tx.message.count({ where: { siteId: b.site.id } }),
    }))
    expect(seen.messages.map((m) => m.content)).toEqual(['secret of A'])
    expect(seen.messages.every((m) => m.siteId === a.site.id)).toBe(true)
    expect(seen.conversations).toEqual([{ id: a.conversationId }])
    expect(seen.visitors).toEqual([{ id: a.visitorId }])
    expect(seen.byId).toBeNull()
    expect(seen.bMessages).toBe(0)
  })

  it('with no site set, site-scoped tables show nothing at all', async () => {
    await siteWithChat('anything')
    expect(await s.db.prisma.message.count()).toBe(0)
    expect(await s.db.prisma.conversation.count()).toBe(0)
    expect(await s.db.prisma.visitor.count()).toBe(0)
    expect(await s.db.prisma.agent.count()).toBe(0)
  })

  it('refuses to write a row into another site from a transaction for this one', async () => {
    const a = await siteWithChat('a')
    const b = await siteWithChat('b')
    const write = s.db.inSite(a.site.id, (tx) => tx.visitor.create({ data: { siteId: b.site.id, name: 'intruder' } }))
    await expect(write).rejects.toMatchObject({ code: 'P2039' })
    const update = await s.db.inSite(a.site.id, (tx) => tx.conversation.updateMany({ where: { id: b.conversationId }, data: { priority: 'urgent' } }))
    expect(update.count).toBe(0)
    const still = await s.db.inSite(b.site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: b.conversationId } }))
    expect(still.priority).toBe('normal')
  })

  it('uploads are site-scoped too; the lookup by id tells the site and nothing else', async () => {
    const a = await siteWithChat('a')
    const b = await siteWithChat('b')
    const file = await s.db.inSite(a.site.id, (tx) =>
      tx.upload.create({ data: { siteId: a.site.id, visitorId: a.visitorId, name: 'a.txt', contentType: 'text/plain', size: 1, data: new Uint8Array([0x61]) } }),
    )
    expect(await s.db.prisma.upload.count()).toBe(0)
    expect(await s.db.inSite(b.site.id, (tx) => tx.upload.findUnique({ where: { id: file.id } }))).toBeNull()
    const write = s.db.inSite(b.site.id, (tx) =>
      tx.upload.create({ data: { siteId: a.site.id, visitorId: a.visitorId, name: 'b.txt', contentType: 'text/plain', size: 1, data: new Uint8Array([0x62]) } }),
    )
    await expect(write).rejects.toMatchObject({ code: 'P2039' })
    const [found] = await s.db.prisma.$queryRaw<{ site: string | null }[]>`SELECT mod_chat_upload_site(${file.id}::uuid)::text AS site`
    expect(found).toEqual({ site: a.site.id })
  })

  it('the setting ends with its transaction: the next query on the same connection sees nothing', async () => {
    const a = await siteWithChat('scoped')
    // One connection only, so the follow-up query surely reuses it.
    await s.db.inSite(a.site.id, (tx) => tx.message.count())
    const counts = await Promise.all(Array.from({ length: 10 }, () => s.db.prisma.message.count()))
    expect(counts.every((n) => n === 0)).toBe(true)
  })
})
