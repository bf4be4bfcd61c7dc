// Sites: the public widget configuration, the admin's settings, allowed origins, and
// creating sites (for the demo seed, tests and platform tooling). Whether a site is available
// (business hours, online agents) is in availability.ts.
import type { PreChatField, SiteSettings, UpdateSiteSettings, WidgetConfig } from '@live-chat/protocol'
import crypto from 'node:crypto'
import type { Prisma } from '../generated/prisma/client.js'
import { enterSite, grantSiteToAgencyAdmins } from '../agency/memberships.js'
import type { Tx } from '../shared/db/index.js'
import { newIdentitySecret } from '../shared/auth.js'
import type { AgentActor, Context } from '../shared/context.js'
import { AppError, forbidden, notFound } from '../shared/errors.js'
import type { UploadService } from '../uploads/service.js'
import { agentsAvailable, AvailabilityClock, CLOCK_FIELDS, siteOnline } from './availability.js'
import { openByClock } from './business-hours.js'

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
  checkOrigin(site: SiteRow, origin: string | undefined): void {
    if (!origin || site.allowedOrigins.length === 0) return
    if (!site.allowedOrigins.includes(origin.toLowerCase())) {
      throw new AppError('origin_not_allowed', `this site does not allow the widget on ${origin}`)
    }
  }

  async widgetConfig(siteId: string, origin?: string): Promise<WidgetConfig> {
    const site = await this.require(siteId)
    this.checkOrigin(site, origin)
    const { settings, online } = await this.ctx.db.inSite(siteId, async (tx) => {
      const settings = await tx.widgetSettings.findUnique({ where: { siteId } })
      return { settings, online: openByClock(settings) && (await agentsAvailable(tx, siteId)) }
    })
    return { siteId, ...widgetFields(settings), online, upload: this.uploads.limits() }
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
      widget: widgetFields(settings),
    }
  }

  async updateSettings(actor: AgentActor, input: UpdateSiteSettings): Promise<SiteSettings> {
    requireAdmin(actor)
    let site = await this.require(actor.siteId)
    const online = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      if (input.name !== undefined || input.allowedOrigins !== undefined || input.missedAfterMinutes !== undefined) {
        site = await tx.site.update({
          where: { id: actor.siteId },
          data: {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.allowedOrigins !== undefined ? { allowedOrigins: [...new Set(input.allowedOrigins)] } : {}),
            ...(input.missedAfterMinutes !== undefined ? { missedAfterMinutes: input.missedAfterMinutes } : {}),
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
      const clock = input.widget && CLOCK_FIELDS.some((f) => input.widget![f] !== undefined)
      return clock ? siteOnline(tx, actor.siteId) : undefined
    })
    // New business hours may open or close the site at once.
    if (online !== undefined) {
      this.clock.forget(actor.siteId)
      this.ctx.publish.availability(actor.siteId, online)
    }
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
  language: 'en',
  customTranslations: {},
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
  }
}
