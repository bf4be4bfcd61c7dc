// Sites: the public widget configuration, the admin's settings, allowed origins, the identity
// secret (shown to admins, rotated with a grace period), and the agency's sites: listing,
// creating and deleting them. Whether a site is available (business hours, online agents) is in
// availability.ts.
import type { AgencySite, AuditAction, CreateSite, DeleteSite, IdentitySecret, PreChatField, RetentionPolicyInput, RotateIdentitySecret, SiteSettings, UpdateSiteSettings, WidgetConfig } from '@live-chat/protocol'
import crypto from 'node:crypto'
import type { z } from 'zod'
import type { Prisma } from '../generated/prisma/client.js'
import { enterSite, grantSiteToAgencyAdmins } from '../agency/memberships.js'
import { requireAgencyAdmin } from '../agency/service.js'
import { auditActor, auditMeta, type AuditService } from '../audit/service.js'
import type { Tx } from '../shared/db/index.js'
import { newIdentitySecret } from '../shared/auth.js'
import type { AgencyActor, AgentActor, Context } from '../shared/context.js'
import { AppError, forbidden, notFound } from '../shared/errors.js'
import { notifySiteDeleted } from './deleted.js'
import type { UploadService } from '../uploads/service.js'
import type { EmailService } from '../email/service.js'
import type { QueueService } from '../queue/service.js'
import { availabilityOf, AvailabilityClock, CLOCK_FIELDS, siteAvailability } from './availability.js'
import { openByClock } from './business-hours.js'
import { publicTriggers } from '../triggers/service.js'

type SiteRow = Prisma.SiteGetPayload<object>
type WidgetRow = Prisma.WidgetSettingsGetPayload<object>

export interface NewSite {
  agencyId: string
  name: string
  allowedOrigins?: string[]
  /** Fixed id (the demo site); generated when absent. */
  id?: string
}

export class SiteService {
  /** Tells visitors when their site opens or closes by the clock (started by the app). */
  readonly clock: AvailabilityClock

  constructor(
    private readonly ctx: Context,
    private readonly uploads: UploadService,
    private readonly audit: AuditService,
    private readonly emails: EmailService,
    private readonly queue: QueueService,
  ) {
    this.clock = new AvailabilityClock(ctx)
  }

  find(siteId: string): Promise<SiteRow | null> {
    return this.ctx.db.prisma.site.findUnique({ where: { id: siteId } })
  }

  async require(siteId: string): Promise<SiteRow> {
    const site = await this.find(siteId)
    if (!site) throw notFound('site')
    return site
  }

  /** A browser page may use the widget only from an allowed origin (none listed = any). */
  checkOrigin(site: Pick<SiteRow, 'allowedOrigins'>, origin: string | undefined): void {
    if (!origin || site.allowedOrigins.length === 0) return
    if (!site.allowedOrigins.includes(origin.toLowerCase())) {
      throw new AppError('origin_not_allowed', `this site does not allow the widget on ${origin}`)
    }
  }

  async widgetConfig(siteId: string, origin?: string): Promise<WidgetConfig> {
    const site = await this.require(siteId)
    this.checkOrigin(site, origin)
    const [{ settings, availability, triggers, preChatFields }, { typicalReplySeconds }] = await Promise.all([
      this.ctx.db.inSite(siteId, async (tx) => {
        const settings = await tx.widgetSettings.findUnique({ where: { siteId } })
        const now = new Date()
        return {
          settings,
          availability: await availabilityOf(tx, siteId, settings, now),
          triggers: await publicTriggers(tx, siteId, site.name, openByClock(settings, now)),
          preChatFields: await teamChoices(tx, siteId, widgetFields(settings).preChatFields),
        }
      }),
      // (the widget loads without it, should the history not be read)
      this.queue.siteHistory(siteId).catch(() => ({ typicalReplySeconds: null })),
    ])
    return { siteId, ...widgetFields(settings), preChatFields, ...availability, typicalReplySeconds, upload: this.uploads.limits(), emailReplies: this.emails.enabled, triggers }
  }

  /** Every member of the site may read its settings (the dashboard shows them); only admins change them. */
  async settings(actor: AgentActor): Promise<SiteSettings> {
    return this.settingsOf(await this.require(actor.siteId))
  }

  private async settingsOf(site: SiteRow): Promise<SiteSettings> {
    const settings = await this.ctx.db.inSite(site.id, (tx) => tx.widgetSettings.findUnique({ where: { siteId: site.id } }))
    return {
      siteId: site.id,
      name: site.name,
      allowedOrigins: site.allowedOrigins,
      missedAfterMinutes: site.missedAfterMinutes,
      retention: retentionOf(site),
      widget: widgetFields(settings),
    }
  }

  async updateSettings(actor: AgentActor, input: UpdateSiteSettings): Promise<SiteSettings> {
    requireAdmin(actor)
    let site = await this.require(actor.siteId)
    const before = site
    const online = await this.ctx.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, async (tx) => {
      if (input.name !== undefined || input.allowedOrigins !== undefined || input.missedAfterMinutes !== undefined || input.retention !== undefined) {
        site = await tx.site.update({
          where: { id: actor.siteId },
          data: {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.allowedOrigins !== undefined ? { allowedOrigins: [...new Set(input.allowedOrigins)] } : {}),
            ...(input.missedAfterMinutes !== undefined ? { missedAfterMinutes: input.missedAfterMinutes } : {}),
            ...(input.retention !== undefined
              ? { retentionMode: input.retention.mode, retentionDays: input.retention.mode === 'off' ? null : input.retention.days }
              : {}),
          },
        })
      }
      if (input.widget && Object.keys(input.widget).length > 0) {
        const w = input.widget as Prisma.WidgetSettingsUncheckedUpdateInput
        await tx.widgetSettings.upsert({
          where: { siteId: actor.siteId },
          create: { ...(w as Prisma.WidgetSettingsUncheckedCreateInput), siteId: actor.siteId, agencyId: site.agencyId },
          update: w,
        })
      }
      await this.record(tx, actor, 'site.updated', site, settingsChange(before, site, input))
      const clock = input.widget && CLOCK_FIELDS.some((f) => input.widget![f] !== undefined)
      return clock ? siteAvailability(tx, actor.siteId) : undefined
    })
    // New business hours may open or close the site at once.
    if (online !== undefined) {
      this.clock.forget(actor.siteId)
      this.ctx.publish.availability(actor.siteId, online)
    }
    // Open widgets take the new look and texts at once (a widget without a session asks again when opened).
    if (input.widget && Object.keys(input.widget).length > 0) this.ctx.publish.widgetConfig(await this.widgetConfig(actor.siteId))
    return this.settingsOf(site)
  }

  /**
   * Creates a site with its widget settings, and makes every owner and admin of its agency an
   * admin of it, in one transaction (the caller's, when given: it must allow the new site's rows).
   */
  async create(input: NewSite, tx?: Tx): Promise<SiteRow> {
    const id = input.id ?? crypto.randomUUID()
    const run = async (t: Tx) => {
      const site = await t.site.create({
        data: { id, agencyId: input.agencyId, name: input.name, identitySecret: newIdentitySecret(), allowedOrigins: input.allowedOrigins ?? [] },
      })
      await enterSite(t, id)
      await t.widgetSettings.create({ data: { siteId: id, agencyId: input.agencyId } })
      await grantSiteToAgencyAdmins(t, input.agencyId, id)
      return site
    }
    return tx ? run(tx) : this.ctx.db.inSite(id, run)
  }

  // ------------------------------------------------------------------ identity secret

  /** The site's identity secret (site admins only); every look is recorded. */
  async identitySecret(actor: AgentActor): Promise<IdentitySecret> {
    requireAdmin(actor)
    return this.ctx.db.inAgency(actor.agencyId, async (tx) => {
      const site = await tx.site.findUniqueOrThrow({ where: { id: actor.siteId } })
      await this.record(tx, actor, 'site.identity_secret_viewed', site)
      return toIdentitySecret(site)
    })
  }

  /**
   * A new identity secret. The one it replaces is still accepted for `graceHours` (0: not at
   * all), so the host's backend can switch over; only the last previous secret is kept.
   */
  async rotateIdentitySecret(actor: AgentActor, input: z.output<typeof RotateIdentitySecret>): Promise<IdentitySecret> {
    requireAdmin(actor)
    const now = new Date()
    const until = input.graceHours > 0 ? new Date(now.getTime() + input.graceHours * 3_600_000) : null
    return this.ctx.db.inAgency(actor.agencyId, async (tx) => {
      // One statement: two rotations at once each keep the secret they replaced.
      await tx.$executeRaw`
        UPDATE sites SET
          previous_identity_secret = CASE WHEN ${until}::timestamptz IS NULL THEN NULL ELSE identity_secret END,
          previous_secret_expires_at = ${until}::timestamptz,
          identity_secret = ${newIdentitySecret()},
          identity_secret_rotated_at = ${now},
          updated_at = ${now}
        WHERE id = ${actor.siteId}::uuid`
      const site = await tx.site.findUniqueOrThrow({ where: { id: actor.siteId } })
      await this.record(tx, actor, 'site.identity_secret_rotated', site, { graceHours: input.graceHours, previousValidUntil: until?.toISOString() ?? null })
      return toIdentitySecret(site)
    })
  }

  // ------------------------------------------------------------------ the agency's sites

  /** An owner or admin sees every site of the agency; a member, the sites they belong to. */
  async listForAgency(actor: AgencyActor): Promise<AgencySite[]> {
    const all = actor.role === 'owner' || actor.role === 'admin'
    return this.ctx.db.inAgency(actor.agencyId, async (tx) => {
      const sites = await tx.site.findMany({
        where: { agencyId: actor.agencyId, ...(all ? {} : { agents: { some: { userId: actor.userId, removedAt: null } } }) },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      })
      return agencySites(tx, sites)
    })
  }

  /** A new site of the agency (owners and admins): its owners and admins become its admins. */
  async createForAgency(actor: AgencyActor, input: z.output<typeof CreateSite>): Promise<AgencySite> {
    requireAgencyAdmin(actor)
    const allowedOrigins = [...new Set(input.domains)]
    return this.ctx.db.inAgency(actor.agencyId, async (tx) => {
      const site = await this.create({ agencyId: actor.agencyId, name: input.name, allowedOrigins }, tx)
      await this.record(tx, actor, 'site.created', site, { name: site.name, allowedOrigins })
      const [created] = await agencySites(tx, [site])
      return created!
    })
  }

  /**
   * Deletes a site of the agency and everything in it, in one statement (the foreign keys
   * cascade: conversations, messages, visitors, uploads, analytics, webhooks and their
   * deliveries, canned responses, memberships, presence, its API keys). `confirm` must be its
   * exact name. The audit log keeps the event (and earlier ones). Live sockets of the site, on
   * every process, are disconnected once it commits.
   */
  async deleteSite(actor: AgencyActor, siteId: string, input: DeleteSite): Promise<void> {
    requireAgencyAdmin(actor)
    await this.ctx.db.scoped({ agencyId: actor.agencyId, siteId }, async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; name: string }[]>`SELECT id, name FROM sites WHERE id = ${siteId}::uuid AND agency_id = ${actor.agencyId}::uuid FOR UPDATE`
      const site = rows[0]
      if (!site) throw notFound('site')
      if (input.confirm !== site.name) {
        throw new AppError('invalid_payload', "invalid body: confirm: type the site's exact name to delete it", [{ path: 'confirm', message: "must be the site's exact name" }])
      }
      const held = { conversations: await tx.conversation.count(), visitors: await tx.visitor.count(), agents: await tx.agent.count({ where: { siteId } }) }
      await tx.site.delete({ where: { id: siteId } })
      await notifySiteDeleted(tx, siteId)
      await this.record(tx, actor, 'site.deleted', site, { name: site.name, deleted: held })
    })
    this.clock.forget(siteId)
  }

  /** Records what an actor did to a site, in the caller's transaction (which must be scoped to the agency). */
  private record(tx: Tx, actor: AgentActor | AgencyActor, action: AuditAction, site: { id: string; name: string }, data?: Record<string, unknown>): Promise<void> {
    return this.audit.recordIn(tx, { agencyId: actor.agencyId, siteId: site.id, action, actor: auditActor(actor), target: { type: 'site', id: site.id, label: site.name }, ...(data ? { data } : {}), meta: auditMeta(actor) })
  }
}

/** The identity secrets a visitor's hash may be made with at `now`: the current one, and the previous one until it expires. */
export function identitySecrets(site: SiteRow, now: Date = new Date()): string[] {
  const previous = site.previousIdentitySecret && site.previousSecretExpiresAt && site.previousSecretExpiresAt > now ? [site.previousIdentitySecret] : []
  return [site.identitySecret, ...previous]
}

function toIdentitySecret(site: SiteRow): IdentitySecret {
  const previousValid = identitySecrets(site).length > 1
  return {
    secret: site.identitySecret,
    rotatedAt: site.identitySecretRotatedAt.toISOString(),
    previousValidUntil: previousValid ? site.previousSecretExpiresAt!.toISOString() : null,
  }
}

/** Sites as the agency's list shows them, with how many active members each has (the transaction sees the agency's memberships). */
async function agencySites(tx: Tx, sites: SiteRow[]): Promise<AgencySite[]> {
  const counts = await tx.agent.groupBy({ by: ['siteId'], where: { siteId: { in: sites.map((x) => x.id) }, removedAt: null }, _count: { _all: true } })
  const bySite = new Map(counts.map((c) => [c.siteId, c._count._all]))
  return sites.map((x) => toAgencySite(x, bySite.get(x.id) ?? 0))
}

/** A site as the agency's lists show it, with how many active members it has. */
export function toAgencySite(site: SiteRow, agents: number): AgencySite {
  return { id: site.id, agencyId: site.agencyId, name: site.name, domains: site.allowedOrigins, createdAt: site.createdAt.toISOString(), agents }
}

/** What a settings change changed, for the audit log: the site's own fields from and to, the widget's by name. */
function settingsChange(before: SiteRow, after: SiteRow, input: UpdateSiteSettings): Record<string, unknown> {
  const changed: Record<string, unknown> = {}
  for (const f of ['name', 'allowedOrigins', 'missedAfterMinutes'] as const) {
    if (input[f] !== undefined && JSON.stringify(before[f]) !== JSON.stringify(after[f])) changed[f] = { from: before[f], to: after[f] }
  }
  const retention = { from: retentionOf(before), to: retentionOf(after) }
  if (input.retention !== undefined && JSON.stringify(retention.from) !== JSON.stringify(retention.to)) changed['retention'] = retention
  const widget = Object.keys(input.widget ?? {})
  if (widget.length > 0) changed['widget'] = widget
  return changed
}

/** The site's retention policy (privacy/retention.ts) as settings show it. */
export function retentionOf(site: Pick<SiteRow, 'retentionMode' | 'retentionDays'>): RetentionPolicyInput {
  if (site.retentionMode === 'off' || site.retentionDays === null) return { mode: 'off' }
  return { mode: site.retentionMode as 'delete' | 'anonymise', days: site.retentionDays }
}

export function requireAdmin(actor: AgentActor): void {
  if (actor.role !== 'admin') throw forbidden('only a site admin may do this')
}

const DEFAULTS = {
  primaryColor: '#0066FF',
  position: 'bottom-right' as const,
  widgetTitle: 'Chat with us',
  welcomeMessage: 'Hi! How can we help you today?',
  offlineMessage: "We're offline right now. Leave a message!",
  avatarUrl: null,
  showAgentAvatar: true,
  autoOpenDelay: null,
  showOnMobile: true,
  requireEmail: false,
  preChatEnabled: false,
  preChatFields: [] as PreChatField[],
  businessHoursEnabled: false,
  businessHours: {},
  holidays: [] as string[],
  timezone: 'UTC',
  soundEnabled: true,
  notificationSound: 'default',
  language: '',
  customTranslations: {},
  editWindowSeconds: 900,
  triggersMayStore: false,
}

/**
 * The pre-chat fields as the widget shows them: a "team" field is a list of the site's team names
 * as they are now (the answer names the team the conversation is for: teams/service.ts); without
 * teams it is left out.
 */
async function teamChoices(tx: Tx, siteId: string, fields: PreChatField[]): Promise<PreChatField[]> {
  if (!fields.some((f) => f.type === 'team')) return fields
  const names = (await tx.team.findMany({ where: { siteId }, select: { name: true }, orderBy: { name: 'asc' } })).map((t) => t.name)
  return fields.flatMap((f) => (f.type !== 'team' ? [f] : names.length ? [{ ...f, type: 'select' as const, options: names }] : []))
}

function widgetFields(w: WidgetRow | null): SiteSettings['widget'] {
  if (!w) return DEFAULTS
  return {
    primaryColor: w.primaryColor,
    position: w.position as WidgetConfig['position'],
    widgetTitle: w.widgetTitle,
    welcomeMessage: w.welcomeMessage,
    offlineMessage: w.offlineMessage,
    avatarUrl: w.avatarUrl,
    showAgentAvatar: w.showAgentAvatar,
    autoOpenDelay: w.autoOpenDelay,
    showOnMobile: w.showOnMobile,
    requireEmail: w.requireEmail,
    preChatEnabled: w.preChatEnabled,
    preChatFields: w.preChatFields as unknown as PreChatField[],
    businessHoursEnabled: w.businessHoursEnabled,
    businessHours: w.businessHours as WidgetConfig['businessHours'],
    holidays: w.holidays ?? [],
    timezone: w.timezone,
    soundEnabled: w.soundEnabled,
    notificationSound: w.notificationSound,
    language: w.language,
    customTranslations: w.customTranslations as WidgetConfig['customTranslations'],
    editWindowSeconds: w.editWindowSeconds,
    triggersMayStore: w.triggersMayStore,
  }
}
