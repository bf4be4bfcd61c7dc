// Whether visitors can chat with a site now: it is open by the clock (within business hours and
// not on a holiday, when business hours are enabled) and an agent is online, accepting chats and
// connected. Agents' changes are announced as they happen (AgentService); the clock below
// announces the changes that only time makes.
import type { Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { openByClock, type BusinessHoursSettings } from './business-hours.js'

/** The widget settings that decide whether a site is open by the clock. */
export const CLOCK_FIELDS = ['businessHoursEnabled', 'businessHours', 'timezone', 'holidays'] as const

function clockSettings(tx: Tx, siteId: string): Promise<BusinessHoursSettings | null> {
  return tx.widgetSettings.findUnique({ where: { siteId }, select: { businessHoursEnabled: true, businessHours: true, timezone: true, holidays: true } })
}

/** Whether visitors can chat now (see the top of this file). */
export async function siteOnline(tx: Tx, siteId: string, now: Date = new Date()): Promise<boolean> {
  return openByClock(await clockSettings(tx, siteId), now) && agentsAvailable(tx, siteId)
}

/** Whether any agent is online, accepting chats and connected. */
export async function agentsAvailable(tx: Tx, siteId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ online: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM mod_chat_agents a
      WHERE a.site_id = ${siteId}::uuid AND a.status = 'online' AND a.accept_new_chats AND a.removed_at IS NULL
        AND EXISTS (SELECT 1 FROM mod_chat_connections k WHERE k.site_id = a.site_id AND k.agent_id = a.id)
    ) AS online`
  return rows[0]?.online ?? false
}

/** How often the clock looks. */
export const CLOCK_TICK_MS = 30_000
/**
 * How long the clock trusts the business hours it read. A change made through this process is
 * seen at once (forget); one made through another process is announced by that process at
 * once, and this process's clock follows within this time.
 */
const SETTINGS_TTL_MS = 5 * 60_000

/**
 * Tells the visitors connected to this process when their site opens or closes by the clock.
 * Every process watches its own visitors (rooms are per process), so nothing is announced twice.
 */
export class AvailabilityClock {
  private timer: NodeJS.Timeout | undefined
  /** Per site with visitors here and business hours on: whether it was open at the last tick. */
  private readonly openAtLastTick = new Map<string, boolean>()
  private readonly settings = new Map<string, { value: BusinessHoursSettings | null; until: number }>()

  constructor(private readonly ctx: Context) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), CLOCK_TICK_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** Drops what the clock knows of a site's business hours (they just changed). */
  forget(siteId: string): void {
    this.settings.delete(siteId)
  }

  /**
   * One look at the clock: for each site with visitors here and business hours on, announces
   * availability when the site opened or closed since the last look (or is seen for the first
   * time: its visitors may have loaded the widget just before a change).
   */
  async tick(now: Date = new Date()): Promise<void> {
    const here = new Set(this.ctx.publish.sitesWithLocalVisitors())
    for (const map of [this.openAtLastTick, this.settings]) for (const siteId of map.keys()) if (!here.has(siteId)) map.delete(siteId)
    for (const siteId of here) {
      try {
        const settings = await this.settingsOf(siteId)
        if (!settings?.businessHoursEnabled) {
          this.openAtLastTick.delete(siteId)
          continue
        }
        const open = openByClock(settings, now)
        if (this.openAtLastTick.get(siteId) === open) continue
        this.openAtLastTick.set(siteId, open)
        const online = open && (await this.ctx.db.inSite(siteId, (tx) => agentsAvailable(tx, siteId)))
        this.ctx.publish.availabilityHere(siteId, online)
      } catch (e) {
        this.ctx.log.warn({ err: e, siteId }, 'business hours check failed')
      }
    }
  }

  private async settingsOf(siteId: string): Promise<BusinessHoursSettings | null> {
    const known = this.settings.get(siteId)
    if (known && known.until > Date.now()) return known.value
    const value = await this.ctx.db.inSite(siteId, (tx) => clockSettings(tx, siteId))
    this.settings.set(siteId, { value, until: Date.now() + SETTINGS_TTL_MS })
    return value
  }
}
