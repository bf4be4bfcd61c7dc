// Passwords: "forgot password" by email (a single-use link, 30 minutes, only its hash stored;
// the same answer whether or not the email has an account), the reset itself (every session of
// the user ends), and changing one's password (every other session ends).
import crypto from 'node:crypto'
import type { AuditService, AuditWho } from '../audit/service.js'
import type { EmailService } from '../email/service.js'
import { passwordResetMail } from '../email/render.js'
import { hashPassword, verifyPassword } from '../shared/auth.js'
import type { Context } from '../shared/context.js'
import { AppError, invalidState, notFound } from '../shared/errors.js'
import { makeLinkToken } from '../shared/secrets.js'
import { checkLink, dashboardLink, parseLink } from './links.js'
import type { RequestMeta, SessionService } from './sessions.js'

export const RESET_TTL_MINUTES = 30

/** A password given to confirm who is acting was wrong: a form error on `field`. */
const wrongPassword = (field: string) => new AppError('invalid_payload', `invalid body: ${field}: the password is not right`, [{ path: field, message: 'the password is not right' }])

export class PasswordService {
  constructor(
    private readonly ctx: Context,
    private readonly sessions: SessionService,
    private readonly emails: EmailService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Starts a reset for `email` when it has an account that may sign in: a link row now, the email
   * after the caller has answered (so the answer neither says nor takes longer when it exists).
   */
  async forgot(email: string, meta: RequestMeta): Promise<void> {
    const link = await this.resetLink(email, null, meta).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'not_found') return null
      throw e
    })
    if (!link) return
    const mail = passwordResetMail({ link: link.link, minutes: RESET_TTL_MINUTES })
    void this.emails.accountMail(link.email, mail, 'password reset')
  }

  /**
   * A new reset link for the account of `email` (404 when it has none that may sign in): emailed by
   * forgot(), printed by the operator's CLI. `by`: who asked (null: the user themselves).
   */
  async resetLink(email: string, by: AuditWho | null, meta: RequestMeta = {}): Promise<{ link: string; email: string; expiresAt: Date }> {
    const user = await this.ctx.db.prisma.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, email: true, name: true, agencyId: true, deactivatedAt: true } })
    if (!user || user.deactivatedAt) throw notFound('account')
    const id = crypto.randomUUID()
    const { token, hash } = makeLinkToken(id)
    const expiresAt = new Date(Date.now() + RESET_TTL_MINUTES * 60_000)
    await this.ctx.db.scoped({ userId: user.id, ...(user.agencyId ? { agencyId: user.agencyId } : {}) }, async (tx) => {
      await tx.passwordReset.create({ data: { id, userId: user.id, tokenHash: hash, ip: meta.ip ?? null, expiresAt } })
      if (user.agencyId)
        await this.audit.recordIn(tx, { agencyId: user.agencyId, action: 'auth.password_reset_requested', actor: by ?? { type: 'user', id: user.id, label: user.name }, target: { type: 'user', id: user.id, label: user.email }, meta })
    })
    return { link: dashboardLink(this.ctx.config.publicUrl, 'reset', token), email: user.email, expiresAt }
  }

  /** Sets the password of a reset link's account, spends its links and ends every session of it. */
  async reset(token: string, password: string, meta: RequestMeta): Promise<{ email: string }> {
    const { id, secret } = parseLink(token, 'password reset link')
    const row = checkLink(await this.ctx.db.scoped({ lookupId: id }, (tx) => tx.passwordReset.findUnique({ where: { id } })), secret, 'password reset link')
    const user = await this.ctx.db.prisma.user.findUnique({ where: { id: row.userId } })
    if (!user || user.deactivatedAt) throw invalidState('this account was removed from its agency')
    const passwordHash = await hashPassword(password)
    await this.ctx.db.scoped({ userId: user.id, ...(user.agencyId ? { agencyId: user.agencyId } : {}) }, async (tx) => {
      const now = new Date()
      // Single use even when sent twice at once: the first update wins.
      const spent = await tx.passwordReset.updateMany({ where: { id, tokenHash: row.tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } })
      if (spent.count === 0) throw invalidState('this password reset link was already used or has expired')
      await tx.passwordReset.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } })
      await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now } })
      await this.sessions.revokeIn(tx, user.id, {}, 'password_reset')
      if (user.agencyId)
        await this.audit.recordIn(tx, { agencyId: user.agencyId, action: 'auth.password_reset', actor: { type: 'user', id: user.id, label: user.name }, target: { type: 'user', id: user.id, label: user.email }, meta })
    })
    return { email: user.email }
  }

  /** The signed-in user changes their password (the current one confirms it): every other session ends. */
  async change(userId: string, sessionId: string, current: string, next: string, meta: RequestMeta): Promise<void> {
    const user = await this.ctx.db.prisma.user.findUniqueOrThrow({ where: { id: userId } })
    await this.confirm(user, current, 'currentPassword')
    const passwordHash = await hashPassword(next)
    await this.ctx.db.scoped({ userId, ...(user.agencyId ? { agencyId: user.agencyId } : {}) }, async (tx) => {
      const now = new Date()
      await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now } })
      // Links asked for before are of no use now.
      await tx.passwordReset.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } })
      await this.sessions.revokeIn(tx, userId, { except: sessionId }, 'password_changed')
      if (user.agencyId)
        await this.audit.recordIn(tx, { agencyId: user.agencyId, action: 'auth.password_changed', actor: { type: 'user', id: userId, label: user.name }, target: { type: 'user', id: userId, label: user.email }, data: { sessionId }, meta })
    })
  }

  /** Checks a signed-in user's password (per-user attempt limit); a wrong one is a form error on `field`. */
  async confirm(user: { id: string; passwordHash: string }, password: string, field = 'password'): Promise<void> {
    await this.ctx.limits.userAttempt(user.id, async () => {
      if (!(await verifyPassword(user.passwordHash, password))) throw wrongPassword(field)
    })
  }
}
