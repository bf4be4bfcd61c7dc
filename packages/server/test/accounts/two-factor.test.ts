// Two-factor sign-in (TOTP, RFC 6238) against the real app: enrolment with a pending secret kept
// encrypted, codes computed here by an authenticator (otpauth) from the secret shown once, a code
// never accepted twice, one step of drift either way, single-use recovery codes, and an agency
// that requires two-factor (enrolment at sign-in, no turning it off).
import { Secret, TOTP } from 'otpauth'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentSession, RecoveryCodes, TwoFactorRequired, TwoFactorSetup } from '@live-chat/protocol'
import type { TestServer } from '../helpers.js'
import { auditOf, bearer, expectError, PASSWORD, startAccountsServer, workspace } from './harness.js'

let s: TestServer
beforeAll(async () => {
  s = await startAccountsServer()
})
afterAll(() => s?.close())

const STEP = 30_000
/** The code an authenticator app shows `steps` time steps from now. */
const code = (secret: string, steps = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * STEP })
const post = (path: string, body: unknown, token?: string) => {
  const r = request(s.url).post(path)
  return (token ? r.set(bearer(token)) : r).send(body as object)
}
const login = (email: string, password = PASSWORD) => post('/api/auth/login', { email, password })

/** Enrols the workspace owner: the secret and the recovery codes. */
async function enrol(token: string): Promise<{ secret: string; used: string; recoveryCodes: string[] }> {
  const setup = (await post('/api/auth/two-factor/setup', {}, token)).body as TwoFactorSetup
  const used = code(setup.secret)
  const enabled = await post('/api/auth/two-factor/enable', { code: used }, token)
  expect(enabled.status, enabled.text).toBe(200)
  return { secret: setup.secret, used, recoveryCodes: (enabled.body as RecoveryCodes).recoveryCodes }
}

describe('enrolment', () => {
  it('a pending secret (encrypted at rest) becomes two-factor once a first code confirms it', async () => {
    const ws = await workspace(s)
    const res = await post('/api/auth/two-factor/setup', {}, ws.owner.token)
    expect(res.status, res.text).toBe(200)
    const setup = res.body as TwoFactorSetup
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\/Live%20Chat:.+\?issuer=Live%20Chat&secret=[A-Z2-7]+&algorithm=SHA1&digits=6&period=30$/)
    expect(setup.uri).toContain(encodeURIComponent(ws.owner.email))
    expect(setup.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    const pending = await s.db.prisma.user.findUniqueOrThrow({ where: { id: ws.owner.userId } })
    expect(pending.totpPendingSecret).toEqual(expect.any(String))
    expect(pending.totpPendingSecret).not.toContain(setup.secret)
    expect(pending.totpEnabledAt).toBeNull()
    // Not on yet: the password alone still signs in.
    expect((await login(ws.owner.email)).body.token).toEqual(expect.any(String))

    expectError(await post('/api/auth/two-factor/enable', { code: code(setup.secret, 3) }, ws.owner.token), 400, 'invalid_payload')
    expectError(await post('/api/auth/two-factor/enable', { code: 'abcdef' }, ws.owner.token), 400, 'invalid_payload')
    const enabled = await post('/api/auth/two-factor/enable', { code: code(setup.secret) }, ws.owner.token)
    expect(enabled.status, enabled.text).toBe(200)
    const { recoveryCodes } = enabled.body as RecoveryCodes
    expect(recoveryCodes).toHaveLength(10)
    expect(new Set(recoveryCodes).size).toBe(10)
    const on = await s.db.prisma.user.findUniqueOrThrow({ where: { id: ws.owner.userId } })
    expect(on.totpEnabledAt).not.toBeNull()
    expect(on.totpPendingSecret).toBeNull()
    expect(on.totpSecret).not.toContain(setup.secret)
    expect(on.recoveryCodeHashes).toHaveLength(10)
    expect(on.recoveryCodeHashes.some((h) => recoveryCodes.some((c) => h.includes(c) || c.includes(h)))).toBe(false)
    expect((await request(s.url).get('/api/auth/me').set(bearer(ws.owner.token))).body.user.twoFactorEnabled).toBe(true)
    expect(await auditOf(s, ws.agencyId, 'auth.two_factor_enabled')).toHaveLength(1)
    // On already: no second enrolment.
    expectError(await post('/api/auth/two-factor/setup', {}, ws.owner.token), 409, 'invalid_state')
  })

  it('the encrypted secret is bound to its user: copied to another account it does not work', async () => {
    const a = await workspace(s)
    const b = await workspace(s)
    const { secret: aSecret } = await enrol(a.owner.token)
    const bSetup = (await post('/api/auth/two-factor/setup', {}, b.owner.token)).body as TwoFactorSetup
    const aRow = await s.db.prisma.user.findUniqueOrThrow({ where: { id: a.owner.userId } })
    await s.db.prisma.user.update({ where: { id: b.owner.userId }, data: { totpPendingSecret: aRow.totpSecret } })
    expectError(await post('/api/auth/two-factor/enable', { code: code(bSetup.secret) }, b.owner.token), 400, 'invalid_payload')
    expectError(await post('/api/auth/two-factor/enable', { code: code(aSecret) }, b.owner.token), 400, 'invalid_payload')
    expect((await s.db.prisma.user.findUniqueOrThrow({ where: { id: b.owner.userId } })).totpEnabledAt).toBeNull()
  })
})

describe('signing in with two-factor', () => {
  it('the password gives a challenge; a code signs in once; one step of drift is accepted, three are not', async () => {
    const ws = await workspace(s)
    const { secret, used } = await enrol(ws.owner.token)
    const first = await login(ws.owner.email)
    expect(first.status).toBe(200)
    const required = first.body as TwoFactorRequired
    expect(required).toEqual({ twoFactor: 'required', challenge: expect.any(String), expiresAt: expect.any(String) })
    expect(first.body.token).toBeUndefined()
    const minutes = (Date.parse(required.expiresAt) - Date.now()) / 60_000
    expect(minutes).toBeGreaterThan(9)
    expect(minutes).toBeLessThanOrEqual(10)

    const second = (body: Record<string, unknown>) => post('/api/auth/login/two-factor', { challenge: required.challenge, ...body })
    // The code that enrolled the app was used: it is not accepted again.
    expectError(await second({ code: used }), 401, 'unauthorized')
    expectError(await second({ code: code(secret, 3) }), 401, 'unauthorized')
    expectError(await second({ code: code(secret, -3) }), 401, 'unauthorized')
    const next = code(secret, 1)
    const ok = await second({ code: next })
    expect(ok.status, ok.text).toBe(200)
    const session = ok.body as AgentSession
    expect(session.user.twoFactorEnabled).toBe(true)
    expect((await request(s.url).get('/api/auth/me').set(bearer(session.token))).status).toBe(200)
    // Never twice, and never an older one.
    expectError(await second({ code: next }), 401, 'unauthorized')
    expectError(await second({ code: code(secret) }), 401, 'unauthorized')
    const failed = await auditOf(s, ws.agencyId, 'auth.login_failed')
    expect(failed.length).toBeGreaterThanOrEqual(4)
    expect(failed.every((e) => (e.data as { reason: string }).reason === 'wrong_code')).toBe(true)
  })

  it('a recovery code works once, typed any case and with or without its dash', async () => {
    const ws = await workspace(s)
    const { recoveryCodes } = await enrol(ws.owner.token)
    const { challenge } = (await login(ws.owner.email)).body as TwoFactorRequired
    const typed = recoveryCodes[0]!.replace('-', '').toUpperCase()
    const ok = await post('/api/auth/login/two-factor', { challenge, recoveryCode: typed })
    expect(ok.status, ok.text).toBe(200)
    expectError(await post('/api/auth/login/two-factor', { challenge, recoveryCode: recoveryCodes[0] }), 401, 'unauthorized')
    expect((await post('/api/auth/login/two-factor', { challenge, recoveryCode: recoveryCodes[1] })).status).toBe(200)
    expect((await s.db.prisma.user.findUniqueOrThrow({ where: { id: ws.owner.userId } })).recoveryCodeHashes).toHaveLength(8)
  })

  it('refuses a forged or missing challenge and bad bodies', async () => {
    const ws = await workspace(s)
    const { secret } = await enrol(ws.owner.token)
    const { challenge } = (await login(ws.owner.email)).body as TwoFactorRequired
    expectError(await post('/api/auth/login/two-factor', { challenge: 'forged.challenge.token', code: code(secret, 1) }), 401, 'unauthorized')
    // An access token is no challenge.
    expectError(await post('/api/auth/login/two-factor', { challenge: ws.owner.token, code: code(secret, 1) }), 401, 'unauthorized')
    expectError(await post('/api/auth/login/two-factor', { challenge }), 400, 'invalid_payload')
    expectError(await post('/api/auth/login/two-factor', { challenge, code: code(secret, 1), recoveryCode: 'abcde-fghij' }), 400, 'invalid_payload')
    expectError(await post('/api/auth/login/two-factor', { challenge, code: '12345' }), 400, 'invalid_payload')
    // Not required for this account: no enrolment at sign-in.
    expectError(await post('/api/auth/login/two-factor/setup', { challenge }), 409, 'invalid_state')
  })
})

describe('turning it off and new recovery codes', () => {
  it('need the password; new codes replace the old ones; off, the password alone signs in', async () => {
    const ws = await workspace(s)
    const { recoveryCodes } = await enrol(ws.owner.token)
    expectError(await post('/api/auth/two-factor/recovery-codes', { password: 'wrong password' }, ws.owner.token), 400, 'invalid_payload')
    const fresh = await post('/api/auth/two-factor/recovery-codes', { password: PASSWORD }, ws.owner.token)
    expect(fresh.status).toBe(200)
    const newCodes = (fresh.body as RecoveryCodes).recoveryCodes
    expect(newCodes).toHaveLength(10)
    const { challenge } = (await login(ws.owner.email)).body as TwoFactorRequired
    expectError(await post('/api/auth/login/two-factor', { challenge, recoveryCode: recoveryCodes[2] }), 401, 'unauthorized')
    expect((await post('/api/auth/login/two-factor', { challenge, recoveryCode: newCodes[0] })).status).toBe(200)
    expect(await auditOf(s, ws.agencyId, 'auth.recovery_codes_regenerated')).toHaveLength(1)

    const wrong = await post('/api/auth/two-factor/disable', { password: 'wrong password' }, ws.owner.token)
    expectError(wrong, 400, 'invalid_payload')
    expect(wrong.body.error.details).toEqual([{ path: 'password', message: expect.any(String) }])
    expectError(await post('/api/auth/two-factor/disable', {}, ws.owner.token), 400, 'invalid_payload')
    expectError(await post('/api/auth/two-factor/disable', { password: PASSWORD }), 401, 'unauthorized')
    expect((await post('/api/auth/two-factor/disable', { password: PASSWORD }, ws.owner.token)).status).toBe(204)
    expect((await login(ws.owner.email)).body.token).toEqual(expect.any(String))
    expect(await auditOf(s, ws.agencyId, 'auth.two_factor_disabled')).toHaveLength(1)
    expectError(await post('/api/auth/two-factor/disable', { password: PASSWORD }, ws.owner.token), 409, 'invalid_state')
    expectError(await post('/api/auth/two-factor/recovery-codes', { password: PASSWORD }, ws.owner.token), 409, 'invalid_state')
  })
})

describe('an agency that requires two-factor', () => {
  it('its members without it enrol at sign-in, land signed in with recovery codes, and cannot turn it off', async () => {
    const ws = await workspace(s)
    await s.db.prisma.agency.update({ where: { id: ws.agencyId }, data: { requireTwoFactor: true } })
    const first = (await login(ws.owner.email)).body as TwoFactorRequired
    expect(first.twoFactor).toBe('setup_required')
    // The second step needs an enrolled app first.
    expectError(await post('/api/auth/login/two-factor', { challenge: first.challenge, code: '123456' }), 409, 'invalid_state')
    const setup = await post('/api/auth/login/two-factor/setup', { challenge: first.challenge })
    expect(setup.status, setup.text).toBe(200)
    const { secret } = setup.body as TwoFactorSetup
    expectError(await post('/api/auth/login/two-factor/enable', { challenge: first.challenge, code: code(secret, 3) }), 400, 'invalid_payload')
    const enabled = await post('/api/auth/login/two-factor/enable', { challenge: first.challenge, code: code(secret) })
    expect(enabled.status, enabled.text).toBe(200)
    const session = enabled.body as AgentSession & RecoveryCodes
    expect(session.token).toEqual(expect.any(String))
    expect(session.recoveryCodes).toHaveLength(10)
    expect(session.agency?.requireTwoFactor).toBe(true)

    expect(((await login(ws.owner.email)).body as TwoFactorRequired).twoFactor).toBe('required')
    expectError(await post('/api/auth/two-factor/disable', { password: PASSWORD }, session.token), 409, 'invalid_state')
    expect((await s.db.prisma.user.findUniqueOrThrow({ where: { id: ws.owner.userId } })).totpEnabledAt).not.toBeNull()
  })
})
