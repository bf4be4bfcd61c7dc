// Tokens and passwords. A visitor proves who they are with a token this server signed (bound
// to one site), never with an id it chose; an agent with a short-lived access token issued at
// login. Both expire (token_expired). A visitor's token is renewed by every new session (each
// page load); an agent's is exchanged for a fresh one before it expires (POST /api/auth/refresh),
// for at most AGENT_SESSION_MAX_S after the password was last given. Every agent token names its
// session (a row of user_sessions, see accounts/sessions.ts), checked on every request and
// socket: ending the session refuses its tokens at once.
import crypto from 'node:crypto'
import { hash as argon2Hash, verify as argon2Verify, type Algorithm, type Options as Argon2Options } from '@node-rs/argon2'
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { AppError } from './errors.js'

const ISSUER = 'live-chat'
const VISITOR_AUDIENCE = 'live-chat:visitor'
const AGENT_AUDIENCE = 'live-chat:agent'
const CHALLENGE_AUDIENCE = 'live-chat:two-factor'
export const VISITOR_TOKEN_TTL_S = 90 * 24 * 3600
export const AGENT_TOKEN_TTL_S = 12 * 3600
/** How long refreshing can keep an agent signed in after their login: then the password again. */
export const AGENT_SESSION_MAX_S = 30 * 24 * 3600

export interface VisitorClaims {
  visitorId: string
  siteId: string
}

export interface AgentClaims {
  userId: string
  /** The session (user_sessions.id) the token belongs to. */
  sessionId: string
  /** When the agent last gave their password (unix seconds): refreshing keeps it. */
  authTime?: number
  /** When the token expires (unix ms); set by verifyAgent. */
  expiresAt?: number
}

export interface SignedToken {
  token: string
  expiresAt: Date
}

export class Tokens {
  private readonly key: Uint8Array
  private readonly sealKey: Buffer
  constructor(secret: string) {
    // Keys of their own, so the raw secret is never the key of anything, nor one key of two things.
    this.key = crypto.createHmac('sha256', secret).update('live-chat/tokens/v1').digest()
    this.sealKey = crypto.createHmac('sha256', secret).update('live-chat/sealed/v1').digest()
  }

  /**
   * Encrypts a secret kept at rest (a TOTP secret) with AES-256-GCM; `context` (e.g. the user's
   * id) is authenticated with it, so the sealed text is refused anywhere else.
   */
  seal(plain: string, context: string): string {
    const iv = crypto.randomBytes(12)
    const cipher = crypto.createCipheriv('aes-256-gcm', this.sealKey, iv).setAAD(Buffer.from(context))
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.')
  }

  /** The text `seal` encrypted with the same context; throws when it was altered or sealed elsewhere. */
  unseal(sealed: string, context: string): string {
    const [v, iv, tag, body] = sealed.split('.')
    if (v !== 'v1' || iv === undefined || tag === undefined || body === undefined) throw new Error('unseal: not a sealed value')
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.sealKey, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(context))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  }

  private async sign(subject: string, audience: string, ttlSeconds: number, claims: Record<string, string | number>): Promise<SignedToken> {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000)
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key)
    return { token, expiresAt }
  }

  private async verify(token: unknown, audience: string) {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw new AppError('unauthorized', 'a token is required')
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience, algorithms: ['HS256'] })
      return payload
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) {
        const how = audience === AGENT_AUDIENCE ? 'log in again (refresh tokens before they expire)' : 'ask for a new session'
        throw new AppError('token_expired', `the token has expired; ${how}`)
      }
      throw new AppError('unauthorized', 'the token is not valid')
    }
  }

  signVisitor(c: VisitorClaims): Promise<SignedToken> {
    return this.sign(c.visitorId, VISITOR_AUDIENCE, VISITOR_TOKEN_TTL_S, { site: c.siteId })
  }

  async verifyVisitor(token: unknown): Promise<VisitorClaims> {
    const p = await this.verify(token, VISITOR_AUDIENCE)
    if (typeof p.sub !== 'string' || typeof p['site'] !== 'string') throw new AppError('unauthorized', 'the token is not valid')
    return { visitorId: p.sub, siteId: p['site'] }
  }

  /** An access token; `authTime` defaults to now (a login). */
  signAgent(c: AgentClaims, ttlSeconds = AGENT_TOKEN_TTL_S): Promise<SignedToken> {
    return this.sign(c.userId, AGENT_AUDIENCE, ttlSeconds, { sid: c.sessionId, auth_time: c.authTime ?? Math.floor(Date.now() / 1000) })
  }

  /** Checks the signature and expiry only: whether the session still stands is SessionService.check's. */
  async verifyAgent(token: unknown): Promise<AgentClaims> {
    const p = await this.verify(token, AGENT_AUDIENCE)
    // Tokens from before sessions existed carry no sid: they are refused (sign in again).
    if (typeof p.sub !== 'string' || typeof p['sid'] !== 'string') throw new AppError('unauthorized', 'the token is not valid')
    const authTime = typeof p['auth_time'] === 'number' ? p['auth_time'] : p.iat
    return {
      userId: p.sub,
      sessionId: p['sid'],
      ...(authTime !== undefined ? { authTime } : {}),
      ...(p.exp !== undefined ? { expiresAt: p.exp * 1000 } : {}),
    }
  }

  /** A short-lived proof that the password was right, for the second sign-in step only. */
  signChallenge(userId: string, ttlSeconds = 600): Promise<SignedToken> {
    return this.sign(userId, CHALLENGE_AUDIENCE, ttlSeconds, {})
  }

  async verifyChallenge(token: unknown): Promise<string> {
    const p = await this.verify(token, CHALLENGE_AUDIENCE)
    if (typeof p.sub !== 'string') throw new AppError('unauthorized', 'the sign-in challenge is not valid')
    return p.sub
  }

  /**
   * A fresh access token for valid (not yet expired) claims, with the same session and login
   * time; refused as token_expired once the login is AGENT_SESSION_MAX_S old. The old token stays
   * valid until its own expiry or until its session ends, whichever comes first.
   */
  async refreshAgent(claims: AgentClaims): Promise<SignedToken> {
    const authTime = claims.authTime ?? 0
    // Never past the session's end: the last refresh gets what is left of it.
    const left = Math.floor(authTime + AGENT_SESSION_MAX_S - Date.now() / 1000)
    if (left < 60) throw new AppError('token_expired', 'the session is too old to refresh; log in again')
    return this.signAgent({ userId: claims.userId, sessionId: claims.sessionId, authTime }, Math.min(AGENT_TOKEN_TTL_S, left))
  }
}

/** HMAC-SHA256(secret, userId) as hex: what a host site's backend computes to vouch for its user. */
export function identityHash(secret: string, userId: string): string {
  return crypto.createHmac('sha256', secret).update(userId).digest('hex')
}

/** Constant-time check of an identity hash. */
function verifyIdentityHash(secret: string, userId: string, hash: string): boolean {
  const expected = Buffer.from(identityHash(secret, userId), 'hex')
  const given = Buffer.from(hash, 'hex')
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}

/**
 * Whether the hash was made with any of `secrets` (a site's current and previous one). Every
 * secret is checked, each in constant time, so the time taken does not tell which one matched.
 */
export function verifyIdentityHashWithAny(secrets: readonly string[], userId: string, hash: string): boolean {
  let ok = false
  for (const secret of secrets) ok = verifyIdentityHash(secret, userId, hash) || ok
  return ok
}

export function newIdentitySecret(): string {
  return crypto.randomBytes(32).toString('hex')
}

// argon2id with the parameters of the `argon2` package this server used before (its defaults:
// 64 MiB, 3 passes, 4 lanes, 32-byte hash), so new hashes cost what old ones do. Verifying reads
// the parameters from the PHC string itself, so hashes made by either library verify.
const ARGON2ID: Algorithm = 2
export const ARGON2_OPTIONS: Argon2Options = { algorithm: ARGON2ID, memoryCost: 65_536, timeCost: 3, parallelism: 4, outputLen: 32 }

export const hashPassword = (password: string) => argon2Hash(password, ARGON2_OPTIONS)

// Verifying against a real hash when the user does not exist keeps login time the same for
// known and unknown emails.
let dummyHash: Promise<string> | undefined
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'))
    await argon2Verify(await dummyHash, password).catch(() => false)
    return false
  }
  return argon2Verify(hash, password).catch(() => false)
}

/** Parses `Authorization: Bearer <token>`. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return m?.[1]
}
