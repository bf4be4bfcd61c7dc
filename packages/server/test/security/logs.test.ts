// What the server writes to its log while people sign in, chat and call the API: access lines
// with method, url, status, response time, request id and address (no headers, no body), and
// no password, token, cookie or secret anywhere, even at the most verbose level and even when a
// client puts a token in a query string.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/shared/logger.js'
import { connectRaw, rawSocket, SECRET, startServer, type TestServer } from '../helpers.js'

let s: TestServer
const written: string[] = []
beforeAll(async () => {
  s = await startServer({ logger: createLogger('trace', { write: (line: string) => void written.push(line) }) })
})
afterAll(async () => {
  await s?.close()
})

const records = () => written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>)
const accessLine = (url: string) => records().find((r) => r['req']?.url === url && r['res'])

describe('the log', () => {
  it('has one access line per request without headers, with query values redacted, and never a credential', async () => {
    const site = await s.fx.site()
    const agent = await s.fx.agent(site.id)
    const login = await request(s.url).post('/api/auth/login').send({ email: agent.email, password: agent.password })
    expect(login.status, login.text).toBe(200)
    const wrongPassword = 'not-the-password-7f3a9c'
    expect((await request(s.url).post('/api/auth/login').send({ email: agent.email, password: wrongPassword })).status).toBe(401)

    const queryToken = 'query-token-5d0c1b7e9a'
    const cookie = 'session=cookie-secret-81b2e4'
    const listed = await request(s.url)
      .get(`/api/sites/${site.id}/conversations?token=${queryToken}&limit=5`)
      .set('authorization', `Bearer ${login.body.token}`)
      .set('cookie', cookie)
      .set('x-request-id', 'proxy-req-1234')
    expect(listed.status, listed.text).toBe(200)
    // The proxy's request id is kept and answered; a malformed one is replaced.
    expect(listed.headers['x-request-id']).toBe('proxy-req-1234')
    const me = await request(s.url).get('/api/auth/me').set('authorization', `Bearer ${agent.token}`).set('x-request-id', 'bad id\twith spaces')
    expect(me.status).toBe(200)
    expect(me.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)

    const session = await request(s.url).post(`/api/sites/${site.id}/visitor-sessions`).send({})
    expect(session.status, session.text).toBe(201)
    const socket = await connectRaw(rawSocket(s.url, '/visitor', { token: session.body.token }))
    socket.disconnect()
    expect((await request(s.url).post('/api/auth/login').send({ email: 'x', password: wrongPassword })).status).toBe(400)

    const line = accessLine(`/api/sites/${site.id}/conversations?token=[redacted]&limit=5`)
    expect(line, written.join('')).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'proxy-req-1234', method: 'GET', remoteAddress: expect.stringMatching(/127\.0\.0\.1$/) },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    })
    expect(Object.keys(line!['req']).sort()).toEqual(['id', 'method', 'remoteAddress', 'url'])
    expect(Object.keys(line!['res'])).toEqual(['statusCode'])
    expect(accessLine('/api/auth/me')).toMatchObject({ req: { id: me.headers['x-request-id'] }, res: { statusCode: 200 } })
    expect(accessLine('/api/auth/login')).toBeDefined()

    const all = written.join('')
    expect(all).not.toMatch(/"headers"|authorization|user-agent/i)
    for (const secret of [agent.password, wrongPassword, agent.token, login.body.token, queryToken, 'cookie-secret-81b2e4', session.body.token, site.identitySecret, SECRET]) {
      expect(all, `the log holds ${secret}`).not.toContain(secret)
    }
  })
})
