// "Never editable through the app": connected as the application's database role
// (live_chat_app, the role every query of the app runs as; see tenancy/rls.test.ts), the audit
// log can be read and appended to for the transaction's agency, and nothing else: UPDATE,
// DELETE and TRUNCATE are not granted, and a row of another agency is refused by row-level security.
import { describe, expect, it } from 'vitest'
import { serverPerFile } from '../helpers.js'

const t = serverPerFile()

/** An agency with one event, written as the app writes them. */
async function agencyWithEvent(label: string) {
  const agency = await t.s.db.prisma.agency.create({ data: { name: `Audit ${label}` } })
  await t.s.services.audit.record({ agencyId: agency.id, action: 'agency.updated', actor: { type: 'system', id: null, label: 'test' }, data: { label } })
  const [event] = await t.s.db.inAgency(agency.id, (tx) => tx.auditEvent.findMany())
  return { agencyId: agency.id, eventId: event!.id }
}

/** The database's own message for what a statement ran into (Prisma wraps it). */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (e) {
    return String((e as Error).message)
  }
  throw new Error('the statement succeeded')
}

describe('audit_events as the application role', () => {
  it('runs as live_chat_app, neither superuser nor exempt from row-level security', async () => {
    const [me] = await t.s.db.prisma.$queryRaw<{ name: string; superuser: boolean; bypass: boolean }[]>`
      SELECT current_user::text AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass FROM pg_roles r WHERE r.rolname = current_user`
    expect(me).toEqual({ name: 'live_chat_app', superuser: false, bypass: false })
  })

  it('UPDATE fails with permission denied, even of the own agency’s rows, and changes nothing', async () => {
    const a = await agencyWithEvent('update')
    const message = await failure(() => t.s.db.inAgency(a.agencyId, (tx) => tx.$executeRaw`UPDATE audit_events SET action = 'auth.login' WHERE id = ${a.eventId}::uuid`))
    expect(message).toMatch(/permission denied for table audit_events/)
    await expect(t.s.db.inAgency(a.agencyId, (tx) => tx.auditEvent.update({ where: { id: a.eventId }, data: { actorLabel: 'someone else' } }))).rejects.toThrow(/permission denied/)
    const row = await t.s.db.inAgency(a.agencyId, (tx) => tx.auditEvent.findUniqueOrThrow({ where: { id: a.eventId } }))
    expect(row).toMatchObject({ action: 'agency.updated', actorLabel: 'test' })
  })

  it('DELETE and TRUNCATE fail with permission denied, and the row stays', async () => {
    const a = await agencyWithEvent('delete')
    expect(await failure(() => t.s.db.inAgency(a.agencyId, (tx) => tx.$executeRaw`DELETE FROM audit_events WHERE id = ${a.eventId}::uuid`))).toMatch(/permission denied for table audit_events/)
    expect(await failure(() => t.s.db.inAgency(a.agencyId, (tx) => tx.auditEvent.deleteMany({})))).toMatch(/permission denied/)
    expect(await failure(() => t.s.db.inAgency(a.agencyId, (tx) => tx.$executeRaw`TRUNCATE audit_events`))).toMatch(/permission denied for table audit_events/)
    expect(await t.s.db.inAgency(a.agencyId, (tx) => tx.auditEvent.count())).toBe(1)
  })

  it("INSERT of another agency's row fails row-level security; the own agency's is appended", async () => {
    const a = await agencyWithEvent('a')
    const b = await agencyWithEvent('b')
    const message = await failure(() =>
      t.s.db.inAgency(a.agencyId, (tx) => tx.$executeRaw`INSERT INTO audit_events (agency_id, action, actor_type, actor_label) VALUES (${b.agencyId}::uuid, 'auth.login', 'system', 'forged')`),
    )
    expect(message).toMatch(/row-level security policy for table "audit_events"/)
    // Nor with no agency named at all.
    expect(await failure(() => t.s.db.prisma.$executeRaw`INSERT INTO audit_events (agency_id, action, actor_type, actor_label) VALUES (${b.agencyId}::uuid, 'auth.login', 'system', 'forged')`)).toMatch(/row-level security/)
    expect(await t.s.db.inAgency(b.agencyId, (tx) => tx.auditEvent.findMany({ select: { actorLabel: true } }))).toEqual([{ actorLabel: 'test' }])
    await t.s.db.inAgency(a.agencyId, (tx) => tx.$executeRaw`INSERT INTO audit_events (agency_id, action, actor_type, actor_label) VALUES (${a.agencyId}::uuid, 'auth.login', 'system', 'appended')`)
    expect(await t.s.db.inAgency(a.agencyId, (tx) => tx.auditEvent.count())).toBe(2)
    // And one agency never reads another's.
    expect(await t.s.db.inAgency(a.agencyId, (tx) => tx.auditEvent.count({ where: { agencyId: b.agencyId } }))).toBe(0)
    expect(await t.s.db.prisma.auditEvent.count()).toBe(0)
  })
})
