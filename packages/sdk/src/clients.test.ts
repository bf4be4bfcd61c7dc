// Unit tests of the clients' REST-side rules with a stubbed fetch. Socket behaviour is covered by
// the integration tests against the real server (packages/server/test).
import type { VisitorSession, WidgetConfig } from '@live-chat/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AgentClient } from './agent-client.js'
import { MemoryStorage } from './storage.js'
import { LiveChatClient } from './visitor-client.js'

// Nothing listens there: sockets opened by these tests fail to connect and are closed.
const URL_BASE = 'http://127.0.0.1:9'
const SITE = '00000000-0000-4000-8000-000000000001'
const OTHER = '00000000-0000-4000-8000-000000000002'

const config = { siteId: SITE, online: true } as WidgetConfig
const session = (token: string, visitorId = 'v1'): VisitorSession => ({
  token,
  expiresAt: '2030-01-01T00:00:00.000Z',
  visitor: { id: visitorId, siteId: SITE, name: null, email: null, phone: null, company: null, verified: false, externalId: null, customData: {} },
})

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

/** A fetch stub answering by "METHOD path". */
function stubFetch(routes: Record<string, (body: unknown) => Response>) {
  return vi.fn(async (url: string, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${new URL(url).pathname}`
    const route = routes[key]
    if (!route) return json(404, { error: { code: 'not_found', message: key } })
    return route(typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body)
  })
}

const clients: { disconnect(): void }[] = []
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect()
})

function visitor(options: { storage: MemoryStorage; fetch: ReturnType<typeof stubFetch> }) {
  const client = new LiveChatClient({ url: URL_BASE, siteId: SITE, ...options })
  clients.push(client)
  return client
}

/**
 * A visitor whose token (`stored`) was kept by an earlier visit, after connect(): the server
 * gives it a session with the token `issued` (its socket never connects here).
 */
async function returningVisitor(stored = 't', issued = stored) {
  const storage = new MemoryStorage()
  storage.set(`visitor:${SITE}`, stored)
  const fetch = stubFetch({
    [`GET /api/sites/${SITE}/widget`]: () => json(200, config),
    [`POST /api/sites/${SITE}/visitor-sessions`]: () => json(201, session(issued)),
  })
  const client = visitor({ storage, fetch })
  await client.connect()
  return { client, storage, fetch }
}

describe('LiveChatClient', () => {
  it('connect() without a stored token loads the config, writes nothing and opens no socket', async () => {
    const storage = new MemoryStorage()
    const set = vi.spyOn(storage, 'set')
    const fetch = stubFetch({ [`GET /api/sites/${SITE}/widget`]: () => json(200, config) })
    const client = visitor({ storage, fetch })
    const ready = vi.fn()
    client.on('ready', ready)

    await client.connect()

    expect(fetch).toHaveBeenCalledOnce()
    expect(set).not.toHaveBeenCalled()
    expect(client.token).toBeNull()
    expect(client.online).toBe(true)
    expect(ready).toHaveBeenCalledWith({ config, visitor: null })
  })

  it('connect() with a stored token comes back as that visitor and stores the token the server returns', async () => {
    const { client, storage, fetch } = await returningVisitor('old-token', 'new-token')

    expect(fetch.mock.calls[1]![1]?.body).toContain('"token":"old-token"')
    expect(storage.get(`visitor:${SITE}`)).toBe('new-token')
    expect(client.token).toBe('new-token')
    expect(client.visitor?.id).toBe('v1')
  })

  it('connect() drops a stored token the server refuses for good and goes on without a session', async () => {
    const storage = new MemoryStorage()
    storage.set(`visitor:${SITE}`, 'forged')
    const fetch = stubFetch({
      [`GET /api/sites/${SITE}/widget`]: () => json(200, config),
      [`POST /api/sites/${SITE}/visitor-sessions`]: () => json(401, { error: { code: 'unauthorized', message: 'no' } }),
    })
    const client = visitor({ storage, fetch })
    await client.connect()
    expect(storage.get(`visitor:${SITE}`)).toBeNull()
    expect(client.token).toBeNull()
  })

  it('connect() keeps a stored token the server refuses as forbidden (a ban): acting asks with it again, and is refused', async () => {
    const storage = new MemoryStorage()
    storage.set(`visitor:${SITE}`, 'banned')
    const refused = { error: { code: 'forbidden', message: 'Chat is not available right now.' } }
    const fetch = stubFetch({
      [`GET /api/sites/${SITE}/widget`]: () => json(200, config),
      [`POST /api/sites/${SITE}/visitor-sessions`]: () => json(403, refused),
    })
    const client = visitor({ storage, fetch })
    await client.connect()
    expect(storage.get(`visitor:${SITE}`)).toBe('banned')
    expect(client.token).toBeNull()
    await expect(client.startConversation({ message: 'hi' })).rejects.toMatchObject({ code: 'forbidden', message: 'Chat is not available right now.' })
    expect(fetch.mock.calls.filter(([, init]) => init?.method === 'POST').map(([, init]) => JSON.parse(String(init?.body)).token)).toEqual(['banned', 'banned'])
  })

  it('identify() without a stored token makes a session in memory only', async () => {
    const storage = new MemoryStorage()
    const set = vi.spyOn(storage, 'set')
    const fetch = stubFetch({ [`POST /api/sites/${SITE}/visitor-sessions`]: () => json(201, session('id-token', 'v-user')) })
    const client = visitor({ storage, fetch })

    const profile = await client.identify({ userId: 'u1', hash: 'a'.repeat(64) })

    expect(profile.id).toBe('v-user')
    expect(JSON.parse(String(fetch.mock.calls[0]![1]?.body))).toMatchObject({ identity: { userId: 'u1' } })
    expect(client.token).toBe('id-token')
    expect(set).not.toHaveBeenCalled()
  })

  it('send() before there is a session rejects with invalid_state and queues nothing', async () => {
    const client = visitor({ storage: new MemoryStorage(), fetch: stubFetch({}) })
    await expect(client.send(SITE, 'hi')).rejects.toMatchObject({ code: 'invalid_state' })
    expect(client.pending).toBe(0)
  })

  it('send() refuses an empty text at once', async () => {
    const { client } = await returningVisitor()
    await expect(client.send(SITE, '   ')).rejects.toMatchObject({ code: 'invalid_payload' })
    expect(client.pending).toBe(0)
  })

  it('send() with attachments queues their ids with the message, so a retry after a reload sends them again', async () => {
    const { client, storage } = await returningVisitor()
    const file = { id: 'upload-1', url: '/uploads/upload-1/a.png', name: 'a.png', type: 'image/png', size: 1 }
    void client.send(SITE, '', { attachments: [file, 'upload-2'] }).catch(() => undefined) // queued: the socket never connects here
    expect(client.pendingMessages()[0]!.payload).toEqual({ conversationId: SITE, clientId: expect.any(String), attachments: ['upload-1', 'upload-2'] })
    const stored = JSON.parse(storage.get(`outbox:${SITE}`)!) as { payload: unknown }[]
    expect(stored[0]!.payload).toMatchObject({ attachments: ['upload-1', 'upload-2'] })
    await expect(client.send(SITE, '', {})).rejects.toMatchObject({ code: 'invalid_payload' })
    client.reset()
  })

  it('upload() refuses a file over the limit of the loaded config without asking the server', async () => {
    const fetch = stubFetch({ [`GET /api/sites/${SITE}/widget`]: () => json(200, { ...config, upload: { maxBytes: 2, types: ['text/plain'] } }) })
    const client = visitor({ storage: new MemoryStorage(), fetch })
    await client.connect()
    await expect(client.upload(new Blob(['abc']))).rejects.toMatchObject({ code: 'payload_too_large' })
    expect(fetch).toHaveBeenCalledOnce()
  })

  it('reset() forgets the stored token and rejects unsent messages with "aborted"', async () => {
    const { client, storage } = await returningVisitor()
    const sent = client.send(SITE, 'hello') // queued: the socket never connects here
    expect(client.pending).toBe(1)
    expect(storage.get(`outbox:${SITE}`)).not.toBeNull()

    client.reset()

    await expect(sent).rejects.toMatchObject({ code: 'aborted' })
    expect(storage.get(`visitor:${SITE}`)).toBeNull()
    expect(storage.get(`outbox:${SITE}`)).toBeNull()
    expect(client.token).toBeNull()
    expect(client.visitor).toBeNull()
  })

  it('conversations() without a session asks nothing and returns []', async () => {
    const fetch = stubFetch({})
    const client = visitor({ storage: new MemoryStorage(), fetch })
    await expect(client.conversations()).resolves.toEqual([])
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('AgentClient', () => {
  it('REST calls need a current site: before connect() or useSite() they reject with invalid_state', async () => {
    const client = new AgentClient({ url: URL_BASE, token: 't', fetch: stubFetch({}) })
    await expect(client.conversations.list()).rejects.toMatchObject({ code: 'invalid_state' })
    await expect(client.settings.get()).rejects.toMatchObject({ code: 'invalid_state' })
  })

  it('login() keeps the token and later calls use the current site', async () => {
    const fetch = stubFetch({
      'POST /api/auth/login': () => json(200, { token: 'agent-token', expiresAt: 'x', user: {}, sites: [] }),
      [`GET /api/sites/${SITE}/conversations`]: () => json(200, { items: [], nextCursor: null }),
    })
    const client = new AgentClient({ url: URL_BASE, fetch })
    await client.login('a@example.com', 'secret')
    expect(client.token).toBe('agent-token')

    client.useSite(SITE)
    await client.conversations.list({ status: ['pending', 'active'], mine: true })

    const [url, init] = fetch.mock.calls[1]!
    expect(url).toBe(`${URL_BASE}/api/sites/${SITE}/conversations?status=pending%2Cactive&mine=true`)
    expect(init?.headers).toMatchObject({ authorization: 'Bearer agent-token' })
  })

  it('upload() posts to the current site', async () => {
    const fetch = stubFetch({ [`POST /api/sites/${SITE}/uploads`]: () => json(201, { id: 'u1' }) })
    const client = new AgentClient({ url: URL_BASE, token: 't', fetch })
    await expect(client.upload(new Blob(['x']))).rejects.toMatchObject({ code: 'invalid_state' })
    client.useSite(SITE)
    await expect(client.upload(new Blob(['x']), { name: 'x.txt' })).resolves.toEqual({ id: 'u1' })
  })

  it('sub-clients go through the client: a socket action before connect() rejects with invalid_state, a site id overrides the current site', async () => {
    const fetch = stubFetch({ [`GET /api/sites/${OTHER}/settings`]: () => json(200, { name: 'Other' }) })
    const client = new AgentClient({ url: URL_BASE, token: 't', fetch })
    await expect(client.conversations.resolve('c1')).rejects.toMatchObject({ code: 'invalid_state' })
    await expect(client.settings.get(OTHER)).resolves.toEqual({ name: 'Other' })
    expect(fetch.mock.calls[0]![1]?.headers).toMatchObject({ authorization: 'Bearer t' })
  })

  it('connect() without a token rejects with unauthorized', async () => {
    const client = new AgentClient({ url: URL_BASE, fetch: stubFetch({}) })
    await expect(client.connect(SITE)).rejects.toMatchObject({ code: 'unauthorized' })
  })
})
