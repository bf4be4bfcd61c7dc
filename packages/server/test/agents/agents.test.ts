// Agents over REST: login, memberships, team management, canned responses and site settings.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '@live-chat/sdk'
import { startServer, type TestServer } from '../helpers.js'

let s: TestServer
beforeAll(async () => {
  s = await startServer()
})
afterAll(() => s.close())

const api = (token: string) => ({
  get: (path: string) => request(s.url).get(path).set('authorization', `Bearer ${token}`),
  post: (path: string, body: object = {}) => request(s.url).post(path).set('authorization', `Bearer ${token}`).send(body),
  patch: (path: string, body: object) => request(s.url).patch(path).set('authorization', `Bearer ${token}`).send(body),
  delete: (path: string) => request(s.url).delete(path).set('authorization', `Bearer ${token}`),
})

describe('login', () => {
  it('signs an agent in with email (any case) and password, listing their sites', async () => {
    const site = await s.fx.site()
    const other = await s.fx.site()
    const a = await s.fx.agent(site.id, { role: 'admin' })
    await s.fx.membership(other.id, a.userId)
    const client = new AgentClient({ url: s.url })
    const session = await client.login(a.email.toUpperCase(), a.password)
    if ('twoFactor' in session) throw new Error('no second factor was set up')
    expect(session.user.email).toBe(a.email)
    expect(session.sites.map((x) => [x.siteId, x.role]).sort()).toEqual([[site.id, 'admin'], [other.id, 'agent']].sort())
    expect((await client.me()).user.id).toBe(a.userId)
  })

  it('answers a wrong password and an unknown email the same way', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const wrong = await request(s.url).post('/api/auth/login').send({ email: a.email, password: 'nope' })
    const unknown = await request(s.url).post('/api/auth/login').send({ email: 'nobody@example.test', password: 'nope' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
  })

  it('refuses a visitor token, or no token, where an agent is needed', async () => {
    const site = await s.fx.site()
    const visitor = await s.fx.visitorSession(site.id)
    expect((await api(visitor.token).get(`/api/sites/${site.id}/conversations`)).status).toBe(401)
    expect((await request(s.url).get(`/api/sites/${site.id}/conversations`)).status).toBe(401)
    expect((await request(s.url).get('/api/auth/me')).status).toBe(401)
  })
})

describe('team', () => {
  it('an admin adds agents (new or existing accounts); agents cannot', async () => {
    const site = await s.fx.site()
    const admin = await s.fx.agent(site.id, { role: 'admin' })
    const plain = await s.fx.agent(site.id)
    const sales = await s.fx.team(site.id, 'Sales')
    const created = await api(admin.token).post(`/api/sites/${site.id}/agents`, { email: 'New.Hire@Example.test', name: 'New Hire', password: 'long enough pw', maxConcurrentChats: 3, teamIds: [sales] })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ email: 'new.hire@example.test', role: 'agent', maxConcurrentChats: 3, teamIds: [sales], online: false })
    const login = await request(s.url).post('/api/auth/login').send({ email: 'new.hire@example.test', password: 'long enough pw' })
    expect(login.status).toBe(200)

    const other = await s.fx.site()
    const outsider = await s.fx.agent(other.id)
    const existing = await api(admin.token).post(`/api/sites/${site.id}/agents`, { email: outsider.email, name: 'ignored' })
    expect(existing.status).toBe(201)
    expect(existing.body.userId).toBe(outsider.userId)
    expect((await api(admin.token).post(`/api/sites/${site.id}/agents`, { email: outsider.email, name: 'twice' })).status).toBe(409)
    const needsPassword = await api(admin.token).post(`/api/sites/${site.id}/agents`, { email: 'nopass@example.test', name: 'No Pass' })
    expect(needsPassword.status).toBe(400)

    // A user of another agency is not this admin's to add.
    const otherAdmin = await s.fx.agent(other.id, { role: 'admin' })
    const theirs = await api(otherAdmin.token).post(`/api/sites/${other.id}/agents`, { email: 'theirs@example.test', name: 'Theirs', password: 'long enough pw' })
    expect(theirs.status).toBe(201)
    expect((await api(admin.token).post(`/api/sites/${site.id}/agents`, { email: 'theirs@example.test', name: 'Mine now' })).status).toBe(409)

    const refused = await api(plain.token).post(`/api/sites/${site.id}/agents`, { email: 'x@example.test', name: 'X', password: 'long enough pw' })
    expect(refused.status).toBe(403)
    const list = await api(plain.token).get(`/api/sites/${site.id}/agents`)
    expect(list.body.items).toHaveLength(4)
  })

  it('an agent sets their own status; only an admin changes capacity; a site keeps one admin', async () => {
    const site = await s.fx.site()
    const admin = await s.fx.agent(site.id, { role: 'admin' })
    const plain = await s.fx.agent(site.id)
    expect((await api(plain.token).patch(`/api/sites/${site.id}/agents/${plain.id}`, { status: 'away', title: 'Night shift' })).body).toMatchObject({ status: 'away', title: 'Night shift' })
    expect((await api(plain.token).patch(`/api/sites/${site.id}/agents/${plain.id}`, { maxConcurrentChats: 50 })).status).toBe(403)
    expect((await api(plain.token).patch(`/api/sites/${site.id}/agents/${admin.id}`, { status: 'offline' })).status).toBe(403)
    expect((await api(admin.token).patch(`/api/sites/${site.id}/agents/${plain.id}`, { maxConcurrentChats: 8 })).body.maxConcurrentChats).toBe(8)
    const demote = await api(admin.token).patch(`/api/sites/${site.id}/agents/${admin.id}`, { role: 'agent' })
    expect(demote.status).toBe(409)
    expect(demote.body.error.code).toBe('invalid_state')
  })
})

describe('canned responses', () => {
  it('shared ones are managed by admins, personal ones by their author only', async () => {
    const site = await s.fx.site()
    const admin = await s.fx.agent(site.id, { role: 'admin' })
    const ann = await s.fx.agent(site.id)
    const bob = await s.fx.agent(site.id)
    const base = `/api/sites/${site.id}/canned-responses`
    const shared = await api(admin.token).post(base, { title: 'Greeting', shortcut: 'hello', content: 'Hi {{visitor.name | there}}!', category: 'Openers' })
    expect(shared.status).toBe(201)
    expect((await api(ann.token).post(base, { title: 'Mine', shortcut: 'bye', content: 'Bye!' })).status).toBe(403)
    const personal = await api(ann.token).post(base, { title: 'Mine', shortcut: 'bye', content: 'Bye!', isPersonal: true })
    expect(personal.status).toBe(201)
    const taken = await api(bob.token).post(base, { title: 'Also bye', shortcut: 'bye', content: 'Ciao', isPersonal: true })
    expect(taken.status).toBe(409)
    expect(taken.body.error.message).toMatch(/shortcut/)

    expect((await api(ann.token).get(base)).body.items.map((c: { shortcut: string }) => c.shortcut)).toEqual(['bye', 'hello'])
    expect((await api(bob.token).get(base)).body.items.map((c: { shortcut: string }) => c.shortcut)).toEqual(['hello'])
    expect((await api(bob.token).get(`${base}?q=/hel`)).body.items).toHaveLength(1)
    expect((await api(bob.token).get(`${base}?q=nothing-like-it`)).body.items).toHaveLength(0)

    expect((await api(bob.token).patch(`${base}/${personal.body.id}`, { content: 'mine now' })).status).toBe(404)
    expect((await api(bob.token).patch(`${base}/${shared.body.id}`, { content: 'changed' })).status).toBe(403)
    expect((await api(ann.token).patch(`${base}/${personal.body.id}`, { isPersonal: false })).status).toBe(403)
    expect((await api(ann.token).patch(`${base}/${personal.body.id}`, { content: 'See you!' })).body.content).toBe('See you!')
    expect((await api(bob.token).delete(`${base}/${personal.body.id}`)).status).toBe(404)
    expect((await api(ann.token).delete(`${base}/${personal.body.id}`)).status).toBe(204)
    expect((await api(admin.token).delete(`${base}/${shared.body.id}`)).status).toBe(204)
    expect((await api(admin.token).get(base)).body.items).toEqual([])
  })
})

describe('site settings', () => {
  it('an admin changes the widget and allowed origins; the public widget config follows; agents read them but cannot change them', async () => {
    const site = await s.fx.site()
    const admin = await s.fx.agent(site.id, { role: 'admin' })
    const plain = await s.fx.agent(site.id)
    const path = `/api/sites/${site.id}/settings`
    const read = await api(plain.token).get(path)
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ siteId: site.id, widget: { primaryColor: expect.any(String) } })
    expect(JSON.stringify(read.body)).not.toMatch(/identitySecret/)
    expect((await api(plain.token).patch(path, { name: 'Mine' })).status).toBe(403)
    const updated = await api(admin.token).patch(path, {
      name: 'Renamed shop',
      allowedOrigins: ['https://Shop.Example'],
      widget: {
        primaryColor: '#ff3366',
        position: 'bottom-left',
        preChatEnabled: true,
        preChatFields: [{ name: 'order', label: 'Order number', type: 'text', required: true }],
        timezone: 'Europe/Paris',
        businessHours: { mon: [{ start: '09:00', end: '17:00' }] },
      },
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ name: 'Renamed shop', allowedOrigins: ['https://shop.example'], widget: { primaryColor: '#ff3366', position: 'bottom-left', timezone: 'Europe/Paris' } })
    const publicConfig = await request(s.url).get(`/api/sites/${site.id}/widget`).set('origin', 'https://shop.example')
    expect(publicConfig.body).toMatchObject({ primaryColor: '#ff3366', preChatEnabled: true, online: false })
    expect(JSON.stringify(publicConfig.body)).not.toMatch(/identitySecret|allowedOrigins/)

    const bad = await api(admin.token).patch(path, { widget: { timezone: 'Mars/Olympus', primaryColor: 'red' } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['widget.primaryColor', 'widget.timezone'])

    // The server enforces the required pre-chat field, not just the widget.
    const visitor = await s.fx.visitorSession(site.id)
    const actor = { kind: 'visitor' as const, siteId: site.id, visitorId: visitor.visitor.id }
    await expect(s.services.conversations.start(actor, { clientKey: 'prechat-test-01' })).rejects.toMatchObject({ code: 'invalid_payload' })
    const ok = await s.services.conversations.start(actor, { clientKey: 'prechat-test-02', fields: { custom: { order: 'A-1001' } } })
    expect(ok.conversation.status).toBe('pending')
  })
})
