// One-time link tokens (setup, invitation, password reset) and API keys: `<id>.<secret>` with a
// random 256-bit secret. Only SHA-256 of the secret is stored (the secret has full entropy, so a
// slow hash adds nothing); the row is found by its id and the secret's hash compared in constant
// time. The id also lets row-level security show exactly that one row (app.lookup_id).
import crypto from 'node:crypto'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const SECRET = /^[A-Za-z0-9_-]{43}$/

export const API_KEY_PREFIX = 'lck_'

export interface MadeSecret {
  /** What the holder gets (in a link or shown once). */
  token: string
  /** What is stored. */
  hash: string
}

export interface ParsedSecret {
  id: string
  secret: string
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex')
}

function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url')
}

/** A link token for the row `id`. */
export function makeLinkToken(id: string): MadeSecret {
  const secret = newSecret()
  return { token: `${id}.${secret}`, hash: sha256(secret) }
}

/** The id and secret of a link token, or null when it is not one. */
export function parseLinkToken(token: string): ParsedSecret | null {
  const dot = token.indexOf('.')
  if (dot < 0) return null
  const id = token.slice(0, dot).toLowerCase()
  const secret = token.slice(dot + 1)
  return UUID.test(id) && SECRET.test(secret) ? { id, secret } : null
}

/** An API key for the row `id`: `lck_<id without dashes>_<secret>`; `prefix` is what lists show. */
export function makeApiKey(id: string): MadeSecret & { prefix: string } {
  const secret = newSecret()
  const token = `${API_KEY_PREFIX}${id.replace(/-/g, '')}_${secret}`
  return { token, hash: sha256(secret), prefix: token.slice(0, API_KEY_PREFIX.length + 8) }
}

export function isApiKey(token: unknown): token is string {
  return typeof token === 'string' && token.startsWith(API_KEY_PREFIX)
}

/** The id and secret of an API key, or null when it is not one. */
export function parseApiKey(token: string): ParsedSecret | null {
  const m = /^lck_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(token)
  if (!m) return null
  const h = m[1]!
  return { id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, secret: m[2]! }
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(storedHash: string, secret: string): boolean {
  const a = Buffer.from(storedHash, 'hex')
  const b = Buffer.from(sha256(secret), 'hex')
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}
