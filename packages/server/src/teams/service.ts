// Teams (departments): named groups of a site's agents. A conversation may be for a team (the
// page's `<live-chat team>`, a pre-chat "team" field, a proactive message's team, a transfer, the
// API); routing gives it to that team's agents (conversations/routing.ts). Every member reads the
// site's teams; admins create, rename, staff and delete them, each change in the audit log.
import { type CreateTeam, type PreChatField, type Team, type UpdateTeam } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import { auditActor, auditMeta, type AuditService } from '../audit/service.js'
import type { AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, invalidState, isUniqueViolation, notFound } from '../shared/errors.js'
import { requireAdmin } from '../sites/service.js'
import type { Routing } from '../conversations/routing.js'
import { unsettle } from '../sla/clocks.js'

/** Teams a site may have. */
export const MAX_TEAMS = 100

const withMembers = { include: { members: { select: { agentId: true } } } } satisfies Prisma.TeamDefaultArgs
type Row = Prisma.TeamGetPayload<typeof withMembers>

function toTeam(r: Row): Team {
  return { id: r.id, siteId: r.siteId, name: r.name, agentIds: r.members.map((m) => m.agentId).sort(), createdAt: r.createdAt.toISOString() }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The team a visitor's start names: by id, else by name in any case. Null when none matches (the
 * conversation then waits in the site's general queue: a page's typo never locks a visitor out).
 */
export async function findTeam(tx: Tx, siteId: string, ref: string): Promise<string | null> {
  const byId = UUID.test(ref) ? await tx.team.findFirst({ where: { siteId, id: ref }, select: { id: true } }) : null
  if (byId) return byId.id
  const byName = await tx.team.findFirst({ where: { siteId, name: { equals: ref.trim(), mode: 'insensitive' } }, select: { id: true } })
  return byName?.id ?? null
}

/** The team a visitor picked in a pre-chat "team" field (the widget shows it as a list of the site's team names), if any. */
export function pickedTeam(fields: PreChatField[], custom: Record<string, unknown> | undefined): string | undefined {
  for (const f of fields) {
    const v = f.type === 'team' ? custom?.[f.name] : undefined
    if (typeof v === 'string' && v) return v
  }
  return undefined
}

/** Checks that every id is a team of the site; throws a 400 naming `path` otherwise. */
async function checkTeams(tx: Tx, siteId: string, ids: string[], path: string): Promise<void> {
  const found = await tx.team.count({ where: { siteId, id: { in: ids } } })
  if (found !== new Set(ids).size) throw new AppError('invalid_payload', `invalid payload: ${path}: not a team of this site`, [{ path, message: 'not a team of this site' }])
}

/** Checks that every id is a current agent of the site. */
async function checkAgents(tx: Tx, siteId: string, ids: string[]): Promise<void> {
  const found = await tx.agent.count({ where: { siteId, id: { in: ids }, removedAt: null } })
  if (found !== new Set(ids).size) throw new AppError('invalid_payload', 'invalid payload: agentIds: not an agent of this site', [{ path: 'agentIds', message: 'not an agent of this site' }])
}

/** Puts an agent in exactly these teams of the site (the agents' create and update), in the caller's site transaction. */
export async function setAgentTeams(tx: Tx, siteId: string, agentId: string, teamIds: string[]): Promise<void> {
  await checkTeams(tx, siteId, teamIds, 'teamIds')
  await tx.teamMember.deleteMany({ where: { siteId, agentId, teamId: { notIn: teamIds } } })
  await tx.teamMember.createMany({ data: [...new Set(teamIds)].map((teamId) => ({ siteId, teamId, agentId })), skipDuplicates: true })
}

/** The team a trigger names (create, update): a team of the site, or none. */
export async function checkTeam(tx: Tx, siteId: string, teamId: string | null | undefined): Promise<void> {
  if (teamId) await checkTeams(tx, siteId, [teamId], 'teamId')
}

export class TeamService {
  /** Tells open widgets that the site's teams changed (a pre-chat "team" field lists their names). */
  onChange: (siteId: string) => Promise<void> = async () => {}

  constructor(
    private readonly ctx: Context,
    private readonly audit: AuditService,
    private readonly routing: Routing,
  ) {}

  /** The site's teams, by name. Every member may read them. */
  async list(actor: AgentActor): Promise<Team[]> {
    const rows = await this.ctx.db.inSite(actor.siteId, (tx) => tx.team.findMany({ where: { siteId: actor.siteId }, ...withMembers, orderBy: { name: 'asc' } }))
    return rows.map(toTeam)
  }

  async create(actor: AgentActor, input: CreateTeam): Promise<Team> {
    requireAdmin(actor)
    const team = await this.write(actor, async (tx) => {
      if ((await tx.team.count({ where: { siteId: actor.siteId } })) >= MAX_TEAMS) throw invalidState(`a site may have at most ${MAX_TEAMS} teams`)
      await this.uniqueName(tx, actor.siteId, input.name)
      if (input.agentIds) await checkAgents(tx, actor.siteId, input.agentIds)
      const { id } = await tx.team.create({ data: { siteId: actor.siteId, name: input.name } })
      await this.staff(tx, actor.siteId, id, input.agentIds ?? [])
      const row = await tx.team.findUniqueOrThrow({ where: { id }, ...withMembers })
      await this.record(tx, actor, 'team.created', row, { name: row.name, agentIds: toTeam(row).agentIds })
      return toTeam(row)
    })
    await this.announce(actor)
    return team
  }

  /** Renames and/or restaffs a team (`agentIds`: all of its members). New members may take its queue at once. */
  async update(actor: AgentActor, id: string, input: UpdateTeam): Promise<Team> {
    requireAdmin(actor)
    const team = await this.write(actor, async (tx) => {
      const found = await tx.team.findFirst({ where: { siteId: actor.siteId, id }, ...withMembers })
      if (!found) throw notFound('team')
      if (input.name !== undefined && input.name !== found.name) await this.uniqueName(tx, actor.siteId, input.name, id)
      if (input.agentIds) {
        await checkAgents(tx, actor.siteId, input.agentIds)
        await this.staff(tx, actor.siteId, id, input.agentIds)
      }
      const row = await tx.team.update({ where: { id }, data: input.name !== undefined ? { name: input.name } : {}, ...withMembers })
      const before = toTeam(found)
      const after = toTeam(row)
      const changed: Record<string, unknown> = {}
      if (before.name !== after.name) changed.name = { from: before.name, to: after.name }
      if (before.agentIds.join() !== after.agentIds.join()) changed.agentIds = { from: before.agentIds, to: after.agentIds }
      if (Object.keys(changed).length) await this.record(tx, actor, 'team.updated', row, changed)
      return after
    })
    await this.announce(actor)
    if (input.agentIds) await this.routing.drain(actor.siteId)
    return team
  }

  /**
   * Deletes a team. Its conversations stay, for no team (the open ones wait in, or are routed
   * from, the site's general queue); its proactive messages start conversations for no team.
   */
  async remove(actor: AgentActor, id: string): Promise<void> {
    requireAdmin(actor)
    await this.write(actor, async (tx) => {
      const found = await tx.team.findFirst({ where: { siteId: actor.siteId, id }, ...withMembers })
      if (!found) throw notFound('team')
      await tx.conversation.updateMany({ where: { siteId: actor.siteId, teamId: id }, data: { teamId: null } })
      await tx.trigger.updateMany({ where: { siteId: actor.siteId, teamId: id }, data: { teamId: null } })
      await tx.team.delete({ where: { id } }) // and its SLA policies
      await unsettle(tx, actor.siteId)
      await this.record(tx, actor, 'team.deleted', found, { name: found.name })
    })
    await this.announce(actor)
    await this.routing.drain(actor.siteId)
  }

  /** Tells the site's agents its teams now. */
  private async announce(actor: AgentActor): Promise<void> {
    this.ctx.publish.teamsChanged(actor.siteId, await this.list(actor))
    await this.onChange(actor.siteId)
  }

  /** A change to the site's teams: scoped to the site and its agency (for the audit log), serialised per site (names, counts). */
  private write<T>(actor: AgentActor, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ctx.db
      .scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${'teams:' + actor.siteId}, 0))`
        return fn(tx)
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw new AppError('conflict', 'a team of this site already has that name')
        throw e
      })
  }

  /** Makes exactly these agents the team's members. */
  private async staff(tx: Tx, siteId: string, teamId: string, agentIds: string[]): Promise<void> {
    await tx.teamMember.deleteMany({ where: { teamId, agentId: { notIn: agentIds } } })
    await tx.teamMember.createMany({ data: [...new Set(agentIds)].map((agentId) => ({ siteId, teamId, agentId })), skipDuplicates: true })
  }

  /** Names are unique per site in any case ("Sales" and "sales" would route alike). */
  private async uniqueName(tx: Tx, siteId: string, name: string, except?: string): Promise<void> {
    const same = await tx.team.findFirst({ where: { siteId, name: { equals: name, mode: 'insensitive' }, ...(except ? { NOT: { id: except } } : {}) }, select: { id: true } })
    if (same) throw new AppError('conflict', 'a team of this site already has that name')
  }

  private record(tx: Tx, actor: AgentActor, action: 'team.created' | 'team.updated' | 'team.deleted', team: { id: string; name: string }, data: Record<string, unknown>): Promise<void> {
    return this.audit.recordIn(tx, { agencyId: actor.agencyId, siteId: actor.siteId, action, actor: auditActor(actor), target: { type: 'team', id: team.id, label: team.name }, data, meta: auditMeta(actor) })
  }
}
