// A ban (or its lifting) reaches every server process: the ban's transaction sends a NOTIFY
// (delivered when it commits, whatever process or tool made it), and each process forgets what it
// knew of the site's bans, then disconnects its own visitor sockets of that site that a ban now
// holds for (one query for all of them). Connecting again is refused at the handshake. Should the
// listening connection drop, every site with sockets here is checked again once it is back
// (notices sent meanwhile are lost).
import type { Database } from '../shared/db/index.js'
import { InFlight } from '../shared/in-flight.js'
import { isUuid } from '../shared/params.js'
import type { Logger } from '../shared/logger.js'
import { rooms, type VisitorNamespace } from '../realtime/types.js'
import { BAN_CHANNEL, type BanService } from './service.js'

export async function watchBans(db: Database, visitors: VisitorNamespace, bans: BanService, log: Logger): Promise<() => Promise<void>> {
  // The returned stop waits for the checks still running (the database closes after it).
  const checking = new InFlight()
  const sweep = async (siteId: string) => {
    const sockets = await visitors.local.in(rooms.siteVisitors(siteId)).fetchSockets()
    if (sockets.length === 0) return
    const hit = await bans.caught(siteId, sockets.map((s) => ({ visitorId: s.data.actor.visitorId, ip: s.data.actor.ip })))
    sockets.forEach((s, i) => hit[i] && s.disconnect(true))
  }
  const check = (siteId: string) => checking.track(sweep(siteId).catch((e: unknown) => log.warn({ err: e, siteId }, 'could not check visitor sockets against a ban')))

  const unlisten = await db.listen(
    BAN_CHANNEL,
    (siteId) => {
      if (!isUuid(siteId)) return void log.warn('ban notice: not a site id')
      bans.forget(siteId)
      void check(siteId)
    },
    () => {
      bans.forget()
      const sites = new Set<string>()
      for (const socket of visitors.sockets.values()) sites.add(socket.data.actor.siteId)
      for (const siteId of sites) void check(siteId)
    },
  )
  return async () => {
    await unlisten()
    await checking.settled()
  }
}
