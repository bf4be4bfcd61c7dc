// A private PostgreSQL cluster for a test that must stop and start its database: never the
// machine's shared one, which other tests use. initdb into a temp folder, pg_ctl on a free
// port, trust auth for postgres@127.0.0.1. As root (CI containers), the server binaries
// refuse to run, so they run as the `postgres` system user.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { openDatabase } from '../../src/shared/db/index.js'
import { freePort } from '../processes.js'

const run = promisify(execFile)

/** The newest /usr/lib/postgresql/<version>/bin holding the server binaries, or null. */
export function postgresBinaries(): string | null {
  const base = '/usr/lib/postgresql'
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) {
    const bin = path.join(base, v, 'bin')
    if (['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(bin, b)))) return bin
  }
  return null
}

export interface PrivatePostgres {
  port: number
  /** postgres://postgres@127.0.0.1:<port>/<name>, migrated. */
  url: string
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops the cluster and removes its folder. */
  destroy(): Promise<void>
}

/** Starts a cluster and creates one migrated database in it. */
export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-pg-'))
  const data = path.join(dir, 'data')
  const as = asUser(dir)
  const port = await freePort()
  const pgCtl = (...args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', data, ...args], { ...as, timeout: 60_000 })
  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...as, timeout: 60_000 })
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=60`
  const start = async () => void (await pgCtl('-l', path.join(dir, 'log'), '-o', options, '-w', 'start'))
  await start()
  const name = 'live_chat_chaos'
  const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = `postgresql://postgres@127.0.0.1:${port}/${name}`
  await (await openDatabase({ url })).close() // migrations
  return {
    port,
    url,
    start,
    stop: async () => void (await pgCtl('-m', 'fast', '-w', 'stop')),
    async destroy() {
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** As root: run as `postgres`, who must own the folder. Otherwise as ourselves. */
function asUser(dir: string): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {}
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'))
  if (!line) throw new Error('running as root and there is no postgres user to run the PostgreSQL server as')
  const [, , uid, gid] = line.split(':').map(Number) as [number, number, number, number]
  fs.chownSync(dir, uid, gid)
  return { uid, gid }
}
