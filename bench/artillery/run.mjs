// `npm run bench:artillery`: the visitor flow (visitor-flow.yml) driven by Artillery against our
// server, so a tool we did not write exercises it too. Artillery is not a dependency of the
// project (it pulls ~580 packages): it is installed into bench/artillery/node_modules on first use
// (pinned in bench/artillery/package.json; its Playwright browser download skipped, its telemetry
// off). Starts our server (packages/server/dist, as `npm run bench` does) over a fresh database
// with one site, runs the scenario, prints Artillery's report and checks the database: every
// message Artillery saw acked must be stored.
//
// ARTILLERY_DURATION (seconds, default 20) and ARTILLERY_RATE (new visitors a second, default 5)
// change the load. The server's abuse limits are raised as in every bench (one client address).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { prepareSites } from '../lib/chat.mjs'
import { tempDatabase, withDatabase } from '../lib/database.mjs'
import { root, startServer } from '../lib/servers.mjs'
import { envNumber } from '../lib/stats.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const bin = path.join(here, 'node_modules/artillery/bin/run')
const MESSAGES_PER_VISITOR = 10 // the scenario's loop count

function exec(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
    child.once('error', reject)
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args[0]} exited with ${code}`))))
  })
}

if (!fs.existsSync(bin)) {
  console.log('Installing Artillery into bench/artillery (once) …')
  await exec('npm', ['install', '--prefix', here, '--no-audit', '--no-fund'], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' })
}

const duration = envNumber('ARTILLERY_DURATION', 20)
const rate = envNumber('ARTILLERY_RATE', 5)
const reportFile = path.join(root, 'bench-results', 'artillery-report.json')
fs.mkdirSync(path.dirname(reportFile), { recursive: true })

const db = await tempDatabase()
let server
let failed = false
try {
  server = await startServer('ours', { databaseUrl: db.url })
  const [site] = await prepareSites(server, 1)
  await exec(
    process.execPath,
    [
      bin,
      'run',
      '--target',
      server.url,
      '--variables',
      JSON.stringify({ siteId: site.siteId }),
      '--overrides',
      JSON.stringify({ config: { phases: [{ name: 'visitors arrive', duration, arrivalRate: rate }] } }),
      '--output',
      reportFile,
      path.join(here, 'visitor-flow.yml'),
    ],
    { ARTILLERY_DISABLE_TELEMETRY: 'true' },
  )
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')).aggregate
  const c = report.counters
  const created = c['vusers.created'] ?? 0
  const completed = c['vusers.completed'] ?? 0
  const vusersFailed = c['vusers.failed'] ?? 0
  const errors = Object.entries(c).filter(([k]) => k.startsWith('errors.'))
  const stored = await withDatabase(db.name, async (client) =>
    Number((await client.query("SELECT count(*) AS n FROM mod_chat_messages WHERE sender_type = 'visitor'")).rows[0].n),
  )
  const rt = report.summaries?.['socketio.response_time'] ?? {}
  console.log(
    `\nartillery: ${created} visitors, ${completed} completed, ${vusersFailed} failed; ` +
      `${c['socketio.emit'] ?? 0} emits, acked in p50 ${rt.median ?? rt.p50} ms / p95 ${rt.p95} ms / p99 ${rt.p99} ms; ` +
      `${stored} visitor messages stored (at least ${completed * MESSAGES_PER_VISITOR} expected)` +
      (errors.length ? `; errors: ${errors.map(([k, v]) => `${k.slice(7)} ×${v}`).join(', ')}` : ''),
  )
  console.log(`report: ${path.relative(process.cwd(), reportFile)}`)
  failed = vusersFailed > 0 || completed === 0 || stored < completed * MESSAGES_PER_VISITOR
} finally {
  await server?.stop()
  await db.drop()
}
if (failed) process.exitCode = 1
