// `live-chat-server admin <command>`: the operator's tools on the configured database (DATABASE_URL,
// else the embedded one under DATA_DIR — stop the server first then). Each command calls the same
// services as the HTTP API, as the operator (recorded so in the audit log). Output is for people,
// or JSON with --json. Exit codes: 0 done, 1 refused or failed (the error's code is printed),
// 2 a bad command line.
import crypto from 'node:crypto'
import { parseArgs } from 'node:util'
import { Server } from 'socket.io'
import { z } from 'zod'
import {
  AGENT_NAMESPACE,
  API_KEY_SCOPES,
  AgencyRoleSchema,
  AgentRoleSchema,
  CreateAgent,
  CreateApiKey,
  CreateInvitation,
  CreateSite,
  embedSnippet,
  NewPassword,
  VISITOR_NAMESPACE,
} from '@live-chat/protocol'
import { dashboardLink } from '../accounts/links.js'
import { loadConfig, ConfigError, type Config } from '../config.js'
import { createServices, type Services } from '../services.js'
import { Tokens } from '../shared/auth.js'
import { NO_AGENT, type AgentActor, type Context } from '../shared/context.js'
import { openDatabase, type Database } from '../shared/db/index.js'
import { AppError, fromUnknown } from '../shared/errors.js'
import { createLogger } from '../shared/logger.js'
import { RateLimits } from '../shared/rate-limit.js'
import type { AgentNamespace, VisitorNamespace } from '../realtime/types.js'
import { Publisher } from '../realtime/publisher.js'
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
  'create-site': command({
    summary: 'Creates a site in an agency (its owners and admins become its admins); prints the embed snippet.',
    usage: 'create-site --agency <id> --name <name> [--domain <origin or host>]...',
    options: { agency: { type: 'string' }, name: { type: 'string' }, domain: { type: 'string', multiple: true } },
    input: (v) => ({ agencyId: check(UuidSchema, str(v, 'agency'), '--agency'), site: check(CreateSite, { name: str(v, 'name'), domains: list(v, 'domain') }, 'the site') }),
    async run({ services, config }, { agencyId, site }) {
      const made = await services.sites.createForAgency(await services.agency.operator(agencyId), site)
      const snippet = embedSnippet(config.publicUrl, made.id)
      return { json: { ...made, snippet }, text: `Created site ${made.name}\n  id       ${made.id}\n  domains  ${made.domains.join(' ') || '(any)'}\n\nEmbed snippet:\n${snippet}` }
    },
  }),
  'create-user': command({
    summary: 'Creates an account in an agency with a password (read from stdin with --password-stdin, else generated and printed).',
    usage: 'create-user --agency <id> --email <email> --name <name> [--role owner|admin|member] [--site <siteId>[:admin|agent|supervisor]]... [--password-stdin]',
    options: { agency: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, site: { type: 'string', multiple: true }, 'password-stdin': { type: 'boolean' } },
    input: (v) => {
      const role = check(AgencyRoleSchema, str(v, 'role', false) || 'member', '--role')
      const sites = list(v, 'site').map((s) => {
        const [siteId, siteRole = 'agent'] = s.split(':')
        return { siteId: check(UuidSchema, siteId, '--site'), role: check(AgentRoleSchema, siteRole, '--site role') }
      })
      return {
        agencyId: check(UuidSchema, str(v, 'agency'), '--agency'),
        invitation: check(CreateInvitation, { email: str(v, 'email'), role: role === 'owner' ? 'admin' : role, sites }, 'the user'),
        owner: role === 'owner',
        name: str(v, 'name'),
        passwordFromStdin: v['password-stdin'] === true,
      }
    },
    // The account is made as an invitation would make it (invited, then accepted with a password),
    // so every rule and audit event is the HTTP API's; an owner is then promoted as owners are.
    async run({ services }, input) {
      const password = input.passwordFromStdin ? await readPassword() : crypto.randomBytes(12).toString('base64url')
      check(NewPassword, password, 'the password')
      const operator = await services.agency.operator(input.agencyId)
      const sent = await services.invitations.create(operator, input.invitation)
      if (sent.added || !sent.link) throw new AppError('conflict', 'this email already has an account in this agency')
      const token = sent.link.split('#invite/')[1]!
      const session = await services.invitations.accept({ token, name: input.name, password }, {})
      await services.sessions.end(session.user.id, session.sessionId, 'logout')
      if (input.owner) await services.members.updateRole(operator, session.user.id, { role: 'owner' })
      const user = { id: session.user.id, email: session.user.email, name: session.user.name, role: input.owner ? 'owner' : input.invitation.role, sites: session.sites.map((s) => ({ siteId: s.siteId, role: s.role })) }
      const shown = input.passwordFromStdin ? {} : { password }
      return {
        json: { ...user, ...shown },
        text: [`Created ${user.email} (${user.role})`, `  id        ${user.id}`, ...(input.passwordFromStdin ? [] : [`  password  ${password}  (shown once: pass it on safely)`])].join('\n'),
      }
    },
  }),
  'add-member': command({
    summary: "Adds an account of the site's agency to a site (or creates one with --name and a password).",
    usage: 'add-member --site <id> --email <email> [--role agent|admin|supervisor] [--name <name> [--password-stdin]]',
    options: { site: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    input: (v) => ({
      siteId: check(UuidSchema, str(v, 'site'), '--site'),
      email: str(v, 'email'),
      role: check(AgentRoleSchema, str(v, 'role', false) || 'agent', '--role'),
      name: str(v, 'name', false),
      passwordFromStdin: v['password-stdin'] === true,
    }),
    async run({ services, db }, input) {
      const exists = await db.prisma.user.findUnique({ where: { email: input.email.toLowerCase() }, select: { id: true } })
      let password: string | undefined
      if (!exists) {
        if (!input.name) throw new UsageError('--name is required for an email without an account')
        password = input.passwordFromStdin ? await readPassword() : crypto.randomBytes(12).toString('base64url')
      }
      const body = check(CreateAgent, { email: input.email, name: input.name || input.email, role: input.role, ...(password ? { password } : {}) }, 'the member')
      const agent = await services.agents.create(await siteOperator(services, input.siteId), body)
      const shown = password && !input.passwordFromStdin ? { password } : {}
      return {
        json: { ...agent, ...shown },
        text: [`Added ${agent.email} to the site as ${agent.role}`, `  agent id  ${agent.id}`, ...(shown.password ? [`  password  ${shown.password}  (new account; shown once)`] : [])].join('\n'),
      }
    },
  }),
  'reset-password': command({
    summary: 'Prints a one-time password reset link for an account (30 minutes), or sets a password read from stdin.',
    usage: 'reset-password --email <email> [--password-stdin]',
    options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    input: (v) => ({ email: check(z.email(), str(v, 'email'), '--email'), passwordFromStdin: v['password-stdin'] === true }),
    // Either way it is the reset flow of the API: every session of the account ends when the password is set.
    async run({ services }, input) {
      const { link, email, expiresAt } = await services.passwords.resetLink(input.email, OPERATOR)
      if (!input.passwordFromStdin) return { json: { email, link, expiresAt: expiresAt.toISOString() }, text: `Reset link for ${email} (until ${expiresAt.toISOString()}):\n${link}` }
      const password = check(NewPassword, await readPassword(), 'the password')
      await services.passwords.reset(link.split('#reset/')[1]!, password, {})
      return { json: { email, reset: true }, text: `Set a new password for ${email}; every session of the account ended.` }
    },
  }),
  'create-api-key': command({
    summary: 'Creates an API key for an agency (or one of its sites) with scopes; prints the secret once.',
    usage: `create-api-key --agency <id> --name <name> --scope <scope>... [--site <id>] [--expires <ISO date-time>]\n  scopes: ${API_KEY_SCOPES.join(', ')}`,
    options: { agency: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string', multiple: true }, site: { type: 'string' }, expires: { type: 'string' } },
    input: (v) => ({
      agencyId: check(UuidSchema, str(v, 'agency'), '--agency'),
      key: check(CreateApiKey, { name: str(v, 'name'), siteId: str(v, 'site', false) || null, scopes: list(v, 'scope').flatMap((s) => s.split(',')), ...(str(v, 'expires', false) ? { expiresAt: str(v, 'expires') } : {}) }, 'the key'),
    }),
    async run({ services }, { agencyId, key }) {
      const made = await services.apiKeys.create(await services.agency.operator(agencyId), key)
      return { json: made, text: `Created API key ${made.key.name} (${made.key.scopes.join(', ')})\n  id      ${made.key.id}\n  secret  ${made.secret}\n(shown once: store it now)` }
    },
  }),
  'setup-link': command({
    summary: 'Prints a new one-time setup link while the server has no account (as the server does at start).',
    usage: 'setup-link',
    options: {},
    async run({ services, config }) {
      const token = await services.setup.issue()
      if (!token) throw new AppError('invalid_state', 'this server is set up already (accounts exist): sign in, or use reset-password')
      const link = dashboardLink(config.publicUrl, 'setup', token)
      return { json: { link }, text: link }
    },
  }),
}

const list = (v: Values, name: string): string[] => {
  const value = v[name]
  return Array.isArray(value) ? value.map((x) => x.trim()).filter(Boolean) : typeof value === 'string' ? [value] : []
}

/** The operator acting as an admin of a site (recorded as the operator). */
async function siteOperator(services: Services, siteId: string): Promise<AgentActor> {
  const site = await services.sites.find(siteId)
  if (!site) throw new AppError('not_found', 'site not found')
  return { kind: 'agent', siteId: site.id, agencyId: site.agencyId, agentId: NO_AGENT, userId: NO_AGENT, role: 'admin', name: OPERATOR.label, operator: true }
}

/** A password from stdin (its first line), never from the command line (shell history, ps). */
async function readPassword(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
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
    publish: new Publisher(io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace, io.of(AGENT_NAMESPACE) as unknown as AgentNamespace),
    config: { publicUrl: config.publicUrl, env: config.env, uploadMaxBytes: config.uploadMaxBytes },
    nodeId: crypto.randomUUID(),
    limits: new RateLimits({ ...config.rateLimits, sessions: null, messages: null, uploads: null, events: null, login: null, loginIp: null }),
  }
  // No email from here: links the API would email (invitations, resets) are printed instead.
  return { services: createServices(ctx, {}), db, config }
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
