// The contract's edges as a client sees them (issue 16), through the real server: a NUL anywhere
// in a body or query string, text lengths in code points (server, published schema and SDK alike),
// bodies that are not JSON, and the errors answered before Express (engine.io's, Node's 431).
import net from 'node:net'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveChatClient } from '@live-chat/sdk'
import { ERROR_CODES, LIMITS, type ErrorCode } from '@live-chat/protocol'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { ContractChecker } from '../openapi/validator.js'

let s: TestServer
let site: SiteFixture
let admin: AgentFixture
let conv: string
let contract: ContractChecker

beforeAll(async () => {
  s = await startServer()
  site = await s.fx.site()
  admin = await s.fx.agent(site.id, { role: 'admin', capacity: 0 })
  const session = await s.fx.visitorSession(site.id)
  const started = await s.services.conversations.start(
    { kind: 'visitor', siteId: site.id, visitorId: session.visitor.id },
    { clientKey: 'edges-0001', message: { clientId: 'edges-0001', text: 'hello' } },
  )
  conv = started.conversation.id
  contract = new ContractChecker((await request(s.url).get('/api/openapi.json')).body)
})
afterAll(() => s.close())

const agent = (req: request.Test) => req.set('Authorization', `Bearer ${admin.token}`)
const sitePath = (rest: string) => `/api/sites/${site.id}${rest}`

function expectError(res: { status: number; headers: Record<string, unknown>; body: unknown }, code: ErrorCode): void {
  expect({ status: res.status, type: res.headers['content-type'], body: res.body }).toEqual({
    status: ERROR_CODES[code],
    type: expect.stringMatching(/^application\/json/),
    body: { error: expect.objectContaining({ code, message: expect.stringMatching(/\S/) }) },
  })
}

describe('a NUL character anywhere in a body or a query string', () => {
  // JSON.stringify writes the NUL as \u0000, which JSON.parse turns back into the character.
  const BODIES: [string, string, () => string, object][] = [
    ['POST visitor-sessions', 'a key the schema does not know', () => sitePath('/visitor-sessions'), { '\u0000': 1 }],
    ['POST visitor-sessions', 'a key inside a nested object', () => sitePath('/visitor-sessions'), { page: { url: 'https://a.example/', 'x\u0000': 'y' } }],
    ['POST conversations/:id/messages', 'an extra key', () => sitePath(`/conversations/${conv}/messages`), { clientId: 'edges-0002', text: 'hi', 'k\u0000': true }],
    ['PATCH conversations/:id', 'an extra key', () => sitePath(`/conversations/${conv}`), { priority: 'low', '\u0000': null }],
  ]
  for (const [route, what, path, body] of BODIES) {
    it(`when ${route} gets a NUL in ${what}, answers 400 invalid_payload and writes nothing`, async () => {
      const before = await s.db.inSite(site.id, async (tx) => ({ visitors: await tx.visitor.count(), messages: await tx.message.count() }))
      const method = route.startsWith('PATCH') ? 'patch' : 'post'
      const res = await agent(request(s.url)[method](path())).send(body)
      expectError(res, 'invalid_payload')
      expect((res.body as { error: { message: string } }).error.message).toMatch(/NUL/)
      expect(await s.db.inSite(site.id, async (tx) => ({ visitors: await tx.visitor.count(), messages: await tx.message.count() }))).toEqual(before)
    })
  }

  const QUERIES: [string, () => string][] = [
    ['GET conversations?q=', () => sitePath('/conversations?q=hello%00')],
    ['GET conversations?tag=', () => sitePath('/conversations?tag=vip%00')],
    ['GET conversations with an unknown parameter', () => sitePath('/conversations?other=%00')],
    ['GET conversations with a NUL in a parameter name', () => sitePath('/conversations?%00=1')],
    ['GET exports/conversations.csv?tag=', () => sitePath('/exports/conversations.csv?tag=%00')],
    ['GET canned-responses?q=', () => sitePath('/canned-responses?q=a%00')],
  ]
  for (const [what, path] of QUERIES) {
    it(`when ${what} holds a NUL, answers 400 invalid_payload`, async () => {
      expectError(await agent(request(s.url).get(path())), 'invalid_payload')
    })
  }

  it('without the NUL the same requests succeed', async () => {
    expect((await agent(request(s.url).get(sitePath('/conversations?q=hello&tag=vip&other=1')))).status).toBe(200)
    expect((await agent(request(s.url).patch(sitePath(`/conversations/${conv}`))).send({ priority: 'low', extra: null })).status).toBe(200)
  })
})

describe('text lengths count code points, on the server, in the published schema and in the SDK', () => {
  const EMOJI = '😀'
  const max = LIMITS.messageText
  const half = max / 2
  // [name, text, fits]: emoji are two UTF-16 units each, é one; the limit counts code points.
  const TEXTS: [string, string, boolean][] = [
    [`${max} emoji (${2 * max} UTF-16 units)`, EMOJI.repeat(max), true],
    [`${max + 1} emoji`, EMOJI.repeat(max + 1), false],
    [`${half} emoji and ${half} BMP characters`, EMOJI.repeat(half) + 'é'.repeat(half), true],
    [`${half} emoji and ${half + 1} BMP characters`, 'é'.repeat(half + 1) + EMOJI.repeat(half), false],
    [`${max - 1} ASCII characters and an emoji last`, 'a'.repeat(max - 1) + EMOJI, true],
  ]
  let n = 0
  for (const [name, text, fits] of TEXTS) {
    it(`POST messages with ${name}: ${fits ? 'stored whole' : '400 invalid_payload'}, as the OpenAPI document says`, async () => {
      const body = { clientId: `edges-len-${++n}`, text }
      const res = await agent(request(s.url).post(sitePath(`/conversations/${conv}/messages`))).send(body)
      if (fits) expect({ status: res.status, text: (res.body as { text: string }).text === text }).toEqual({ status: 201, text: true })
      else expectError(res, 'invalid_payload')
      const problems = contract.requestProblems('post', '/api/sites/:siteId/conversations/:id/messages', body)
      expect(problems, 'the published schema agrees').toEqual(fits ? null : expect.stringMatching(/text.*must NOT have more than 10000 characters/))
    })
  }

  it('the SDK sends what the server accepts and refuses (without sending) what it refuses', async () => {
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    try {
      const { conversation } = await visitor.startConversation({ message: 'hi' })
      const sent = await visitor.send(conversation.id, EMOJI.repeat(max))
      expect(sent.text).toBe(EMOJI.repeat(max))
      await expect(visitor.send(conversation.id, EMOJI.repeat(max + 1))).rejects.toMatchObject({ code: 'invalid_payload' })
      // A page title cut to 300 code points keeps its last emoji whole (a cut pair cannot be stored).
      const title = 'a'.repeat(LIMITS.title - 1) + EMOJI.repeat(5)
      await visitor.visitPage('https://a.example/page', title)
      const stored = await s.db.inSite(site.id, (tx) => tx.visitor.findFirstOrThrow({ where: { conversations: { some: { id: conversation.id } } } }))
      expect(stored.currentTitle).toBe('a'.repeat(LIMITS.title - 1) + EMOJI)
    } finally {
      visitor.disconnect()
    }
  })
})

describe('request bodies must be JSON', () => {
  const NOT_JSON: [string, string, string][] = [
    ['text/plain', 'text/plain', '{"token":"x"}'],
    ['urlencoded', 'application/x-www-form-urlencoded', 'token=x'],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="token"\r\n\r\nx\r\n--x--\r\n'],
  ]
  for (const [name, type, body] of NOT_JSON) {
    it(`when POST visitor-sessions gets a ${name} body, answers 415 unsupported_type and makes no visitor`, async () => {
      const before = await s.db.inSite(site.id, (tx) => tx.visitor.count())
      expectError(await request(s.url).post(sitePath('/visitor-sessions')).set('Content-Type', type).send(body), 'unsupported_type')
      expect(await s.db.inSite(site.id, (tx) => tx.visitor.count())).toBe(before)
    })
  }

  it('every other JSON route answers the same (a PATCH and an agent POST)', async () => {
    expectError(await agent(request(s.url).patch(sitePath(`/conversations/${conv}`))).set('Content-Type', 'text/plain').send('{"priority":"low"}'), 'unsupported_type')
    expectError(await agent(request(s.url).post(sitePath(`/conversations/${conv}/messages`))).type('form').send('clientId=edges-form-1&text=hi'), 'unsupported_type')
  })

  it('no body at all, or an empty one of any type, means no fields ({}): a new visitor session', async () => {
    for (const req of [request(s.url).post(sitePath('/visitor-sessions')), request(s.url).post(sitePath('/visitor-sessions')).set('Content-Type', 'text/plain').send('')]) {
      const res = await req
      expect({ status: res.status, token: typeof (res.body as { token?: unknown }).token }).toEqual({ status: 201, token: 'string' })
    }
  })

  it('the OpenAPI document lists 415 on routes with a JSON body, and a body as optional only where {} is valid', async () => {
    const doc = (await request(s.url).get('/api/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { required: boolean }; responses: Record<string, unknown> }>> }
    const sessions = doc.paths['/api/sites/{siteId}/visitor-sessions']!['post']!
    const patch = doc.paths['/api/sites/{siteId}/conversations/{id}']!['patch']!
    expect({ sessions: [sessions.requestBody?.required, '415' in sessions.responses], patch: [patch.requestBody?.required, '415' in patch.responses] }).toEqual({
      sessions: [false, true],
      patch: [true, true],
    })
  })
})

/** Sends `raw` on a fresh TCP connection and resolves with all the server answers before it closes. */
function rawHttp(raw: string): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const { port } = new URL(s.url)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(raw))
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const [head = '', body = ''] = text.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      let parsed: unknown = body
      try {
        parsed = JSON.parse(body)
      } catch {
        // left as text: the assertion shows it
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: parsed })
    })
  })
}

describe('errors answered before Express are in the documented shape', () => {
  it("engine.io's 400 for an unknown transport", async () => {
    expectError(await request(s.url).get('/socket.io/?EIO=4&transport=bogus'), 'invalid_payload')
    const res = await request(s.url).get('/socket.io/?EIO=4&transport=bogus')
    expect((res.body as { error: { message: string } }).error.message).toBe('Transport unknown')
  })

  it("engine.io's 400 for an unknown session id and a bad handshake method", async () => {
    expectError(await request(s.url).get('/socket.io/?EIO=4&transport=polling&sid=nope'), 'invalid_payload')
    expectError(await request(s.url).put('/socket.io/?EIO=4&transport=polling').send('x'), 'invalid_payload')
  })

  it('a WebSocket upgrade that engine.io refuses', async () => {
    const res = await rawHttp(
      'GET /socket.io/?EIO=4&transport=bogus HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    )
    expectError(res, 'invalid_payload')
  })

  it("Node's 431 for headers over its limit, and 400 for a request it cannot parse", async () => {
    expectError(await rawHttp(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`), 'headers_too_large')
    expectError(await rawHttp('NOT HTTP AT ALL\r\n\r\n'), 'invalid_payload')
  })

  it('after all of it, the server still answers and a Socket.io handshake still works', async () => {
    expect((await request(s.url).get('/healthz')).status).toBe(200)
    const res = await request(s.url).get('/socket.io/?EIO=4&transport=polling')
    expect({ status: res.status, open: res.text.startsWith('0{') }).toEqual({ status: 200, open: true })
  })
})
