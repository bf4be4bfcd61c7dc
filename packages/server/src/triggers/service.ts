// Proactive messages (triggers): a site's rules for greeting visitors first. Admins manage them;
// the enabled ones' public part rides in the anonymous widget config (publicTriggers); the widget
// evaluates the rules in the page, counts a showing with an anonymous beacon (shown), and the
// visitor's reply starts the conversation with the trigger's message first (startMessage).
//
// The funnel: shown (per-day counters the beacons bump: nothing identifies who saw it), replied
// (conversations started from it) and conversations (those an agent answered), from the
// server's own rows.
import { LIMITS, TriggerRules, type CreateTrigger, type PublicTrigger, type Trigger, type TriggerCap, type UpdateTrigger } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import type { AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, invalidState, notFound } from '../shared/errors.js'
import { agentName } from '../shared/map.js'
import { requireAdmin } from '../sites/service.js'
import { checkTeam } from '../teams/service.js'
import type { NewMessage } from '../messages/store.js'

const withAgent = { include: { agent: { include: { user: true } } } } satisfies Prisma.TriggerDefaultArgs
type Row = Prisma.TriggerGetPayload<typeof withAgent>

/** The sender a visitor sees: the named agent (while still a member), else the team under the site's name. */
function sender(r: Row, siteName: string): PublicTrigger['sender'] {
  const a = r.agent && !r.agent.removedAt ? r.agent : null
  return a ? { name: agentName(a), avatarUrl: a.avatarUrl ?? a.user.avatarUrl } : { name: siteName, avatarUrl: null }
}

function toPublic(r: Row, siteName: string): PublicTrigger {
  return {
    id: r.id,
    rules: TriggerRules.parse(r.rules ?? {}),
    text: r.text,
    sender: sender(r, siteName),
    cap: r.cap as TriggerCap,
    capDays: r.capDays,
  }
}

/** The enabled triggers of a site as the widget gets them; those limited to business hours only while the site is open by the clock. */
export async function publicTriggers(tx: Tx, siteId: string, siteName: string, openByClock: boolean): Promise<PublicTrigger[]> {
  const rows = await tx.trigger.findMany({ where: { siteId, enabled: true }, ...withAgent, orderBy: { createdAt: 'asc' } })
  return rows.map((r) => toPublic(r, siteName)).filter((t) => openByClock || !t.rules.businessHours)
}

/**
 * The message a conversation started from trigger `triggerId` begins with, or null when the
 * trigger is gone or disabled. A bot line under the sender's name (not an agent's reply: the
 * first response, the queue and the "answered" count wait for a person).
 */
export async function startMessage(tx: Tx, siteId: string, triggerId: string): Promise<NewMessage | null> {
  const r = await tx.trigger.findFirst({ where: { id: triggerId, siteId, enabled: true }, ...withAgent })
  if (!r) return null
  const site = await tx.site.findUniqueOrThrow({ where: { id: siteId }, select: { name: true } })
  return {
    senderType: 'bot',
    senderId: r.agent && !r.agent.removedAt ? r.agent.id : null,
    senderName: sender(r, site.name).name,
    text: r.text,
    metadata: { triggerId: r.id },
  }
}

export class TriggerService {
  /** Tells open widgets that the site's triggers changed (SiteService.publishConfig). */
  onChange: (siteId: string) => Promise<void> = async () => {}

  constructor(private readonly ctx: Context) {}

  /** Every trigger of the site with its funnel, oldest first. Every member may read them. */
  async list(actor: AgentActor): Promise<Trigger[]> {
    return this.ctx.db.inSite(actor.siteId, async (tx) => {
      const rows = await tx.trigger.findMany({ where: { siteId: actor.siteId }, ...withAgent, orderBy: { createdAt: 'asc' } })
      return this.withFunnels(tx, actor.siteId, rows)
    })
  }

  async create(actor: AgentActor, input: CreateTrigger): Promise<Trigger> {
    requireAdmin(actor)
    const t = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const count = await tx.trigger.count({ where: { siteId: actor.siteId } })
      if (count >= LIMITS.triggers) throw invalidState(`a site may have at most ${LIMITS.triggers} proactive messages`)
      await this.checkAgent(tx, actor.siteId, input.agentId)
      await checkTeam(tx, actor.siteId, input.teamId)
      const row = await tx.trigger.create({
        data: {
          siteId: actor.siteId,
          name: input.name,
          enabled: input.enabled ?? true,
          text: input.text,
          agentId: input.agentId ?? null,
          teamId: input.teamId ?? null,
          rules: TriggerRules.parse(input.rules ?? {}),
          cap: input.cap ?? 'session',
          capDays: input.capDays ?? 1,
        },
        ...withAgent,
      })
      return (await this.withFunnels(tx, actor.siteId, [row]))[0]!
    })
    await this.onChange(actor.siteId)
    return t
  }

  async update(actor: AgentActor, id: string, input: UpdateTrigger): Promise<Trigger> {
    requireAdmin(actor)
    const t = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      if (!(await tx.trigger.findFirst({ where: { id, siteId: actor.siteId }, select: { id: true } }))) throw notFound('trigger')
      if (input.agentId !== undefined) await this.checkAgent(tx, actor.siteId, input.agentId)
      await checkTeam(tx, actor.siteId, input.teamId)
      const { rules, ...rest } = input
      const row = await tx.trigger.update({
        where: { id },
        data: { ...rest, ...(rules !== undefined ? { rules: TriggerRules.parse(rules) } : {}) },
        ...withAgent,
      })
      return (await this.withFunnels(tx, actor.siteId, [row]))[0]!
    })
    await this.onChange(actor.siteId)
    return t
  }

  async remove(actor: AgentActor, id: string): Promise<void> {
    requireAdmin(actor)
    await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const { count } = await tx.trigger.deleteMany({ where: { id, siteId: actor.siteId } })
      if (count === 0) throw notFound('trigger')
    })
    await this.onChange(actor.siteId)
  }

  /**
   * Counts one showing of an enabled trigger of the site, on today's (UTC) counter. Anonymous:
   * no visitor, cookie or token; an unknown or disabled trigger is not found.
   */
  async shown(siteId: string, triggerId: string): Promise<void> {
    const counted = await this.ctx.db.inSite(siteId, (tx) => tx.$executeRaw`
      INSERT INTO mod_chat_trigger_days (site_id, trigger_id, date, shown)
      SELECT site_id, id, (now() AT TIME ZONE 'UTC')::date, 1 FROM mod_chat_triggers
      WHERE id = ${triggerId}::uuid AND site_id = ${siteId}::uuid AND enabled
      ON CONFLICT (trigger_id, date) DO UPDATE SET shown = mod_chat_trigger_days.shown + 1`)
    if (counted === 0) throw notFound('trigger')
  }

  private async checkAgent(tx: Tx, siteId: string, agentId: string | null | undefined): Promise<void> {
    if (!agentId) return
    const a = await tx.agent.findFirst({ where: { id: agentId, siteId, removedAt: null }, select: { id: true } })
    if (!a) throw new AppError('invalid_payload', 'invalid payload: agentId: not an agent of this site', [{ path: 'agentId', message: 'not an agent of this site' }])
  }

  private async withFunnels(tx: Tx, siteId: string, rows: Row[]): Promise<Trigger[]> {
    const ids = rows.map((r) => r.id)
    const site = await tx.site.findUniqueOrThrow({ where: { id: siteId }, select: { name: true } })
    const [shown, started] = await Promise.all([
      tx.triggerDay.groupBy({ by: ['triggerId'], where: { triggerId: { in: ids } }, _sum: { shown: true } }),
      tx.$queryRaw<{ trigger_id: string; replied: bigint; answered: bigint }[]>`
        SELECT trigger_id, count(*) AS replied, count(first_response_at) AS answered
        FROM mod_chat_conversations WHERE trigger_id = ANY(${ids}::uuid[]) GROUP BY trigger_id`,
    ])
    const shownBy = new Map(shown.map((s) => [s.triggerId, s._sum.shown ?? 0]))
    const startedBy = new Map(started.map((s) => [s.trigger_id, s]))
    return rows.map((r) => ({
      ...toPublic(r, site.name),
      siteId: r.siteId,
      name: r.name,
      enabled: r.enabled,
      agentId: r.agentId,
      teamId: r.teamId,
      funnel: {
        shown: shownBy.get(r.id) ?? 0,
        replied: Number(startedBy.get(r.id)?.replied ?? 0),
        conversations: Number(startedBy.get(r.id)?.answered ?? 0),
      },
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }))
  }
}
