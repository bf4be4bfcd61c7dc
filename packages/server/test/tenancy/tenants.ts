// Fixtures for the hostile tenancy suites: a tenant is a site with an admin, a plain agent,
// a visitor with an active conversation (messages and a private note) and a resolved one,
// and canned responses. Every text is random, so a leak shows up as a plain substring.
import crypto from 'node:crypto'
import { expect, it } from 'vitest'
import type { AgentFixture, SiteFixture, TestServer } from '../helpers.js'
import { agencySite, join, membershipOf, newAgency, person, startChat, type AgencySiteFixture, type Person } from '../agency/fixtures.js'
import type { VisitorActor } from '../../src/shared/context.js'
import { identityHash } from '../../src/shared/auth.js'

export interface Tenant {
  label: string
  site: SiteFixture
  origin: string
  admin: AgentFixture
  agent: AgentFixture
  visitor: { id: string; token: string }
  /** Active, assigned to the admin, priority high, tagged; visitor messages, a reply and a private note. */
  conv: string
  /** Resolved, not rated. */
  resolvedConv: string
  /** The admin's choice message in `conv`, not answered. */
  choice: string
  /** A shared canned response (the admin's). */
  canned: string
  /** The plain agent's personal canned response. */
  personalCanned: string
  /** A proactive message (its name is private; its id and text are public, in the widget config). */
  trigger: string
  team: string
  sla: string
  /** A webhook (inactive: nothing is ever queued for it), its secret rotated (the old one in its grace period). */
  webhook: string
  /** A delivery of the webhook that gave up (failed, 8 tries). */
  delivery: string
  /** A ban of an email address (nobody of the tenant has it). */
  ban: string
  /** Contact attributes (`tier`, a list only the team sets; `nickname`, text the visitor may set), the visitor's values of both, a note on the visitor, their company. */
  contactAttribute: string
  note: string
  /** A second contact, verified (identity `user`, email `email`), older than none of the others. */
  verified: { id: string; user: string; email: string }
  /** The visitor's values: `tier` (a list option of this tenant's) and `nickname`. */
  values: { tier: string; nickname: string }
  /** The plain agent's mention (unread) in the admin's private note (`texts.note` names them). */
  mention: string
  texts: { first: string; reply: string; note: string; old: string; canned: string; personal: string }
  /** Strings that must never reach another tenant: ids, texts, emails, the identity and webhook secrets. */
  secrets: string[]
}

export async function makeTenant(s: TestServer, label: string): Promise<Tenant> {
  const origin = `https://${label}-${crypto.randomBytes(3).toString('hex')}.example`
  const site = await s.fx.site({ allowedOrigins: [origin] })
  const admin = await s.fx.agent(site.id, { role: 'admin', name: `Admin of ${label}` })
  const agent = await s.fx.agent(site.id, { role: 'agent' })
  const session = await s.fx.visitorSession(site.id)
  const visitor = { id: session.visitor.id, token: session.token }
  const va: VisitorActor = { kind: 'visitor', siteId: site.id, visitorId: visitor.id }
  const adminActor = await s.services.agents.authenticate(admin.token, site.id)
  const agentActor = await s.services.agents.authenticate(agent.token, site.id)
  const secret = (what: string) => `${label}-${what}-${crypto.randomBytes(6).toString('hex')}`
  // The private note names the plain agent: a mention of theirs.
  const t = { first: secret('first'), reply: secret('reply'), note: `${secret('note')} @[${agent.name}]`, old: secret('old'), canned: secret('canned'), personal: secret('personal') }

  const cid = (n: number) => `cid-${label}-${String(n).padStart(4, '0')}`
  const started = await s.services.conversations.start(va, { clientKey: `key-${label}-0001`, message: { clientId: cid(1), text: t.first } })
  const conv = started.conversation.id
  await s.services.conversations.assign(adminActor, conv, { agentId: admin.id })
  await s.services.messages.send(va, { conversationId: conv, clientId: cid(2), text: `${t.first} again` })
  await s.services.messages.send(adminActor, { conversationId: conv, clientId: cid(3), text: t.reply })
  await s.services.messages.send(adminActor, { conversationId: conv, clientId: cid(4), text: t.note, private: true })
  await s.services.conversations.update(adminActor, { conversationId: conv, priority: 'high', tags: ['vip'] })
  const choice = await s.services.messages.send(adminActor, {
    conversationId: conv,
    clientId: cid(6),
    content: { kind: 'choice', options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] },
  })

  const old = await s.services.conversations.start(va, { clientKey: `key-${label}-0002`, message: { clientId: cid(5), text: t.old } })
  await s.services.conversations.resolve(adminActor, old.conversation.id)

  const canned = await s.services.cannedResponses.create(adminActor, { title: `Greeting ${label}`, shortcut: `hello-${label}`, content: t.canned })
  const personal = await s.services.cannedResponses.create(agentActor, { title: `Mine ${label}`, content: t.personal, isPersonal: true })
  const triggerName = secret('trigger-name')
  const trigger = await s.services.triggers.create(adminActor, { name: triggerName, text: `Hello from ${label}`, rules: { url: '/pricing*' } })
  await s.services.triggers.shown(site.id, trigger.id)
  const teamName = secret('team')
  const team = await s.services.teams.create(adminActor, { name: teamName, agentIds: [agent.id] })
  const sla = await s.services.sla.create(adminActor, { name: secret('sla'), teamId: team.id, firstResponseMinutes: 5 })

  // Over HTTP: the webhook service is the app's, not one of the services.
  const admin$ = (path: string, body: object) =>
    fetch(`${s.url}/api/sites/${site.id}${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`)
      return (await r.json()) as { id: string; url: string; secret: string }
    })
  const hookHost = `${label}-hooks-${crypto.randomBytes(3).toString('hex')}.example`
  const hook = await admin$('/webhooks', { url: `https://${hookHost}/in`, events: ['message.created'], active: false })
  const rotated = await admin$(`/webhooks/${hook.id}/secret/rotate`, { graceHours: 24 })
  // A delivery that gave up (the worker leaves failed ones alone), for the redeliver route.
  const delivery = await s.db.inSite(site.id, (tx) =>
    tx.webhookDelivery.create({
      data: { siteId: site.id, webhookId: hook.id, event: 'message.created', payload: { event: 'message.created', note: t.first }, status: 'failed', attempts: 8, lastError: 'HTTP 500', lastStatus: 500 },
    }),
  )

  const bannedEmail = `${secret('banned')}@example.test`
  const ban = await admin$('/bans', { kind: 'email', email: bannedEmail, reason: secret('ban-reason') })
  const mention = await s.db.inSite(site.id, (tx) => tx.mention.findFirstOrThrow({ where: { agentId: agent.id, conversationId: conv } }))

  // Contacts: the same keys on every tenant (so that a key alone never tells sites apart); secret labels, values, note, company.
  const tierOption = secret('tier')
  const c = { tierLabel: secret('tier-label'), nickname: secret('nickname'), note: secret('contact-note'), company: secret('company') }
  const contactAttribute = await admin$('/contact-attributes', { key: 'tier', label: c.tierLabel, type: 'list', options: [tierOption, 'basic'] })
  await admin$('/contact-attributes', { key: 'nickname', label: 'Nickname', type: 'text', visitorMaySet: true })
  await s.services.contacts.update(adminActor, visitor.id, { company: c.company, attributes: { tier: tierOption, nickname: c.nickname } })
  const note = await s.services.contacts.addNote(adminActor, visitor.id, c.note)
  const verifiedUser = secret('user')
  const verifiedEmail = `${secret('verified')}@example.test`
  const identified = await s.services.visitors.createSession(site.id, { identity: { userId: verifiedUser, hash: identityHash(site.identitySecret, verifiedUser), email: verifiedEmail } }, {})

  return {
    label,
    site,
    origin,
    admin,
    agent,
    visitor,
    conv,
    resolvedConv: old.conversation.id,
    choice: choice.message.id,
    canned: canned.id,
    personalCanned: personal.id,
    trigger: trigger.id,
    team: team.id,
    sla: sla.id,
    webhook: hook.id,
    delivery: delivery.id,
    ban: ban.id,
    contactAttribute: contactAttribute.id,
    note: note.id,
    verified: { id: identified.visitor.id, user: verifiedUser, email: verifiedEmail },
    values: { tier: tierOption, nickname: c.nickname },
    mention: mention.id,
    texts: t,
    secrets: [
      ...Object.values(t),
      site.identitySecret,
      origin,
      admin.email,
      agent.email,
      admin.id,
      agent.id,
      admin.userId,
      agent.userId,
      visitor.id,
      conv,
      old.conversation.id,
      canned.id,
      personal.id,
      triggerName,
      hook.id,
      delivery.id,
      hookHost,
      hook.secret,
      rotated.secret,
      ban.id,
      bannedEmail,
      tierOption,
      ...Object.values(c),
      contactAttribute.id,
      note.id,
      identified.visitor.id,
      verifiedUser,
      verifiedEmail,
      mention.id,
    ],
  }
}

/** Every row of the tenant an attack could touch, in full. */
export async function snapshot(s: TestServer, t: Tenant) {
  const rows = await s.db.inSite(t.site.id, async (tx) => ({
    conversations: await tx.conversation.findMany({ orderBy: { id: 'asc' } }),
    messages: await tx.message.findMany({ orderBy: [{ conversationId: 'asc' }, { seq: 'asc' }] }),
    cannedResponses: await tx.cannedResponse.findMany({ orderBy: { id: 'asc' } }),
    triggers: await tx.trigger.findMany({ orderBy: { id: 'asc' } }),
    triggerDays: await tx.triggerDay.findMany({ orderBy: [{ triggerId: 'asc' }, { date: 'asc' }] }),
    agents: await tx.agent.findMany({ orderBy: { id: 'asc' } }),
    visitor: await tx.visitor.findUnique({ where: { id: t.visitor.id } }),
    widget: await tx.widgetSettings.findUnique({ where: { siteId: t.site.id } }),
    webhooks: await tx.webhook.findMany({ orderBy: { id: 'asc' } }),
    webhookDeliveries: await tx.webhookDelivery.findMany({ orderBy: { id: 'asc' } }),
    bans: await tx.ban.findMany({ orderBy: { id: 'asc' } }),
    // (B gains anonymous visitors legitimately: a session asked of B is a new visitor of B.)
    contacts: await tx.visitor.findMany({ where: { id: { in: [t.visitor.id, t.verified.id] } }, orderBy: { id: 'asc' } }),
    tombstones: await tx.visitor.count({ where: { mergedIntoId: { not: null } } }),
    contactAttributes: await tx.contactAttribute.findMany({ orderBy: { id: 'asc' } }),
    contactAttributeValues: await tx.contactAttributeValue.findMany({ orderBy: [{ visitorId: 'asc' }, { attributeId: 'asc' }] }),
    contactNotes: await tx.contactNote.findMany({ orderBy: { id: 'asc' } }),
    mentions: await tx.mention.findMany({ orderBy: { id: 'asc' } }),
  }))
  const site = await s.db.prisma.site.findUnique({ where: { id: t.site.id } })
  const users = await s.db.prisma.user.findMany({ where: { id: { in: [t.admin.userId, t.agent.userId] } }, orderBy: { id: 'asc' } })
  return { ...rows, site, users }
}

/** The key facts of B, stated outright (the snapshot comparison catches everything else). */
export async function expectTenantIntact(s: TestServer, t: Tenant, before: Awaited<ReturnType<typeof snapshot>>): Promise<void> {
  const after = await snapshot(s, t)
  const conv = after.conversations.find((c) => c.id === t.conv)
  expect(conv).toMatchObject({ status: 'active', priority: 'high', tags: ['vip'], assignedAgentId: t.admin.id })
  expect(after.conversations.find((c) => c.id === t.resolvedConv)).toMatchObject({ status: 'resolved', rating: null })
  expect(after.messages.filter((m) => m.conversationId === t.conv)).toHaveLength(6)
  expect(after.cannedResponses.map((c) => c.id).sort()).toEqual([t.canned, t.personalCanned].sort())
  expect(after.triggers.map((x) => [x.id, x.enabled])).toEqual([[t.trigger, true]])
  expect(after.triggerDays.map((d) => d.shown)).toEqual([1])
  expect(after.webhooks.map((w) => [w.id, w.active])).toEqual([[t.webhook, false]])
  expect(after.webhookDeliveries.map((d) => [d.id, d.status, d.attempts])).toEqual([[t.delivery, 'failed', 8]])
  expect(after.bans.map((x) => [x.id, x.kind])).toEqual([[t.ban, 'email']])
  expect(after.contacts.map((v) => [v.id, v.mergedIntoId]).sort()).toEqual([[t.visitor.id, null], [t.verified.id, null]].sort())
  expect(after.tombstones).toBe(0)
  expect(after.contactAttributeValues.map((v) => v.visitorId)).toEqual([t.visitor.id, t.visitor.id])
  expect(after.contactNotes.map((n) => n.id)).toEqual([t.note])
  expect(after.mentions.map((x) => [x.id, x.agentId, x.readAt])).toEqual([[t.mention, t.agent.id, null]])
  expect(after).toEqual(before)
}

/** Fails if any of the tenant's secrets appears in the text. */
export function expectNoLeak(text: string, t: Tenant): void {
  const leaked = t.secrets.filter((x) => text.includes(x))
  expect(leaked, `leaked ${t.label}'s data`).toEqual([])
}

/** One test per case, named in full (it.each cuts $name at 40 characters). */
export function eachCase<T extends { name: string }>(cases: readonly T[], title: (name: string) => string, fn: (c: T) => Promise<void>): void {
  for (const c of cases) it(title(c.name), () => fn(c))
}

// ------------------------------------------------------------------ agencies (hostile-agency.test.ts)

/**
 * An agency as a tenant: an owner, an admin, a site admin who is an agency member, and a plain
 * agent; its main site (all four, a conversation of the agent's, canned responses) and a second
 * site (its owner and admin only, by their agency role).
 */
export interface AgencyTenant {
  label: string
  agency: { id: string; name: string }
  owner: Person
  admin: Person
  siteAdmin: Person
  agent: Person
  main: AgencySiteFixture
  second: AgencySiteFixture
  /** Memberships on the main site. */
  ids: { owner: string; admin: string; siteAdmin: string; agent: string }
  conv: string
  secrets: string[]
}

export async function makeAgencyTenant(s: TestServer, label: string): Promise<AgencyTenant> {
  const tag = (what: string) => `${label}-${what}-${crypto.randomBytes(6).toString('hex')}`
  const agency = await newAgency(s, tag('agency'))
  const main = await agencySite(s, agency.id, { name: tag('main-site'), allowedOrigins: [`https://${tag('origin')}.example`] })
  const second = await agencySite(s, agency.id, { name: tag('second-site') })
  const owner = await person(s, agency.id, 'owner', tag('owner'))
  const admin = await person(s, agency.id, 'admin', tag('admin'))
  const siteAdmin = await person(s, agency.id, 'member', tag('site-admin'))
  const agent = await person(s, agency.id, 'member', tag('agent'))
  const ids = {
    owner: await membershipOf(s, main.id, owner.userId),
    admin: await membershipOf(s, main.id, admin.userId),
    siteAdmin: await join(s, main.id, siteAdmin, 'admin'),
    agent: await join(s, main.id, agent, 'agent'),
  }
  const agentActor = await s.services.agents.authenticate(agent.token, main.id)
  const adminActor = await s.services.agents.authenticate(siteAdmin.token, main.id)
  const first = tag('first')
  const conv = await startChat(s, main.id, first)
  await s.services.conversations.assign(adminActor, conv, { agentId: ids.agent })
  const reply = tag('reply')
  await s.services.messages.send(agentActor, { conversationId: conv, clientId: `reply-${label}-0001`, text: reply })
  const personal = tag('personal')
  await s.services.cannedResponses.create(agentActor, { title: 'Mine', content: personal, isPersonal: true })
  const shared = tag('shared')
  await s.services.cannedResponses.create(adminActor, { title: 'Ours', content: shared })
  const people = [owner, admin, siteAdmin, agent]
  return {
    label,
    agency,
    owner,
    admin,
    siteAdmin,
    agent,
    main,
    second,
    ids,
    conv,
    secrets: [
      agency.id,
      agency.name,
      ...[main, second].flatMap((x) => [x.id, x.name, x.identitySecret]),
      ...people.flatMap((p) => [p.userId, p.email, p.name]),
      ...Object.values(ids),
      conv,
      first,
      reply,
      personal,
      shared,
    ],
  }
}

/** Every row of the agency an attack could touch, in full. */
export async function agencySnapshot(s: TestServer, t: AgencyTenant) {
  const siteIds = [t.main.id, t.second.id]
  const userIds = [t.owner, t.admin, t.siteAdmin, t.agent].map((p) => p.userId)
  const perSite = await Promise.all(
    siteIds.map((siteId) =>
      s.db.inSite(siteId, async (tx) => ({
        agents: await tx.agent.findMany({ orderBy: { id: 'asc' } }),
        conversations: await tx.conversation.findMany({ orderBy: { id: 'asc' } }),
        messages: await tx.message.findMany({ orderBy: [{ conversationId: 'asc' }, { seq: 'asc' }] }),
        cannedResponses: await tx.cannedResponse.findMany({ orderBy: { id: 'asc' } }),
        widget: await tx.widgetSettings.findUnique({ where: { siteId } }),
      })),
    ),
  )
  // Without the last-seen time: a session's own requests move it (at most once a minute).
  const sessions = await Promise.all(
    userIds.map((id) => s.db.asUser(id, (tx) => tx.userSession.findMany({ where: { userId: id }, orderBy: { id: 'asc' }, omit: { lastSeenAt: true } }))),
  )
  return {
    agency: await s.db.prisma.agency.findUnique({ where: { id: t.agency.id } }),
    sites: await s.db.prisma.site.findMany({ where: { agencyId: t.agency.id }, orderBy: { id: 'asc' } }),
    users: await s.db.prisma.user.findMany({ where: { agencyId: t.agency.id }, orderBy: { id: 'asc' } }),
    perSite,
    sessions,
    audit: await s.db.inAgency(t.agency.id, (tx) => tx.auditEvent.findMany({ where: { agencyId: t.agency.id }, orderBy: { id: 'asc' } })),
    invitations: await s.db.inAgency(t.agency.id, (tx) => tx.invitation.findMany({ orderBy: { id: 'asc' } })),
    // Without the last-used time: moved by the agency's own key requests.
    apiKeys: await s.db.inAgency(t.agency.id, (tx) => tx.apiKey.findMany({ orderBy: { id: 'asc' }, omit: { lastUsedAt: true } })),
  }
}

/**
 * The attacks of a hostile suite on agency `target()`, counted: each must be refused with one of
 * its statuses (an error body), show none of `secrets()` and leave `snapshot()` as it was.
 */
export function attacker(snapshot: () => Promise<unknown>, secrets: () => string[]) {
  const tally = { attempts: 0, refused: 0, leaked: 0, lists: 0 }
  const leaks = (res: { text: string }): string[] => {
    const found = secrets().filter((v) => v && res.text.includes(v))
    if (found.length > 0) tally.leaked++
    return found
  }
  async function attack<R extends { status: number; text: string; body?: { error?: { code?: unknown } } }>(call: () => PromiseLike<R>, statuses: number[]): Promise<R> {
    const before = await snapshot()
    tally.attempts++
    const res = await call()
    const leaked = leaks(res)
    const refused = statuses.includes(res.status) && typeof res.body?.error?.code === 'string'
    if (refused) tally.refused++
    expect(leaked, 'leaked the target\'s data').toEqual([])
    expect({ status: res.status, body: res.body as unknown, refused }).toMatchObject({ status: expect.any(Number), refused: true })
    expect(await snapshot()).toEqual(before)
    return res
  }
  return { tally, leaks, attack }
}
