// Bans: a site's team refuses chat to a visitor, an email address or an IP network (IPv4 or
// IPv6) until the ban is lifted or expires. Bans live in Postgres and are checked at every door a
// visitor has: a session (POST …/visitor-sessions), a socket's handshake and each of its commands,
// every visitor REST route, and any email a visitor gives (pre-chat and offline forms, profile,
// identity). The visitor is told only that chat is not available (403 forbidden, a neutral
// message the widget shows as is), never that they are banned.
//
// Any agent of the site may ban; agents see and lift the bans they made, admins (and API keys
// with sites:read / sites:write) every ban of the site. A ban's transaction sends a NOTIFY,
// delivered at commit to every process (watch.ts): each drops what it knew of the site's bans and
// disconnects its own sockets that the ban catches. Only the socket commands' check is cached
// ("this site has no bans", read once for all the commands waiting), and only until such a notice
// or QUIET_MS.
import { LIMITS, type Ban, type BanKind, type CreateBan } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import type { AuditService } from '../audit/service.js'
import { auditActor, auditMeta } from '../audit/service.js'
import { NO_AGENT, type AgentActor, type Context, type VisitorActor } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, invalidState, notFound } from '../shared/errors.js'
import { clientAddress, normalNetwork } from '../shared/networks.js'

export const BAN_CHANNEL = 'live_chat_bans'

/** What a banned visitor is told, wherever they knock: nothing about why. */
export const notAvailable = () => new AppError('forbidden', 'Chat is not available right now.')

/** How long a process trusts "this site has no bans" without hearing a notice (a lost notice heals by then). */
const QUIET_MS = 30_000

/** A ban made from a visitor with scope `subnet` covers their address's /24 (IPv4) or /64 (IPv6). */
const SUBNET = { ipv4: 24, ipv6: 64 }

/** Who knocks: a visitor (by id, and their email as stored), an address, an email being given; any of them. */
export interface Knock {
  visitorId?: string
  ip?: string
  email?: string
}

const withVisitor = { include: { visitor: true } } satisfies Prisma.BanDefaultArgs
type BanRow = Prisma.BanGetPayload<typeof withVisitor>

/** Unexpired bans (an expired one holds for no one; it is cleared when the site's next ban is made). */
const active = (): Prisma.BanWhereInput => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] })

/**
 * Which of the knocks a ban of the site holds for, in one statement within `tx` (the site's
 * transaction): the rule is mod_chat_banned's (the visitor's id or stored email, the address inside
 * a banned network, the email given).
 */
export async function caught(tx: Tx, siteId: string, knocks: readonly Knock[]): Promise<boolean[]> {
  if (knocks.length === 0) return []
  const rows = await tx.$queryRaw<{ i: bigint }[]>`
    SELECT t.i FROM unnest(
      ${knocks.map((k) => k.visitorId ?? null)}::uuid[],
      ${knocks.map((k) => clientAddress(k.ip))}::inet[],
      ${knocks.map((k) => k.email?.toLowerCase() ?? null)}::text[]
    ) WITH ORDINALITY AS t(visitor_id, ip, email, i)
    WHERE mod_chat_banned(${siteId}::uuid, t.visitor_id, t.ip, t.email)`
  const hit = new Set(rows.map((r) => Number(r.i) - 1))
  return knocks.map((_, i) => hit.has(i))
}

/** Throws the neutral refusal when a ban of the site holds for the knock (within `tx`, the site's transaction). */
export async function refuseBanned(tx: Tx, siteId: string, knock: Knock): Promise<void> {
  const [hit] = await caught(tx, siteId, [knock])
  if (hit) throw notAvailable()
}

export class BanService {
  /**
   * Per site, whether it had unexpired bans when last read (one read shared by the commands that
   * wait for it), and until when this process trusts that.
   */
  private readonly known = new Map<string, { any: Promise<boolean>; until: number }>()

  constructor(
    private readonly ctx: Context,
    private readonly audit: AuditService,
  ) {}

  // ------------------------------------------------------------------ the team's side

  /** The site's unexpired bans, newest first: every one for an admin, an agent's own for an agent. */
  async list(actor: AgentActor): Promise<Ban[]> {
    const rows = await this.ctx.db.inSite(actor.siteId, (tx) =>
      tx.ban.findMany({ where: { siteId: actor.siteId, ...active(), ...ownOnly(actor) }, ...withVisitor, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    )
    return rows.map(toBan)
  }

  async create(actor: AgentActor, input: CreateBan): Promise<Ban> {
    const row = await this.inSiteAndAgency(actor, async (tx) => {
      const siteId = actor.siteId
      await tx.ban.deleteMany({ where: { siteId, expiresAt: { lte: new Date() } } })
      if ((await tx.ban.count({ where: { siteId } })) >= LIMITS.bans) throw invalidState(`a site may hold at most ${LIMITS.bans} bans; lift some first`)
      const target = await this.target(tx, siteId, input)
      const same = await tx.ban.findFirst({ where: { siteId, kind: input.kind, ...target, ...active() } })
      if (same) throw new AppError('conflict', `already banned (ban ${same.id})`)
      const created = await tx.ban.create({
        data: {
          siteId,
          kind: input.kind,
          ...target,
          reason: input.reason || null,
          expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
          createdById: actor.agentId === NO_AGENT ? null : actor.agentId,
          createdByName: actor.key?.name ?? actor.name,
        },
        ...withVisitor,
      })
      await this.notify(tx, siteId)
      await this.record(tx, actor, 'ban.created', created)
      return created
    })
    return toBan(row)
  }

  /** Lifts (deletes) a ban: an admin any of the site's, an agent their own. */
  async lift(actor: AgentActor, id: string): Promise<void> {
    await this.inSiteAndAgency(actor, async (tx) => {
      const row = await tx.ban.findFirst({ where: { id, siteId: actor.siteId, ...ownOnly(actor) }, ...withVisitor })
      if (!row) throw notFound('ban')
      await tx.ban.delete({ where: { id } })
      await this.notify(tx, actor.siteId)
      await this.record(tx, actor, 'ban.lifted', row)
    })
  }

  /** The columns that name what the ban covers: the visitor, the email, or the network. */
  private async target(tx: Tx, siteId: string, input: CreateBan): Promise<Pick<Prisma.BanUncheckedCreateInput, 'visitorId' | 'email' | 'network'>> {
    if (input.kind === 'email') return { email: input.email.toLowerCase() }
    if (input.kind === 'ip' && input.network !== undefined) return { network: normalNetwork(input.network) }
    const visitor = await tx.visitor.findFirst({ where: { id: input.visitorId, siteId } })
    if (!visitor) throw notFound('visitor')
    if (input.kind === 'visitor') return { visitorId: visitor.id }
    // The visitor's last known address, which the agent never sees (nor does the list: it shows the network).
    const ip = clientAddress(visitor.ipAddress ?? undefined)
    if (!ip) throw invalidState("the visitor's address is not known")
    return { network: normalNetwork(ip, input.scope === 'subnet' ? SUBNET[ip.includes(':') ? 'ipv6' : 'ipv4'] : undefined) }
  }

  /** Tells every process (at commit) that the site's bans changed (watch.ts). */
  private async notify(tx: Tx, siteId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_notify(${BAN_CHANNEL}, ${siteId})`
  }

  /** A site transaction in which the agency's audit log can be appended to. */
  private inSiteAndAgency<T>(actor: AgentActor, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ctx.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, fn)
  }

  private record(tx: Tx, actor: AgentActor, action: 'ban.created' | 'ban.lifted', row: BanRow): Promise<void> {
    const ban = toBan(row)
    return this.audit.recordIn(tx, {
      agencyId: actor.agencyId,
      siteId: actor.siteId,
      action,
      actor: auditActor(actor),
      target: { type: 'ban', id: ban.id, label: describe(ban) },
      data: { kind: ban.kind, visitorId: ban.visitor?.id ?? null, email: ban.email, network: ban.network, reason: ban.reason, expiresAt: ban.expiresAt },
      meta: auditMeta(actor),
    })
  }

  // ------------------------------------------------------------------ the visitor's side

  /** Throws the neutral refusal when a ban of the site holds for the knock (reads the database every time). */
  async refuse(siteId: string, knock: Knock): Promise<void> {
    await this.ctx.db.inSite(siteId, (tx) => refuseBanned(tx, siteId, knock))
  }

  /**
   * The socket commands' check, run before each one: as refuse(), but without a query while this
   * process knows the site has no bans (read at most QUIET_MS ago, with no notice since).
   */
  async refuseCommand(actor: VisitorActor): Promise<void> {
    const { siteId } = actor
    let known = this.known.get(siteId)
    if (!known || known.until <= Date.now()) {
      const any = this.ctx.db.inSite(siteId, (tx) => tx.ban.count({ where: { siteId, ...active() }, take: 1 })).then((n) => n > 0)
      const entry = { any, until: Date.now() + QUIET_MS }
      this.known.set(siteId, (known = entry))
      // A failed read is not kept: the next command reads again.
      any.catch(() => this.known.get(siteId) === entry && this.known.delete(siteId))
    }
    if (await known.any) await this.refuse(siteId, { visitorId: actor.visitorId, ip: actor.ip })
  }

  /** Which of the knocks a ban of the site holds for (one query): the notices' sweep of a process's sockets. */
  caught(siteId: string, knocks: readonly Knock[]): Promise<boolean[]> {
    return this.ctx.db.inSite(siteId, (tx) => caught(tx, siteId, knocks))
  }

  /**
   * The site's bans changed (a notice): read them again. Without a site, every site (notices may
   * have been lost). A read under way is dropped too: it may have begun before the change.
   */
  forget(siteId?: string): void {
    if (siteId === undefined) this.known.clear()
    else this.known.delete(siteId)
  }
}

/** An agent (not an admin, not an API key) sees and lifts only the bans they made. */
function ownOnly(actor: AgentActor): Prisma.BanWhereInput {
  return actor.role === 'admin' ? {} : { createdById: actor.agentId }
}

function toBan(r: BanRow): Ban {
  return {
    id: r.id,
    siteId: r.siteId,
    kind: r.kind as BanKind,
    visitor: r.visitor ? { id: r.visitor.id, name: r.visitor.name, email: r.visitor.email } : null,
    email: r.email,
    network: r.network,
    reason: r.reason,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    createdBy: { agentId: r.createdById, name: r.createdByName },
    createdAt: r.createdAt.toISOString(),
  }
}

/** What a ban covers, in a few words (the audit log's label). */
function describe(b: Ban): string {
  if (b.kind === 'email') return b.email ?? ''
  if (b.kind === 'ip') return b.network ?? ''
  return b.visitor?.name || b.visitor?.email || `visitor ${b.visitor?.id ?? ''}`
}
