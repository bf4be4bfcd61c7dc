// `live-chat-server admin <command>`: the operator's tools on the configured database (DATABASE_URL,
// else the embedded one under DATA_DIR — stop the server first then). Each command calls the same
// services as the HTTP API, as the operator (recorded so in the audit log). Output is for people,
// or JSON with --json. Exit codes: 0 done, 1 refused or failed (the error's code is printed),
// 2 a bad command line.
import crypto from 'node:crypto'
import { parseArgs } from 'node:util'
import { Server } from 'socket.io'
import { z } from 'zod'
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '@live-chat/protocol'
import { loadConfig, ConfigError, type Config } from '../config.js'
import { createServices, type Services } from '../services.js'
import { Tokens } from '../shared/auth.js'
import type { Context } from '../shared/context.js'
import { openDatabase, type Database } from '../shared/db/index.js'
import { AppError, fromUnknown } from '../shared/errors.js'
import { createLogger } from '../shared/logger.js'
import { RateLimits } from '../shared/rate-limit.js'
import type { AgentNamespace, VisitorNamespace } from '../realtime/types.js'
import { WebhookPublisher } from '../webhooks/publisher.js'
import { WebhookService } from '../webhooks/service.js'
import { OPERATOR } from '../audit/service.js'

/** A bad command line: usage is printed, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

interface Cli {
  services: Services
  db: Database
  config: Config
}

type Values = Record<string, string | boolean | string[] | undefined>

interface Command<I = Values> {
  summary: string
  usage: string
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>
  /** Checks the command line (before any database is opened); throws UsageError. */
  input?(v: Values): I
  run(cli: Cli, input: I): Promise<{ json: unknown; text: string }>
}

/** A command, typed by what its input() makes. */
const command = <I>(c: Command<I>): Command<unknown> => c as Command<unknown>

const str = (v: Values, name: string, required = true): string => {
  const value = v[name]
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  if (required) throw new UsageError(`--${name} is required`)
  return ''
}

/** Checks an option against a protocol schema, as the HTTP API would (400 there, a usage error here). */
function check<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, what: string): T {
  const r = schema.safeParse(value)
  if (!r.success) throw new UsageError(`${what}: ${r.error.issues.map((i) => `${i.path.map(String).join('.') || 'value'} ${i.message}`).join('; ')}`)
  return r.data
}

const COMMANDS: Record<string, Command<unknown>> = {
  'create-agency': command({
    summary: 'Creates an empty agency.',
    usage: 'create-agency --name <name>',
    options: { name: { type: 'string' } },
    input: (v) => ({ name: str(v, 'name') }),
    async run({ services }, { name }) {
      const agency = await services.agency.create(name, OPERATOR)
      return { json: agency, text: `Created agency ${agency.name}\n  id  ${agency.id}` }
    },
  }),
  'list-agencies': command({
    summary: 'Lists every agency with its number of sites and users.',
    usage: 'list-agencies',
    options: {},
    async run({ db }) {
      const rows = await db.prisma.agency.findMany({ orderBy: { createdAt: 'asc' }, include: { _count: { select: { sites: true, users: true } } } })
      const items = rows.map((a) => ({ id: a.id, name: a.name, sites: a._count.sites, users: a._count.users, createdAt: a.createdAt.toISOString() }))
      return { json: { items }, text: table(['id', 'name', 'sites', 'users'], items.map((a) => [a.id, a.name, String(a.sites), String(a.users)])) }
    },
  }),
  'list-sites': command({
    summary: 'Lists the sites of one agency, or of all.',
    usage: 'list-sites [--agency <id>]',
    options: { agency: { type: 'string' } },
    input: (v) => ({ agencyId: str(v, 'agency', false) && check(UuidSchema, str(v, 'agency'), '--agency') }),
    async run({ db }, { agencyId }) {
      const rows = await db.prisma.site.findMany({ where: agencyId ? { agencyId } : {}, orderBy: { createdAt: 'asc' }, include: { agency: { select: { name: true } } } })
      const items = rows.map((s) => ({ id: s.id, name: s.name, agencyId: s.agencyId, agencyName: s.agency.name, domains: s.allowedOrigins, createdAt: s.createdAt.toISOString() }))
      return { json: { items }, text: table(['id', 'name', 'agency', 'domains'], items.map((s) => [s.id, s.name, s.agencyName, s.domains.join(' ') || '(any)'])) }
    },
  }),
}

const UuidSchema = z.uuid({ message: 'must be a UUID' })

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)'
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(head), ...rows.map(line)].join('\n')
}

function help(): string {
  const names = Object.keys(COMMANDS)
  const width = Math.max(...names.map((n) => n.length))
  return [
    'Usage: live-chat-server admin <command> [options] [--json]',
    '',
    'Works on DATABASE_URL (else the embedded database in DATA_DIR: stop the server first).',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
    '',
    'Run `live-chat-server admin <command> --help` for its options.',
  ].join('\n')
}

/** The services of one CLI run: the app's own, over the configured database, with no sockets of its own. */
async function open(config: Config): Promise<Cli> {
  const log = createLogger(process.env['LOG_LEVEL'] ?? 'warn')
  const db = await openDatabase({ url: config.databaseUrl, appUrl: config.databaseAppUrl, dataDir: `${config.dataDir}/pglite`, poolSize: 2 })
  // A socket.io server attached to nothing: what services announce goes to no socket here (the
  // server processes learn of session and membership changes through Postgres NOTIFY).
  const io = new Server()
  const ctx: Context = {
    db,
    log,
    tokens: new Tokens(config.secret),
    publish: new WebhookPublisher(io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace, io.of(AGENT_NAMESPACE) as unknown as AgentNamespace, new WebhookService(db, log)),
    config: { publicUrl: config.publicUrl, env: config.env, uploadMaxBytes: config.uploadMaxBytes },
    nodeId: crypto.randomUUID(),
    limits: new RateLimits({ ...config.rateLimits, sessions: null, messages: null, uploads: null, events: null, login: null, loginIp: null }),
  }
  return { services: createServices(ctx, { smtpUrl: config.smtpUrl, from: config.mailFrom }), db, config }
}

export interface CliIo {
  out(text: string): void
  err(text: string): void
}

/** Runs `admin <args>`; resolves with the exit code. */
export async function runAdmin(args: string[], io: CliIo = { out: (t) => console.log(t), err: (t) => console.error(t) }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = args
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help())
    return name ? 0 : 2
  }
  const command = COMMANDS[name]
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${help()}`)
    return 2
  }
  let values: Values
  try {
    values = parseArgs({ args: rest, options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false, strict: true }).values as Values
  } catch (e) {
    io.err(`${(e as Error).message}\nUsage: live-chat-server admin ${command.usage} [--json]`)
    return 2
  }
  if (values['help']) {
    io.out(`${command.summary}\nUsage: live-chat-server admin ${command.usage} [--json]`)
    return 0
  }
  let input: unknown
  try {
    input = command.input ? command.input(values) : values
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    io.err(`${e.message}\nUsage: live-chat-server admin ${command.usage} [--json]`)
    return 2
  }
  let config: Config
  try {
    config = loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message)
      return 2
    }
    throw e
  }
  let cli: Cli | undefined
  try {
    cli = await open(config)
    const { json, text } = await command.run(cli, input)
    io.out(values['json'] ? JSON.stringify(json, null, 2) : text)
    return 0
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\nUsage: live-chat-server admin ${command.usage} [--json]`)
      return 2
    }
    const err = e instanceof AppError ? e : fromUnknown(e)
    const message = err.code === 'internal' ? `${(e as Error).message ?? e}` : err.message
    if (values['json']) io.err(JSON.stringify({ error: { code: err.code, message } }))
    else io.err(`error (${err.code}): ${message}`)
    return 1
  } finally {
    await cli?.db.close().catch(() => undefined)
  }
}
