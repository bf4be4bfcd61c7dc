// The identity secret: shown to a site's admins (every look recorded), rotated with a grace
// period during which visitors vouched for with the previous secret are still accepted, and not
// after it. Hashes are real HMAC-SHA256s, as a host's backend computes them.
import crypto from 'node:crypto'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import type { IdentitySecret, VisitorSession } from '@live-chat/protocol'
import { serverPerFile } from '../helpers.js'
import { agencySite, as, auditOf, join, newAgency, person } from './fixtures.js'

const file = serverPerFile()
const s = () => file.s

const hmac = (secret: string, userId: string) => crypto.createHmac('sha256', secret).update(userId).digest('hex')

const flipLast = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0')

/** Opens a visitor session vouched for as `userId` with `hash`. */
const vouch = (siteId: string, userId: string, hash: string) =>
  request(s().url).post(`/api/sites/${siteId}/visitor-sessions`).send({ identity: { userId, hash, name: 'Vera' } })

async function world() {
  const agency = await newAgency(s())
  const owner = await person(s(), agency.id, 'owner')
  const site = await agencySite(s(), agency.id)
  const siteAdmin = await person(s(), agency.id, 'member')
  await join(s(), site.id, siteAdmin, 'admin')
  const agent = await person(s(), agency.id, 'member')
  await join(s(), site.id, agent, 'agent')
  return { agency, owner, site, siteAdmin, agent }
}

/** Moves the previous secret's expiry (as time passing would). */
const expirePrevious = (siteId: string, at: Date) => s().db.prisma.site.update({ where: { id: siteId }, data: { previousSecretExpiresAt: at } })

describe('GET /api/sites/:siteId/identity-secret', () => {
  it('shows the secret to a site admin and an agency owner, records each look, and refuses a plain agent', async () => {
    const { agency, owner, site, siteAdmin, agent } = await world()
    for (const who of [siteAdmin, owner]) {
      const res = await as(s(), who.token).get(`/api/sites/${site.id}/identity-secret`)
      expect(res.status).toBe(200)
      expect(res.body as IdentitySecret).toEqual({ secret: site.identitySecret, rotatedAt: expect.any(String), previousValidUntil: null })
    }
    const refused = await as(s(), agent.token).get(`/api/sites/${site.id}/identity-secret`)
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'forbidden' })
    expect(refused.text).not.toContain(site.identitySecret)

    const looks = await auditOf(s(), agency.id, 'site.identity_secret_viewed')
    expect(looks.map((e) => e.actorId)).toEqual([owner.userId, siteAdmin.userId])
    expect(looks.every((e) => e.siteId === site.id && !JSON.stringify(e).includes(site.identitySecret))).toBe(true)
  })
})

describe('POST /api/sites/:siteId/identity-secret/rotate', () => {
  it('makes a new secret; the previous one is accepted until its grace period ends, and not after', async () => {
    const { agency, site, siteAdmin } = await world()
    const old = site.identitySecret
    expect((await vouch(site.id, 'user-1', hmac(old, 'user-1'))).status).toBe(201)

    const res = await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/identity-secret/rotate`, { graceHours: 2 })
    expect(res.status).toBe(200)
    const rotated = res.body as IdentitySecret
    expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/)
    expect(rotated.secret).not.toBe(old)
    const until = new Date(rotated.previousValidUntil!).getTime()
    expect(until - new Date(rotated.rotatedAt).getTime()).toBe(2 * 3_600_000)
    expect(await as(s(), siteAdmin.token).get(`/api/sites/${site.id}/identity-secret`).then((r) => r.body)).toEqual(rotated)

    // Both secrets work during the grace period; a hash of anything else does not.
    const withOld = await vouch(site.id, 'user-1', hmac(old, 'user-1'))
    expect(withOld.status).toBe(201)
    expect((withOld.body as VisitorSession).visitor).toMatchObject({ verified: true, externalId: 'user-1' })
    expect((await vouch(site.id, 'user-2', hmac(rotated.secret, 'user-2'))).status).toBe(201)
    for (const hash of [hmac(old, 'user-2-other'), hmac(crypto.randomBytes(32).toString('hex'), 'user-2'), flipLast(hmac(rotated.secret, 'user-2'))]) {
      const res = await vouch(site.id, 'user-2', hash)
      expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 401, code: 'identity_invalid' })
    }

    // Once it expires, only the new one is accepted.
    await expirePrevious(site.id, new Date(Date.now() - 1_000))
    const late = await vouch(site.id, 'user-1', hmac(old, 'user-1'))
    expect({ status: late.status, code: late.body.error.code }).toEqual({ status: 401, code: 'identity_invalid' })
    expect((await vouch(site.id, 'user-1', hmac(rotated.secret, 'user-1'))).status).toBe(201)
    expect((await as(s(), siteAdmin.token).get(`/api/sites/${site.id}/identity-secret`)).body.previousValidUntil).toBeNull()

    const [event] = await auditOf(s(), agency.id, 'site.identity_secret_rotated')
    expect(event).toMatchObject({ siteId: site.id, actorId: siteAdmin.userId, data: { graceHours: 2, previousValidUntil: rotated.previousValidUntil } })
    expect(JSON.stringify(event)).not.toContain(old)
    expect(JSON.stringify(event)).not.toContain(rotated.secret)
  })

  it('with graceHours 0 the previous secret stops at once; the default grace is 24 hours; only the last previous secret is kept', async () => {
    const { site, siteAdmin } = await world()
    const first = site.identitySecret
    const second = (await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/identity-secret/rotate`, {})).body as IdentitySecret
    expect(new Date(second.previousValidUntil!).getTime() - new Date(second.rotatedAt).getTime()).toBe(24 * 3_600_000)
    const third = (await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/identity-secret/rotate`, { graceHours: 1 })).body as IdentitySecret
    expect((await vouch(site.id, 'u', hmac(second.secret, 'u'))).status).toBe(201)
    expect((await vouch(site.id, 'u', hmac(first, 'u'))).status).toBe(401)

    const fourth = (await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/identity-secret/rotate`, { graceHours: 0 })).body as IdentitySecret
    expect(fourth.previousValidUntil).toBeNull()
    expect((await vouch(site.id, 'u', hmac(third.secret, 'u'))).status).toBe(401)
    expect((await vouch(site.id, 'u', hmac(fourth.secret, 'u'))).status).toBe(201)
  })

  it('refuses a plain agent (403) and bad input (400), changing nothing', async () => {
    const { site, siteAdmin, agent } = await world()
    const secret = () => s().db.prisma.site.findUniqueOrThrow({ where: { id: site.id } }).then((x) => x.identitySecret)
    const refused = await as(s(), agent.token).post(`/api/sites/${site.id}/identity-secret/rotate`, {})
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'forbidden' })
    for (const body of [{ graceHours: -1 }, { graceHours: 721 }, { graceHours: 1.5 }, { graceHours: '24' }]) {
      const res = await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/identity-secret/rotate`, body)
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'invalid_payload' })
    }
    expect(await secret()).toBe(site.identitySecret)
  })
})

describe('PATCH /api/sites/:siteId/settings', () => {
  it('records site.updated with what changed', async () => {
    const { agency, site, siteAdmin } = await world()
    const res = await as(s(), siteAdmin.token).patch(`/api/sites/${site.id}/settings`, { name: 'Renamed', allowedOrigins: ['https://a.example'], widget: { primaryColor: '#112233' } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ name: 'Renamed', allowedOrigins: ['https://a.example'] })
    const [event] = await auditOf(s(), agency.id, 'site.updated')
    expect(event).toMatchObject({ siteId: site.id, actorId: siteAdmin.userId, targetLabel: 'Renamed', data: { name: { from: site.name, to: 'Renamed' }, allowedOrigins: { from: [], to: ['https://a.example'] }, widget: ['primaryColor'] } })
    expect(JSON.stringify(event)).not.toContain(site.identitySecret)
  })
})
