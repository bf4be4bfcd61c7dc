// Ends live agent sockets when their session ends or their access to a site changes, on every
// server process: each process LISTENs for the notices that accounts/sessions.ts sends with the
// change's own transaction (so the CLI's changes reach them too, with or without Redis) and acts
// on its own sockets. Should the listening connection drop, every socket of this process is
// checked again once it is back (notices sent meanwhile are lost).
import type { Services } from '../services.js'
import { AUTH_CHANNEL, type AuthNotice } from '../accounts/sessions.js'
import type { Database } from '../shared/db/index.js'
import type { Logger } from '../shared/logger.js'
import type { AgentNamespace, AgentSocket } from './types.js'

export async function watchRevocations(db: Database, ns: AgentNamespace, s: Services, log: Logger): Promise<() => Promise<void>> {
  const onNotice = (payload: string) => {
    let notice: AuthNotice
    try {
      notice = JSON.parse(payload) as AuthNotice
    } catch {
      log.warn('auth notice: not JSON')
      return
    }
    for (const socket of ns.sockets.values()) {
      const actor = socket.data.actor
      if (actor.userId !== notice.userId) continue
      if (notice.kind === 'revoked') {
        if (notice.except !== undefined && actor.sessionId === notice.except) continue
        if (notice.sessionIds && !notice.sessionIds.includes(actor.sessionId ?? '')) continue
        revoked(socket)
      } else if (actor.siteId === notice.siteId) {
        socket.emit('session:changed', { reason: notice.reason })
        socket.disconnect(true)
      }
    }
  }

  const recheck = async () => {
    const byUser = new Map<string, Set<string>>()
    for (const socket of ns.sockets.values()) {
      const { userId, sessionId } = socket.data.actor
      if (sessionId) byUser.set(userId, (byUser.get(userId) ?? new Set()).add(sessionId))
    }
    for (const [userId, ids] of byUser) {
      try {
        const ended = new Set(await s.sessions.ended(userId, [...ids]))
        if (ended.size === 0) continue
        for (const socket of ns.sockets.values()) if (ended.has(socket.data.actor.sessionId ?? '')) revoked(socket)
      } catch (e) {
        log.warn({ err: e }, 'could not check sessions after the notice connection came back')
      }
    }
  }

  return db.listen(AUTH_CHANNEL, onNotice, () => void recheck())
}

/** Ends a socket whose session ended: `session:revoked`, then a disconnect. */
export function revoked(socket: AgentSocket): void {
  socket.emit('session:revoked', { code: 'unauthorized', message: 'the session was ended (signed out, password changed, or removed); sign in again' })
  socket.disconnect(true)
}
