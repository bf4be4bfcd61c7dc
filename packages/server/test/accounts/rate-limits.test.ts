// The accounts' abuse limits (RATE_LIMIT_TOKENS, _FORGOT, _FORGOT_IP, _TWO_FACTOR), small here:
// the public secret-link endpoints per address, "forgot password" per email and per address, and
// two-factor codes (and password confirmations) per user. Past a limit even a right answer gets
// 429 rate_limited with retryAfter.
import { Secret, TOTP } from 'otpauth'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TwoFactorRequired, TwoFactorSetup } from '@live-chat/protocol'
import type { TestServer } from '../helpers.js'
import { bearer, expectError, PASSWORD, startAccountsServer, uniqueEmail, workspace } from './harness.js'

const LIMITS = {
  tokens: { points: 3, seconds: 600 },
  forgot: { points: 2, seconds: 3600 },
  forgotIp: { points: 5, seconds: 3600 },
  twoFactor: { points: 3, seconds: 900 },
}

let s: TestServer
beforeAll(async () => {
  s = await startAccountsServer({ rateLimits: LIMITS })
})
afterAll(() => s?.close())

function expectRateLimited(res: request.Response): void {
  expectError(res, 429, 'rate_limited')
  expect(res.body.error).toMatchObject({ retryable: true, retryAfter: expect.any(Number) })
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
}

const fakeLink = () => `${crypto.randomUUID()}.${'D'.repeat(43)}`

describe('accounts rate limits', () => {
  it('the public link endpoints share one allowance per address', async () => {
    expectError(await request(s.url).post('/api/invitations/lookup').send({ token: fakeLink() }), 404, 'not_found')
    expectError(await request(s.url).post('/api/auth/password/reset').send({ token: fakeLink(), password: 'long enough password' }), 404, 'not_found')
    expect((await request(s.url).post('/api/setup/verify').send({ token: fakeLink() })).status).toBeLessThan(429)
    for (const res of [
      await request(s.url).post('/api/invitations/lookup').send({ token: fakeLink() }),
      await request(s.url).post('/api/invitations/accept').send({ token: fakeLink(), name: 'N', password: 'long enough password' }),
      await request(s.url).post('/api/setup').send({ token: fakeLink(), name: 'N', email: 'n@example.test', password: 'long enough password', agencyName: 'A', siteName: 'S' }),
    ])
      expectRateLimited(res)
  })

  it('"forgot password" per email and per address, with the same answer otherwise', async () => {
    const email = uniqueEmail('forgetful')
    for (let i = 0; i < LIMITS.forgot.points; i++) expect((await request(s.url).post('/api/auth/password/forgot').send({ email })).status).toBe(202)
    expectRateLimited(await request(s.url).post('/api/auth/password/forgot').send({ email }))
    // Other emails from the same address, until the address's allowance is used up.
    const left = LIMITS.forgotIp.points - LIMITS.forgot.points - 1
    for (let i = 0; i < left; i++) expect((await request(s.url).post('/api/auth/password/forgot').send({ email: uniqueEmail('other') })).status).toBe(202)
    expectRateLimited(await request(s.url).post('/api/auth/password/forgot').send({ email: uniqueEmail('other') }))
  })

  it('two-factor codes per user: past the limit even the right code is refused; other users are not affected', async () => {
    const ws = await workspace(s)
    const other = await workspace(s)
    const setup = (await request(s.url).post('/api/auth/two-factor/setup').set(bearer(ws.owner.token))).body as TwoFactorSetup
    const secret = Secret.fromBase32(setup.secret)
    expect((await request(s.url).post('/api/auth/two-factor/enable').set(bearer(ws.owner.token)).send({ code: TOTP.generate({ secret }) })).status).toBe(200)
    const { challenge } = (await request(s.url).post('/api/auth/login').send({ email: ws.owner.email, password: PASSWORD })).body as TwoFactorRequired
    for (let i = 0; i < LIMITS.twoFactor.points; i++) expectError(await request(s.url).post('/api/auth/login/two-factor').send({ challenge, code: '000000' }), 401, 'unauthorized')
    const right = TOTP.generate({ secret, timestamp: Date.now() + 30_000 })
    expectRateLimited(await request(s.url).post('/api/auth/login/two-factor').send({ challenge, code: right }))
    // Password confirmations of the same user count too.
    expectRateLimited(await request(s.url).post('/api/auth/password').set(bearer(ws.owner.token)).send({ currentPassword: PASSWORD, newPassword: 'another long password' }))
    // Another user is not held back.
    expectError(await request(s.url).post('/api/auth/two-factor/disable').set(bearer(other.owner.token)).send({ password: PASSWORD }), 409, 'invalid_state')
  })
})
