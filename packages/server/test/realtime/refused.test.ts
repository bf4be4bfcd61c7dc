// A handshake refused with a retryable error (the server busy: its database pool, a rate limit):
// socket.io does not try again after a refusal from the server's middleware, so the SDK does, with
// socket.io's backoff and jitter. Before, the client stayed offline until the page was shown again
// (found by bench/failover.mjs after a node was lost). A refusal that is not retryable is not tried.
import { LiveChatClient, type LiveChatError } from '@live-chat/sdk'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/errors.js'
import { eventually, serverPerFile } from '../helpers.js'

const file = serverPerFile()
const s = () => file.s

/** Refuses the next `n` visitor handshakes with `error`, then lets them through as before. */
function refuseVisitors(n: number, error: () => AppError): { refused: () => number; restore: () => void } {
  const visitors = s().services.visitors
  const real = visitors.authenticate.bind(visitors)
  let refused = 0
  visitors.authenticate = async (...args) => {
    if (refused < n) {
      refused++
      throw error()
    }
    return real(...args)
  }
  return { refused: () => refused, restore: () => void (visitors.authenticate = real) }
}

/** Drops every visitor socket's connection (as a lost server process does): the clients reconnect by themselves. */
function dropVisitorTransports() {
  for (const socket of s().app.io.of('/visitor').sockets.values()) socket.conn.close()
}

describe('a refused handshake', () => {
  it('retryable ("the database is unavailable; retry"): the SDK tries again with backoff and gets back in, and its message goes through', async () => {
    const site = await s().fx.site()
    const visitor = file.track(new LiveChatClient({ url: s().url, siteId: site.id, storage: 'memory', socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 400 } }))
    const { conversation } = await visitor.startConversation({ message: 'Hello' })
    await eventually(() => visitor.connected || null, 5_000, 'connected')
    const errors: LiveChatError[] = []
    visitor.on('error', (e) => errors.push(e))
    const busy = refuseVisitors(2, () => new AppError('unavailable', 'the database is unavailable; retry', undefined, true))
    try {
      dropVisitorTransports()
      await eventually(() => (busy.refused() === 2 ? true : null), 10_000, 'two refusals')
      await eventually(() => visitor.connected || null, 10_000, 'back in after the refusals')
    } finally {
      busy.restore()
    }
    expect(errors.map((e) => [e.code, e.retryable])).toEqual([
      ['unavailable', true],
      ['unavailable', true],
    ])
    const sent = await visitor.send(conversation.id, 'After the storm')
    expect(sent.seq).toBeGreaterThan(1)
  })

  it('not retryable (forbidden): no new try', async () => {
    const site = await s().fx.site()
    const visitor = file.track(new LiveChatClient({ url: s().url, siteId: site.id, storage: 'memory', socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 400 } }))
    await visitor.startConversation({ message: 'Hello' })
    await eventually(() => visitor.connected || null, 5_000, 'connected')
    const refusal = refuseVisitors(10, () => new AppError('forbidden', 'Chat is not available right now.'))
    try {
      dropVisitorTransports()
      await eventually(() => (refusal.refused() === 1 ? true : null), 10_000, 'the refusal')
      // socket.io's own retries would have come within its 400 ms cap; the SDK adds none.
      await new Promise((r) => setTimeout(r, 1_500))
      expect(refusal.refused()).toBe(1)
      expect(visitor.connected).toBe(false)
    } finally {
      refusal.restore()
    }
  })
})
