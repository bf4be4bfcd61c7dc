// A visitor's export: one .zip with visitor.json (a VisitorExport) and every file's bytes.
// Everything the site holds about them is in it, as the site's own history shows it: profile,
// pages, consents and details; each conversation with its rating; every message, the earlier text
// of an edited one, an unsent one as its placeholder, private notes marked; the files they sent,
// the file an agent sent them and the one they uploaded but never sent, byte for byte.
import crypto from 'node:crypto'
import request from 'supertest'
import { unzipSync, strFromU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import { VisitorExport } from '@live-chat/protocol'
import type { VisitorActor } from '../../src/shared/context.js'
import { apiKey } from '../api-keys/fixtures.js'
import { serverPerFile } from '../helpers.js'
import { SAMPLES } from '../uploads/samples.js'

const t = serverPerFile()
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

/** GET …/visitors/:id/export, its body as bytes. */
async function exportOf(siteId: string, visitorId: string, token: string) {
  const res = await fetch(`${t.s.url}/api/sites/${siteId}/visitors/${visitorId}/export`, { headers: bearer(token) })
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) }
}

async function upload(path: string, token: string, bytes: Buffer, name: string): Promise<string> {
  const res = await request(t.s.url).post(path).set(bearer(token)).attach('file', bytes, name)
  expect(res.status, res.text).toBe(201)
  return res.body.id as string
}

/** A visitor with a bit of everything, and what each piece is. */
async function visitorWithHistory() {
  const site = await t.s.fx.site({
    widget: { preChatEnabled: true, preChatFields: [{ name: 'terms', label: 'I agree to the privacy policy', type: 'consent', required: false }] },
  })
  const admin = await t.s.fx.agent(site.id, { role: 'admin', name: 'Ada Admin' })
  const adminActor = await t.s.services.agents.authenticate(admin.token, site.id)
  const session = await t.s.services.visitors.createSession(site.id, { page: { url: 'https://shop.example/cart', title: 'Cart' } }, { userAgent: 'Mozilla/5.0 (Test)', ip: '198.51.100.4' })
  const va: VisitorActor = { kind: 'visitor', siteId: site.id, visitorId: session.visitor.id }
  const photo = await upload('/api/visitor/uploads', session.token, SAMPLES.png, 'photo.png')
  const note = await upload('/api/visitor/uploads', session.token, SAMPLES.text, 'note.txt')
  const neverSent = await upload('/api/visitor/uploads', session.token, SAMPLES.pdf, 'draft.pdf')
  const started = await t.s.services.conversations.start(va, {
    clientKey: `key-${crypto.randomBytes(4).toString('hex')}`,
    fields: { name: 'Vera Visitor', email: 'vera@example.test', phone: '+33 1 23 45 67 89', custom: { plan: 'gold', terms: true } },
    message: { clientId: 'first-000001', text: 'My order is late', attachments: [photo, note] },
  })
  const conversationId = started.conversation.id
  const { message: edited } = await t.s.services.messages.send(va, { conversationId, clientId: 'edit-000001', text: 'It was order 41' })
  await t.s.services.messages.edit(va, { conversationId, messageId: edited.id, text: 'It was order 42' })
  const { message: unsent } = await t.s.services.messages.send(va, { conversationId, clientId: 'unsend-00001', text: 'my card number is 4111' })
  await t.s.services.messages.unsend(va, { conversationId, messageId: unsent.id })
  await t.s.services.conversations.assign(adminActor, conversationId, { agentId: admin.id })
  const label = await upload(`/api/sites/${site.id}/uploads`, admin.token, SAMPLES.pdf, 'label.pdf')
  await t.s.services.messages.send(adminActor, { conversationId, clientId: 'reply-000001', text: 'Here is your label', attachments: [label] })
  await t.s.services.messages.send(adminActor, { conversationId, clientId: 'note-0000001', text: 'Refund approved', private: true })
  await t.s.services.conversations.resolve(adminActor, conversationId)
  await t.s.services.conversations.rate(va, { conversationId, rating: 5, feedback: 'Great help' })
  return { site, admin, session, visitorId: session.visitor.id, conversationId, ids: { photo, note, neverSent, label, edited: edited.id, unsent: unsent.id } }
}

describe('GET /api/sites/:siteId/visitors/:visitorId/export', () => {
  it('is one .zip: visitor.json with everything about the visitor, and every file byte for byte', async () => {
    const v = await visitorWithHistory()
    const { res, bytes } = await exportOf(v.site.id, v.visitorId, v.admin.token)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="visitor-${v.visitorId}.zip"`)
    expect(res.headers.get('cache-control')).toBe('no-store')

    const zip = unzipSync(bytes)
    const doc = VisitorExport.parse(JSON.parse(strFromU8(zip['visitor.json']!)))
    expect(doc).toMatchObject({
      format: 'live-chat.visitor-export',
      version: 1,
      site: { id: v.site.id, timezone: 'UTC' },
      visitor: {
        id: v.visitorId,
        name: 'Vera Visitor',
        email: 'vera@example.test',
        phone: '+33 1 23 45 67 89',
        customData: { plan: 'gold', terms: true },
        userAgent: 'Mozilla/5.0 (Test)',
        ipAddress: '198.51.100.4',
        pages: [{ url: 'https://shop.example/cart', title: 'Cart' }],
        consents: [{ field: 'terms', text: 'I agree to the privacy policy' }],
      },
    })
    expect(doc.conversations).toHaveLength(1)
    const c = doc.conversations[0]!
    expect(c).toMatchObject({ id: v.conversationId, status: 'resolved', rating: 5, ratingFeedback: 'Great help', agent: { name: 'Ada Admin' } })
    const byId = new Map(c.messages.map((m) => [m.id, m]))
    expect(c.messages.map((m) => m.seq)).toEqual(c.messages.map((_, i) => i + 1))
    expect(byId.get(v.ids.edited)).toMatchObject({ text: 'It was order 42', editedAt: expect.any(String), edits: [{ text: 'It was order 41', editorType: 'visitor' }] })
    expect(byId.get(v.ids.unsent)).toMatchObject({ text: null, deletedAt: expect.any(String), attachments: [], edits: [], files: [] })
    // (its words, not its digits: a random id may hold those)
    expect(JSON.stringify(doc)).not.toContain('my card number')
    expect(c.messages.find((m) => m.text === 'Refund approved')).toMatchObject({ private: true, senderType: 'agent' })
    expect(c.messages.filter((m) => m.type === 'system').length).toBeGreaterThan(0)

    // The files: each message's, at its path, and the one never sent.
    const first = c.messages[0]!
    expect(first.files.map((f) => f.id).sort()).toEqual([v.ids.photo, v.ids.note].sort())
    expect(first.attachments.map((a) => a.name).sort()).toEqual(first.files.map((f) => f.name).sort())
    const reply = c.messages.find((m) => m.text === 'Here is your label')!
    expect(reply.files).toMatchObject([{ id: v.ids.label, type: 'application/pdf', path: `files/${v.ids.label}/label.pdf` }])
    expect(doc.unsentFiles).toMatchObject([{ id: v.ids.neverSent, name: 'draft.pdf', path: `files/${v.ids.neverSent}/draft.pdf` }])
    const expected: Record<string, Buffer> = {
      [`files/${v.ids.photo}/photo.png`]: SAMPLES.png,
      [`files/${v.ids.note}/note.txt`]: SAMPLES.text,
      [`files/${v.ids.label}/label.pdf`]: SAMPLES.pdf,
      [`files/${v.ids.neverSent}/draft.pdf`]: SAMPLES.pdf,
    }
    expect(Object.keys(zip).sort()).toEqual(['visitor.json', ...Object.keys(expected)].sort())
    for (const [path, content] of Object.entries(expected)) expect(Buffer.from(zip[path]!).equals(content), path).toBe(true)

    // Recorded by the visitor's id only.
    const events = await t.s.db.inAgency(v.site.agencyId, (tx) => tx.auditEvent.findMany({ where: { action: 'export.visitor' } }))
    expect(events).toMatchObject([{ siteId: v.site.id, actorId: v.admin.userId, targetType: 'visitor', targetId: v.visitorId, targetLabel: null, data: {} }])
  })

  it('is for site admins and keys with conversations:read; another site’s or an unknown visitor is 404 before anything is sent', async () => {
    const v = await visitorWithHistory()
    const other = await visitorWithHistory()
    const agent = await t.s.fx.agent(v.site.id, { role: 'agent' })
    const error = async (visitorId: string, token: string) => {
      const { res, bytes } = await exportOf(v.site.id, visitorId, token)
      return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(new TextDecoder().decode(bytes)) as unknown }
    }
    expect(await error(v.visitorId, agent.token)).toMatchObject({ status: 403, type: expect.stringMatching(/^application\/json/), body: { error: { code: 'forbidden' } } })
    expect(await error(other.visitorId, v.admin.token)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } })
    expect(await error(crypto.randomUUID(), v.admin.token)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } })
    expect(await error('nobody', v.admin.token)).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } })

    const reader = await apiKey(t.s, v.site.agencyId, { scopes: ['conversations:read'] })
    const keyed = await exportOf(v.site.id, v.visitorId, reader.secret)
    expect(keyed.res.status).toBe(200)
    expect(Object.keys(unzipSync(keyed.bytes))).toContain('visitor.json')
    const writer = await apiKey(t.s, v.site.agencyId, { scopes: ['conversations:write'] })
    expect(await error(v.visitorId, writer.secret)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } })
  })
})
