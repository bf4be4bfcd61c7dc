// Two-factor sign-in with TOTP (RFC 6238: 6 digits, 30-second steps, one step either side
// accepted) and ten single-use recovery codes. The secret is kept encrypted (Tokens.seal, bound to
// the user's id); a new one stays pending until a first code confirms it. A code is never accepted
// twice: users.totp_last_step only moves forward, by a conditional update. An agency may require
// two-factor: its members without one enrol at their next sign-in (setup_required) and cannot
// turn it off. Code and password attempts are limited per user (RATE_LIMIT_TWO_FACTOR).
import crypto from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import type { AgentSession, AuditAction, RecoveryCodes, TwoFactorLogin, TwoFactorRequired, TwoFactorSetup } from '@live-chat/protocol'
import type { AgentService } from '../agents/service.js'
import type { AuditService } from '../audit/service.js'
import type { Prisma } from '../generated/prisma/client.js'
import type { Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, invalidState } from '../shared/errors.js'
import { sha256 } from '../shared/secrets.js'
import type { PasswordService } from './passwords.js'
import type { RequestMeta } from './sessions.js'

const ISSUER = 'Live Chat'
const RECOVERY_CODES = 10
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

type UserRow = Prisma.UserGetPayload<{ include: { agency: { select: { requireTwoFactor: true } } } }>

const wrongCode = () => new AppError('invalid_payload', 'invalid body: code: the code is not right (or was already used)', [{ path: 'code', message: 'the code is not right (or was already used)' }])

export class TwoFactorService {
  constructor(
    private readonly ctx: Context,
    private readonly agents: AgentService,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
  ) {}

  /** The second sign-in step a user owes after the right password (AgentService.secondFactor), or undefined. */
  challengeFor(user: { id: string; totpEnabledAt: Date | null; agency: { requireTwoFactor: boolean } | null }): Promise<TwoFactorRequired> | undefined {
    const twoFactor = user.totpEnabledAt ? 'required' : user.agency?.requireTwoFactor ? 'setup_required' : undefined
    if (!twoFactor) return undefined
    return this.ctx.tokens.signChallenge(user.id).then(({ token, expiresAt }) => ({ twoFactor, challenge: token, expiresAt: expiresAt.toISOString() }))
  }

  // ------------------------------------------------------------------ signed in

  /** A new secret to enrol (pending until enable()); refused while two-factor is on. */
  async setup(userId: string): Promise<TwoFactorSetup> {
    const user = await this.user(userId)
    if (user.totpEnabledAt) throw invalidState('two-factor sign-in is already on; turn it off first to enrol another app')
    return this.pending(user)
  }

  /** Confirms the pending secret with a first code: two-factor is on, and here are the recovery codes. */
  async enable(userId: string, code: string, meta: RequestMeta): Promise<RecoveryCodes> {
    return this.ctx.limits.userAttempt(userId, () =>
      this.inUser(userId, async (tx, user) => {
        if (user.totpEnabledAt) throw invalidState('two-factor sign-in is already on')
        if (!user.totpPendingSecret) throw invalidState('no app is being enrolled: start with POST /api/auth/two-factor/setup')
        if (!(await this.acceptCode(tx, user, user.totpPendingSecret, code))) throw wrongCode()
        const codes = recoveryCodes()
        const done = await tx.user.updateMany({
          where: { id: user.id, totpPendingSecret: user.totpPendingSecret, totpEnabledAt: null },
          data: { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: new Date(), recoveryCodeHashes: codes.hashes },
        })
        if (done.count === 0) throw invalidState('the enrolment changed meanwhile; start again')
        await this.record(tx, user, 'auth.two_factor_enabled', meta)
        return { recoveryCodes: codes.plain }
      }),
    )
  }

  /** Turns two-factor off (the password confirms it); refused while the agency requires it. */
  async disable(userId: string, password: string, meta: RequestMeta): Promise<void> {
    const user = await this.user(userId)
    await this.passwords.confirm(user, password)
    if (user.agency?.requireTwoFactor) throw invalidState('your agency requires two-factor sign-in')
    if (!user.totpEnabledAt) throw invalidState('two-factor sign-in is not on')
    await this.inUser(userId, async (tx, u) => {
      await tx.user.update({ where: { id: u.id }, data: { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: [] } })
      await this.record(tx, u, 'auth.two_factor_disabled', meta)
    })
  }

  /** Ten new recovery codes (the password confirms it); the old ones stop working. */
  async regenerate(userId: string, password: string, meta: RequestMeta): Promise<RecoveryCodes> {
    const user = await this.user(userId)
    await this.passwords.confirm(user, password)
    if (!user.totpEnabledAt) throw invalidState('two-factor sign-in is not on')
    const codes = recoveryCodes()
    await this.inUser(userId, async (tx, u) => {
      await tx.user.update({ where: { id: u.id }, data: { recoveryCodeHashes: codes.hashes } })
      await this.record(tx, u, 'auth.recovery_codes_regenerated', meta)
    })
    return { recoveryCodes: codes.plain }
  }

  // ------------------------------------------------------------------ at sign-in (after the password)

  /** The second step: a code from the app, or a recovery code (each works once). */
  async login(input: TwoFactorLogin, meta: RequestMeta): Promise<AgentSession> {
    const userId = await this.ctx.tokens.verifyChallenge(input.challenge)
    return this.ctx.limits.userAttempt(userId, async () => {
      const ok = await this.inUser(userId, async (tx, user) => {
        if (!user.totpEnabledAt || !user.totpSecret) throw invalidState('two-factor sign-in is not on for this account; sign in again')
        return input.code !== undefined ? this.acceptCode(tx, user, user.totpSecret, input.code) : useRecoveryCode(tx, user.id, input.recoveryCode ?? '')
      })
      if (!ok) {
        const user = await this.user(userId)
        if (user.agencyId)
          await this.audit.record({ agencyId: user.agencyId, action: 'auth.login_failed', actor: { type: 'user', id: user.id, label: user.email }, data: { reason: input.code !== undefined ? 'wrong_code' : 'wrong_recovery_code' }, meta })
        throw new AppError('unauthorized', 'wrong code')
      }
      return this.agents.signIn(userId, meta)
    })
  }

  /** Enrolment at sign-in, when the agency requires two-factor and the account has none yet. */
  async setupAtLogin(challenge: string): Promise<TwoFactorSetup> {
    const user = await this.user(await this.ctx.tokens.verifyChallenge(challenge))
    if (user.totpEnabledAt) throw invalidState('two-factor sign-in is already on: enter a code instead')
    if (!user.agency?.requireTwoFactor) throw invalidState('two-factor sign-in is not required: sign in with the password alone')
    return this.pending(user)
  }

  /** Finishes enrolment at sign-in with a first code, and signs in. */
  async enableAtLogin(challenge: string, code: string, meta: RequestMeta): Promise<AgentSession & RecoveryCodes> {
    const userId = await this.ctx.tokens.verifyChallenge(challenge)
    const codes = await this.enable(userId, code, meta)
    return { ...(await this.agents.signIn(userId, meta)), ...codes }
  }

  // ------------------------------------------------------------------ helpers

  private async user(userId: string): Promise<UserRow> {
    const user = await this.ctx.db.prisma.user.findUnique({ where: { id: userId }, include: { agency: { select: { requireTwoFactor: true } } } })
    if (!user) throw new AppError('unauthorized', 'unknown user')
    if (user.deactivatedAt) throw forbidden('this account was removed from its agency')
    return user
  }

  /** Runs fn in one transaction scoped to the user (and their agency, for the audit log), with the user's row as it is now. */
  private async inUser<T>(userId: string, fn: (tx: Tx, user: UserRow) => Promise<T>): Promise<T> {
    const { agencyId } = await this.user(userId)
    return this.ctx.db.scoped({ userId, ...(agencyId ? { agencyId } : {}) }, async (tx) => {
      const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, include: { agency: { select: { requireTwoFactor: true } } } })
      return fn(tx, user)
    })
  }

  private async pending(user: UserRow): Promise<TwoFactorSetup> {
    const secret = new Secret({ size: 20 })
    await this.ctx.db.prisma.user.update({ where: { id: user.id }, data: { totpPendingSecret: this.ctx.tokens.seal(secret.base32, user.id) } })
    const uri = new TOTP({ issuer: ISSUER, label: user.email, secret }).toString()
    return { secret: secret.base32, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 2 }) }
  }

  /**
   * Whether `code` is right for the sealed secret at this time (±1 step) and newer than every code
   * accepted before; if so, records its step in the same statement that checks it.
   */
  private async acceptCode(tx: Tx, user: UserRow, sealed: string, code: string): Promise<boolean> {
    let secret: Secret
    try {
      secret = Secret.fromBase32(this.ctx.tokens.unseal(sealed, user.id))
    } catch (e) {
      // Sealed under another SECRET or altered: no code can match (recovery codes still work).
      this.ctx.log.error({ err: e, userId: user.id }, 'a two-factor secret could not be decrypted (was SECRET changed?)')
      return false
    }
    const now = Date.now()
    const delta = TOTP.validate({ token: code, secret, timestamp: now, window: 1 })
    if (delta === null) return false
    const step = TOTP.counter({ timestamp: now }) + delta
    const n = await tx.$executeRaw`UPDATE users SET totp_last_step = ${step}::bigint WHERE id = ${user.id}::uuid AND (totp_last_step IS NULL OR totp_last_step < ${step}::bigint)`
    return n === 1
  }

  private async record(tx: Tx, user: UserRow, action: AuditAction, meta: RequestMeta): Promise<void> {
    if (!user.agencyId) return
    await this.audit.recordIn(tx, { agencyId: user.agencyId, action, actor: { type: 'user', id: user.id, label: user.name }, target: { type: 'user', id: user.id, label: user.email }, meta })
  }
}

/** Takes one recovery code off the user's list if it is there: true once, then never again. */
async function useRecoveryCode(tx: Tx, userId: string, code: string): Promise<boolean> {
  const hash = sha256(normalizeRecoveryCode(code))
  const n = await tx.$executeRaw`UPDATE users SET recovery_code_hashes = array_remove(recovery_code_hashes, ${hash}) WHERE id = ${userId}::uuid AND ${hash} = ANY(recovery_code_hashes)`
  return n === 1
}

/** Ten codes like `k3m9q-x2v7a` (50 random bits each), and what is stored of them. */
function recoveryCodes(): { plain: string[]; hashes: string[] } {
  const plain = Array.from({ length: RECOVERY_CODES }, () => {
    const chars = [...crypto.randomBytes(10)].map((b) => BASE32[b & 31]).join('')
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })
  return { plain, hashes: plain.map((c) => sha256(normalizeRecoveryCode(c))) }
}

/** Case, spaces and dashes do not matter when a code is typed back. */
function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '')
}
