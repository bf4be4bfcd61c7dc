// The setup link as an operator meets it: the real server process (main.ts) on an empty
// database without the demo prints `<PUBLIC_URL>/dashboard/#setup/<token>` in its start banner
// (the structured log only says that it did), a new link on each start while setup is needed,
// and none once the workspace exists.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../global-setup.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'
import { expectError, PASSWORD } from './harness.js'

const PUBLIC = 'https://live.example.test'
let database: Awaited<ReturnType<typeof createTestDatabase>>
const started: ServerProcess[] = []
beforeAll(async () => {
  database = await createTestDatabase('live_chat_setup_link')
})
afterAll(async () => {
  await Promise.all(started.map((p) => stopProcess(p)))
  await database?.drop()
})

async function start(): Promise<{ p: ServerProcess; link: string | undefined }> {
  const p = await startProcess({ DATABASE_URL: database.url, PUBLIC_URL: PUBLIC, LOG_LEVEL: 'info', DEMO: 'false' })
  started.push(p)
  const output = p.output.join('')
  expect(output).toContain('Live Chat is running')
  const link = new RegExp(`${PUBLIC.replace(/\./g, '\\.')}/dashboard/#setup/(\\S+)`).exec(output)?.[1]
  // The structured log (JSON lines) never holds the token.
  const logLines = output.split('\n').filter((l) => l.startsWith('{'))
  expect(logLines.length).toBeGreaterThan(0)
  if (link) {
    expect(logLines.some((l) => l.includes('setup link was printed'))).toBe(true)
    expect(logLines.filter((l) => l.includes(link.split('.')[1]!))).toEqual([])
  }
  return { p, link }
}

describe('the setup link at start', () => {
  it('is printed on every start while setup is needed; any of them sets up once; then none is printed', async () => {
    const first = await start()
    expect(first.link).toEqual(expect.any(String))
    await stopProcess(first.p)
    const second = await start()
    expect(second.link).toEqual(expect.any(String))
    expect(second.link).not.toBe(first.link)
    // Both links stand until setup is done.
    for (const token of [first.link, second.link]) expect((await request(second.p.url).post('/api/setup/verify').send({ token })).status).toBe(204)

    const done = await request(second.p.url)
      .post('/api/setup')
      .send({ token: first.link, name: 'Olivia Owner', email: 'olivia@example.test', password: PASSWORD, agencyName: 'Olivia’s agency', siteName: 'Olivia’s shop', domains: ['shop.example'] })
    expect(done.status, done.text).toBe(201)
    expectError(await request(second.p.url).post('/api/setup/verify').send({ token: second.link }), 409, 'invalid_state')
    await stopProcess(second.p)

    const third = await start()
    expect(third.link).toBeUndefined()
    expect((await request(third.p.url).get('/api/setup')).body).toEqual({ needed: false })
  }, 180_000)
})
