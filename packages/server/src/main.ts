#!/usr/bin/env node
// Runs the server: configuration from the environment, the database (Postgres with
// DATABASE_URL, else embedded PGlite under DATA_DIR), migrations, the demo, and listening.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { dashboardLink } from './accounts/links.js'
import { createApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { seedDemo } from './demo/seed.js'
import { openDatabase } from './shared/db/index.js'
import { createLogger, type Logger } from './shared/logger.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

async function main(): Promise<void> {
  // `live-chat-server admin …`: the operator's commands (cli/admin.ts), not the server.
  if (process.argv[2] === 'admin') {
    const { runAdmin } = await import('./cli/admin.js')
    process.exit(await runAdmin(process.argv.slice(3)))
  }
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(1)
    }
    throw e
  }
  const log = createLogger(config.logLevel)
  const embedded = !config.databaseUrl
  const pgliteDir = path.join(config.dataDir, 'pglite')
  if (embedded) console.log(`Opening the embedded database in ${pgliteDir} …`)
  const db = await openDatabase({
    url: config.databaseUrl,
    appUrl: config.databaseAppUrl,
    dataDir: pgliteDir,
    poolSize: config.databasePoolSize,
    onMigrated: (applied) => {
      if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied')
    },
  })
  const examples = path.join(root, 'examples')
  const widgetDir = findWidgetDir(log)
  const dashboardDir = findDashboardDir(log)
  const server = await createApp({
    db,
    secret: config.secret,
    publicUrl: config.publicUrl,
    env: config.env,
    logger: log,
    redisUrl: config.redisUrl,
    trustProxy: config.trustProxy,
    uploadMaxBytes: config.uploadMaxBytes,
    rateLimits: config.rateLimits,
    mail: { smtpUrl: config.smtpUrl, from: config.mailFrom, batchMs: config.emailBatchMs },
    analytics: { missedSweepMs: config.missedSweepMs, intervalMs: config.analyticsIntervalMs },
    metricsToken: config.metricsToken,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    webhooks: { allowedNetworks: config.webhookAllowedNetworks },
    staticDirs: fs.existsSync(examples) ? { '/examples': examples } : {},
    ...(widgetDir ? { widgetDir } : {}),
    ...(dashboardDir ? { dashboardDir } : {}),
  })
  const demo = config.demo ? await seedDemo(db, server.services, config.dataDir) : undefined
  // Without the demo and without any account, only a setup link lets someone in: a new one each
  // start until setup is done, shown on stdout only (never in the structured log).
  const setupToken = demo ? null : await server.services.setup.issue()
  if (setupToken) log.info('no account exists yet: a one-time setup link was printed on the console')
  const address = await server.listen(config.port, config.host)
  log.info({ port: address.port, nodeId: server.nodeId }, 'listening')

  const url = config.publicUrl
  const lines = [
    '',
    'Live Chat is running',
    `  API          ${url}/api`,
    `  Health       ${url}/healthz (alive), ${url}/readyz (ready for traffic)`,
    `  Metrics      ${config.metricsToken ? `${url}/metrics (bearer METRICS_TOKEN)` : config.env === 'production' ? 'off (set METRICS_TOKEN)' : `${url}/metrics (open: set METRICS_TOKEN to require a token)`}`,
    `  Database     ${embedded ? `embedded PGlite (${pgliteDir})` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Scale-out    ${config.redisUrl ? 'Socket.io Redis adapter (REDIS_URL)' : 'single process (set REDIS_URL to run several)'}`,
  ]
  if (dashboardDir) lines.push(`  Dashboard    ${url}/dashboard/`)
  if (widgetDir) lines.push(`  Widget       ${url}/live-chat.js`)
  if (fs.existsSync(examples)) lines.push(`  Examples     ${url}/examples/`)
  if (setupToken) {
    lines.push('', '  First run: create your workspace (owner, agency and first site) with this one-time link:')
    lines.push(`  Setup        ${dashboardLink(url, 'setup', setupToken)}`)
  }
  if (demo) {
    lines.push(`  Demo site    ${demo.siteId}`)
    lines.push(`  Demo agent   ${demo.email} / ${demo.password ?? '(the password set earlier)'}`)
  }
  console.log(lines.join('\n') + '\n')

  let stopping = false
  // SIGTERM (or Ctrl-C): drain and stop (see LiveChatApp.close); a second signal, or a drain
  // that hangs well past SHUTDOWN_TIMEOUT_MS, exits at once.
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(1)
    }
    stopping = true
    log.info({ signal }, 'shutting down: draining')
    setTimeout(() => {
      log.error('shutdown took too long: exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs + 15_000).unref()
    try {
      await server.close()
      await db.close()
    } catch (e) {
      log.error({ err: e }, 'shutdown failed')
      process.exit(1)
    }
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

/** The CDN build of the installed @live-chat/widget (its cdn folder), built by `npm run build`. */
function findWidgetDir(log: Logger): string | undefined {
  let dir: string
  try {
    dir = path.dirname(fileURLToPath(import.meta.resolve('@live-chat/widget/cdn/live-chat.js')))
  } catch {
    log.warn('@live-chat/widget is not installed: /live-chat.js and /widget/* are not served')
    return undefined
  }
  if (!fs.existsSync(path.join(dir, 'live-chat.js'))) log.warn({ dir }, 'the widget is not built (run `npm run build`): /live-chat.js answers 404 until it is')
  return dir
}

/** The built agent dashboard page of the installed @live-chat/dashboard (its public folder). */
function findDashboardDir(log: Logger): string | undefined {
  let dir: string
  try {
    dir = path.dirname(fileURLToPath(import.meta.resolve('@live-chat/dashboard/public/index.html')))
  } catch {
    log.warn('@live-chat/dashboard is not installed: /dashboard is not served')
    return undefined
  }
  if (!fs.existsSync(path.join(dir, 'assets', 'dashboard.js'))) log.warn({ dir }, 'the dashboard is not built (run `npm run build`)')
  return dir
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
