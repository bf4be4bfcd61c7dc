// Configuration from the environment, checked once at start with a clear message per bad value.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { parseNetwork } from './webhooks/targets.js'

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

const url = (schemes: string[]) =>
  z.string().refine((v) => {
    try {
      return schemes.includes(new URL(v).protocol)
    } catch {
      return false
    }
  }, `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`)

/** 10 MB. */
export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024

/** A rate limit: at most `points` in `seconds` (a fixed window), or null for none. */
export interface RateLimit {
  points: number
  seconds: number
}

/** The abuse limits (see shared/rate-limit.ts); shared by every process through Redis when REDIS_URL is set. */
export interface RateLimitSettings {
  /** Visitor sessions (POST …/visitor-sessions, one per page load) per site and IP address. */
  sessions: RateLimit | null
  /** Messages a visitor sends (conversation starts included). */
  messages: RateLimit | null
  /** Files a visitor uploads. */
  uploads: RateLimit | null
  /** Typing indicators, page views and profile updates a visitor sends (each fans out or writes). */
  events: RateLimit | null
  /** Failed agent logins per email and IP address; past it, that email is locked from that address for the window. */
  login: RateLimit | null
  /** Failed agent logins per IP address, whatever the email. */
  loginIp: RateLimit | null
  /** Requests to the public secret-link endpoints (setup, invitation lookup and accept, password reset) per IP address. */
  tokens: RateLimit | null
  /** "Forgot password" requests per email (whether or not it has an account). */
  forgot: RateLimit | null
  /** "Forgot password" requests per IP address. */
  forgotIp: RateLimit | null
  /** Two-factor codes (sign-in, enrolment) and password confirmations of a signed-in user, per user. */
  twoFactor: RateLimit | null
  /** Prefix of the Redis keys (several deployments may share one Redis). */
  prefix: string
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  // Offices and mobile carriers put many people behind one address: generous per address.
  sessions: { points: 300, seconds: 60 },
  // Far above anyone typing; a script is held to one a second on average.
  messages: { points: 60, seconds: 60 },
  uploads: { points: 30, seconds: 60 },
  // The widget sends a typing event at most every 3 s (and one when typing stops).
  events: { points: 120, seconds: 60 },
  login: { points: 5, seconds: 15 * 60 },
  loginIp: { points: 50, seconds: 60 * 60 },
  // A person opens a link and submits its form a few times at most.
  tokens: { points: 30, seconds: 15 * 60 },
  forgot: { points: 3, seconds: 60 * 60 },
  forgotIp: { points: 20, seconds: 60 * 60 },
  // A 6-digit code has 10^6 values: 5 guesses per 15 minutes keeps guessing hopeless.
  twoFactor: { points: 5, seconds: 15 * 60 },
  prefix: 'lc:rl',
}

/** "60/60" (at most 60 per 60 seconds) or "off". */
const rateLimit = z
  .string()
  .regex(/^(off|\d+\/\d+)$/, 'must be <count>/<seconds> (like 60/60) or off')
  .transform((v): RateLimit | null => {
    if (v === 'off') return null
    const [points, seconds] = v.split('/').map(Number) as [number, number]
    return points > 0 && seconds > 0 ? { points, seconds } : null
  })

/** "10.0.0.0/8,fd00::/8,192.168.1.20": CIDRs or single addresses, comma-separated. */
const networks = z
  .string()
  .transform((v) => v.split(',').map((n) => n.trim()).filter((n) => n !== ''))
  .refine((list) => list.every((n) => parseNetwork(n) !== null), 'must be CIDRs or IP addresses, comma-separated (like 10.0.0.0/8,fd00::/8)')

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { message: 'must be development, production or test' }).default('development'),
  PORT: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(0, 'must be 0–65535').max(65535, 'must be 0–65535').default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_APP_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a number' }).int().min(1, 'must be at least 1').max(500).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(3_600_000)
    .default(60_000)
    .describe('How long the server keeps trying to reach DATABASE_URL at start (with backoff) before it exits 1; 0 = one try.'),
  DATA_DIR: z.string().min(1).default('.data'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  SECRET: z.string().min(32, 'must be at least 32 characters (try: openssl rand -hex 32)').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  DEMO: bool.optional(),
  SERVE_EXAMPLES: bool.optional().describe('Serve the example host pages under /examples/ (default: on unless NODE_ENV=production).'),
  TRUST_PROXY: bool.default(false),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (try: openssl rand -hex 32)').optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).max(600_000).default(10_000),
  EMAIL_BATCH_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).max(86_400_000).default(120_000),
  MISSED_SWEEP_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).max(3_600_000).default(30_000),
  ANALYTICS_INTERVAL_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).max(86_400_000).default(60_000),
  UPLOAD_MAX_BYTES: z.coerce
    .number({ message: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(1, 'must be at least 1')
    .max(MAX_UPLOAD_BYTES, `must be at most ${MAX_UPLOAD_BYTES} (100 MB): uploads are kept in memory while they arrive`)
    .default(DEFAULT_UPLOAD_MAX_BYTES),
  RATE_LIMIT_SESSIONS: rateLimit.optional(),
  RATE_LIMIT_MESSAGES: rateLimit.optional(),
  RATE_LIMIT_UPLOADS: rateLimit.optional(),
  RATE_LIMIT_EVENTS: rateLimit.optional(),
  RATE_LIMIT_LOGIN: rateLimit.optional(),
  RATE_LIMIT_LOGIN_IP: rateLimit.optional(),
  RATE_LIMIT_TOKENS: rateLimit.optional(),
  RATE_LIMIT_FORGOT: rateLimit.optional(),
  RATE_LIMIT_FORGOT_IP: rateLimit.optional(),
  RATE_LIMIT_TWO_FACTOR: rateLimit.optional(),
  RATE_LIMIT_PREFIX: z.string().min(1).max(100).optional(),
  WEBHOOK_ALLOWED_NETWORKS: networks.optional(),
})

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  publicUrl: string
  databaseUrl?: string
  databaseAppUrl?: string
  databasePoolSize: number
  /** How long the start waits for an unreachable database (see shared/db/wait.ts). */
  databaseConnectTimeoutMs: number
  dataDir: string
  redisUrl?: string
  secret: string
  logLevel: string
  demo: boolean
  /** Whether /examples/ (the repository's example host pages) is served. */
  serveExamples: boolean
  trustProxy: boolean
  /** The largest file a visitor or an agent may upload, in bytes. */
  uploadMaxBytes: number
  /** SMTP_URL (holds a password: never logged); none = email off. */
  smtpUrl?: string
  mailFrom?: string
  /** How long agents' replies to an absent visitor are gathered into one email. */
  emailBatchMs: number
  /** How often each process marks conversations missed (0 = never). */
  missedSweepMs: number
  /** How often the daily analytics aggregates are brought up to date (0 = only before a report). */
  analyticsIntervalMs: number
  /** Bearer token for /metrics (never logged); none = /metrics open in development, off in production. */
  metricsToken?: string
  /** How long a shutdown waits for in-flight requests and socket commands. */
  shutdownTimeoutMs: number
  /** RATE_LIMIT_* (each "<count>/<seconds>" or "off"); defaults in DEFAULT_RATE_LIMITS. */
  rateLimits: RateLimitSettings
  /** Networks webhooks may reach besides public addresses (private, loopback, ... are refused otherwise). */
  webhookAllowedNetworks: string[]
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Reads and checks the configuration. In development, a missing SECRET is generated once and
 * kept in DATA_DIR/secret so tokens survive restarts; in production it is required.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset (a common shell and .env habit).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(present)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '?')
      const got = present[key]
      const shown = key === 'SECRET' || key === 'METRICS_TOKEN' || /URL$/.test(key) ? '' : got !== undefined ? ` (got "${got}")` : ''
      return `  ${key}: ${i.message}${shown}`
    })
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  if (e.DATABASE_APP_URL && !e.DATABASE_URL) throw new ConfigError('Invalid configuration:\n  DATABASE_APP_URL: needs DATABASE_URL too (the owner that runs migrations)')
  const dataDir = path.resolve(e.DATA_DIR)
  let secret = e.SECRET
  if (!secret) {
    if (e.NODE_ENV === 'production') throw new ConfigError('Invalid configuration:\n  SECRET: required in production (at least 32 characters; try: openssl rand -hex 32)')
    secret = developmentSecret(dataDir)
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    databaseAppUrl: e.DATABASE_APP_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseConnectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    dataDir,
    redisUrl: e.REDIS_URL,
    secret,
    logLevel: e.LOG_LEVEL,
    demo: e.DEMO ?? e.NODE_ENV !== 'production',
    serveExamples: e.SERVE_EXAMPLES ?? e.NODE_ENV !== 'production',
    trustProxy: e.TRUST_PROXY,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    emailBatchMs: e.EMAIL_BATCH_MS,
    missedSweepMs: e.MISSED_SWEEP_MS,
    analyticsIntervalMs: e.ANALYTICS_INTERVAL_MS,
    metricsToken: e.METRICS_TOKEN,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    rateLimits: {
      sessions: e.RATE_LIMIT_SESSIONS !== undefined ? e.RATE_LIMIT_SESSIONS : DEFAULT_RATE_LIMITS.sessions,
      messages: e.RATE_LIMIT_MESSAGES !== undefined ? e.RATE_LIMIT_MESSAGES : DEFAULT_RATE_LIMITS.messages,
      uploads: e.RATE_LIMIT_UPLOADS !== undefined ? e.RATE_LIMIT_UPLOADS : DEFAULT_RATE_LIMITS.uploads,
      events: e.RATE_LIMIT_EVENTS !== undefined ? e.RATE_LIMIT_EVENTS : DEFAULT_RATE_LIMITS.events,
      login: e.RATE_LIMIT_LOGIN !== undefined ? e.RATE_LIMIT_LOGIN : DEFAULT_RATE_LIMITS.login,
      loginIp: e.RATE_LIMIT_LOGIN_IP !== undefined ? e.RATE_LIMIT_LOGIN_IP : DEFAULT_RATE_LIMITS.loginIp,
      tokens: e.RATE_LIMIT_TOKENS !== undefined ? e.RATE_LIMIT_TOKENS : DEFAULT_RATE_LIMITS.tokens,
      forgot: e.RATE_LIMIT_FORGOT !== undefined ? e.RATE_LIMIT_FORGOT : DEFAULT_RATE_LIMITS.forgot,
      forgotIp: e.RATE_LIMIT_FORGOT_IP !== undefined ? e.RATE_LIMIT_FORGOT_IP : DEFAULT_RATE_LIMITS.forgotIp,
      twoFactor: e.RATE_LIMIT_TWO_FACTOR !== undefined ? e.RATE_LIMIT_TWO_FACTOR : DEFAULT_RATE_LIMITS.twoFactor,
      prefix: e.RATE_LIMIT_PREFIX ?? DEFAULT_RATE_LIMITS.prefix,
    },
    webhookAllowedNetworks: e.WEBHOOK_ALLOWED_NETWORKS ?? [],
  }
}

function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret')
  try {
    const existing = fs.readFileSync(file, 'utf8').trim()
    if (existing.length >= 32) return existing
  } catch {
    // not there yet
  }
  fs.mkdirSync(dataDir, { recursive: true })
  const secret = crypto.randomBytes(32).toString('hex')
  fs.writeFileSync(file, secret, { mode: 0o600 })
  return secret
}
