// Sessions: one row per sign-in (a device). Every agent access token names its session, and
// every request and socket handshake checks that the session still stands, so ending one
// (sign-out, password change or reset, removal from the agency) refuses its tokens at once. The
// end is announced with a NOTIFY in the same transaction: every server process (and the
// operator CLI's changes) reaches the live sockets of that session through realtime/revocations.ts.
import Bowser from 'bowser'
import type { SessionChangeReason, UserSession } from '@live-chat/protocol'
import type { AuditService } from '../audit/service.js'
import { AGENT_SESSION_MAX_S, type AgentClaims, type SignedToken } from '../shared/auth.js'
import type { Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError } from '../shared/errors.js'
import { notFound } from '../shared/errors.js'

/** Where a request came from (recorded with a session and in the audit log). */
export interface RequestMeta {
  ip?: string | undefined
  userAgent?: string | undefined
}

export type RevokeReason = 'logout' | 'password_changed' | 'password_reset' | 'revoked' | 'removed' | 'deactivated'

/** The NOTIFY channel of session and membership changes (see realtime/revocations.ts). */
export const AUTH_CHANNEL = 'live_chat_auth'

export type AuthNotice =
  /** Sessions of the user ended: all of them (sessionIds null) or those listed, except `except`. */
  | { kind: 'revoked'; userId: string; sessionIds: string[] | null; except?: string }
  /** The user's access to a site changed (role or removal): their sockets on it reconnect. */
  | { kind: 'changed'; userId: string; siteId: string; reason: SessionChangeReason }

/** Sent within the caller's transaction: delivered to every process when it commits. */
export async function notifyAuth(tx: Tx, notice: AuthNotice): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${AUTH_CHANNEL}, ${JSON.stringify(notice)})`
}

/** How often a session's last-seen time is written at most (requests in between do not write). */
const TOUCH_EVERY_MS = 60_000

type SessionRow = { id: string; userId: string; revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date }

export class SessionService {
  constructor(
    private readonly ctx: Context,
    /** Records sign-outs and ended sessions (auth.logout, auth.session_revoked) when given. */
    private readonly audit?: AuditService,
  ) {}

  /** Signs the user in on a new session (a device) and returns its first access token. */
  async start(userId: string, meta: RequestMeta): Promise<SignedToken & { sessionId: string }> {
    const authTime = Math.floor(Date.now() / 1000)
    const session = await this.ctx.db.asUser(userId, (tx) =>
      tx.userSession.create({
        data: {
          userId,
          device: deviceLabel(meta.userAgent),
          userAgent: meta.userAgent?.slice(0, 500) ?? null,
          ip: meta.ip ?? null,
          expiresAt: new Date((authTime + AGENT_SESSION_MAX_S) * 1000),
        },
        select: { id: true },
      }),
    )
    const signed = await this.ctx.tokens.signAgent({ userId, sessionId: session.id, authTime })
    return { ...signed, sessionId: session.id }
  }

  /**
   * Refuses claims whose session has ended (or never was) or whose user was deactivated, as
   * `unauthorized`. Runs inside the caller's transaction when given one (scoped to the user).
   */
  async check(claims: AgentClaims, tx?: Tx): Promise<void> {
    const run = async (t: Tx) => {
      const row = await t.userSession.findUnique({
        where: { id: claims.sessionId },
        select: { id: true, userId: true, revokedAt: true, expiresAt: true, lastSeenAt: true, user: { select: { deactivatedAt: true } } },
      })
      if (!row || row.userId !== claims.userId) throw new AppError('unauthorized', 'the session is not valid; sign in again')
      if (row.revokedAt) throw new AppError('unauthorized', 'the session was ended (signed out, or the password changed); sign in again')
      if (row.user.deactivatedAt) throw new AppError('unauthorized', 'this account was removed from its agency')
      if (row.expiresAt.getTime() <= Date.now()) throw new AppError('token_expired', 'the session is too old; sign in again')
      return row
    }
    const row = tx ? await run(tx) : await this.ctx.db.asUser(claims.userId, run)
    this.touch(row)
  }

  /** Writes the last-seen time, at most once a minute per session, without holding up the caller. */
  private touch(row: SessionRow): void {
    if (Date.now() - row.lastSeenAt.getTime() < TOUCH_EVERY_MS) return
    row.lastSeenAt = new Date()
    void this.ctx.db
      .asUser(row.userId, (tx) => tx.userSession.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastSeenAt: new Date() } }))
      .catch((e: unknown) => this.ctx.log.warn({ err: e }, 'could not record a session as seen'))
  }

  /** The user's sessions that still stand, most recently used first. */
  async list(userId: string, currentSessionId: string | undefined): Promise<UserSession[]> {
    const rows = await this.ctx.db.asUser(userId, (tx) =>
      tx.userSession.findMany({ where: { userId, revokedAt: null, expiresAt: { gt: new Date() } }, orderBy: { lastSeenAt: 'desc' } }),
    )
    return rows.map((r) => ({
      id: r.id,
      device: r.device,
      ip: r.ip,
      createdAt: r.createdAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      current: r.id === currentSessionId,
    }))
  }

  /**
   * Ends one session of the user (sign-out, or their own "sign out that device"); 404 for anyone
   * else's. Recorded in the agency's audit log as auth.logout (reason logout) or auth.session_revoked.
   */
  async end(userId: string, sessionId: string, reason: RevokeReason = 'revoked', meta: RequestMeta = {}): Promise<void> {
    const user = await this.ctx.db.prisma.user.findUnique({ where: { id: userId }, select: { agencyId: true, name: true } })
    const agencyId = this.audit && user?.agencyId ? user.agencyId : undefined
    await this.ctx.db.scoped({ userId, ...(agencyId ? { agencyId } : {}) }, async (tx) => {
      const n = await this.revokeIn(tx, userId, { sessionIds: [sessionId] }, reason)
      if (n === 0) throw notFound('session')
      if (agencyId)
        await this.audit!.recordIn(tx, {
          agencyId,
          action: reason === 'logout' ? 'auth.logout' : 'auth.session_revoked',
          actor: { type: 'user', id: userId, label: user!.name },
          target: { type: 'session', id: sessionId },
          meta,
        })
    })
  }

  /**
   * Ends sessions of the user inside the caller's transaction (scoped to that user, e.g.
   * db.asUser or db.scoped({ userId, … })): all of them, or `sessionIds`, except `except`.
   * Live sockets of those sessions are disconnected when the transaction commits.
   */
  async revokeIn(tx: Tx, userId: string, which: { sessionIds?: string[]; except?: string }, reason: RevokeReason): Promise<number> {
    const { count } = await tx.userSession.updateMany({
      where: {
        userId,
        revokedAt: null,
        ...(which.sessionIds ? { id: { in: which.sessionIds } } : {}),
        ...(which.except ? { NOT: { id: which.except } } : {}),
      },
      data: { revokedAt: new Date(), revokedReason: reason },
    })
    if (count > 0 || !which.sessionIds) {
      await notifyAuth(tx, { kind: 'revoked', userId, sessionIds: which.sessionIds ?? null, ...(which.except ? { except: which.except } : {}) })
    }
    return count
  }

  /** The ids among `sessionIds` (of `userId`) that no longer stand: for catching up after a missed notice. */
  async ended(userId: string, sessionIds: string[]): Promise<string[]> {
    const standing = await this.ctx.db.asUser(userId, (tx) =>
      tx.userSession.findMany({
        where: { id: { in: sessionIds }, userId, revokedAt: null, expiresAt: { gt: new Date() }, user: { deactivatedAt: null } },
        select: { id: true },
      }),
    )
    const ok = new Set(standing.map((s) => s.id))
    return sessionIds.filter((id) => !ok.has(id))
  }
}

/** "Chrome 156 on Linux" from a user agent (bowser); "Unknown device" without one. */
export function deviceLabel(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown device'
  const r = Bowser.parse(userAgent)
  const browser = [r.browser.name, r.browser.version?.split('.')[0]].filter(Boolean).join(' ')
  const os = r.os.name ?? ''
  if (!browser && !os) return userAgent.slice(0, 60)
  return browser && os ? `${browser} on ${os}` : browser || os
}
