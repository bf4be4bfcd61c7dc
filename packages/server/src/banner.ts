// What the server says once it listens: in development a banner for people, in production one
// structured log record (logs there are JSON lines only, for whatever collects them).
import type { Logger } from './shared/logger.js'

export interface StartInfo {
  env: 'development' | 'production' | 'test'
  publicUrl: string
  metricsToken: boolean
  /** The embedded database's folder, or undefined on Postgres. */
  pgliteDir: string | undefined
  redis: boolean
  dashboard: boolean
  widget: boolean
  examples: boolean
  /** The one-time setup link, while no account exists. */
  setupUrl: string | undefined
  demo: { siteId: string; email: string; password: string | null } | undefined
}

export function announceStart(log: Logger, s: StartInfo): void {
  const url = s.publicUrl
  const metrics = s.metricsToken ? 'bearer' : s.env === 'production' ? 'off' : 'open'
  if (s.env !== 'production') {
    console.log(humanBanner(s, metrics))
    return
  }
  log.info(
    {
      urls: {
        api: `${url}/api`,
        health: `${url}/healthz`,
        ready: `${url}/readyz`,
        ...(metrics !== 'off' ? { metrics: `${url}/metrics` } : {}),
        ...(s.dashboard ? { dashboard: `${url}/dashboard/` } : {}),
        ...(s.widget ? { widget: `${url}/live-chat.js` } : {}),
        ...(s.examples ? { examples: `${url}/examples/` } : {}),
      },
      database: s.pgliteDir ? 'pglite' : 'postgres',
      ...(s.pgliteDir ? { dataDir: s.pgliteDir } : {}),
      scaleOut: s.redis ? 'redis' : 'single-process',
      metrics,
      // The demo's password stays in DATA_DIR/demo-login.json.
      ...(s.demo ? { demo: { siteId: s.demo.siteId, email: s.demo.email } } : {}),
    },
    'Live Chat is running',
  )
  // The setup link is a credential: never a log record (no level filters it out, no redaction or
  // transport sees it), yet a JSON line like the rest, on stdout, where an operator of a container
  // or a service looks at first start. It stops working once setup is done.
  if (s.setupUrl) {
    const line = { level: 30, time: Date.now(), service: 'live-chat', msg: 'first run: create your workspace (owner, agency and first site) with this one-time link', setupUrl: s.setupUrl }
    process.stdout.write(`${JSON.stringify(line)}\n`)
  }
}

function humanBanner(s: StartInfo, metrics: 'bearer' | 'off' | 'open'): string {
  const url = s.publicUrl
  const lines = [
    '',
    'Live Chat is running',
    `  API          ${url}/api`,
    `  Health       ${url}/healthz (alive), ${url}/readyz (ready for traffic)`,
    `  Metrics      ${metrics === 'bearer' ? `${url}/metrics (bearer METRICS_TOKEN)` : `${url}/metrics (open: set METRICS_TOKEN to require a token)`}`,
    `  Database     ${s.pgliteDir ? `embedded PGlite (${s.pgliteDir})` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Scale-out    ${s.redis ? 'Socket.io Redis adapter (REDIS_URL)' : 'single process (set REDIS_URL to run several)'}`,
  ]
  if (s.dashboard) lines.push(`  Dashboard    ${url}/dashboard/`)
  if (s.widget) lines.push(`  Widget       ${url}/live-chat.js`)
  if (s.examples) lines.push(`  Examples     ${url}/examples/`)
  if (s.setupUrl) {
    lines.push('', '  First run: create your workspace (owner, agency and first site) with this one-time link:')
    lines.push(`  Setup        ${s.setupUrl}`)
  }
  if (s.demo) {
    lines.push(`  Demo site    ${s.demo.siteId}`)
    lines.push(`  Demo agent   ${s.demo.email} / ${s.demo.password ?? '(the password set earlier)'}`)
  }
  return lines.join('\n') + '\n'
}
