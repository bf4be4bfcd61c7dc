// Real server processes (packages/server/src/main.ts run by tsx) for the multi-process and
// chaos tests: started on a free port against the run's Postgres and Redis (or what `env`
// says), stopped gracefully (SIGTERM) or killed (SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'
import { eventually, SECRET } from './helpers.js'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const main = path.join(root, 'packages/server/src/main.ts')

export interface ServerProcess {
  url: string
  port: number
  child: ChildProcess
  /** Everything it printed (stdout and stderr). */
  output: string[]
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<number | null>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Starts a server process and waits until /readyz says it is ready.
 * @param env Extra environment (e.g. another DATABASE_URL, no REDIS_URL: set it to '').
 */
export async function startProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const p = await launchProcess(env)
  try {
    await eventually(async () => {
      if (p.child.exitCode !== null) throw new Error(`server exited with ${p.child.exitCode}`)
      return fetch(`${p.url}/readyz`).then((r) => r.ok).catch(() => false)
    }, 60_000, `server on ${p.port}`)
  } catch (e) {
    p.child.kill('SIGKILL')
    throw new Error(`${(e as Error).message}\n${p.output.join('')}`)
  }
  return p
}

/** Starts a server process without waiting for it (e.g. to see it wait for its database, or give up). */
export async function launchProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort()
  const output: string[] = []
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      SECRET,
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()))
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()))
  return { url: `http://127.0.0.1:${port}`, port, child, output, exited }
}

/** SIGTERM (a graceful stop), then SIGKILL if it has not exited after `ms`. */
export async function stopProcess(p: ServerProcess | undefined, ms = 15_000): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return
  p.child.kill('SIGTERM')
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, ms))])
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
  await p.exited
}

/** Each non-empty line of a process's output, parsed as JSON (production prints nothing else); throws on a line that is not. */
export function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>
      } catch {
        throw new Error(`not a JSON line: ${l}\n--- all output:\n${output}`)
      }
    })
}
