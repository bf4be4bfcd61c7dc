// The server process at start, as an operator meets it in production: a database that is not
// up yet is waited for (one JSON line per try), one that never comes or cannot be used ends the
// process with exit code 1 and one clear line (no stack); everything printed is JSON lines, the
// start banner included; /examples/ only when SERVE_EXAMPLES asks for it.
import { afterAll, describe, expect, inject, it } from 'vitest'
import { eventually } from '../helpers.js'
import { freePort, jsonLines as linesOf, launchProcess, startProcess, stopProcess, type ServerProcess } from '../processes.js'
import { startProxy, type TcpProxy } from '../tcp-proxy.js'

const PRODUCTION = { NODE_ENV: 'production', LOG_LEVEL: 'info', REDIS_URL: '' }

const started: ServerProcess[] = []
const proxies: TcpProxy[] = []
afterAll(async () => {
  await Promise.all(started.map((p) => stopProcess(p)))
  await Promise.all(proxies.map((p) => p.close()))
})

/** Everything the process printed, each line parsed as JSON. */
const jsonLines = (p: ServerProcess) => linesOf(p.output.join(''))

/** The run's database URL on another port. */
function databaseOn(port: number): string {
  const url = new URL(inject('databaseUrl'))
  url.port = String(port)
  return url.toString()
}

const STACK = /\n\s+at .+[:(]/

describe('the server at start', () => {
  it('waits for a database that comes up later, one log line per try, then runs; its banner is one JSON record', async () => {
    const dbPort = await freePort()
    const p = await launchProcess({ ...PRODUCTION, DATABASE_URL: databaseOn(dbPort), DATABASE_CONNECT_TIMEOUT_MS: '60000' })
    started.push(p)
    // Nothing listens there yet: it says so, and keeps trying.
    await eventually(() => jsonLines(p).filter((l) => String(l['msg']).includes('not reachable')).length >= 2, 20_000, 'two tries logged')
    expect(p.child.exitCode).toBeNull()
    // Postgres "comes up": a proxy to the real one on that port.
    proxies.push(await startProxy([Number(new URL(inject('databaseUrl')).port || 5432)], '127.0.0.1', dbPort))
    await eventually(() => fetch(`${p.url}/readyz`).then((r) => r.ok).catch(() => false), 60_000, 'ready')

    const lines = jsonLines(p)
    const tries = lines.filter((l) => String(l['msg']).includes('not reachable'))
    for (const t of tries) {
      expect(t).toMatchObject({ level: 40, database: `127.0.0.1:${dbPort}${new URL(inject('databaseUrl')).pathname}`, error: `connect ECONNREFUSED 127.0.0.1:${dbPort}` })
      expect(t['msg']).toMatch(/^database 127\.0\.0\.1:\d+\/\S+ not reachable \(connect ECONNREFUSED 127\.0\.0\.1:\d+\): trying again for up to \d+ s$/)
    }
    expect(tries.map((t) => t['attempt'])).toEqual(tries.map((_, i) => i + 1))
    expect(lines.some((l) => l['level'] === 30 && String(l['msg']).startsWith('database 127.0.0.1') && String(l['msg']).includes('reachable after'))).toBe(true)
    expect(p.output.join('')).not.toMatch(STACK)

    // The banner, as one record; no human banner.
    const banner = lines.find((l) => l['msg'] === 'Live Chat is running')
    expect(banner).toMatchObject({
      level: 30,
      database: 'postgres',
      scaleOut: 'single-process',
      metrics: 'off',
      urls: { api: `http://localhost:${p.port}/api`, health: `http://localhost:${p.port}/healthz`, ready: `http://localhost:${p.port}/readyz` },
    })
    expect((banner!['urls'] as Record<string, string>)['examples']).toBeUndefined()
    // Production does not serve the examples unless asked.
    expect((await fetch(`${p.url}/examples/`)).status).toBe(404)
  }, 120_000)

  it('gives up on a database that never comes, with exit code 1 and one clear line', async () => {
    const p = await launchProcess({ ...PRODUCTION, DATABASE_URL: databaseOn(await freePort()), DATABASE_CONNECT_TIMEOUT_MS: '1500' })
    started.push(p)
    expect(await p.exited).toBe(1)
    const lines = jsonLines(p)
    const last = lines.at(-1)!
    expect(last).toMatchObject({ level: 50, attempts: expect.any(Number), code: 'ECONNREFUSED' })
    expect(last['msg']).toMatch(/^database 127\.0\.0\.1:\d+\/\S+ still not reachable after \d+ s and \d+ tries \(connect ECONNREFUSED [^)]+\): giving up \(DATABASE_URL; DATABASE_CONNECT_TIMEOUT_MS waits longer\)$/)
    expect(lines.filter((l) => (l['level'] as number) >= 50)).toHaveLength(1)
    expect(p.output.join('')).not.toMatch(STACK)
  }, 60_000)

  it('does not wait when waiting cannot help (a database that does not exist): exit code 1 at once, one clear line', async () => {
    const url = new URL(inject('databaseUrl'))
    url.pathname = '/live_chat_no_such_database'
    const p = await launchProcess({ ...PRODUCTION, DATABASE_URL: url.toString(), DATABASE_CONNECT_TIMEOUT_MS: '600000' })
    started.push(p)
    expect(await p.exited).toBe(1)
    const lines = jsonLines(p)
    expect(lines.filter((l) => String(l['msg']).includes('not reachable'))).toEqual([])
    expect(lines.at(-1)).toMatchObject({
      level: 50,
      attempts: 1,
      code: '3D000',
      msg: `cannot use the database ${url.host}/live_chat_no_such_database: database "live_chat_no_such_database" does not exist (check DATABASE_URL)`,
    })
    expect(p.output.join('')).not.toMatch(STACK)
  }, 60_000)

  it('serves /examples/ in production when SERVE_EXAMPLES=true, and says so in the banner', async () => {
    const p = await startProcess({ ...PRODUCTION, SERVE_EXAMPLES: 'true' })
    started.push(p)
    expect((await fetch(`${p.url}/examples/`)).status).toBe(200)
    const banner = await eventually(() => jsonLines(p).find((l) => l['msg'] === 'Live Chat is running'), 10_000, 'the banner')
    expect(banner!['urls']).toMatchObject({ examples: `http://localhost:${p.port}/examples/` })
  }, 120_000)
})
