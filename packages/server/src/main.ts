#!/usr/bin/env node
// Runs the server: configuration from the environment, the database (Postgres with
// DATABASE_URL, else embedded PGlite under DATA_DIR), migrations, the demo, and listening.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { seedDemo } from './demo/seed.js'
import { openDatabase } from './shared/db/index.js'
import { createLogger, type Logger } from './shared/logger.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

async function main(): Promise<void> {
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
    mail: { smtpUrl: config.smtpUrl, from: config.mailFrom, batchMs: config.emailBatchMs },
    staticDirs: fs.existsSync(examples) ? { '/examples': examples } : {},
    ...(widgetDir ? { widgetDir } : {}),
    ...(dashboardDir ? { dashboardDir } : {}),
  })
  const demo = config.demo ? await seedDemo(db, server.services, config.dataDir) : undefined
  const address = await server.listen(config.port, config.host)
  log.info({ port: address.port, nodeId: server.nodeId }, 'listening')

  const url = config.publicUrl
  const lines = [
    '',
    'Live Chat is running',
    `  API          ${url}/api`,
    `  Health       ${url}/healthz`,
    `  Database     ${embedded ? `embedded PGlite (${pgliteDir})` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Scale-out    ${config.redisUrl ? 'Socket.io Redis adapter (REDIS_URL)' : 'single process (set REDIS_URL to run several)'}`,
  ]
  if (dashboardDir) lines.push(`  Dashboard    ${url}/dashboard/`)
  if (widgetDir) lines.push(`  Widget       ${url}/live-chat.js`)
  if (fs.existsSync(examples)) lines.push(`  Examples     ${url}/examples/`)
  if (demo) {
    lines.push(`  Demo site    ${demo.siteId}`)
    lines.push(`  Demo agent   ${demo.email} / ${demo.password ?? '(the password set earlier)'}`)
  }
  console.log(lines.join('\n') + '\n')

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    await server.close()
    await db.close()
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
