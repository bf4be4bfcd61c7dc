// Visitor sessions and profiles. A session token is signed here and bound to one site; a
// returning visitor shows it to be recognised. A host site can vouch for its logged-in user
// with HMAC-SHA256(site identity secret, userId), which marks the visitor verified.
import type { CreateVisitorSession, VisitPage, VisitorFields, VisitorProfile, VisitorSession } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import { verifyIdentityHashWithAny } from '../shared/auth.js'
import type { Context, VisitorActor } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError } from '../shared/errors.js'
import { toVisitorProfile } from '../shared/map.js'
import type { PresenceService } from '../presence/service.js'
import { identitySecrets, type SiteService } from '../sites/service.js'
import { applyVisitorFields } from './fields.js'
import { notAvailable, refuseBanned, type BanService } from '../bans/service.js'
import { lockIdentity, mergeContacts, type Merged } from '../contacts/merge.js'
import { recordEvent } from '../events/outbox.js'
import type { AuditService } from '../audit/service.js'
import { clientAddress } from '../shared/networks.js'

type VisitorRow = Prisma.VisitorGetPayload<object>

export interface RequestMeta {
  origin?: string
  ip?: string
  userAgent?: string
}

const clip = (s: string | undefined, n: number) => (s ? s.slice(0, n) : undefined)

/** How many of a visitor's last pages are kept (VisitorDetail.pages). */
export const PAGES_KEPT = 20

/**
 * Appends a page to the visitor's last pages, keeping the newest PAGES_KEPT. The same URL as the
 * last entry (a reload, or the session and the page report of one load) only updates that entry.
 * One UPDATE, so two tabs reporting at once cannot lose each other's page.
 */
async function recordPage(tx: Tx, visitorId: string, url: string, title: string | null): Promise<void> {
  const entry = { url, title, at: new Date().toISOString() }
  await tx.$executeRaw`
    UPDATE mod_chat_visitors SET pages = (
      SELECT coalesce(jsonb_agg(e ORDER BY i), '[]'::jsonb) FROM (
        SELECT e, i FROM jsonb_array_elements(
          (CASE WHEN pages->-1->>'url' = ${url} THEN pages - (-1) ELSE pages END) || jsonb_build_array(${JSON.stringify(entry)}::jsonb)
        ) WITH ORDINALITY AS t(e, i)
        ORDER BY i DESC LIMIT ${PAGES_KEPT}
      ) newest
    )
    WHERE id = ${visitorId}::uuid`
}

/** The visitor a token names: itself, or the contact it was merged into (mod_chat_live_visitor); null when neither exists. */
async function live(tx: Tx, id: string): Promise<VisitorRow | null> {
  const [r] = await tx.$queryRaw<{ id: string | null }[]>`SELECT mod_chat_live_visitor(${id}::uuid) AS id`
  return r?.id ? tx.visitor.findUnique({ where: { id: r.id } }) : null
}

// The visitor's doors, one statement each on db.handshakes (prisma/sql/functions/mod_chat_visitor_*).
const AUTHENTICATE = 'SELECT allowed_origins, visitor_id, banned FROM mod_chat_visitor_authenticate($1::uuid, $2::uuid, $3::inet)'
const CONNECTED = 'SELECT current_url, current_title, waiting FROM mod_chat_visitor_connected($1::uuid, $2::uuid, $3::text, $4::uuid)'
const DISCONNECTED = 'SELECT current_url, current_title, sockets FROM mod_chat_visitor_disconnected($1::uuid, $2::uuid, $3::text)'

interface Page {
  current_url: string | null
  current_title: string | null
}

export class VisitorService {
  constructor(
    private readonly ctx: Context,
    private readonly sites: SiteService,
    private readonly presence: PresenceService,
    private readonly bans: BanService,
    private readonly audit: AuditService,
  ) {}

  async createSession(requestedSiteId: string, input: CreateVisitorSession, meta: RequestMeta): Promise<VisitorSession> {
    const site = await this.sites.require(requestedSiteId)
    this.sites.checkOrigin(site, meta.origin)
    const siteId = site.id // as stored, whatever the case the caller used
    // A token from another site, an expired or a forged one: the visitor simply starts afresh.
    let known: string | undefined
    if (input.token) {
      const claims = await this.ctx.tokens.verifyVisitor(input.token).catch(() => undefined)
      if (claims?.siteId === siteId) known = claims.visitorId
    }
    // The current secret, or the previous one during its grace period after a rotation.
    if (input.identity && !verifyIdentityHashWithAny(identitySecrets(site), input.identity.userId, input.identity.hash)) {
      throw new AppError('identity_invalid', 'the identity hash does not match this site')
    }
    // With an identity, in the agency too: a merge of contacts is recorded in its audit log.
    const visitor = await this.ctx.db.scoped({ siteId, ...(input.identity ? { agencyId: site.agencyId } : {}) }, async (tx) => {
      let v = known ? await live(tx, known) : null
      if (input.identity) v = await this.verified(tx, site, v, input.identity)
      // A ban of the visitor, their email (an identity's too) or the address: refused, nothing kept.
      await refuseBanned(tx, siteId, { visitorId: v?.id, ip: meta.ip })
      const seen: Prisma.VisitorUpdateInput = {
        lastSeenAt: new Date(),
        ...(meta.userAgent ? { userAgent: clip(meta.userAgent, 500) } : {}),
        ...(meta.ip ? { ipAddress: meta.ip } : {}),
        ...(input.page ? { currentUrl: input.page.url, currentTitle: input.page.title ?? null } : {}),
        ...(input.page?.referrer ? { referrerUrl: input.page.referrer } : {}),
      }
      v = v
        ? await tx.visitor.update({ where: { id: v.id }, data: seen })
        : await tx.visitor.create({ data: { ...(seen as Omit<Prisma.VisitorUncheckedCreateInput, 'siteId'>), siteId } })
      if (input.page) await recordPage(tx, v.id, input.page.url, input.page.title ?? null)
      return v
    })
    const { token, expiresAt } = await this.ctx.tokens.signVisitor({ visitorId: visitor.id, siteId })
    return { token, expiresAt: expiresAt.toISOString(), visitor: toVisitorProfile(visitor) }
  }

  /**
   * The contact for a verified user id (contacts/merge.ts): the one holding it, the session's
   * anonymous visitor and the verified contacts with the identity's email are merged into the
   * oldest of them, which takes the identity; none of them: a new contact. A visitor verified as
   * someone else is never merged.
   */
  private async verified(tx: Tx, site: { id: string; agencyId: string }, current: VisitorRow | null, id: NonNullable<CreateVisitorSession['identity']>) {
    const siteId = site.id
    const email = id.email?.toLowerCase()
    await lockIdentity(tx, siteId, id.userId, email)
    const data = {
      externalId: id.userId,
      verified: true,
      ...(id.name ? { name: id.name } : {}),
      ...(email ? { email } : {}),
    }
    const owner = await tx.visitor.findUnique({ where: { siteId_externalId: { siteId, externalId: id.userId } } })
    const sameEmail = email ? await tx.visitor.findMany({ where: { siteId, verified: true, email, mergedIntoId: null } }) : []
    const anonymous = current && !current.externalId ? [current] : []
    const group = [...new Map([...(owner ? [owner] : []), ...anonymous, ...sameEmail].map((v) => [v.id, v])).values()]
    if (group.length === 0) return tx.visitor.create({ data: { siteId, ...data } })
    group.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    const survivor = group[0]!
    const others = group.slice(1).map((v) => v.id)
    if (others.length > 0) {
      // The merged contacts give up their user ids before the survivor takes this one.
      const merged = await mergeContacts(tx, siteId, survivor.id, others)
      await this.recordMerge(tx, site, merged)
    }
    return tx.visitor.update({ where: { id: survivor.id }, data })
  }

  /** contact.merged: in the audit log (ids only) and to webhooks that subscribe to it. */
  private async recordMerge(tx: Tx, site: { id: string; agencyId: string }, m: Merged): Promise<void> {
    await recordEvent(tx, site.id, 'contact.merged', m)
    await this.audit.recordIn(tx, {
      agencyId: site.agencyId,
      siteId: site.id,
      action: 'contact.merged',
      actor: { type: 'system', id: null, label: 'identity verification' },
      target: { type: 'visitor', id: m.visitorId },
      data: { mergedVisitorIds: m.mergedVisitorIds, conversations: m.conversationIds.length },
    })
    this.ctx.log.info({ siteId: site.id, visitorId: m.visitorId, merged: m.mergedVisitorIds.length, conversations: m.conversationIds.length }, 'contacts merged')
  }

  /**
   * Checks a token (and the page's origin) and returns who it belongs to, from address `ip`: every
   * visitor REST request and socket handshake. A banned visitor (or address) is refused here.
   * Past the token's signature, one statement (mod_chat_visitor_authenticate).
   */
  async authenticate(token: unknown, origin: string | undefined, ip: string | undefined): Promise<VisitorActor> {
    const claims = await this.ctx.tokens.verifyVisitor(token)
    const [door] = await this.ctx.db.handshakes.query<{ allowed_origins: string[]; visitor_id: string | null; banned: boolean }>(AUTHENTICATE, [
      claims.siteId,
      claims.visitorId,
      clientAddress(ip),
    ])
    if (!door) throw new AppError('unauthorized', 'the token is not valid')
    this.sites.checkOrigin({ allowedOrigins: door.allowed_origins }, origin)
    // A merged-away contact's token acts as the contact it was merged into (contacts/merge.ts).
    if (!door.visitor_id) throw new AppError('unauthorized', 'the token is not valid')
    if (door.banned) throw notAvailable()
    return { kind: 'visitor', siteId: claims.siteId, visitorId: door.visitor_id, ...(ip ? { ip } : {}) }
  }

  async profile(actor: VisitorActor): Promise<VisitorProfile> {
    const v = await this.ctx.db.inSite(actor.siteId, (tx) => tx.visitor.findUnique({ where: { id: actor.visitorId } }))
    if (!v) throw new AppError('unauthorized', 'unknown visitor')
    return toVisitorProfile(v)
  }

  async update(actor: VisitorActor, fields: VisitorFields): Promise<VisitorProfile> {
    const v = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const v = await tx.visitor.findUnique({ where: { id: actor.visitorId } })
      if (!v) throw new AppError('unauthorized', 'unknown visitor')
      return applyVisitorFields(tx, v, fields)
    })
    return toVisitorProfile(v)
  }

  async visitPage(actor: VisitorActor, page: VisitPage): Promise<void> {
    await this.ctx.db.inSite(actor.siteId, async (tx) => {
      await tx.visitor.update({
        where: { id: actor.visitorId },
        data: { currentUrl: page.url, currentTitle: page.title ?? null, lastSeenAt: new Date() },
      })
      await recordPage(tx, actor.visitorId, page.url, page.title ?? null)
    })
    this.ctx.publish.visitorUpdated(actor.siteId, { visitorId: actor.visitorId, online: true, currentUrl: page.url, currentTitle: page.title ?? null })
  }

  /**
   * A socket of the visitor connected: its presence row, their last seen time; whether they have a
   * conversation waiting in the queue. One statement (mod_chat_visitor_connected).
   */
  async connected(actor: VisitorActor, socketId: string): Promise<{ waiting: boolean }> {
    const [r] = await this.ctx.db.handshakes.query<Page & { waiting: boolean }>(CONNECTED, [actor.siteId, actor.visitorId, socketId, this.presence.nodeId])
    if (!r) throw new AppError('unauthorized', 'unknown visitor')
    this.ctx.publish.visitorUpdated(actor.siteId, { visitorId: actor.visitorId, online: true, currentUrl: r.current_url, currentTitle: r.current_title })
    return { waiting: r.waiting }
  }

  /** One statement too (mod_chat_visitor_disconnected); the team hears the visitor went offline with their last socket. */
  async disconnected(actor: VisitorActor, socketId: string): Promise<void> {
    const [r] = await this.ctx.db.handshakes.query<Page & { sockets: number }>(DISCONNECTED, [actor.siteId, actor.visitorId, socketId])
    // (an erased visitor's sockets are disconnected after their row is gone: nothing to update or announce)
    if (r?.sockets === 0) this.ctx.publish.visitorUpdated(actor.siteId, { visitorId: actor.visitorId, online: false, currentUrl: r.current_url, currentTitle: r.current_title })
  }
}
