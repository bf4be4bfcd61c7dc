// A production server as an operator runs it: the built `live-chat-server` (packages/server/dist/main.js)
// in its own process with NODE_ENV=production, on an empty Postgres database of its own, with
// email through a real SMTP server. What it prints is kept (the setup link is read from it).
import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { eventually } from '../packages/server/test/helpers.js'
import { freePort, jsonLines } from '../packages/server/test/processes.js'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const main = path.join(root, 'packages/server/dist/main.js')

export interface ProductionServer {
  url: string
  child: ChildProcess
  /** Everything it printed, stdout and stderr. */
  output(): string
  /** The one-time setup link: in production a JSON line of its own on stdout, `{ "msg": …, "setupUrl": … }`. */
  setupLink(): Promise<string>
  /** Everything printed, each line parsed as JSON (production prints nothing else); throws on a line that is not. */
  jsonLines(): Record<string, unknown>[]
  stop(): Promise<void>
}

/** Starts `node packages/server/dist/main.js` in production and waits until /readyz says ready. */
export async function startProduction(env: Record<string, string>): Promise<ProductionServer> {
  if (!fs.existsSync(main)) throw new Error('packages/server/dist/main.js is missing: run `npm run build` first')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let out = ''
  const child = spawn(process.execPath, [main], {
    cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-prod-')),
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      SECRET: crypto.randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let gone = false
  void exited.then(() => (gone = true))
  await eventually(
    async () => {
      if (gone) throw new Error(`the server exited:\n${out}`)
      return (await fetch(`${url}/readyz`).catch(() => null))?.ok ?? false
    },
    60_000,
    'the production server to be ready',
  )
  return {
    url,
    child,
    output: () => out,
    setupLink: () => eventually(() => jsonLines(out).find((l) => typeof l['setupUrl'] === 'string')?.['setupUrl'], 10_000, 'the setup link in the output') as Promise<string>,
    jsonLines: () => jsonLines(out),
    async stop() {
      if (gone) return
      child.kill('SIGTERM')
      await exited
    },
  }
}
