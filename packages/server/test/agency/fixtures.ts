// Agencies for the agency tests and the hostile agency suite: an agency, its people (each with
// an agency role, an account in it and a signed-in session) and its sites, made through the same
// services and rules the app uses (an owner or admin is an admin of every site of the agency).
import crypto from 'node:crypto'
import request from 'supertest'
import type { AgencyRole, AgentRole } from '@live-chat/protocol'
import { grantAgencySites } from '../../src/agency/memberships.js'
import { hashPassword } from '../../src/shared/auth.js'
import { connectRaw, rawSocket, type TestServer } from '../helpers.js'

export interface Person {
  userId: string
  email: string
  name: string
  password: string
  role: AgencyRole
  /** An access token of a session of theirs. */
  token: string
  sessionId: string
}

export interface AgencySiteFixture {
  id: string
  name: string
  agencyId: string
  identitySecret: string
}

const PASSWORD = 'agency fixture password'
let passwordHash: Promise<string> | undefined
const unique = () => crypto.randomBytes(5).toString('hex')

export async function newAgency(s: TestServer, name = `Agency ${unique()}`): Promise<{ id: string; name: string }> {
  const a = await s.db.prisma.agency.create({ data: { name } })
  return { id: a.id, name: a.name }
}

/** Someone of the agency, signed in; an owner or admin gets a membership of each of its sites. */
export async function person(s: TestServer, agencyId: string, role: AgencyRole, name = `Person ${unique()}`): Promise<Person> {
  passwordHash ??= hashPassword(PASSWORD)
  const email = `person-${unique()}@example.test`
  const user = await s.db.prisma.user.create({ data: { email, name, passwordHash: await passwordHash, agencyId, agencyRole: role } })
  if (role !== 'member') await s.db.inAgency(agencyId, (tx) => grantAgencySites(tx, agencyId, user.id))
  const { token, sessionId } = await s.services.sessions.start(user.id, {})
  return { userId: user.id, email, name, password: PASSWORD, role, token, sessionId }
}

/** A site of the agency (its owners and admins become its admins). */
export async function agencySite(s: TestServer, agencyId: string, opts: { name?: string; allowedOrigins?: string[] } = {}): Promise<AgencySiteFixture> {
  const site = await s.services.sites.create({ agencyId, name: opts.name ?? `Site ${unique()}`, allowedOrigins: opts.allowedOrigins ?? [] })
  return { id: site.id, name: site.name, agencyId, identitySecret: site.identitySecret }
}

/** Makes `who` a member of the site with `role`; returns the membership (agent) id. */
export async function join(s: TestServer, siteId: string, who: { userId: string }, role: AgentRole = 'agent', capacity = 5): Promise<string> {
  const a = await s.db.inSite(siteId, (tx) => tx.agent.create({ data: { siteId, userId: who.userId, role, maxConcurrentChats: capacity } }))
  return a.id
}

/** The membership id of `userId` on the site. */
export async function membershipOf(s: TestServer, siteId: string, userId: string): Promise<string> {
  const a = await s.db.inSite(siteId, (tx) => tx.agent.findUniqueOrThrow({ where: { siteId_userId: { siteId, userId } } }))
  return a.id
}

/** The agency's audit events, newest first. */
export function auditOf(s: TestServer, agencyId: string, action?: string) {
  return s.db.inAgency(agencyId, (tx) => tx.auditEvent.findMany({ where: { agencyId, ...(action ? { action } : {}) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }))
}

/** supertest with a bearer token. */
export function as(s: TestServer, token: string) {
  const auth = { Authorization: `Bearer ${token}` }
  return {
    get: (path: string) => request(s.url).get(path).set(auth),
    post: (path: string, body: object = {}) => request(s.url).post(path).set(auth).send(body),
    patch: (path: string, body: object) => request(s.url).patch(path).set(auth).send(body),
    delete: (path: string, body?: object) => (body ? request(s.url).delete(path).set(auth).send(body) : request(s.url).delete(path).set(auth)),
  }
}

/** A visitor of the site starts a conversation (routed as usual); returns its id. */
export async function startChat(s: TestServer, siteId: string, text = `Hello ${unique()}`): Promise<string> {
  const session = await s.fx.visitorSession(siteId)
  const started = await s.services.conversations.start({ kind: 'visitor', siteId, visitorId: session.visitor.id }, { clientKey: `key-${unique()}`, message: { clientId: `client-${unique()}`, text } })
  return started.conversation.id
}

/** Who a conversation is assigned to, and its status. */
export function assignmentOf(s: TestServer, siteId: string, conversationId: string) {
  return s.db.inSite(siteId, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { assignedAgentId: true, status: true } }))
}

/** An agent's live socket on a site, with what the server told it before it was dropped. */
export async function agentSocket(url: string, token: string, siteId: string, track: <C extends { disconnect(): unknown }>(c: C) => C) {
  const socket = track(await connectRaw(rawSocket(url, '/agent', { token, siteId })))
  const told: string[] = []
  socket.on('session:changed', (e: { reason: string }) => told.push(`changed:${e.reason}`))
  socket.on('session:revoked', (e: { code: string }) => told.push(`revoked:${e.code}`))
  const dropped = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())))
  return { socket, told, dropped }
}
