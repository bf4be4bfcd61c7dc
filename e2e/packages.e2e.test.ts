// The packages as adopters get them: `npm run pack` (scripts/pack.mjs, what a release publishes)
// after the build, the tarballs installed offline (`npm ci` from the npm cache) into a project
// outside the repository, and then:
// - each tarball holds LICENSE, README.md and no sources, tests or `source` condition;
// - a strict TypeScript app of the SDK, the widget and the dashboard type-checks with
//   moduleResolution bundler and node16 (skipLibCheck off, so their .d.ts files are checked too),
//   and so do both elements in React, Preact and Solid JSX and Vue and Svelte templates; a copy
//   of the app with one type error fails (the check can fail);
// - the installed `live-chat-server` runs on an empty Postgres database with the migrations
//   inside the package, its admin CLI makes an agency, a site and an agent, and a visitor and
//   that agent converse through the installed SDK (a script run in the consumer project, so its
//   imports are the installed copies); `live-chat-server migrate status` says pending, then up to date.
//   All of it on the Node running the tests and, when LIVE_CHAT_NODE_22 names a Node 22 binary
//   (.ci/run sets it), on Node 22 too: the supported LTS lines are 22 and 24.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../packages/server/test/helpers.js'
import { freePort } from '../packages/server/test/processes.js'
import { emptyDatabase } from '../packages/server/test/global-setup.js'
import { installConsumer } from './consumer.js'
import { root } from './production.js'

const run = promisify(execFile)
const PACKAGES = ['protocol', 'sdk', 'widget', 'dashboard', 'server'] as const
/** The consumer's own dependencies besides the tarballs (the repository's devDependencies pin them). */
const EXTRA = ['typescript', '@types/react', 'preact', 'vue', 'svelte', 'solid-js']

let work: string
let app: string
const databases: Awaited<ReturnType<typeof emptyDatabase>>[] = []
const servers: ChildProcess[] = []
/** The Node lines the installed server and SDK run on: this one, and Node 22 when .ci/run provides it. */
const NODES: [string, string][] = [[`Node ${process.versions.node.split('.')[0]}`, process.execPath]]
if (process.env['LIVE_CHAT_NODE_22'] && !process.versions.node.startsWith('22.')) NODES.push(['Node 22', process.env['LIVE_CHAT_NODE_22']])
const tarballs: Record<string, string> = {}

interface Result {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command; its exit code is returned, not thrown. */
async function exec(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0
      if (code === null) reject(err)
      else resolve({ code, stdout, stderr })
    })
    child.stdin?.end(opts.input ?? '')
  })
}

const tsc = (project: string) => exec(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--pretty', 'false'], { cwd: app })

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'packages/server/dist/main.js'))) throw new Error('run `npm run build` first')
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-packages-'))
  const packs = path.join(work, 'packs')
  await run(process.execPath, [path.join(root, 'scripts/pack.mjs'), '--out', packs], { cwd: root })
  for (const p of PACKAGES) tarballs[`@live-chat/${p}`] = path.join(packs, `live-chat-${p}-0.1.0.tgz`)
  app = path.join(work, 'app')
  fs.mkdirSync(app)
  const installed = await installConsumer({ root, dir: app, tarballs, extra: EXTRA })
  console.log(`npm ci --offline: ${installed.packages} packages in ${installed.seconds.toFixed(1)} s`)
  fs.cpSync(path.join(root, 'e2e/consumer'), app, { recursive: true })
}, 600_000)

afterAll(async () => {
  for (const server of servers) {
    if (server.exitCode !== null) continue
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
  }
  for (const db of databases) await db.drop()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('the packed packages', () => {
  it('each tarball carries LICENSE and README.md, and no sources, tests or source condition', async () => {
    const license = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 Live Chat contributors\n/)
    for (const p of PACKAGES) {
      const files = (await run('tar', ['tzf', tarballs[`@live-chat/${p}`]!])).stdout.trim().split('\n')
      expect(files, p).toEqual(expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/package.json']))
      expect(files.filter((f) => /^package\/src\/|\.test\.|\/test\/|\.tsbuildinfo$|\.d\.ts\.map$/.test(f)), p).toEqual([])
      const installed = path.join(app, 'node_modules/@live-chat', p)
      expect(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toBe(license)
      const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'))
      expect(JSON.stringify(pkg.exports), p).not.toContain('"source"')
      expect(pkg.exports['./package.json']).toBe('./package.json')
      expect(pkg).toMatchObject({ license: 'MIT', publishConfig: { access: 'public' }, repository: { directory: `packages/${p}` } })
      expect(pkg.scripts).toBeUndefined()
      // Every file an export names is in the package.
      for (const target of Object.values<string | Record<string, string>>(pkg.exports)) {
        for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
          if (!file.includes('*')) expect(fs.existsSync(path.join(installed, file)), `${p}: ${file}`).toBe(true)
        }
      }
    }
    const server = (await run('tar', ['tzf', tarballs['@live-chat/server']!])).stdout
    expect(server).toContain('package/prisma/schema.prisma')
    expect(server).toContain('package/prisma/migrations/migration_lock.toml')
  })

  it('the custom-elements manifests list only published modules, at paths in the package', () => {
    for (const [p, tag] of [['widget', 'live-chat'], ['dashboard', 'live-chat-dashboard']] as const) {
      const dir = path.join(app, 'node_modules/@live-chat', p)
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, pkg.customElements), 'utf8'))
      const paths: string[] = manifest.modules.map((m: { path: string }) => m.path)
      for (const m of paths) expect(fs.existsSync(path.join(dir, m)), `${p}: ${m}`).toBe(true)
      const text = JSON.stringify(manifest)
      expect(text).not.toMatch(/src\/|\.ts"/)
      expect(text).not.toContain('"name":"#')
      const element = manifest.modules.flatMap((m: { declarations?: { tagName?: string; members?: { name: string }[] }[] }) => m.declarations ?? []).find((d: { tagName?: string }) => d.tagName === tag)
      expect(element, tag).toBeDefined()
      expect(element.members.map((m: { name: string }) => m.name).filter((n: string) => n.startsWith('_'))).toEqual([])
    }
  })

  // The type checks and the server share the machine's time (each mostly waits): run together.
  it.concurrent('a strict app of the SDK, widget and dashboard type-checks (bundler), and both elements in React, Preact, Solid, Vue and Svelte', async ({ expect }) => {
    const r = await tsc('tsconfig.bundler.json')
    expect(r.stdout + r.stderr).toBe('')
    expect(r.code).toBe(0)
  }, 180_000)

  it.concurrent('the same app type-checks with node16 resolution; a copy with one type error fails', async ({ expect }) => {
    // The copy rides in the same run, so the one error listed proves app.ts itself is clean.
    const broken = fs.readFileSync(path.join(app, 'app.ts'), 'utf8').replace("el.siteId = siteId", 'el.siteId = 42')
    expect(broken).toContain('el.siteId = 42')
    fs.writeFileSync(path.join(app, 'broken.ts'), broken)
    const config = JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.node16.json'), 'utf8'))
    fs.writeFileSync(path.join(app, 'tsconfig.broken.json'), JSON.stringify({ ...config, files: ['app.ts', 'broken.ts'] }))
    const r = await tsc('tsconfig.broken.json')
    expect(r.code).toBe(2)
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^broken\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'\.$/)])
  }, 180_000)

  it.concurrent.for(NODES)('live-chat-server runs from the installed package on %s: migrations from inside it, the admin CLI, a visitor and an agent converse', { timeout: 300_000 }, async ([, node], { expect }) => {
    const db = await emptyDatabase('live_chat_packages')
    databases.push(db)
    const bin = path.join(app, 'node_modules/.bin/live-chat-server')
    const version = await exec(node, ['-p', 'process.versions.node'], { cwd: app })
    console.log(`live-chat-server on Node ${version.stdout.trim()}`)
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const env = {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      SECRET: crypto.randomBytes(32).toString('hex'),
      PUBLIC_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    }
    const migrations = path.join(app, 'node_modules/@live-chat/server/prisma/migrations')
    const before = await exec(node, [bin, 'migrate', 'status'], { cwd: app, env })
    expect(before.code).toBe(1)
    expect(before.stdout).toContain(`migrations in ${migrations}`)
    expect(before.stdout).toMatch(/\d+ pending: run `live-chat-server migrate`/)

    let out = ''
    const server = spawn(node, [bin], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] })
    servers.push(server)
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    await eventually(
      async () => {
        if (server.exitCode !== null) throw new Error(`live-chat-server exited:\n${out}`)
        return (await fetch(`${url}/readyz`).catch(() => null))?.ok ?? false
      },
      60_000,
      'the installed live-chat-server to be ready',
    )
    const after = await exec(node, [bin, 'migrate', 'status'], { cwd: app, env })
    expect(after).toMatchObject({ code: 0, stderr: '' })
    expect(after.stdout.trim()).toMatch(/\nup to date$/)
    expect(after.stdout).not.toContain('pending')

    const admin = async <T>(args: string[], input = ''): Promise<T> => {
      const r = await exec(node, [bin, 'admin', ...args, '--json'], { cwd: app, env, input })
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' })
      return JSON.parse(r.stdout) as T
    }
    const agency = await admin<{ id: string }>(['create-agency', '--name', 'Packed Agency'])
    await admin(['create-user', '--agency', agency.id, '--email', 'owner@example.test', '--name', 'Olga Owner', '--role', 'owner'])
    const site = await admin<{ id: string }>(['create-site', '--agency', agency.id, '--name', 'Packed Shop'])
    await admin(['create-user', '--agency', agency.id, '--email', 'ann@example.test', '--name', 'Ann Agent', '--site', `${site.id}:agent`, '--password-stdin'], 'ann-packed-password\n')

    const talk = await exec(node, ['converse.mjs', url, site.id, 'ann@example.test', 'ann-packed-password'], { cwd: app })
    expect({ code: talk.code, stderr: talk.stderr }).toEqual({ code: 0, stderr: '' })
    const said = JSON.parse(talk.stdout)
    expect(said.sdk).toBe(`file://${fs.realpathSync(path.join(app, 'node_modules/@live-chat/sdk/dist/index.js'))}`)
    expect(said.agentConversation).toBe(said.visitorConversation)
    expect(said.visitorHeard).toBe('We do, in two days.')
    expect(said.agentHeard).toEqual(['visitor: Do you ship to Lisbon?', 'system: Ann Agent joined the conversation', 'agent: We do, in two days.', 'visitor: Great, thanks!'])
    // The server found the installed widget and dashboard builds.
    expect((await fetch(`${url}/live-chat.js`)).status).toBe(200)
    expect((await fetch(`${url}/dashboard/`)).status).toBe(200)
  })
})
