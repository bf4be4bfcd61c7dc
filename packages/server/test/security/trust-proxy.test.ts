// Behind a proxy (TRUST_PROXY): a client's address is the one the proxy saw, from X-Forwarded-For,
// for agent sockets as for HTTP requests (Express's req.ip); without it, that header is ignored,
// so nobody can pick the address their actions are recorded with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { AGENT_NAMESPACE } from '@live-chat/protocol'
import { startServer, type TestServer } from '../helpers.js'

const FORWARDED = '203.0.113.7'

/** The address an agent socket's handshake was authenticated with, sent through a proxy that says `FORWARDED`. */
async function socketAddress(s: TestServer): Promise<string | undefined> {
  const site = await s.fx.site()
  const agent = await s.fx.agent(site.id)
  const agents = s.services.agents
  const authenticate = agents.authenticate.bind(agents)
  let seen: string | undefined
  agents.authenticate = (token, siteId, meta) => {
    seen = meta?.ip
    return authenticate(token, siteId, meta)
  }
  const socket = io(`${s.url}${AGENT_NAMESPACE}`, {
    auth: { token: agent.token, siteId: site.id },
    transports: ['websocket'],
    extraHeaders: { 'x-forwarded-for': FORWARDED },
    reconnection: false,
  })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve)
      socket.on('connect_error', reject)
    })
    return seen
  } finally {
    socket.disconnect()
    agents.authenticate = authenticate
  }
}

describe('client addresses', () => {
  let proxied: TestServer
  let direct: TestServer
  beforeAll(async () => {
    ;[proxied, direct] = await Promise.all([startServer({ trustProxy: true }), startServer()])
  })
  afterAll(async () => {
    await Promise.all([proxied?.close(), direct?.close()])
  })

  it('behind TRUST_PROXY, an agent socket is recorded with the address the proxy forwarded', async () => {
    expect(await socketAddress(proxied)).toBe(FORWARDED)
  })

  it('without it, X-Forwarded-For is ignored: the peer address counts', async () => {
    expect(await socketAddress(direct)).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
  })
})
