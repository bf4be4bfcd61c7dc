// The one rule of agency-wide memberships: an agency owner or admin is an admin of every site of
// the agency, through a membership row marked via_agency (so routing, presence, the team list and
// history work as for any agent). Made when someone becomes owner/admin and when a site is
// created; removing them when someone stops being one goes through the agents' removal (their
// conversations go back to the queue), see agents/service.ts.
import type { Tx } from '../shared/db/index.js'

/** Points the transaction's row-level security at `siteId` (transaction-local, may be changed again). */
export async function enterSite(tx: Tx, siteId: string): Promise<void> {
  await tx.$executeRaw`SELECT set_config('app.site_id', ${siteId}, true)`
}

/**
 * Gives `userId` (now an agency owner or admin) a membership of every site of `agencyId`: a new
 * via_agency row where they have none, and a removed one brought back. Explicit memberships stay
 * as they are (their role is overridden by the agency role while it lasts).
 */
export async function grantAgencySites(tx: Tx, agencyId: string, userId: string): Promise<void> {
  const sites = await tx.site.findMany({ where: { agencyId }, select: { id: true } })
  for (const { id: siteId } of sites) await grantSite(tx, siteId, userId)
}

/** Gives every owner and admin of `agencyId` a membership of the new site `siteId`. */
export async function grantSiteToAgencyAdmins(tx: Tx, agencyId: string, siteId: string): Promise<void> {
  const admins = await tx.user.findMany({ where: { agencyId, agencyRole: { in: ['owner', 'admin'] }, deactivatedAt: null }, select: { id: true } })
  for (const { id } of admins) await grantSite(tx, siteId, id)
}

async function grantSite(tx: Tx, siteId: string, userId: string): Promise<void> {
  await enterSite(tx, siteId)
  const existing = await tx.agent.findUnique({ where: { siteId_userId: { siteId, userId } }, select: { id: true, removedAt: true } })
  if (!existing) {
    await tx.agent.create({ data: { siteId, userId, role: 'admin', viaAgency: true } })
  } else if (existing.removedAt) {
    await tx.agent.update({ where: { id: existing.id }, data: { removedAt: null, viaAgency: true, role: 'admin' } })
  }
}
