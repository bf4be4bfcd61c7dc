// Mentions, whispers and the supervisor role, across two server processes (two apps on one
// database of their own and one Redis) with a real SMTP server: `@name` in a private note reaches
// that agent's sockets on the other process and, when they are away, their inbox; a supervisor
// reads, whispers and takes over, and answers the visitor only after taking over.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AgentClient, LiveChatClient, LiveChatError } from '@live-chat/sdk'
import type { Mention } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import type { AgentActor, VisitorActor } from '../../src/shared/context.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, waitFor, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { startSmtp, type TestSmtp } from '../smtp.js'

let smtp: TestSmtp
let one: TestServer
let two: TestServer
let database: Awaited<ReturnType<typeof createTestDatabase>>
const open: { disconnect(): unknown }[] = []

beforeAll(async () => {
  smtp = await startSmtp()
  // A database of its own: mention emails are sent by any server on the database, and another
  // file's servers (with their own SMTP server) must not send these.
  database = await createTestDatabase('live_chat_mentions')
  const mail = { smtpUrl: smtp.url, from: 'Chat <chat@example.test>', batchMs: 300 }
  one = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }), redisUrl: inject('redisUrl'), mail })
  two = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }), redisUrl: inject('redisUrl'), mail })
})
afterAll(async () => {
  for (const c of open) c.disconnect()
  await two?.close()
  await one?.close()
  await smtp?.close()
  await database?.drop()
})

const unique = () => crypto.randomBytes(3).toString('hex')

/** An agent's SDK client on `server`, connected, online and present. */
async function online(server: TestServer, a: AgentFixture): Promise<AgentClient> {
  const c = new AgentClient({ url: server.url, token: a.token })
  open.push(c)
  await c.connect(a.siteId)
  await c.setStatus('online')
  await eventually(async () => (await c.agents.list()).find((x) => x.id === a.id)?.online, 5_000, 'agent online')
  return c
}

const actorOf = (server: TestServer, a: AgentFixture): Promise<AgentActor> => server.services.agents.authenticate(a.token, a.siteId)

/** A site with a conversation of a visitor named Vera, assigned to `assignee`. */
async function conversation(site: SiteFixture, assignee: AgentFixture): Promise<string> {
  const session = await one.fx.visitorSession(site.id)
  const va: VisitorActor = { kind: 'visitor', siteId: site.id, visitorId: session.visitor.id }
  await one.db.inSite(site.id, (tx) => tx.visitor.update({ where: { id: session.visitor.id }, data: { name: 'Vera' } }))
  const started = await one.services.conversations.start(va, { clientKey: `key-${unique()}`, message: { clientId: `cid-${unique()}-1`, text: 'Hello?' } })
  await one.services.conversations.assign(await actorOf(one, assignee), started.conversation.id, { agentId: assignee.id })
  return started.conversation.id
}

const mentionRows = (server: TestServer, siteId: string, messageId: string) =>
  server.db.inSite(siteId, (tx) => tx.mention.findMany({ where: { messageId }, orderBy: { agentId: 'asc' } }))

const mentionEvent = (c: AgentClient, match: (m: Mention) => boolean) => waitFor<Mention>((fn) => c.on('mention', fn), match, 10_000, 'mention event')

describe('mentions', () => {
  it('notifies the named agent on another process, live and in their Mentions list; never the writer, nobody of another site, no unknown name', async () => {
    const site = await one.fx.site()
    const other = await one.fx.site()
    const ann = await one.fx.agent(site.id, { name: 'Ann Lee' })
    const annie = await one.fx.agent(site.id, { name: 'Ann' })
    const writer = await one.fx.agent(site.id, { name: `Will ${unique()}` })
    const stranger = await one.fx.agent(other.id, { name: 'Zed Other' })
    const conv = await conversation(site, writer)
    const annOnTwo = await online(two, ann)
    const strangerOnTwo = await online(two, stranger)
    const heardByStranger: Mention[] = []
    strangerOnTwo.on('mention', (m) => heardByStranger.push(m))
    const w = await online(one, writer)

    const heard = mentionEvent(annOnTwo, (m) => m.conversationId === conv)
    const note = await w.send(conv, `@Ann Lee, can you look? cc @[${writer.name}] @[Zed Other] @nobody-here ann@example.test`, { private: true })
    const m = await heard
    expect(m).toMatchObject({ kind: 'mention', agentId: ann.id, messageId: note.id, by: { agentId: writer.id, name: writer.name }, visitorName: 'Vera', readAt: null })
    expect(m.text).toContain('can you look?')
    // The longest name wins ("Ann Lee", not "Ann"); the writer, the other site's Zed and nobody-here are nobody.
    expect((await mentionRows(one, site.id, note.id)).map((r) => r.agentId)).not.toContain(annie.id)
    expect((await mentionRows(one, site.id, note.id)).map((r) => r.agentId)).toEqual([ann.id])
    expect(await one.db.inSite(other.id, (tx) => tx.mention.count())).toBe(0)
    expect(heardByStranger).toEqual([])

    const page = await annOnTwo.mentions.list()
    expect(page).toMatchObject({ unread: 1, items: [{ id: m.id, readAt: null }] })
    // The writer's own list is empty; their attempt at Ann's mention is not_found.
    expect((await w.mentions.list()).items).toEqual([])
    await expect(w.mentions.read(m.id)).rejects.toMatchObject({ code: 'not_found' })
    // Ann reads it; her other device hears so.
    const annElsewhere = await online(one, ann)
    const read = waitFor<Mention>((fn) => annElsewhere.on('mention-read', fn), (x) => x.id === m.id, 10_000, 'mention-read')
    expect((await annOnTwo.mentions.read(m.id)).readAt).not.toBeNull()
    expect((await read).readAt).not.toBeNull()
    expect(await annOnTwo.mentions.list({ unread: true })).toEqual({ items: [], unread: 0 })
  })

  it('an edit that adds a name notifies only the new one, once', async () => {
    const site = await one.fx.site()
    const ann = await one.fx.agent(site.id, { name: 'Ann Lee' })
    const bob = await one.fx.agent(site.id, { name: 'Bob Marsh' })
    const writer = await one.fx.agent(site.id)
    const conv = await conversation(site, writer)
    const bobOn = await online(two, bob)
    const w = await online(one, writer)
    const note = await w.send(conv, 'note for @[Ann Lee]', { private: true })
    expect((await mentionRows(one, site.id, note.id)).map((r) => r.agentId)).toEqual([ann.id])
    const heard = mentionEvent(bobOn, (m) => m.messageId === note.id)
    await w.editMessage(conv, note.id, 'note for @[Ann Lee] and @[Bob Marsh]')
    expect(await heard).toMatchObject({ agentId: bob.id, kind: 'mention' })
    await w.editMessage(conv, note.id, 'note for @[Ann Lee] and @[Bob Marsh], again')
    const rows = await mentionRows(one, site.id, note.id)
    expect(rows.map((r) => r.agentId).sort()).toEqual([ann.id, bob.id].sort())
    // A public message names nobody.
    const reply = await w.send(conv, 'Hello @[Bob Marsh]')
    expect(await mentionRows(one, site.id, reply.id)).toEqual([])
  })

  it('emails an agent who is away (once), and not one who is online', async () => {
    const site = await one.fx.site()
    const away = await one.fx.agent(site.id, { name: `Away ${unique()}`, status: 'away' })
    const here = await one.fx.agent(site.id, { name: `Here ${unique()}` })
    const writer = await one.fx.agent(site.id, { name: 'Wanda Writer' })
    const conv = await conversation(site, writer)
    await online(two, here)
    const w = await online(one, writer)
    const note = await w.send(conv, `@[${away.name}] and @[${here.name}]: the <refund> is approved`, { private: true })
    const mail = await smtp.firstMailTo(away.email, 'mention email')
    expect(mail.subject).toContain('Wanda Writer mentioned you')
    expect(mail.text).toContain('the <refund> is approved')
    expect(mail.text).toContain(`/dashboard/#inbox/${conv}`)
    expect(mail.html).toContain('the &lt;refund&gt; is approved')
    // The same job dealt with both: the online agent's notice is settled without an email.
    const rows = await eventually(async () => {
      const r = await mentionRows(one, site.id, note.id)
      return r.every((x) => x.emailedAt) && r
    }, 10_000, 'both settled')
    expect(rows).toHaveLength(2)
    expect(smtp.mailsTo(here.email)).toEqual([])
    // A second note to the away agent mails them again; the first note is not mailed twice.
    await w.send(conv, `@[${away.name}] one more thing`, { private: true })
    await eventually(() => smtp.mailsTo(away.email).length === 2, 10_000, 'second email')
    expect(smtp.mailsTo(away.email)[1]!.text).not.toContain('<refund>')
  })
})

describe('the supervisor', () => {
  async function team() {
    const site = await one.fx.site()
    const admin = await one.fx.agent(site.id, { role: 'admin', name: `Admin ${unique()}` })
    const agent = await one.fx.agent(site.id, { name: `Agent ${unique()}` })
    const sup = await one.fx.agent(site.id, { name: `Sue ${unique()}` })
    // An admin makes them a supervisor.
    const res = await fetch(`${one.url}/api/sites/${site.id}/agents/${sup.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'supervisor' }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ role: 'supervisor' })
    return { site, admin, agent, sup }
  }

  it('reads every conversation, whispers to the assignee (on another process), and answers the visitor only after taking over', async () => {
    const { site, agent, sup } = await team()
    const conv = await conversation(site, agent)
    const agentOn = await online(two, agent)
    const s = await online(one, sup)
    expect((await s.conversations.get(conv)).assignedAgentId).toBe(agent.id)
    expect((await s.messages(conv)).messages.map((m) => m.text)).toContain('Hello?')

    const heard = mentionEvent(agentOn, (m) => m.conversationId === conv)
    const whisper = await s.send(conv, 'Offer the refund', { private: true })
    expect(await heard).toMatchObject({ kind: 'whisper', agentId: agent.id, messageId: whisper.id, by: { agentId: sup.id } })

    // Refused to the visitor: over the socket and over REST; nothing stored.
    const refused = await s.send(conv, 'Hi, I am the supervisor').then(
      () => null,
      (e: unknown) => e,
    )
    expect(refused).toBeInstanceOf(LiveChatError)
    expect(refused).toMatchObject({ code: 'forbidden' })
    const rest = await fetch(`${one.url}/api/sites/${site.id}/conversations/${conv}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sup.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: `rest-${unique()}-1`, text: 'over REST' }),
    })
    expect(rest.status).toBe(403)
    expect(((await rest.json()) as { error: { code: string } }).error.code).toBe('forbidden')
    // Nor may they resolve it, retag it, or hand it to someone else before taking it over.
    await expect(s.conversations.resolve(conv)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(s.conversations.update(conv, { tags: ['x'] })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(s.conversations.assign(conv, null)).rejects.toMatchObject({ code: 'forbidden' })
    const publicTexts = async () => (await s.messages(conv)).messages.filter((m) => !m.private && m.senderType === 'agent').map((m) => m.text)
    expect(await publicTexts()).toEqual([])

    // Take over: assigned to them with the usual line; then they answer like anyone.
    const taken = await s.conversations.assign(conv, sup.id)
    expect(taken.assignedAgentId).toBe(sup.id)
    const lines = (await s.messages(conv)).messages.filter((m) => m.system?.event === 'transferred')
    expect(lines.at(-1)?.system).toMatchObject({ fromAgentId: agent.id, toAgentId: sup.id })
    await s.send(conv, 'Hi, I am taking over')
    expect(await publicTexts()).toEqual(['Hi, I am taking over'])
    // A note in their own conversation is no whisper.
    const own = await s.send(conv, 'my own note', { private: true })
    expect(await mentionRows(one, site.id, own.id)).toEqual([])
  })

  it("types to the agents only in a colleague's conversation; to the visitor too once it is theirs", async () => {
    const { site, agent, sup } = await team()
    const visitor = new LiveChatClient({ url: one.url, siteId: site.id, storage: 'memory' })
    open.push(visitor)
    const { conversation } = await visitor.startConversation({ message: 'Hi there' })
    const agentOn = await online(one, agent)
    await agentOn.conversations.assign(conversation.id, agent.id)
    const s = await online(one, sup)
    const heard: string[] = []
    visitor.on('typing', (t) => heard.push(`${t.name ?? 'visitor'}:${t.typing}`))
    const colleagueHeard = waitFor<{ agentId?: string }>((fn) => agentOn.on('typing', fn), (t) => t.agentId === sup.id, 5_000, 'the supervisor typing, to agents')
    await s.setTyping(conversation.id, true)
    await colleagueHeard
    // The agent types after: the visitor's first typing news is the agent's (one process, in order).
    await agentOn.setTyping(conversation.id, true)
    await eventually(() => heard.length > 0, 5_000, 'typing news')
    expect(heard[0]).toBe(`${agent.name}:true`)
    await s.conversations.assign(conversation.id, sup.id)
    await s.setTyping(conversation.id, false)
    await eventually(() => heard.includes(`${sup.name}:false`), 5_000, "the supervisor's typing, once theirs")
  })

  it('is never routed a chat, even online and taking chats; an agent is', async () => {
    const { site, agent, sup } = await team()
    await online(one, sup)
    const session = await one.fx.visitorSession(site.id)
    const va: VisitorActor = { kind: 'visitor', siteId: site.id, visitorId: session.visitor.id }
    const first = await one.services.conversations.start(va, { clientKey: `key-${unique()}`, message: { clientId: `cid-${unique()}-1`, text: 'anyone?' } })
    expect(first.conversation.status).toBe('pending')
    expect(await one.services.conversations.get(await actorOf(one, sup), first.conversation.id)).toMatchObject({ status: 'pending', assignedAgentId: null })
    // The agent coming online takes it from the queue.
    await online(two, agent)
    await eventually(async () => (await one.services.conversations.get(await actorOf(one, agent), first.conversation.id)).assignedAgentId === agent.id, 10_000, 'routed to the agent')
  })

  it('an admin may not demote the only admin to supervisor', async () => {
    const site = await one.fx.site()
    const admin = await one.fx.agent(site.id, { role: 'admin' })
    const res = await fetch(`${one.url}/api/sites/${site.id}/agents/${admin.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'supervisor' }),
    })
    expect(res.status).toBe(409)
  })
})
