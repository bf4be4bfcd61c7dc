// Email through a real local SMTP server: offline messages reach the team, agents' replies
// reach an absent visitor in one batched email, and a visitor can ask for a transcript.
//
// On a database of its own: email jobs are queued by whichever server's dispatcher takes the
// event and sent by any server that sends email, and another file's (with its own SMTP server)
// must not send this file's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ParsedMail } from 'mailparser'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { openDatabase } from '../../src/shared/db/index.js'
import { REPLIES_SHOWN } from '../../src/email/service.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, type TestServer } from '../helpers.js'
import { recipients, startSmtp, type TestSmtp } from '../smtp.js'

const BATCH_MS = 300
let smtp: TestSmtp
let s: TestServer
let database: Awaited<ReturnType<typeof createTestDatabase>>
const open: { disconnect(): unknown }[] = []

beforeAll(async () => {
  smtp = await startSmtp()
  database = await createTestDatabase('live_chat_email')
  const db = await openDatabase({ url: database.url, migrate: false, poolSize: 5 })
  s = await startServer({ db, mail: { smtpUrl: smtp.url, from: 'Chat <chat@example.test>', batchMs: BATCH_MS } })
})
afterAll(async () => {
  for (const c of open) c.disconnect()
  await s?.close()
  await smtp?.close()
  await database?.drop()
})

const to = recipients
const mailsTo = (address: string) => smtp.mailsTo(address)
/** Waits for the first email to `address`. */
const firstMailTo = (address: string, what: string): Promise<ParsedMail> => smtp.firstMailTo(address, what)

function visitor(siteId: string): LiveChatClient {
  const c = new LiveChatClient({ url: s.url, siteId, storage: 'memory' })
  open.push(c)
  return c
}

async function agentOf(siteId: string) {
  const fx = await s.fx.agent(siteId)
  const agent = new AgentClient({ url: s.url, token: fx.token })
  open.push(agent)
  await agent.connect(siteId)
  return { agent, fx }
}

describe('offline message email', () => {
  it('emails the team once, with the visitor, the message and the dashboard link', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id, { role: 'admin' })
    const b = await s.fx.agent(site.id)
    const v = visitor(site.id)
    const started = await v.startConversation({ offline: true, fields: { name: 'Olga', email: 'olga@example.test' }, message: 'Please <call> me back' })
    const mail = await firstMailTo(a.email, 'team email')
    expect(to(mail)).toEqual(expect.arrayContaining([a.email, b.email]))
    expect(mail.subject).toMatch(/^New offline message on Site /)
    expect(mail.text).toContain('Please <call> me back')
    expect(mail.text).toContain('olga@example.test')
    expect(mail.text).toContain(`/dashboard/#inbox/${started.conversation.id}`)
    expect(mail.html).toContain('Please &lt;call&gt; me back')
    expect(mailsTo(b.email)).toHaveLength(1)
  })
})

describe('reply email to an absent visitor', () => {
  it('batches three replies into one email; a connected visitor gets none', async () => {
    const site = await s.fx.site()
    const { agent } = await agentOf(site.id)
    const gone = visitor(site.id)
    const here = visitor(site.id)
    const c1 = await gone.startConversation({ fields: { name: 'Gina', email: 'gina@example.test' }, message: 'Hi' })
    const c2 = await here.startConversation({ fields: { name: 'Hugo', email: 'hugo@example.test' }, message: 'Hello' })
    gone.disconnect()
    await eventually(async () => !(await agent.conversations.get(c1.conversation.id)).visitor.online, 5_000, 'visitor offline')
    for (const text of ['First answer', 'Second answer', 'Third answer']) {
      await agent.send(c1.conversation.id, text)
      await agent.send(c2.conversation.id, text)
    }
    await agent.send(c1.conversation.id, 'secret note', { private: true })
    const mail = await firstMailTo('gina@example.test', 'reply email')
    for (const text of ['First answer', 'Second answer', 'Third answer']) expect(mail.text).toContain(text)
    expect(mail.text).not.toContain('secret note')
    // Several windows later: still one email, and none to the visitor who stayed.
    await new Promise((r) => setTimeout(r, BATCH_MS * 4))
    await s.services.emails.sweep()
    expect(mailsTo('gina@example.test')).toHaveLength(1)
    expect(mailsTo('hugo@example.test')).toHaveLength(0)
  })
})

describe('reply email past its length', () => {
  it(`lists the latest ${REPLIES_SHOWN} of more replies and says how many there are; the next email starts after them`, async () => {
    const site = await s.fx.site()
    const { agent } = await agentOf(site.id)
    const gone = visitor(site.id)
    const c = await gone.startConversation({ fields: { name: 'Ines', email: 'ines@example.test' }, message: 'Hi' })
    gone.disconnect()
    await eventually(async () => !(await agent.conversations.get(c.conversation.id)).visitor.online, 5_000, 'visitor offline')
    const total = REPLIES_SHOWN + 5
    // The email waits for them all: its job is held back after the first, then made due.
    const due = (at: string) => s.db.inSite(site.id, (tx) => tx.$executeRawUnsafe(`UPDATE mod_chat_email_jobs SET due_at = ${at} WHERE conversation_id = $1::uuid`, c.conversation.id))
    await agent.send(c.conversation.id, 'answer #1.')
    await eventually(async () => (await due(`now() + interval '1 hour'`)) === 1, 5_000, 'the reply email queued')
    for (let i = 2; i <= total; i++) await agent.send(c.conversation.id, `answer #${i}.`)
    await due('now()')
    const mail = await firstMailTo('ines@example.test', 'reply email')
    expect(mail.text).toMatch(new RegExp(`You have ${total} new replies from Site \\w+ \\(the latest ${REPLIES_SHOWN} below\\):`))
    for (let i = 1; i <= total; i++) {
      if (i <= total - REPLIES_SHOWN) expect(mail.text).not.toContain(`answer #${i}.`)
      else expect(mail.text).toContain(`answer #${i}.`)
    }
    // The next reply is a new email holding it alone.
    await agent.send(c.conversation.id, 'one more')
    await eventually(() => mailsTo('ines@example.test').length === 2, 10_000, 'the second email')
    const next = mailsTo('ines@example.test')[1]!
    expect(next.text).toMatch(/You have a new reply from Site \w+:/)
    expect(next.text).toContain('one more')
    expect(next.text).not.toContain('answer #')
  })
})

describe('transcript by email', () => {
  it('emails the public messages without private notes; a bad email is 400; another visitor gets 404', async () => {
    const site = await s.fx.site()
    const { agent } = await agentOf(site.id)
    const v = visitor(site.id)
    const started = await v.startConversation({ fields: { name: 'Tia', email: 'tia@example.test' }, message: 'Question about pricing' })
    const id = started.conversation.id
    await agent.send(id, 'It is free')
    await agent.send(id, 'internal: upsell later', { private: true })
    await expect(v.requestTranscript(id, 'not-an-email')).rejects.toMatchObject({ code: 'invalid_payload' })
    const other = visitor(site.id)
    await other.startConversation({ fields: { email: 'x@example.test' }, message: 'Me too' })
    await expect(other.requestTranscript(id)).rejects.toMatchObject({ code: 'not_found' })
    expect(await v.requestTranscript(id)).toEqual({ sentTo: 'tia@example.test' })
    const mail = await firstMailTo('tia@example.test', 'transcript')
    expect(mail.text).toContain('Question about pricing')
    expect(mail.text).toContain('It is free')
    expect(mail.text).not.toContain('upsell')
    expect(mail.html).not.toContain('upsell')
  })
})
