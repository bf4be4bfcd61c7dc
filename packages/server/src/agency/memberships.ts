// The one rule of agency-wide memberships: an agency owner or admin is an admin of every site of
// the agency, through a membership row marked via_agency (so routing, presence, the team list and
// history work as for any agent). Made when someone becomes owner/admin and when a site is
// created; removing them when someone stops being one goes through the agents' removal (their
// conversations go back to the queue), see agents/service.ts.
import type { AgentRole } from '@live-chat/protocol'
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
  await addMembership(tx, siteId, userId, { role: 'admin', viaAgency: true })
}

/** What a membership starts with (the rest takes the table's defaults). */
export interface MembershipFields {
  role: AgentRole
  maxConcurrentChats?: number
  title?: string | null
  viaAgency?: boolean
}

/**
 * The one way a user becomes a member of a site: a new row, or their removed one brought back
 * (offline, with `fields`). An active membership is left as it is (`added: false`). Two adds at
 * once bring a removed row back once. Points the transaction at `siteId`.
 */
export async function addMembership(tx: Tx, siteId: string, userId: string, fields: MembershipFields): Promise<{ agentId: string; added: boolean; restored: boolean }> {
  await enterSite(tx, siteId)
  const data = { ...fields, viaAgency: fields.viaAgency ?? false }
  const existing = await tx.agent.findUnique({ where: { siteId_userId: { siteId, userId } }, select: { id: true, removedAt: true } })
  if (!existing) return { agentId: (await tx.agent.create({ data: { siteId, userId, ...data } })).id, added: true, restored: false }
  if (!existing.removedAt) return { agentId: existing.id, added: false, restored: false }
  const { count } = await tx.agent.updateMany({ where: { id: existing.id, removedAt: { not: null } }, data: { ...data, removedAt: null, status: 'offline' } })
  return { agentId: existing.id, added: count > 0, restored: count > 0 }
}
