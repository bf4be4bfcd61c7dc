#!/usr/bin/env node
// Runs the server: configuration from the environment, the database (Postgres with
// DATABASE_URL, else embedded PGlite under DATA_DIR), migrations, the demo, and listening.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { dashboardLink } from './accounts/links.js'
import { createApp } from './app.js'
import { announceStart } from './banner.js'
import { ConfigError, loadConfig } from './config.js'
import { seedDemo } from './demo/seed.js'
import { openDatabase } from './shared/db/index.js'
import { DatabaseUnavailableError, waitForDatabase } from './shared/db/wait.js'
import { createLogger, type Logger } from './shared/logger.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

async function main(): Promise<void> {
  // `live-chat-server admin …`: the operator's commands (cli/admin.ts), not the server.
  if (process.argv[2] === 'admin') {
    const { runAdmin } = await import('./cli/admin.js')
    process.exit(await runAdmin(process.argv.slice(3)))
  }
  // `live-chat-server migrate [deploy|status]`: the package's migrations (cli/migrate.ts).
  if (process.argv[2] === 'migrate') {
    const { runMigrate } = await import('./cli/migrate.js')
    process.exit(await runMigrate(process.argv.slice(3)))
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
  // Supported and tested: the LTS lines 22 and 24 (package.json engines); older lines are past end of life.
  if (Number(process.versions.node.split('.')[0]) < 22) log.warn({ node: process.versions.node }, 'this Node.js line is past its end of life and untested here: use Node 22 or 24')
  const embedded = !config.databaseUrl
  const pgliteDir = path.join(config.dataDir, 'pglite')
  if (embedded && config.env === 'production') log.info({ dir: pgliteDir }, 'opening the embedded database')
  else if (embedded) console.log(`Opening the embedded database in ${pgliteDir} …`)
  try {
    // Postgres may still be starting (a container beside this one): wait for it, then go on.
    if (config.databaseUrl) await waitForDatabase(config.databaseUrl, { timeoutMs: config.databaseConnectTimeoutMs, log, variable: 'DATABASE_URL' })
    if (config.databaseAppUrl) await waitForDatabase(config.databaseAppUrl, { timeoutMs: config.databaseConnectTimeoutMs, log, variable: 'DATABASE_APP_URL' })
  } catch (e) {
    if (!(e instanceof DatabaseUnavailableError)) throw e
    log.error(e.fields, e.message)
    process.exit(1)
  }
  const db = await openDatabase({
    url: config.databaseUrl,
    appUrl: config.databaseAppUrl,
    dataDir: pgliteDir,
    poolSize: config.databasePoolSize,
    onMigrated: (applied) => {
      if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied')
    },
  })
  // The repository's example host pages: only when asked for in production (SERVE_EXAMPLES).
  const examplesDir = path.join(root, 'examples')
  const examples = config.serveExamples && fs.existsSync(examplesDir) ? examplesDir : undefined
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
    analytics: { missedSweepMs: config.missedSweepMs, slaSweepMs: config.slaSweepMs, intervalMs: config.analyticsIntervalMs },
    retention: { intervalMs: config.retentionIntervalMs },
    metricsToken: config.metricsToken,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    webhooks: { allowedNetworks: config.webhookAllowedNetworks },
    staticDirs: examples ? { '/examples': examples } : {},
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

  announceStart(log, {
    env: config.env,
    publicUrl: config.publicUrl,
    metricsToken: Boolean(config.metricsToken),
    pgliteDir: embedded ? pgliteDir : undefined,
    redis: Boolean(config.redisUrl),
    dashboard: Boolean(dashboardDir),
    widget: Boolean(widgetDir),
    examples: Boolean(examples),
    setupUrl: setupToken ? dashboardLink(config.publicUrl, 'setup', setupToken) : undefined,
    demo,
  })

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
  // A JSON line like every other (its stack inside), not a raw stack on stderr.
  createLogger().fatal({ err: e }, `the server failed to start: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
