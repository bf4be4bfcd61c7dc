// SIGTERM while a send is stuck past the drain's bound (SHUTDOWN_TIMEOUT_MS): the process stops
// waiting, closes its clients' transports and the rest, and when the stuck send finally stores
// its message and announces it, the process still exits 0. Before, close() had quit Redis under
// that send, whose announcement (the Redis adapter's publish, not awaited inside the adapter)
// rejected with ClientClosedError: an unhandled rejection, exit 1 (found by bench/failover.mjs).
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Ack, Message } from '@live-chat/protocol'
import { connectRaw, eventually, rawSocket, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'

let fixtures: TestServer
let node: ServerProcess
beforeAll(async () => {
  ;[fixtures, node] = await Promise.all([startServer(), startProcess({ SHUTDOWN_TIMEOUT_MS: '300' })])
}, 120_000)
afterAll(async () => {
  await stopProcess(node)
  await fixtures?.close()
})

describe('a send stuck past the drain', () => {
  it('finishes and is stored once, and the process still exits 0 (its announcement no longer meets a closed Redis client)', async () => {
    const site = await fixtures.fx.site()
    const session = await fixtures.fx.visitorSession(site.id)
    const socket = await connectRaw(rawSocket(node.url, '/visitor', { token: session.token }))
    const started = (await socket.timeout(10_000).emitWithAck('conversation:start', { clientKey: crypto.randomUUID() })) as Ack<{ conversation: { id: string } }>
    if (!started.ok) throw new Error(started.error.message)
    const conversationId = started.data.conversation.id

    // Hold the conversation's row: the send waits for it inside the process.
    const owner = new pg.Client({ connectionString: inject('databaseUrl') })
    await owner.connect()
    try {
      await owner.query('BEGIN')
      await owner.query('SELECT 1 FROM mod_chat_conversations WHERE id = $1 FOR UPDATE', [conversationId])
      const clientId = crypto.randomUUID()
      socket.emit('message:send', { conversationId, clientId, text: 'stuck behind a lock' }, () => undefined)
      // (pg_stat_activity is read once per transaction unless its snapshot is cleared.)
      const waiting = async () => (await owner.query("SELECT pg_stat_clear_snapshot()"), (await owner.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%mod_chat_append_messages%'")).rowCount)
      await eventually(async () => ((await waiting()) ? true : null), 10_000, 'the send waiting for the row')

      node.child.kill('SIGTERM')
      // Past the 300 ms bound: close() has gone on to the transports, the listeners and Redis.
      await eventually(() => (node.output.join('').includes('in-flight work did not finish in time') ? true : null), 10_000, 'the drain giving up')
      await new Promise((r) => setTimeout(r, 1_000))
      expect(node.child.exitCode).toBe(null)
      await owner.query('COMMIT')

      expect(await node.exited, node.output.join('')).toBe(0)
      const rows = await owner.query('SELECT count(*)::int AS n FROM mod_chat_messages WHERE client_id = $1', [clientId])
      expect(rows.rows[0].n).toBe(1)
      expect(node.output.join('')).not.toMatch(/ClientClosedError|unhandled/i)
    } finally {
      await owner.query('ROLLBACK').catch(() => undefined)
      await owner.end()
      socket.disconnect()
    }
  })
})
