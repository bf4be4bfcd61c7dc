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

  it('edit histories are site-scoped: another site neither reads nor writes them', async () => {
    const a = await siteWithChat('before edit')
    const b = await siteWithChat('b')
    const msg = await s.db.inSite(a.site.id, (tx) => tx.message.findFirstOrThrow({ where: { conversationId: a.conversationId } }))
    await s.db.inSite(a.site.id, (tx) => tx.messageEdit.create({ data: { siteId: a.site.id, messageId: msg.id, content: 'before edit', editorType: 'visitor' } }))
    expect(await s.db.prisma.messageEdit.count()).toBe(0)
    expect(await s.db.inSite(b.site.id, (tx) => tx.messageEdit.count())).toBe(0)
    expect(await s.db.inSite(a.site.id, (tx) => tx.messageEdit.count())).toBe(1)
    const write = s.db.inSite(b.site.id, (tx) => tx.messageEdit.create({ data: { siteId: a.site.id, messageId: msg.id, content: 'forged', editorType: 'agent' } }))
    await expect(write).rejects.toMatchObject({ code: 'P2039' })
  })

  it('the setting ends with its transaction: the next query on the same connection sees nothing', async () => {
    const a = await siteWithChat('scoped')
    // One connection only, so the follow-up query surely reuses it.
    await s.db.inSite(a.site.id, (tx) => tx.message.count())
    const counts = await Promise.all(Array.from({ length: 10 }, () => s.db.prisma.message.count()))
    expect(counts.every((n) => n === 0)).toBe(true)
  })

  it('a serial scope plans without parallel workers, with its site set in the same statement, and only for its transaction', async () => {
    const a = await siteWithChat('serial')
    const workers = (tx: Parameters<Parameters<typeof s.db.inSite>[1]>[0]) => tx.$queryRaw<{ n: string }[]>`SELECT current_setting('max_parallel_workers_per_gather') AS n`.then((r) => r[0]!.n)
    const inside = await s.db.scoped({ siteId: a.site.id, serial: true }, async (tx) => ({ workers: await workers(tx), messages: await tx.message.count() }))
    expect(inside).toEqual({ workers: '0', messages: 1 })
    const plain = await s.db.inSite(a.site.id, workers)
    expect(plain).not.toBe('0')
  })

  it("a visitor's door statements (db.handshakes) enter their site: another site's visitor is not found, a scoped transaction is never switched, the scope ends with the statement", async () => {
    const a = await siteWithChat('door a')
    const b = await siteWithChat('door b')
    const door = (site: string, visitor: string) =>
      s.db.handshakes.query<{ visitor_id: string | null }>('SELECT visitor_id FROM mod_chat_visitor_authenticate($1::uuid, $2::uuid, NULL)', [site, visitor])
    expect(await door(a.site.id, a.visitorId)).toEqual([{ visitor_id: a.visitorId }])
    // Site A's door with site B's visitor: the site exists, the visitor is not of it.
    expect(await door(a.site.id, b.visitorId)).toEqual([{ visitor_id: null }])
    // Inside a transaction of site A, entering site B fails, and nothing of B is read.
    const switched = s.db.inSite(a.site.id, (tx) => tx.$queryRaw`SELECT * FROM mod_chat_visitor_authenticate(${b.site.id}::uuid, ${b.visitorId}::uuid, NULL)`)
    await expect(switched).rejects.toThrow(/another site/)
    // The statement's scope ended with it: the next ones on the same pool see no site's rows.
    const after = await Promise.all(Array.from({ length: 8 }, () => s.db.handshakes.query<{ n: number }>('SELECT count(*)::int AS n FROM mod_chat_visitors', [])))
    expect(after).toEqual(Array.from({ length: 8 }, () => [{ n: 0 }]))
  })
  describe('accounts tables', () => {
    async function agencyWithRows(label: string) {
      const site = await s.fx.site()
      const agent = await s.fx.agent(site.id)
      const agencyId = site.agencyId
      const rows = await s.db.inAgency(agencyId, async (tx) => ({
        invitation: await tx.invitation.create({ data: { agencyId, email: `${label}@example.test`, tokenHash: `h-${label}-${site.id}`, expiresAt: new Date(Date.now() + 3_600_000) } }),
        key: await tx.apiKey.create({ data: { agencyId, name: `key ${label}`, prefix: 'lck_x', secretHash: `k-${label}-${site.id}`, scopes: ['sites:read'] } }),
        event: await tx.auditEvent.create({ data: { agencyId, action: 'site.updated', actorType: 'system', actorLabel: label } }),
      }))
      return { site, agent, agencyId, ...rows }
    }

    it('invitations, API keys and audit events show only the agency set for the transaction, and none without one', async () => {
      const a = await agencyWithRows('a')
      const b = await agencyWithRows('b')
      const seen = await s.db.inAgency(a.agencyId, async (tx) => ({
        invitations: await tx.invitation.findMany({ select: { id: true } }),
        keys: await tx.apiKey.findMany({ select: { id: true } }),
        events: await tx.auditEvent.findMany({ select: { id: true } }),
        bKey: await tx.apiKey.findUnique({ where: { id: b.key.id } }),
      }))
      expect(seen).toEqual({ invitations: [{ id: a.invitation.id }], keys: [{ id: a.key.id }], events: [{ id: a.event.id }], bKey: null })
      expect(await s.db.prisma.invitation.count()).toBe(0)
      expect(await s.db.prisma.apiKey.count()).toBe(0)
      expect(await s.db.prisma.auditEvent.count()).toBe(0)
      const write = s.db.inAgency(a.agencyId, (tx) => tx.apiKey.create({ data: { agencyId: b.agencyId, name: 'intruder', prefix: 'x', secretHash: 'x', scopes: ['sites:read'] } }))
      await expect(write).rejects.toMatchObject({ code: 'P2039' })
    })

    it('a lookup id shows exactly that one row, to read only', async () => {
      const a = await agencyWithRows('a')
      const b = await agencyWithRows('b')
      const seen = await s.db.scoped({ lookupId: b.key.id }, async (tx) => ({
        keys: await tx.apiKey.findMany({ select: { id: true } }),
        invitations: await tx.invitation.count(),
        changed: (await tx.apiKey.updateMany({ data: { name: 'pwned' } })).count,
      }))
      expect(seen).toEqual({ keys: [{ id: b.key.id }], invitations: 0, changed: 0 })
      expect(await s.db.scoped({ lookupId: a.invitation.id }, (tx) => tx.invitation.findMany({ select: { id: true } }))).toEqual([{ id: a.invitation.id }])
    })

    it('sessions are the user’s own', async () => {
      const a = await agencyWithRows('a')
      const b = await agencyWithRows('b')
      const mine = await s.db.asUser(a.agent.userId, (tx) => tx.userSession.findMany({ select: { id: true } }))
      expect(mine).toEqual([{ id: a.agent.sessionId }])
      const revoked = await s.db.asUser(a.agent.userId, (tx) => tx.userSession.updateMany({ where: { id: b.agent.sessionId }, data: { revokedAt: new Date() } }))
      expect(revoked.count).toBe(0)
      expect(await s.db.prisma.userSession.count()).toBe(0)
    })
  })
})
