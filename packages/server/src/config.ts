// Configuration from the environment, checked once at start with a clear message per bad value.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { parseNetwork } from './shared/networks.js'
import { DEFAULT_MAIL_FROM } from './email/mailer.js'

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

/** A duration in milliseconds, 0 to `max`. */
const millis = (max: number, fallback: number) => z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).max(max).default(fallback)

/** A RATE_LIMIT_* variable: its default comes from DEFAULT_RATE_LIMITS. */
const rateLimitVar = (key: Exclude<keyof RateLimitSettings, 'prefix'>, description: string, section?: string) => {
  const d = DEFAULT_RATE_LIMITS[key]
  return rateLimit.optional().meta({ description: `${description} <count>/<seconds>, or off.`, default: d ? `${d.points}/${d.seconds}` : 'off', ...(section ? { section } : {}) })
}

/**
 * The environment the server reads. Each variable's description (zod metadata) is also the
 * operator's documentation: `npm run env-example` renders .env.example from it (env-example.ts).
 */
export const EnvSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { message: 'must be development, production or test' })
    .default('development')
    .meta({ section: 'Server', description: 'production: JSON logs, SECRET required, no demo, /metrics only with METRICS_TOKEN.' }),
  PORT: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(0, 'must be 0–65535').max(65535, 'must be 0–65535').default(3000).describe('Port to listen on.'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Address to listen on (127.0.0.1: reachable only through a proxy on the same host).'),
  PUBLIC_URL: url(['http:', 'https:'])
    .optional()
    .meta({ description: 'The URL users reach the server at (links in emails, the embed snippet; https turns on HSTS). Default: http://localhost:$PORT.', example: 'https://chat.example.com', setInProduction: true }),
  TRUST_PROXY: bool
    .default(false)
    .describe('Behind a reverse proxy (deploy/nginx/live-chat.conf): take the client address from X-Forwarded-For. Only when the proxy is the sole way in.'),
  SHUTDOWN_TIMEOUT_MS: millis(600_000, 10_000).describe('How long a shutdown (SIGTERM) waits for in-flight requests and socket commands.'),
  DATABASE_URL: url(['postgres:', 'postgresql:'])
    .optional()
    .meta({ section: 'Database', description: 'Postgres URL of the schema owner; migrations run at start. Unset: the embedded PGlite database under DATA_DIR (one process only).', example: 'postgresql://live_chat:password@db.internal:5432/live_chat' }),
  DATABASE_APP_URL: url(['postgres:', 'postgresql:'])
    .optional()
    .describe('Optional login for the app, a member of live_chat_app; without it the owner\'s connections SET ROLE live_chat_app.'),
  DATABASE_CONNECT_TIMEOUT_MS: millis(3_600_000, 60_000).describe('How long the server keeps trying to reach DATABASE_URL at start (with backoff) before it exits 1; 0 = one try.'),
  DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a number' }).int().min(1, 'must be at least 1').max(500).default(10).describe('Connections per process for most queries; each process opens 13 more of its own (sending, visitor handshakes, agent reads, message pages, notices).'),
  DATA_DIR: z.string().min(1).default('.data').describe('The embedded database, the development secret and the demo login.'),
  REDIS_URL: url(['redis:', 'rediss:'])
    .optional()
    .meta({ section: 'Scaling out', description: 'Redis for the Socket.io adapter and shared rate limits: needed to run several processes.', example: 'redis://redis.internal:6379' }),
  SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (try: openssl rand -hex 32)')
    .optional()
    .meta({ section: 'Secrets', description: 'Signs tokens; at least 32 characters, required in production (openssl rand -hex 32). Changing it signs everyone out.', setInProduction: true }),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters (try: openssl rand -hex 32)')
    .optional()
    .describe('Bearer token for /metrics (16+ characters). Unset: /metrics is open in development and off (404) in production.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' })
    .default('info')
    .meta({ section: 'Behaviour', description: 'pino level; credentials and tokens are redacted.' }),
  SERVE_EXAMPLES: bool.optional().describe('Serve the example host pages under /examples/ (default: on unless NODE_ENV=production).'),
  DEMO: bool.optional().describe('Seed the demo agency, site and agent (default: on unless production). Without it and without any account, each start prints a one-time setup link.'),
  UPLOAD_MAX_BYTES: z.coerce
    .number({ message: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(1, 'must be at least 1')
    .max(MAX_UPLOAD_BYTES, `must be at most ${MAX_UPLOAD_BYTES} (100 MB): uploads are kept in memory while they arrive`)
    .default(DEFAULT_UPLOAD_MAX_BYTES)
    .describe('The largest file a visitor or an agent may upload, in bytes (at most 100 MB; stored in Postgres). Keep a proxy\'s body limit a little above it.'),
  MISSED_SWEEP_MS: millis(3_600_000, 30_000).describe('How often each process marks conversations nobody answered in time as missed (0: never).'),
  SLA_SWEEP_MS: millis(3_600_000, 15_000).describe('How often each process sets SLA clocks\' due times (in business hours) and announces breaches, each once (0: never). A breach is announced at most this long after its due time.'),
  ANALYTICS_INTERVAL_MS: millis(86_400_000, 60_000).describe('How often the daily analytics aggregates are brought up to date, by one process at a time (0: only before a report).'),
  RETENTION_INTERVAL_MS: millis(86_400_000, 3_600_000).describe("How often the sites' retention policies (delete or anonymise old conversations) are applied, each site by one process at a time (0: never)."),
  SMTP_URL: url(['smtp:', 'smtps:'])
    .optional()
    .meta({ section: 'Email', description: 'Offline messages to the team, replies to visitors who left, invitations, resets. Unset: email is off. Only the host is logged.', example: 'smtp://user:password@smtp.example.com:587' }),
  MAIL_FROM: z.string().min(3).optional().meta({ description: 'The sender of those emails.', default: DEFAULT_MAIL_FROM }),
  EMAIL_BATCH_MS: millis(86_400_000, 120_000).describe('How long agents\' replies to a visitor who left are gathered into one email.'),
  RATE_LIMIT_SESSIONS: rateLimitVar('sessions', 'Visitor sessions (one per page load) per site and client address:', 'Abuse limits (counted in Redis when REDIS_URL is set)'),
  RATE_LIMIT_MESSAGES: rateLimitVar('messages', 'Messages (and conversation starts) per visitor:'),
  RATE_LIMIT_UPLOADS: rateLimitVar('uploads', 'Uploads per visitor:'),
  RATE_LIMIT_EVENTS: rateLimitVar('events', 'Typing indicators, page views and profile updates per visitor:'),
  RATE_LIMIT_LOGIN: rateLimitVar('login', 'Failed agent logins per email and client address (then locked for the window):'),
  RATE_LIMIT_LOGIN_IP: rateLimitVar('loginIp', 'Failed agent logins per client address:'),
  RATE_LIMIT_TOKENS: rateLimitVar('tokens', 'Uses of the public link endpoints (setup, invitations, password reset) per client address:'),
  RATE_LIMIT_FORGOT: rateLimitVar('forgot', '"Forgot password" requests per email:'),
  RATE_LIMIT_FORGOT_IP: rateLimitVar('forgotIp', '"Forgot password" requests per client address:'),
  RATE_LIMIT_TWO_FACTOR: rateLimitVar('twoFactor', 'Two-factor codes and password confirmations per user:'),
  RATE_LIMIT_PREFIX: z.string().min(1).max(100).optional().meta({ description: 'Prefix of the rate-limit keys in Redis (deployments sharing one Redis).', default: DEFAULT_RATE_LIMITS.prefix }),
  WEBHOOK_ALLOWED_NETWORKS: networks
    .optional()
    .meta({ section: 'Webhooks', description: 'Private networks webhooks may reach, as CIDRs or addresses, comma-separated. Unset: only public addresses (private, loopback and link-local targets are refused).', example: '10.0.0.0/8,fd00::/8' }),
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
  /** How often each process settles SLA clocks (0 = never). */
  slaSweepMs: number
  /** How often the daily analytics aggregates are brought up to date (0 = only before a report). */
  analyticsIntervalMs: number
  /** How often the sites' retention policies are applied (0 = never). */
  retentionIntervalMs: number
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
    slaSweepMs: e.SLA_SWEEP_MS,
    analyticsIntervalMs: e.ANALYTICS_INTERVAL_MS,
    retentionIntervalMs: e.RETENTION_INTERVAL_MS,
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
