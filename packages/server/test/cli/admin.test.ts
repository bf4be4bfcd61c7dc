// The operator CLI alone, from an empty database to a first chat: `live-chat-server admin …` (on
// its own fresh database) creates an agency, its owner, a site with its domain and an agent; a real
// server process then serves them: the agent signs in with the password the CLI set, and a visitor
// chats with them. Then the CLI's errors: bad command lines (exit 2) and refusals (exit 1), as text
// and as --json. The real main.ts runs in its own process for one success, one bad command line and
// one refusal (its wiring and exit codes); the other commands call what it calls, runAdmin, in this
// process (each process would load and compile the whole server again).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary, Message } from '@live-chat/protocol'
import pg from 'pg'
import { SECRET, waitFor } from '../helpers.js'
import { root, startProcess, stopProcess, type ServerProcess } from '../processes.js'
import { emptyDatabase } from '../global-setup.js'
import { runAdmin } from '../../src/cli/admin.js'

const main = path.join(root, 'packages/server/src/main.ts')
let db: Awaited<ReturnType<typeof emptyDatabase>>
let server: ServerProcess | undefined
const PUBLIC_URL = 'https://chat.example.test'

beforeAll(async () => {
  db = await emptyDatabase('live_chat_cli')
}, 60_000)
afterAll(async () => {
  await stopProcess(server)
  await db?.drop()
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

const env = () => ({ ...process.env, NODE_ENV: 'production', DATABASE_URL: db.url, SECRET, PUBLIC_URL, LOG_LEVEL: 'warn', REDIS_URL: '', SMTP_URL: '' })

/** `admin <args>` as main.ts runs it (runAdmin), in this process, on the test's database; with `stdin` (what --password-stdin reads), in its own process. */
async function admin(args: string[], stdin = ''): Promise<Run> {
  if (stdin) return spawnAdmin(args, stdin)
  let stdout = ''
  let stderr = ''
  const code = await runAdmin(args, { out: (t) => void (stdout += `${t}\n`), err: (t) => void (stderr += `${t}\n`) }, env())
  return { code, stdout, stderr }
}

/** `live-chat-server admin <args>`: the real main.ts in its own process. */
function spawnAdmin(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main, 'admin', ...args], {
      cwd: root,
      env: env(),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

async function json<T>(args: string[], stdin = '', run = admin): Promise<T> {
  const r = await run([...args, '--json'], stdin)
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
  return JSON.parse(r.stdout) as T
}

describe('live-chat-server admin', () => {
  let agencyId = ''
  let siteId = ''

  it('from an empty database: agency, owner, site with its snippet, agent; the agent signs in and a visitor chats with them', async () => {
    // The real process: main.ts hands `admin` to runAdmin (and migrates the empty database first).
    const agency = await json<{ id: string; name: string }>(['create-agency', '--name', 'Trail Agency'], '', spawnAdmin)
    agencyId = agency.id
    expect(agency.name).toBe('Trail Agency')
    const owner = await json<{ id: string; role: string; password: string }>(['create-user', '--agency', agencyId, '--email', 'Olivia@Example.test', '--name', 'Olivia Owner', '--role', 'owner'])
    expect(owner.role).toBe('owner')
    expect(owner.password.length).toBeGreaterThanOrEqual(16)
    const site = await json<{ id: string; domains: string[]; snippet: string }>(['create-site', '--agency', agencyId, '--name', 'Trail Shoes', '--domain', 'shop.example', '--domain', 'http://localhost:8080'])
    siteId = site.id
    expect(site.domains).toEqual(['https://shop.example', 'http://localhost:8080'])
    expect(site.snippet).toBe(`<script src="${PUBLIC_URL}/live-chat.js" async></script>\n<live-chat site-id="${siteId}"></live-chat>`)
    // The agent's password comes on stdin, never on the command line.
    const ann = await json<{ id: string; sites: { siteId: string; role: string }[]; password?: string }>(
      ['create-user', '--agency', agencyId, '--email', 'ann@example.test', '--name', 'Ann Agent', '--site', `${siteId}:agent`, '--password-stdin'],
      'ann-secret-password\n',
    )
    expect(ann.sites).toEqual([{ siteId, role: 'agent' }])
    expect(ann.password).toBeUndefined()
    const sites = await json<{ items: { id: string; agencyName: string }[] }>(['list-sites', '--agency', agencyId])
    expect(sites.items).toEqual([expect.objectContaining({ id: siteId, agencyName: 'Trail Agency' })])
    // The owner is an admin of the site through the agency; the text output says so too.
    const text = await admin(['list-agencies'])
    expect(text.stdout).toMatch(/Trail Agency\s+1\s+2/)

    // A server process on that database: Ann signs in with her password and a visitor chats with her.
    server = await startProcess({ DATABASE_URL: db.url })
    const agent = new AgentClient({ url: server.url })
    const visitor = new LiveChatClient({ url: server.url, siteId, storage: 'memory' })
    try {
      const session = await agent.login('ann@example.test', 'ann-secret-password')
      expect('token' in session && session.sites).toEqual([expect.objectContaining({ siteId, role: 'agent' })])
      await agent.connect(siteId)
      const created = waitFor<ConversationSummary>((fn) => agent.on('conversation:created', fn))
      const started = await visitor.startConversation({ message: 'Do these come in size 44?' })
      expect((await created).id).toBe(started.conversation.id)
      expect(started.conversation.agent).toMatchObject({ name: 'Ann Agent' })
      const reply = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.senderType === 'agent')
      await agent.send(started.conversation.id, 'They do, in black and in blue.')
      expect((await reply).text).toBe('They do, in black and in blue.')
      // The owner's password (printed once) signs in too, as the agency's owner.
      const ownerClient = new AgentClient({ url: server.url })
      const ownerSession = await ownerClient.login('olivia@example.test', owner.password)
      expect('token' in ownerSession && ownerSession.agency).toMatchObject({ name: 'Trail Agency', role: 'owner' })
    } finally {
      visitor.disconnect()
      agent.disconnect()
    }
  }, 180_000)

  it('reset-password prints a one-time link, or sets a password from stdin and ends every session', async () => {
    const link = await json<{ link: string; email: string }>(['reset-password', '--email', 'ann@example.test'])
    expect(link.link).toMatch(new RegExp(`^${PUBLIC_URL.replace(/\./g, '\\.')}/dashboard/#reset/[A-Za-z0-9._~-]+$`))
    const before = new AgentClient({ url: server!.url })
    await before.login('ann@example.test', 'ann-secret-password')
    const set = await json<{ reset: boolean }>(['reset-password', '--email', 'ann@example.test', '--password-stdin'], 'a-brand-new-password\n')
    expect(set.reset).toBe(true)
    await expect(before.me()).rejects.toMatchObject({ code: 'unauthorized' })
    const after = new AgentClient({ url: server!.url })
    await after.login('ann@example.test', 'a-brand-new-password')
    // The operator's actions are in the agency's audit log, as the operator.
    const c = new pg.Client({ connectionString: db.url })
    await c.connect()
    try {
      const { rows } = await c.query<{ action: string; actor_type: string }>('SELECT action, actor_type FROM audit_events WHERE agency_id = $1 ORDER BY created_at', [agencyId])
      expect(rows.filter((r) => r.actor_type === 'operator').map((r) => r.action)).toEqual(
        expect.arrayContaining(['agency.created', 'site.created', 'invitation.created', 'member.role_changed', 'auth.password_reset_requested']),
      )
    } finally {
      await c.end()
    }
  }, 120_000)

  it('create-api-key prints the secret once; the key works on the API', async () => {
    const made = await json<{ key: { id: string; scopes: string[] }; secret: string }>(['create-api-key', '--agency', agencyId, '--name', 'CRM', '--scope', 'sites:read', '--scope', 'conversations:read'])
    expect(made.key.scopes).toEqual(['sites:read', 'conversations:read'])
    const res = await fetch(`${server!.url}/api/agency/sites`, { headers: { authorization: `Bearer ${made.secret}` } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { items: { id: string }[] }).items.map((s) => s.id)).toEqual([siteId])
  }, 60_000)

  it('bad command lines exit 2 with a message and usage; refusals exit 1 with the error code', async () => {
    const cases: [string[], number, RegExp, typeof admin?][] = [
      [[], 2, /Usage: live-chat-server admin <command>/],
      [['nonsense'], 2, /Unknown command "nonsense"/, spawnAdmin],
      [['create-agency'], 2, /--name is required/],
      [['create-site', '--agency', 'not-a-uuid', '--name', 'x'], 2, /--agency: value must be a UUID/],
      [['create-site', '--agency', agencyId, '--name', 'x', '--domain', 'not a domain'], 2, /the site: domains\.0/],
      [['create-user', '--agency', agencyId, '--email', 'x@example.test', '--name', 'X', '--role', 'king'], 2, /--role/],
      [['create-agency', '--name', 'x', '--bogus'], 2, /Unknown option '--bogus'/],
      [['create-api-key', '--agency', agencyId, '--name', 'k', '--scope', 'everything'], 2, /the key: scopes/],
      [['create-site', '--agency', '00000000-0000-4000-8000-000000000000', '--name', 'x'], 1, /^error \(not_found\): agency not found/],
      [['create-user', '--agency', agencyId, '--email', 'ann@example.test', '--name', 'Ann again'], 1, /^error \(conflict\)/],
      [['add-member', '--site', siteId, '--email', 'ann@example.test'], 1, /^error \(conflict\): already a member/],
      [['setup-link'], 1, /^error \(invalid_state\): this server is set up already/],
      [['reset-password', '--email', 'nobody@example.test'], 1, /^error \(not_found\)/],
    ]
    // Four at a time (each is a process that loads the server; none writes anything).
    for (let i = 0; i < cases.length; i += 4) {
      await Promise.all(
        cases.slice(i, i + 4).map(async ([args, code, message, run = admin]) => {
          const r = await run(args)
          expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code, stdout: args.length === 0 ? expect.stringMatching(message) : '' })
          if (args.length > 0) expect(r.stderr, args.join(' ')).toMatch(message)
        }),
      )
    }
    const asJson = await spawnAdmin(['create-site', '--agency', '00000000-0000-4000-8000-000000000000', '--name', 'x', '--json'])
    expect(asJson.code).toBe(1)
    expect(JSON.parse(asJson.stderr)).toEqual({ error: { code: 'not_found', message: 'agency not found' } })
    // Nothing was half-written by the refusals.
    const sites = await json<{ items: unknown[] }>(['list-sites'])
    expect(sites.items).toHaveLength(1)
  }, 240_000)
})
