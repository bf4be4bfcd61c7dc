// Bad input on every socket command and every REST route with a body, a query or an id:
// each gets a clear error ({ code, message }, the right status), nothing is half-written, and
// the server keeps serving.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { ERROR_CODES, type ErrorCode } from '@live-chat/protocol'
import { ask, connectRaw, rawSocket, startServer, waitFor, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'

let s: TestServer
let site: SiteFixture
let admin: AgentFixture
let visitor: { id: string; token: string }
let conv: string
let canned: string
let visitorSocket: Socket
let agentSocket: Socket
const opened: Socket[] = []

const connect = async (ns: '/visitor' | '/agent', auth: Record<string, unknown>) => {
  const socket = rawSocket(s.url, ns, auth)
  opened.push(socket)
  return connectRaw(socket)
}

beforeAll(async () => {
  s = await startServer()
  site = await s.fx.site()
  // Capacity 0: routing never assigns, so nothing but the test writes to the conversation.
  admin = await s.fx.agent(site.id, { role: 'admin', capacity: 0 })
  const session = await s.fx.visitorSession(site.id)
  visitor = { id: session.visitor.id, token: session.token }
  const started = await s.services.conversations.start(
    { kind: 'visitor', siteId: site.id, visitorId: visitor.id },
    { clientKey: 'bad-input-0001', message: { clientId: 'bad-input-0001', text: 'hello' } },
  )
  conv = started.conversation.id
  const actor = await s.services.agents.authenticate(admin.token, site.id)
  canned = (await s.services.cannedResponses.create(actor, { title: 'Hello', shortcut: 'hello', content: 'Hello there' })).id
  visitorSocket = await connect('/visitor', { token: visitor.token })
  agentSocket = await connect('/agent', { token: admin.token, siteId: site.id })
})
afterAll(async () => {
  for (const socket of opened) socket.close()
  await s.close()
})

const LONG_TEXT = 'x'.repeat(10_001)
const CID = 'client-0001'
const nest = (depth: number, wrap: (v: unknown) => unknown) => Array.from({ length: depth }).reduce<unknown>((v) => wrap(v), 'junk')

// ------------------------------------------------------------------ socket commands

interface Case {
  name: string
  args: () => unknown[]
}
const p = (name: string, payload: () => unknown): Case => ({ name, args: () => [payload()] })

const GENERIC: Case[] = [
  { name: 'no payload at all', args: () => [] },
  p('null', () => null), p('a number', () => 42), p('a string', () => 'conversation'), p('a boolean', () => true),
  p('an array', () => [conv, 1, { conversationId: conv }]), p('binary data', () => Buffer.from('binary junk')),
  p('deeply nested arrays', () => nest(200, (v) => [v])),
  p('deeply nested objects', () => nest(200, (v) => ({ conversationId: v, status: 'x', url: 1, name: [] }))),
]

const ref = (extra: object = {}) => ({ conversationId: conv, ...extra })
const idCases = (valid: () => object): Case[] => [
  p('a non-UUID conversationId', () => ({ ...valid(), conversationId: 'conversation-1' })),
  p('a conversationId of the wrong type', () => ({ ...valid(), conversationId: 42 })),
  p('no conversationId', () => ({ ...valid(), conversationId: undefined })),
]
const send = (extra: object = {}) => ref({ clientId: CID, text: 'hi', ...extra })
const sendCases: Case[] = [
  ...idCases(send),
  p('no clientId', () => send({ clientId: undefined })), p('a clientId with bad characters', () => send({ clientId: "bad id'; DROP TABLE x;--" })),
  p('a too short clientId', () => send({ clientId: 'abc' })), p('a too long clientId', () => send({ clientId: 'x'.repeat(65) })),
  p('no text', () => send({ text: undefined })), p('text of the wrong type', () => send({ text: { html: '<b>hi</b>' } })),
  p('blank text', () => send({ text: '   ' })), p('over-long text (10,001 characters)', () => send({ text: LONG_TEXT })),
  p('an empty attachment list and no text', () => send({ text: undefined, attachments: [] })),
  p('attachments that are not a list', () => send({ attachments: 'file' })), p('a non-UUID attachment', () => send({ attachments: ['file-1'] })),
  p('11 attachments', () => send({ attachments: Array.from({ length: 11 }, () => crypto.randomUUID()) })),
]
const syncCases: Case[] = [
  ...idCases(() => ref({ afterSeq: 0 })),
  p('no afterSeq', () => ref()), p('a negative afterSeq', () => ref({ afterSeq: -1 })), p('a fractional afterSeq', () => ref({ afterSeq: 1.5 })),
  p('an afterSeq of the wrong type', () => ref({ afterSeq: '0' })), p('a limit of 0', () => ref({ afterSeq: 0, limit: 0 })),
  p('a limit over 200', () => ref({ afterSeq: 0, limit: 201 })),
]
const typingCases: Case[] = [...idCases(() => ref({ typing: true })), p('no typing flag', () => ref()), p('a typing flag of the wrong type', () => ref({ typing: 'yes' }))]
const markCases: Case[] = [
  ...idCases(() => ref({ seq: 1 })),
  p('no seq', () => ref()), p('a negative seq', () => ref({ seq: -1 })), p('a seq of the wrong type', () => ref({ seq: 'last' })),
  p('an unsafe integer seq', () => ref({ seq: 1e20 })),
]
const refCases: Case[] = [...idCases(() => ref()), p('an empty object', () => ({}))]

const VISITOR: Record<string, Case[]> = {
  'conversation:start': [
    p('an empty object', () => ({})), p('a clientKey of the wrong type', () => ({ clientKey: 42 })),
    p('a clientKey with bad characters', () => ({ clientKey: 'bad key with spaces' })), p('a too short clientKey', () => ({ clientKey: 'short' })),
    p('a first message with over-long text', () => ({ clientKey: 'start-0001', message: { clientId: CID, text: LONG_TEXT } })),
    p('a first message with a bad clientId', () => ({ clientKey: 'start-0001', message: { clientId: 'a b', text: 'hi' } })),
    p('a first message with blank text', () => ({ clientKey: 'start-0001', message: { clientId: CID, text: ' ' } })),
    p('a first message with neither text nor attachments', () => ({ clientKey: 'start-0001', message: { clientId: CID } })),
    p('a first message with a non-UUID attachment', () => ({ clientKey: 'start-0001', message: { clientId: CID, attachments: ['file-1'] } })),
    p('an offline flag of the wrong type', () => ({ clientKey: 'start-0001', offline: 'yes' })),
    p('an invalid email', () => ({ clientKey: 'start-0001', fields: { email: 'not-an-email' } })),
    p('a nested custom field', () => ({ clientKey: 'start-0001', fields: { custom: { plan: { nested: true } } } })),
  ],
  'message:send': sendCases,
  'messages:sync': syncCases,
  'typing:set': typingCases,
  'conversation:delivered': markCases,
  'conversation:read': markCases,
  'conversation:close': refCases,
  'conversation:rate': [
    ...idCases(() => ref({ rating: 5 })),
    p('no rating', () => ref()), p('a rating of 0', () => ref({ rating: 0 })), p('a rating of 6', () => ref({ rating: 6 })),
    p('a fractional rating', () => ref({ rating: 4.5 })), p('a rating of the wrong type', () => ref({ rating: 'five' })),
    p('over-long feedback', () => ref({ rating: 5, feedback: 'x'.repeat(2_001) })),
  ],
  'visitor:page': [
    p('an empty object', () => ({})), p('a url of the wrong type', () => ({ url: 42 })),
    p('an over-long url', () => ({ url: `https://a.example/${'x'.repeat(2_048)}` })),
    p('an over-long title', () => ({ url: 'https://a.example/', title: 'x'.repeat(301) })),
  ],
  'visitor:update': [
    p('a name of the wrong type', () => ({ name: 42 })), p('an over-long name', () => ({ name: 'x'.repeat(201) })),
    p('an invalid email', () => ({ email: 'not-an-email' })), p('an over-long phone', () => ({ phone: '1'.repeat(51) })),
    p('a nested custom field', () => ({ custom: { plan: { nested: true } } })),
    p('51 custom fields', () => ({ custom: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, i])) })),
  ],
}

const AGENT: Record<string, Case[]> = {
  'message:send': [...sendCases, p('a private flag of the wrong type', () => send({ private: 'yes' }))],
  'messages:sync': syncCases,
  'typing:set': typingCases,
  'conversation:delivered': markCases,
  'conversation:read': markCases,
  'conversation:assign': [
    ...idCases(() => ref({ agentId: admin.id })),
    p('no agentId', () => ref()), p('a non-UUID agentId', () => ref({ agentId: 'nobody' })),
    p('an agentId of the wrong type', () => ref({ agentId: 42 })),
  ],
  'conversation:resolve': refCases,
  'conversation:reopen': refCases,
  'conversation:update': [
    ...idCases(() => ref({ priority: 'low' })),
    p('nothing to update', () => ref()), p('an unknown priority', () => ref({ priority: 'critical' })),
    p('tags that are not a list', () => ref({ tags: 'vip' })), p('21 tags', () => ref({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })),
    p('an over-long tag', () => ref({ tags: ['x'.repeat(51)] })), p('an over-long subject', () => ref({ subject: 'x'.repeat(301) })),
  ],
  'agent:status': [p('an empty object', () => ({})), p('an unknown status', () => ({ status: 'sleeping' })), p('a status of the wrong type', () => ({ status: 1 }))],
  'presence:list': [],
  'auth:renew': [
    p('no token', () => ({})), p('a token of the wrong type', () => ({ token: 42 })), p('an empty token', () => ({ token: '' })),
    p('an over-long token', () => ({ token: 'x'.repeat(4_097) })),
  ],
}

// presence:list takes no input: no payload at all, or any object (unknown keys dropped), is fine.
// presence:list takes no input, so no payload and unknown keys are fine there.
const LENIENT: Record<string, string[]> = {
  'presence:list': ['no payload at all', 'deeply nested objects'],
}
const acceptsNothing = (event: string, c: Case) => LENIENT[event]?.includes(c.name) ?? false

const invalid = {
  ok: false,
  error: {
    code: 'invalid_payload',
    message: expect.stringMatching(/\S/),
    details: expect.arrayContaining([{ path: expect.any(String), message: expect.stringMatching(/\S/) }]),
  },
}

const namespaces = [
  { ns: '/visitor', commands: VISITOR, socket: () => visitorSocket },
  { ns: '/agent', commands: AGENT, socket: () => agentSocket },
] as const

for (const { ns, commands, socket } of namespaces) {
  describe(`${ns} commands with bad payloads`, () => {
    for (const [event, specific] of Object.entries(commands)) {
      for (const c of [...GENERIC, ...specific].filter((c) => !acceptsNothing(event, c))) {
        it(`when ${event} gets ${c.name}, acks invalid_payload with a message`, async () => {
          expect(await ask(socket(), event, ...c.args())).toEqual(invalid)
        })
      }

      it(`when ${event} arrives without an ack, or with only an ack, nothing breaks`, async () => {
        for (const c of [...GENERIC, ...specific]) socket().emit(event, ...c.args())
        const onlyAck = await ask<{ ok: boolean }>(socket(), event)
        expect(onlyAck).toEqual(event === 'presence:list' ? { ok: true, data: expect.anything() } : invalid)
        // Extra arguments before the ack are ignored; the first one is the payload.
        expect(await ask(socket(), event, 'junk', { conversationId: conv }, 42)).toEqual(invalid)
        expect(socket().connected).toBe(true)
        expect(await ask(socket(), 'messages:sync', { conversationId: conv, afterSeq: 0 })).toMatchObject({ ok: true })
      })
    }

    it('when an unknown event arrives, with or without an ack, the socket stays connected; an ack says not_found at once', async () => {
      socket().emit('admin:drop-tables', { all: true })
      socket().emit('__proto__', { polluted: true }, () => undefined)
      socket().emit('constructor')
      socket().emit('error', { boom: true })
      socket().emit('error', new Error('x'), () => undefined)
      for (const event of ['admin:drop-tables', 'constructor', 'error', 'message:send ', 'x'.repeat(500)]) {
        expect(await ask(socket(), event, { all: true })).toEqual({
          ok: false,
          error: { code: 'not_found', message: expect.stringMatching(/^No such command: "/) },
        })
      }
      expect(await ask(socket(), 'messages:sync', { conversationId: conv, afterSeq: 0 })).toMatchObject({ ok: true })
      expect(socket().connected).toBe(true)
    })
  })
}

// ------------------------------------------------------------------ REST

type Method = 'get' | 'post' | 'patch' | 'delete'
type Auth = 'agent' | 'visitor' | undefined
interface Input {
  body?: unknown
  raw?: string
  type?: string
}

function call(method: Method, path: string, auth: Auth, input: Input = {}): request.Test {
  let req = request(s.url)[method](path)
  if (auth) req = req.set('Authorization', `Bearer ${auth === 'agent' ? admin.token : visitor.token}`)
  if (input.raw !== undefined) return req.set('Content-Type', input.type ?? 'application/json').send(input.raw)
  return input.body === undefined ? req : req.send(input.body as object)
}

function expectError(res: request.Response, code: ErrorCode): void {
  expect({ status: res.status, type: res.headers['content-type'] as unknown, body: res.body as unknown }).toEqual({
    status: ERROR_CODES[code],
    type: expect.stringMatching(/^application\/json/),
    body: { error: expect.objectContaining({ code, message: expect.stringMatching(/\S/) }) },
  })
}

const BODY_JUNK: (Input & { name: string; code: ErrorCode })[] = [
  { name: 'invalid JSON', raw: '{"clientId": "abc", "text": ', code: 'invalid_payload' },
  { name: 'a JSON string', raw: '"just a string"', code: 'invalid_payload' },
  { name: 'a JSON array', body: [{ text: 'hi' }], code: 'invalid_payload' },
  { name: 'an unsupported charset', raw: '{}', type: 'application/json; charset=ebcdic', code: 'invalid_payload' },
  { name: 'a body over 100 kB', body: { text: 'x'.repeat(110_000) }, code: 'payload_too_large' },
]
const NOT_JSON: (Input & { name: string; code: ErrorCode })[] = [
  { name: 'a text/plain body', raw: 'clientId=abc&text=hi', type: 'text/plain', code: 'unsupported_type' },
  { name: 'a urlencoded body', raw: 'clientId=abc&text=hi', type: 'application/x-www-form-urlencoded', code: 'unsupported_type' },
]

interface BodyRoute {
  name: string
  method: Method
  path: () => string
  auth: Auth
  bad: [string, unknown][]
}

const sitePath = (rest: string) => () => `/api/sites/${site.id}${rest}`
const BODY_ROUTES: BodyRoute[] = [
  { name: 'POST visitor-sessions', method: 'post', path: sitePath('/visitor-sessions'), auth: undefined, bad: [
    ['a token of the wrong type', { token: 42 }], ['an over-long token', { token: 'x'.repeat(4_097) }],
    ['an identity without a hash', { identity: { userId: 'u-1' } }],
    ['an identity hash that is not hex', { identity: { userId: 'u-1', hash: 'z'.repeat(64) } }],
    ['an over-long page url', { page: { url: `https://a.example/${'x'.repeat(2_048)}` } }],
  ] },
  { name: 'POST auth/login', method: 'post', path: () => '/api/auth/login', auth: undefined, bad: [
    ['no password', { email: 'someone@example.test' }], ['an invalid email', { email: 'nope', password: 'secret' }],
    ['a password of the wrong type', { email: 'someone@example.test', password: 123 }],
    ['an over-long password', { email: 'someone@example.test', password: 'x'.repeat(1_025) }],
  ] },
  { name: 'PATCH conversations/:id', method: 'patch', path: () => `/api/sites/${site.id}/conversations/${conv}`, auth: 'agent', bad: [
    ['nothing to update', {}], ['an unknown priority', { priority: 'critical' }], ['tags that are not a list', { tags: 'vip' }],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }], ['an over-long tag', { tags: ['x'.repeat(51)] }],
    ['an over-long subject', { subject: 'x'.repeat(301) }],
  ] },
  { name: 'POST conversations/:id/assign', method: 'post', path: () => `/api/sites/${site.id}/conversations/${conv}/assign`, auth: 'agent', bad: [
    ['no agentId', {}], ['a non-UUID agentId', { agentId: 'nobody' }], ['an agentId of the wrong type', { agentId: 42 }],
  ] },
  { name: 'POST conversations/:id/messages', method: 'post', path: () => `/api/sites/${site.id}/conversations/${conv}/messages`, auth: 'agent', bad: [
    ['no text', { clientId: CID }], ['a clientId with bad characters', { clientId: 'bad id!', text: 'hi' }],
    ['blank text', { clientId: CID, text: '  ' }], ['text of the wrong type', { clientId: CID, text: ['hi'] }],
    ['over-long text (10,001 characters)', { clientId: CID, text: LONG_TEXT }],
    ['a private flag of the wrong type', { clientId: CID, text: 'hi', private: 'yes' }],
  ] },
  { name: 'POST canned-responses', method: 'post', path: sitePath('/canned-responses'), auth: 'agent', bad: [
    ['no title', { content: 'Hello' }], ['a shortcut with a leading slash', { title: 'Hi', content: 'Hello', shortcut: '/hi' }],
    ['over-long content', { title: 'Hi', content: 'x'.repeat(10_001) }], ['tags that are not a list', { title: 'Hi', content: 'Hello', tags: 'x' }],
    ['an isPersonal flag of the wrong type', { title: 'Hi', content: 'Hello', isPersonal: 'yes' }],
  ] },
  { name: 'PATCH canned-responses/:id', method: 'patch', path: () => `/api/sites/${site.id}/canned-responses/${canned}`, auth: 'agent', bad: [
    ['nothing to update', {}], ['an uppercase shortcut', { shortcut: 'HELLO' }], ['a blank title', { title: '   ' }],
    ['over-long content', { content: 'x'.repeat(10_001) }],
  ] },
  { name: 'POST agents', method: 'post', path: sitePath('/agents'), auth: 'agent', bad: [
    ['no email', { name: 'New' }], ['an invalid email', { email: 'nope', name: 'New', password: 'long enough' }],
    ['a short password', { email: 'new@example.test', name: 'New', password: 'short' }],
    ['an unknown role', { email: 'new@example.test', name: 'New', password: 'long enough', role: 'owner' }],
    ['a capacity over 100', { email: 'new@example.test', name: 'New', password: 'long enough', maxConcurrentChats: 101 }],
    ['a blank name', { email: 'new@example.test', name: ' ', password: 'long enough' }],
  ] },
  { name: 'PATCH agents/:agentId', method: 'patch', path: () => `/api/sites/${site.id}/agents/${admin.id}`, auth: 'agent', bad: [
    ['nothing to update', {}], ['an unknown status', { status: 'sleeping' }], ['an unknown role', { role: 'owner' }],
    ['a negative capacity', { maxConcurrentChats: -1 }], ['an over-long display name', { displayName: 'x'.repeat(201) }],
  ] },
  { name: 'PATCH settings', method: 'patch', path: sitePath('/settings'), auth: 'agent', bad: [
    ['nothing to update', {}], ['an origin with a path', { allowedOrigins: ['https://a.example/path'] }],
    ['a colour that is not hex', { widget: { primaryColor: 'blue' } }], ['an unknown time zone', { widget: { timezone: 'Mars/Olympus_Mons' } }],
    ['a bad language tag', { widget: { language: 'english' } }], ['an over-long name', { name: 'x'.repeat(201) }],
  ] },
]

describe('REST bodies', () => {
  for (const r of BODY_ROUTES) {
    const cases = [...BODY_JUNK, ...NOT_JSON, ...r.bad.map(([name, body]) => ({ name, body, code: 'invalid_payload' as const }))]
    for (const c of cases) {
      it(`when ${r.name} gets ${c.name}, answers ${ERROR_CODES[c.code]} ${c.code}`, async () => {
        expectError(await call(r.method, r.path(), r.auth, c), c.code)
      })
    }
  }
})

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const PAGE_QUERIES = ['after=abc', 'after=-1', 'before=0', 'limit=0', 'limit=201', 'limit=abc', 'after=1&before=2', 'after=1&after=2']
const QUERY_ROUTES: { name: string; path: (q: string) => string; auth: Auth; bad: string[] }[] = [
  { name: 'GET visitor/conversations/:id/messages', path: (q) => `/api/visitor/conversations/${conv}/messages?${q}`, auth: 'visitor', bad: PAGE_QUERIES },
  { name: 'GET conversations/:id/messages', path: (q) => `/api/sites/${site.id}/conversations/${conv}/messages?${q}`, auth: 'agent', bad: PAGE_QUERIES },
  { name: 'GET conversations', path: (q) => `/api/sites/${site.id}/conversations?${q}`, auth: 'agent', bad: [
    'limit=abc', 'limit=-1', 'limit=0', 'limit=101', 'limit=1.5', 'limit=1&limit=2', 'status=bogus', 'status=active,bogus',
    'mine=yes', 'unassigned=maybe', 'offline=maybe', 'agentId=nobody', 'priority=critical', `q=${'x'.repeat(201)}`, `tag=${'x'.repeat(51)}`,
    'cursor=garbage', `cursor=${b64(['not a date', 'x'])}`, `cursor=${b64({ at: 1 })}`, `cursor=${'x'.repeat(501)}`,
  ] },
  { name: 'GET canned-responses', path: (q) => `/api/sites/${site.id}/canned-responses?${q}`, auth: 'agent', bad: [`q=${'x'.repeat(101)}`, `category=${'x'.repeat(101)}`, 'q=a&q=b'] },
]

describe('REST query strings', () => {
  for (const r of QUERY_ROUTES) {
    for (const q of r.bad) {
      it(`when ${r.name} gets ?${q.length > 40 ? `${q.slice(0, 30)}… (${q.length} chars)` : q}, answers 400 invalid_payload`, async () => {
        expectError(await call('get', r.path(q), r.auth), 'invalid_payload')
      })
    }
  }
})

const PATH_ROUTES: { name: string; method: Method; path: (id: string) => string; auth: Auth; body?: object }[] = [
  { name: 'GET sites/:siteId/widget', method: 'get', path: (id) => `/api/sites/${id}/widget`, auth: undefined },
  { name: 'POST sites/:siteId/visitor-sessions', method: 'post', path: (id) => `/api/sites/${id}/visitor-sessions`, auth: undefined, body: {} },
  { name: 'GET visitor/conversations/:id/messages', method: 'get', path: (id) => `/api/visitor/conversations/${id}/messages`, auth: 'visitor' },
  { name: 'GET conversations/:id', method: 'get', path: (id) => `/api/sites/${site.id}/conversations/${id}`, auth: 'agent' },
  { name: 'PATCH conversations/:id', method: 'patch', path: (id) => `/api/sites/${site.id}/conversations/${id}`, auth: 'agent', body: { priority: 'low' } },
  { name: 'POST conversations/:id/assign', method: 'post', path: (id) => `/api/sites/${site.id}/conversations/${id}/assign`, auth: 'agent', body: { agentId: null } },
  { name: 'POST conversations/:id/resolve', method: 'post', path: (id) => `/api/sites/${site.id}/conversations/${id}/resolve`, auth: 'agent' },
  { name: 'POST conversations/:id/reopen', method: 'post', path: (id) => `/api/sites/${site.id}/conversations/${id}/reopen`, auth: 'agent' },
  { name: 'GET conversations/:id/messages', method: 'get', path: (id) => `/api/sites/${site.id}/conversations/${id}/messages`, auth: 'agent' },
  { name: 'POST conversations/:id/messages', method: 'post', path: (id) => `/api/sites/${site.id}/conversations/${id}/messages`, auth: 'agent', body: { clientId: CID, text: 'hi' } },
  { name: 'PATCH canned-responses/:id', method: 'patch', path: (id) => `/api/sites/${site.id}/canned-responses/${id}`, auth: 'agent', body: { title: 'Hi' } },
  { name: 'DELETE canned-responses/:id', method: 'delete', path: (id) => `/api/sites/${site.id}/canned-responses/${id}`, auth: 'agent' },
  { name: 'POST canned-responses/:id/use', method: 'post', path: (id) => `/api/sites/${site.id}/canned-responses/${id}/use`, auth: 'agent' },
  { name: 'PATCH agents/:agentId', method: 'patch', path: (id) => `/api/sites/${site.id}/agents/${id}`, auth: 'agent', body: { title: 'Boss' } },
]
const BAD_IDS = [
  { name: 'a word', id: () => 'not-a-uuid' },
  { name: 'a UUID with an extra character', id: () => `${conv}0` },
  { name: 'an SQL fragment', id: () => encodeURIComponent("1' OR '1'='1") },
  { name: '36 dashes', id: () => '-'.repeat(36) },
]

describe('REST path ids', () => {
  for (const r of PATH_ROUTES) {
    for (const bad of BAD_IDS) {
      it(`when ${r.name} gets ${bad.name} as id, answers 400 invalid_payload`, async () => {
        expectError(await call(r.method, r.path(bad.id()), r.auth, { body: r.body }), 'invalid_payload')
      })
    }
  }

  // Agent routes check the membership first, so a siteId that is not a UUID may be refused as
  // forbidden rather than invalid; either is a clear answer, an internal error is not.
  const siteRoutes = [
    { name: 'GET conversations', method: 'get' as const, rest: '/conversations' },
    { name: 'GET agents', method: 'get' as const, rest: '/agents' },
    { name: 'PATCH settings', method: 'patch' as const, rest: '/settings', body: { name: 'x' } },
  ]
  for (const r of siteRoutes) {
    for (const bad of [...BAD_IDS, { name: '36 hex digits', id: () => 'f'.repeat(36) }]) {
      it(`when ${r.name} gets ${bad.name} as siteId, answers 400 invalid_payload or 403 forbidden`, async () => {
        const res = await call(r.method, `/api/sites/${bad.id()}${r.rest}`, 'agent', { body: r.body })
        expect([400, 403], `status ${res.status}: ${res.text}`).toContain(res.status)
        expectError(res, res.status === 400 ? 'invalid_payload' : 'forbidden')
      })
    }
  }
})

// ------------------------------------------------------------------ nothing half-written, still up

describe('after bad input', () => {
  const state = () =>
    s.db.inSite(site.id, async (tx) => ({
      conversations: await tx.conversation.findMany({ orderBy: { id: 'asc' } }),
      messages: await tx.message.count(),
      lastSeq: (await tx.conversation.findUniqueOrThrow({ where: { id: conv } })).lastSeq,
      canned: await tx.cannedResponse.findMany({ orderBy: { id: 'asc' } }),
      agents: await tx.agent.findMany({ orderBy: { id: 'asc' } }),
      visitors: await tx.visitor.findMany({ orderBy: { id: 'asc' }, omit: { lastSeenAt: true } }),
      settings: await tx.widgetSettings.findUnique({ where: { siteId: site.id } }),
    }))

  it('when a batch of bad sends arrives, nothing is half-written: message count and last_seq are unchanged', async () => {
    const before = await state()
    const sends: Promise<unknown>[] = []
    for (const { commands, socket } of namespaces) {
      for (const [event, specific] of Object.entries(commands)) {
        for (const c of [...GENERIC, ...specific].filter((c) => !acceptsNothing(event, c))) sends.push(ask(socket(), event, ...c.args()))
      }
    }
    for (const r of BODY_ROUTES.filter((r) => r.auth === 'agent')) {
      for (const [, body] of r.bad) sends.push(call(r.method, r.path(), r.auth, { body }).then((res) => res.status))
    }
    const results = await Promise.all(sends)
    expect(results.filter((x) => typeof x === 'object' && (x as { ok?: boolean }).ok !== false)).toEqual([])
    expect(results.filter((x) => typeof x === 'number' && x < 400)).toEqual([])
    const after = await state()
    expect({ messages: after.messages, lastSeq: after.lastSeq }).toEqual({ messages: before.messages, lastSeq: before.lastSeq })
    expect(after).toEqual(before)
  })

  it('when visitor:update or presence:list gets binary data, it is refused and changes nothing', async () => {
    const before = await state()
    expect(await ask(visitorSocket, 'visitor:update', Buffer.from('{"name":"Binary"}'))).toMatchObject(invalid)
    expect(await ask(agentSocket, 'presence:list', Buffer.from('junk'))).toMatchObject(invalid)
    expect(await state()).toEqual(before)
  })

  it('when a socket sends more than the transport accepts, only that socket is dropped', async () => {
    const big = await connect('/visitor', { token: visitor.token })
    const dropped = waitFor<string>((fn) => (big.on('disconnect', fn), () => big.off('disconnect', fn)), () => true, 5_000, 'disconnect')
    big.emit('message:send', send({ text: 'x'.repeat(1_100_000) }), () => undefined)
    await dropped
    expect(await ask(visitorSocket, 'messages:sync', { conversationId: conv, afterSeq: 0 })).toMatchObject({ ok: true })
  })

  it('when all of it is done, a normal flow still works and /healthz answers 200', async () => {
    const health = await request(s.url).get('/healthz')
    expect({ status: health.status, body: health.body as unknown }).toEqual({ status: 200, body: { ok: true } })
    const session = await request(s.url).post(`/api/sites/${site.id}/visitor-sessions`).send({})
    expect(session.status).toBe(201)
    const fresh = await connect('/visitor', { token: (session.body as { token: string }).token })
    const started = await ask<{ ok: boolean; data: { conversation: { id: string } } }>(fresh, 'conversation:start', { clientKey: 'after-bad-0001' })
    expect(started).toMatchObject({ ok: true })
    const sent = await ask(fresh, 'message:send', { conversationId: started.data.conversation.id, clientId: 'after-bad-0002', text: 'still works' })
    expect(sent).toMatchObject({ ok: true, data: { seq: 1, text: 'still works' } })
    const replied = await call('post', `/api/sites/${site.id}/conversations/${started.data.conversation.id}/messages`, 'agent', { body: { clientId: 'after-bad-0003', text: 'yes' } })
    expect(replied.status).toBe(201)
  })
})
