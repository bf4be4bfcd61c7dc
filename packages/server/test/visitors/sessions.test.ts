// Visitor identity: server-signed tokens bound to a site, HMAC identity verification,
// allowed origins, and an SDK that writes nothing to storage before the visitor acts.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveChatClient, MemoryStorage } from '@live-chat/sdk'
import { identityHash } from '../../src/shared/auth.js'
import { connectRaw, rawSocket, startServer, type TestServer } from '../helpers.js'

let s: TestServer
beforeAll(async () => {
  s = await startServer()
})
afterAll(() => s.close())

const session = (siteId: string, body: object = {}, origin?: string) => {
  const r = request(s.url).post(`/api/sites/${siteId}/visitor-sessions`).send(body)
  return origin ? r.set('origin', origin) : r
}

describe('visitor sessions', () => {
  it('issues a signed token for a new visitor and recognises it when it comes back', async () => {
    const site = await s.fx.site()
    const first = await session(site.id, { page: { url: 'https://shop.test/pricing', title: 'Pricing' } })
    expect(first.status).toBe(201)
    expect(first.body.token).toMatch(/^ey/)
    const back = await session(site.id, { token: first.body.token })
    expect(back.body.visitor.id).toBe(first.body.visitor.id)
    const me = await request(s.url).get('/api/visitor/me').set('authorization', `Bearer ${back.body.token}`)
    expect(me.body).toMatchObject({ id: first.body.visitor.id, siteId: site.id, verified: false })
  })

  it('never trusts an id the client chose: a forged, tampered or other-site token gives a new visitor', async () => {
    const site = await s.fx.site()
    const other = await s.fx.site()
    const victim = (await session(site.id)).body
    const [h, p] = victim.token.split('.')
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${victim.token.split('.')[2]}`
    for (const token of [tampered, 'not-a-token', (await session(other.id)).body.token]) {
      const r = await session(site.id, { token })
      expect(r.status).toBe(201)
      expect(r.body.visitor.id).not.toBe(victim.visitor.id)
    }
    // A body with a visitor id is simply not a thing the API reads.
    const sneaky = await session(site.id, { visitorId: victim.visitor.id, visitor: { id: victim.visitor.id } })
    expect(sneaky.body.visitor.id).not.toBe(victim.visitor.id)
    // And a token is refused outright where one is required.
    const me = await request(s.url).get('/api/visitor/me').set('authorization', `Bearer ${tampered}`)
    expect(me.status).toBe(401)
    expect(me.body.error.code).toBe('unauthorized')
  })

  it('verifies identity with the site secret: the same user on two devices is one verified visitor', async () => {
    const site = await s.fx.site()
    const hash = identityHash(site.identitySecret, 'user-42')
    const phone = await session(site.id, { identity: { userId: 'user-42', hash, name: 'Quinn', email: 'Quinn@Example.com' } })
    expect(phone.body.visitor).toMatchObject({ verified: true, externalId: 'user-42', name: 'Quinn', email: 'quinn@example.com' })
    const laptop = await session(site.id, { identity: { userId: 'user-42', hash } })
    expect(laptop.body.visitor.id).toBe(phone.body.visitor.id)
  })

  it('refuses a wrong identity hash, or one made with another site\'s secret', async () => {
    const site = await s.fx.site()
    const other = await s.fx.site()
    for (const hash of [identityHash(other.identitySecret, 'user-42'), identityHash(site.identitySecret, 'user-43'), 'f'.repeat(64)]) {
      const r = await session(site.id, { identity: { userId: 'user-42', hash } })
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('identity_invalid')
    }
  })

  it('an anonymous visitor who logs in keeps their conversations', async () => {
    const site = await s.fx.site()
    const anon = (await session(site.id)).body
    const actor = { kind: 'visitor' as const, siteId: site.id, visitorId: anon.visitor.id }
    await s.services.conversations.start(actor, { clientKey: 'before-login-01', message: { clientId: 'before-login-m1', text: 'hi' } })
    const hash = identityHash(site.identitySecret, 'user-7')
    const verified = (await session(site.id, { token: anon.token, identity: { userId: 'user-7', hash } })).body
    expect(verified.visitor).toMatchObject({ id: anon.visitor.id, verified: true })
    const list = await request(s.url).get('/api/visitor/conversations').set('authorization', `Bearer ${verified.token}`)
    expect(list.body.items).toHaveLength(1)
  })

  it('a verified visitor cannot change the email their site vouched for', async () => {
    const site = await s.fx.site()
    const hash = identityHash(site.identitySecret, 'user-9')
    const v = (await session(site.id, { identity: { userId: 'user-9', hash, email: 'real@example.com' } })).body
    const actor = { kind: 'visitor' as const, siteId: site.id, visitorId: v.visitor.id }
    const after = await s.services.visitors.update(actor, { email: 'attacker@example.com', name: 'Renamed' })
    expect(after).toMatchObject({ email: 'real@example.com', name: 'Renamed' })
  })
})

describe('allowed origins', () => {
  it('lets the widget run only on the site\'s origins, over HTTP and sockets', async () => {
    const site = await s.fx.site({ allowedOrigins: ['https://shop.example'] })
    expect((await session(site.id, {}, 'https://shop.example')).status).toBe(201)
    const evil = await session(site.id, {}, 'https://evil.example')
    expect(evil.status).toBe(403)
    expect(evil.body.error.code).toBe('origin_not_allowed')
    expect((await request(s.url).get(`/api/sites/${site.id}/widget`).set('origin', 'https://evil.example')).status).toBe(403)

    const { token } = (await session(site.id, {}, 'https://shop.example')).body
    const good = rawSocket(s.url, '/visitor', { token }, { origin: 'https://shop.example' })
    await connectRaw(good)
    good.close()
    const bad = rawSocket(s.url, '/visitor', { token }, { origin: 'https://evil.example' })
    await expect(connectRaw(bad)).rejects.toMatchObject({ data: { code: 'origin_not_allowed' } })
    bad.close()
  })
})

describe('LiveChatClient storage', () => {
  it('writes nothing until the visitor starts a conversation, then remembers them', async () => {
    const site = await s.fx.site()
    const writes: string[] = []
    const storage = new MemoryStorage()
    const spy = {
      get: (k: string) => storage.get(k),
      set: (k: string, v: string) => {
        writes.push(k)
        storage.set(k, v)
      },
      remove: (k: string) => storage.remove(k),
    }
    const first = new LiveChatClient({ url: s.url, siteId: site.id, storage: spy })
    await first.connect()
    await first.visitPage('https://shop.test/', 'Home')
    expect(writes).toEqual([])
    expect(await s.db.inSite(site.id, (tx) => tx.visitor.count())).toBe(0)

    const { conversation } = await first.startConversation({ message: 'remember me' })
    expect(writes).toContain(`visitor:${site.id}`)
    first.disconnect()

    // A reload: the same visitor, with their conversation and messages.
    const second = new LiveChatClient({ url: s.url, siteId: site.id, storage: spy })
    await second.connect()
    expect(second.visitor?.id).toBe(first.visitor?.id)
    const mine = await second.conversations()
    expect(mine.map((c) => c.id)).toEqual([conversation.id])
    second.reset()
    expect(storage.get(`visitor:${site.id}`)).toBeNull()
    second.disconnect()
  })
})
