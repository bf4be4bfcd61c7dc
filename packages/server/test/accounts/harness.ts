// The accounts tests' harness: the real app with a public URL (links in emails are absolute; the
// emails go to test/smtp.ts), workspaces made of an agency with its owner and sites, and SQL as
// the database owner (to move a link's expiry into the past).
import crypto from 'node:crypto'
import pg from 'pg'
import request from 'supertest'
import type { ParsedMail } from 'mailparser'
import { expect, inject } from 'vitest'
import type { AgencyRole, AgentRole, AgentSession } from '@live-chat/protocol'
import { grantAgencySites } from '../../src/agency/memberships.js'
import { createApp, type AppOptions } from '../../src/app.js'
import { hashPassword } from '../../src/shared/auth.js'
import { openDatabase, type Database } from '../../src/shared/db/index.js'
import { createLogger } from '../../src/shared/logger.js'
import { Fixtures, SECRET, type TestServer } from '../helpers.js'

export const PUBLIC_URL = 'https://chat.example.test'
export const PASSWORD = 'correct horse battery staple'

/** The token of a dashboard link (`#<kind>/<token>`) in an email's text, checking the link is absolute. */
export function linkToken(mail: ParsedMail, kind: 'invite' | 'reset' | 'setup'): string {
  const m = new RegExp(`${PUBLIC_URL.replace(/[.]/g, '\\.')}/dashboard/#${kind}/([A-Za-z0-9._~-]+)`).exec(mail.text ?? '')
  expect(m, `a ${kind} link in: ${mail.text}`).not.toBeNull()
  return m![1]!
}

/** The token of a link as the API answers it (`link` of InvitationSent). */
export function tokenOf(link: string | undefined, kind: 'invite' | 'reset' | 'setup'): string {
  expect(link).toMatch(new RegExp(`^${PUBLIC_URL.replace(/[.]/g, '\\.')}/dashboard/#${kind}/`))
  return link!.split(`#${kind}/`)[1]!
}

export interface StartOptions {
  db?: Database
  mail?: AppOptions['mail']
  rateLimits?: AppOptions['rateLimits']
  redisUrl?: string
}

/** The real app on a free port, with PUBLIC_URL set; abuse limits off unless given. */
export async function startAccountsServer(opts: StartOptions = {}): Promise<TestServer> {
  const db = opts.db ?? (await openDatabase({ url: inject('databaseUrl'), migrate: false, poolSize: 5 }))
  const app = await createApp({
    db,
    secret: SECRET,
    env: 'test',
    publicUrl: PUBLIC_URL,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    rateLimits: opts.rateLimits ?? false,
    ...(opts.mail ? { mail: opts.mail } : {}),
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
  })
  const { port } = await app.listen(0, '127.0.0.1')
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    app,
    services: app.services,
    fx: new Fixtures(db, app.services),
    async close() {
      await app.close()
      await db.close()
    },
  }
}

let n = 0
export const uniqueEmail = (prefix = 'user') => `${prefix}-${Date.now().toString(36)}${(n++).toString(36)}${crypto.randomBytes(3).toString('hex')}@example.test`

let hash: Promise<string> | undefined

export interface Person {
  userId: string
  email: string
  password: string
  name: string
  /** Signed in over HTTP (a session of its own). */
  session: AgentSession
  token: string
}

export interface Workspace {
  agencyId: string
  /** Site ids, in the order made. */
  sites: string[]
  owner: Person
}

/** Signs in over HTTP with the password (no second factor). */
export async function signIn(s: TestServer, email: string, password = PASSWORD): Promise<AgentSession> {
  const res = await request(s.url).post('/api/auth/login').send({ email, password })
  expect(res.status, res.text).toBe(200)
  expect(res.body.token).toEqual(expect.any(String))
  return res.body as AgentSession
}

/** A user of `agencyId` with an agency role and site memberships, signed in. */
export async function person(s: TestServer, agencyId: string, role: AgencyRole, sites: { siteId: string; role: AgentRole }[] = []): Promise<Person> {
  hash ??= hashPassword(PASSWORD)
  const email = uniqueEmail(role)
  const name = `${role} ${email.slice(0, 12)}`
  const user = await s.db.prisma.user.create({ data: { email, name, passwordHash: await hash, agencyId, agencyRole: role } })
  for (const m of sites) await s.db.inSite(m.siteId, (tx) => tx.agent.create({ data: { siteId: m.siteId, userId: user.id, role: m.role } }))
  if (role !== 'member') await s.db.inAgency(agencyId, (tx) => grantAgencySites(tx, agencyId, user.id))
  const session = await signIn(s, email)
  return { userId: user.id, email, password: PASSWORD, name, session, token: session.token }
}

/** An agency with its owner (signed in) and `siteCount` sites. */
export async function workspace(s: TestServer, siteCount = 1): Promise<Workspace> {
  const agency = await s.db.prisma.agency.create({ data: { name: `Agency ${uniqueEmail('a').slice(2, 14)}` } })
  const sites: string[] = []
  for (let i = 0; i < siteCount; i++) sites.push((await s.services.sites.create({ agencyId: agency.id, name: `Site ${i + 1} of ${agency.name}` })).id)
  const owner = await person(s, agency.id, 'owner')
  return { agencyId: agency.id, sites, owner }
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

/** Runs SQL as the database's owner (outside row-level security), e.g. to age a link. */
export async function asOwner<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = [], url = inject('databaseUrl')): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  } finally {
    await client.end()
  }
}

/** The agency's audit events of `action` (as the owner sees them). */
export async function auditOf(s: TestServer, agencyId: string, action: string) {
  return s.db.inAgency(agencyId, (tx) => tx.auditEvent.findMany({ where: { action }, orderBy: { createdAt: 'asc' } }))
}

/** A 4xx answer in the documented shape. */
export function expectError(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }, res.text).toEqual({ status, code })
  expect(res.body.error.message).toMatch(/\S/)
}
