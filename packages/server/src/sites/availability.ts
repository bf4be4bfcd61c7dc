// Whether visitors can chat with a site now: it is open by the clock (within business hours and
// not on a holiday, when business hours are enabled) and an agent is online, accepting chats and
// connected. Agents' changes are announced as they happen (AgentService); the clock below
// announces the changes that only time makes.
import { TEAM_SHOWN, type Availability, type OnlineTeam } from '@live-chat/protocol'
import type { Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { Periodic } from '../shared/periodic.js'
import { openByClock, type BusinessHoursSettings } from './business-hours.js'

/** The widget settings that decide whether a site is open by the clock. */
export const CLOCK_FIELDS = ['businessHoursEnabled', 'businessHours', 'timezone', 'holidays'] as const

/** The settings that decide whether a site is open by the clock (business hours, holidays, time zone). */
export function clockSettings(tx: Tx, siteId: string): Promise<BusinessHoursSettings | null> {
  return tx.widgetSettings.findUnique({ where: { siteId }, select: { businessHoursEnabled: true, businessHours: true, timezone: true, holidays: true } })
}

/** Nobody online (the site is closed, or no agent is available). */
export const NO_TEAM: OnlineTeam = { agents: [], count: 0 }

/** Whether visitors can chat now and who is online (see the top of this file). */
export async function siteAvailability(tx: Tx, siteId: string, now: Date = new Date()): Promise<Availability> {
  return availabilityOf(tx, siteId, await clockSettings(tx, siteId), now)
}

/** The same, with the site's clock settings already read. */
export async function availabilityOf(tx: Tx, siteId: string, settings: BusinessHoursSettings | null, now: Date = new Date()): Promise<Availability> {
  const team = openByClock(settings, now) ? await availableTeam(tx, siteId) : NO_TEAM
  return { online: team.count > 0, team }
}

/**
 * The agents online, accepting chats and connected, as visitors may see them: the first
 * TEAM_SHOWN by name (their display name and picture, nothing else) and how many in all.
 */
export async function availableTeam(tx: Tx, siteId: string): Promise<OnlineTeam> {
  const rows = await tx.$queryRaw<{ name: string; avatarUrl: string | null; count: number }[]>`
    SELECT coalesce(a.display_name, u.name) AS name, coalesce(a.avatar_url, u.avatar_url) AS "avatarUrl", (count(*) OVER ())::int AS count
    FROM mod_chat_agents a JOIN users u ON u.id = a.user_id
    WHERE a.site_id = ${siteId}::uuid AND a.status = 'online' AND a.accept_new_chats AND a.removed_at IS NULL
      AND EXISTS (SELECT 1 FROM mod_chat_connections k WHERE k.site_id = a.site_id AND k.agent_id = a.id)
    ORDER BY 1, a.id
    LIMIT ${TEAM_SHOWN}`
  return { agents: rows.map(({ name, avatarUrl }) => ({ name, avatarUrl })), count: rows[0]?.count ?? 0 }
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
  /** Per site with visitors here and business hours on: whether it was open at the last tick. */
  private readonly openAtLastTick = new Map<string, boolean>()
  private readonly settings = new Map<string, { value: BusinessHoursSettings | null; until: number }>()
  /** A look every CLOCK_TICK_MS, never two at once; stop() waits for the one in progress. */
  private readonly loop: Periodic

  constructor(private readonly ctx: Context) {
    this.loop = new Periodic('business hours clock', CLOCK_TICK_MS, () => this.tick(), ctx.log)
  }

  start(): void {
    this.loop.start()
  }

  /** Stops the clock and waits for a look in progress. */
  stop(): Promise<void> {
    return this.loop.stop()
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
        const state = open ? await this.ctx.db.inSite(siteId, (tx) => availabilityOf(tx, siteId, settings, now)) : { online: false, team: NO_TEAM }
        this.ctx.publish.availabilityHere(siteId, state)
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
