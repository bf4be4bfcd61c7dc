// Contacts: attribute definitions (admins), a contact's profile and attribute values (agents, API
// keys with contacts:write, the visitor for attributes marked so), notes on a contact (author or
// admin), the inbox's attribute filter, and the export of what is new.
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { ask, connectRaw, rawSocket, serverPerFile } from '../helpers.js'
import { as } from '../agency/fixtures.js'
import { apiKey, bearer } from '../api-keys/fixtures.js'
import { unzipSync, strFromU8 } from 'fflate'
import { VisitorExport } from '@live-chat/protocol'
import { WALK_FROM } from '../../src/history/filters.js'

const file = serverPerFile()
const s = () => file.s

let n = 0
const key = (what: string) => `${what}-${Date.now().toString(36)}-${(n++).toString(36)}`

/** A site with an admin, an agent, and one attribute of each type. */
async function world() {
  const site = await s().fx.site()
  const admin = await s().fx.agent(site.id, { role: 'admin' })
  const agent = await s().fx.agent(site.id)
  const A = as(s(), admin.token)
  const defs = {
    plan: { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro', 'enterprise'], visitorMaySet: false },
    seats: { key: 'seats', label: 'Seats', type: 'number' },
    renews: { key: 'renews', label: 'Renews on', type: 'date' },
    vip: { key: 'vip', label: 'VIP', type: 'boolean' },
    nickname: { key: 'nickname', label: 'Nickname', type: 'text', visitorMaySet: true },
  }
  const ids: Record<string, string> = {}
  for (const [k, d] of Object.entries(defs)) {
    const r = await A.post(`/api/sites/${site.id}/contact-attributes`, d)
    expect({ k, status: r.status }).toEqual({ k, status: 201 })
    ids[k] = r.body.id
  }
  return { site, admin, agent, A, G: as(s(), agent.token), ids, base: `/api/sites/${site.id}` }
}

/** A visitor with a conversation, and their token. */
async function visitorWithChat(siteId: string) {
  const session = await s().fx.visitorSession(siteId)
  const actor = { kind: 'visitor' as const, siteId, visitorId: session.visitor.id }
  const started = await s().services.conversations.start(actor, { clientKey: key('k'), message: { clientId: key('c'), text: 'Hello there' } })
  return { id: session.visitor.id, token: session.token, conversationId: started.conversation.id, actor }
}

describe('contact attribute definitions', () => {
  it('an admin defines one of each type; the list shows them in order; a plain agent may read but not define', async () => {
    const w = await world()
    const list = await w.G.get(`${w.base}/contact-attributes`)
    expect(list.status).toBe(200)
    expect(list.body.items.map((a: { key: string; type: string }) => `${a.key}:${a.type}`)).toEqual(['plan:list', 'seats:number', 'renews:date', 'vip:boolean', 'nickname:text'])
    expect((await w.G.post(`${w.base}/contact-attributes`, { key: 'tier', label: 'Tier', type: 'text' })).status).toBe(403)
    expect((await w.G.patch(`${w.base}/contact-attributes/${w.ids['plan']}`, { label: 'x' })).status).toBe(403)
    expect((await w.G.delete(`${w.base}/contact-attributes/${w.ids['plan']}`)).status).toBe(403)
  })

  it('refuses a taken key (409), a list without options, options on a number, a bad key (400)', async () => {
    const w = await world()
    expect((await w.A.post(`${w.base}/contact-attributes`, { key: 'plan', label: 'Again', type: 'text' })).status).toBe(409)
    for (const body of [
      { key: 'tier', label: 'Tier', type: 'list' },
      { key: 'tier', label: 'Tier', type: 'number', options: ['a'] },
      { key: 'Tier', label: 'Tier', type: 'text' },
      { key: 'tier', label: 'Tier', type: 'colour' },
      { key: 'tier', label: '', type: 'text' },
    ]) {
      const r = await w.A.post(`${w.base}/contact-attributes`, body)
      expect({ body, status: r.status, code: r.body.error?.code }).toEqual({ body, status: 400, code: 'invalid_payload' })
    }
  })

  it("a list's new options remove the values no longer among them; deleting an attribute removes its values; both are audited", async () => {
    const w = await world()
    const a = await visitorWithChat(w.site.id)
    const b = await visitorWithChat(w.site.id)
    expect((await w.G.patch(`${w.base}/visitors/${a.id}`, { attributes: { plan: 'pro', seats: 3 } })).status).toBe(200)
    expect((await w.G.patch(`${w.base}/visitors/${b.id}`, { attributes: { plan: 'free' } })).status).toBe(200)
    const changed = await w.A.patch(`${w.base}/contact-attributes/${w.ids['plan']}`, { options: ['free', 'team'] })
    expect(changed.body).toMatchObject({ options: ['free', 'team'] })
    expect((await w.G.get(`${w.base}/visitors/${a.id}`)).body.attributes).toEqual({ seats: 3 })
    expect((await w.G.get(`${w.base}/visitors/${b.id}`)).body.attributes).toEqual({ plan: 'free' })
    expect((await w.A.delete(`${w.base}/contact-attributes/${w.ids['seats']}`)).status).toBe(204)
    expect((await w.G.get(`${w.base}/visitors/${a.id}`)).body.attributes).toEqual({})
    expect((await w.A.patch(`${w.base}/contact-attributes/${w.ids['seats']}`, { label: 'Gone' })).status).toBe(404)
    const actions = await s().db.inAgency(w.site.agencyId, (tx) => tx.auditEvent.findMany({ where: { agencyId: w.site.agencyId, action: { startsWith: 'contact_attribute.' } } }))
    expect(actions.map((e) => e.action).sort()).toEqual([...Array(5).fill('contact_attribute.created'), 'contact_attribute.deleted', 'contact_attribute.updated'])
  })
})

describe('a contact', () => {
  it('an agent edits the profile and every type of attribute; the contact shows them', async () => {
    const w = await world()
    const v = await visitorWithChat(w.site.id)
    const r = await w.G.patch(`${w.base}/visitors/${v.id}`, {
      name: 'Ada Lovelace',
      email: 'Ada@Example.test',
      phone: '+44 20 7946 0001',
      company: 'Analytical Engines Ltd',
      attributes: { plan: 'enterprise', seats: 12.5, renews: '2027-01-31', vip: true, nickname: 'Countess' },
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      id: v.id,
      name: 'Ada Lovelace',
      email: 'ada@example.test',
      phone: '+44 20 7946 0001',
      company: 'Analytical Engines Ltd',
      attributes: { plan: 'enterprise', seats: 12.5, renews: '2027-01-31', vip: true, nickname: 'Countess' },
      notes: [],
    })
    expect((await w.G.get(`${w.base}/visitors/${v.id}`)).body).toEqual(r.body)
    // Null removes a value; "" clears a field.
    const cleared = await w.G.patch(`${w.base}/visitors/${v.id}`, { company: '', attributes: { vip: null } })
    expect(cleared.body.company).toBeNull()
    expect(cleared.body.attributes).toEqual({ plan: 'enterprise', seats: 12.5, renews: '2027-01-31', nickname: 'Countess' })
    // The conversation's visitor shows the company too.
    const conv = await w.G.get(`${w.base}/conversations/${v.conversationId}`)
    expect(conv.body.visitor.company).toBeNull()
  })

  it('a value of the wrong type, an unknown key or a list value not among the options is 400, and nothing of the edit is kept', async () => {
    const w = await world()
    const v = await visitorWithChat(w.site.id)
    expect((await w.G.patch(`${w.base}/visitors/${v.id}`, { name: 'Before', attributes: { seats: 1 } })).status).toBe(200)
    const wrong = [
      { seats: 'many' },
      { seats: 1, renews: '2027-02-30' },
      { vip: 'yes' },
      { plan: 'gold' },
      { nickname: '   ' },
      { unknown_key: 1 },
      { renews: 20270101 },
    ]
    for (const attributes of wrong) {
      const r = await w.G.patch(`${w.base}/visitors/${v.id}`, { name: 'After', company: 'Half Written', attributes: { seats: 99, ...attributes } })
      expect({ attributes, status: r.status, code: r.body.error?.code }).toEqual({ attributes, status: 400, code: 'invalid_payload' })
    }
    const after = (await w.G.get(`${w.base}/visitors/${v.id}`)).body
    expect({ name: after.name, company: after.company, attributes: after.attributes }).toEqual({ name: 'Before', company: null, attributes: { seats: 1 } })
  })

  it('unknown, malformed or another site\'s visitor: 404 / 400', async () => {
    const w = await world()
    const other = await s().fx.site()
    const theirs = await visitorWithChat(other.id)
    expect((await w.G.get(`${w.base}/visitors/${theirs.id}`)).status).toBe(404)
    expect((await w.G.patch(`${w.base}/visitors/${theirs.id}`, { name: 'Mine now' })).status).toBe(404)
    expect((await w.G.get(`${w.base}/visitors/not-a-uuid`)).status).toBe(400)
    expect((await w.G.patch(`${w.base}/visitors/${theirs.id}`, {})).status).toBe(400)
  })

  it('notes: any agent writes one; its author or an admin edits or deletes it, another agent may not', async () => {
    const w = await world()
    const other = await s().fx.agent(w.site.id)
    const O = as(s(), other.token)
    const v = await visitorWithChat(w.site.id)
    const made = await w.G.post(`${w.base}/visitors/${v.id}/notes`, { text: 'Prefers email; renewal due in January.' })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ visitorId: v.id, author: { agentId: w.agent.id, name: w.agent.name }, text: 'Prefers email; renewal due in January.' })
    const note = `${w.base}/visitors/${v.id}/notes/${made.body.id}`
    expect((await O.patch(note, { text: 'Not mine to change' })).status).toBe(403)
    expect((await O.delete(note)).status).toBe(403)
    expect((await w.G.patch(note, { text: 'Prefers email.' })).body.text).toBe('Prefers email.')
    expect((await w.A.patch(note, { text: 'Prefers email (checked).' })).body.text).toBe('Prefers email (checked).')
    expect((await w.G.post(`${w.base}/visitors/${v.id}/notes`, { text: '  ' })).status).toBe(400)
    const second = await O.post(`${w.base}/visitors/${v.id}/notes`, { text: 'Second note' })
    expect((await w.G.get(`${w.base}/visitors/${v.id}`)).body.notes.map((x: { text: string }) => x.text)).toEqual(['Prefers email (checked).', 'Second note'])
    expect((await w.A.delete(`${w.base}/visitors/${v.id}/notes/${second.body.id}`)).status).toBe(204)
    expect((await w.G.delete(note)).status).toBe(204)
    expect((await w.G.delete(note)).status).toBe(404)
    expect((await w.G.get(`${w.base}/visitors/${v.id}`)).body.notes).toEqual([])
  })

  it('an API key edits with contacts:write (its notes under its name) and reads with conversations:read; without them it is refused', async () => {
    const w = await world()
    const v = await visitorWithChat(w.site.id)
    const writer = await apiKey(s(), w.site.agencyId, { siteId: w.site.id, scopes: ['contacts:write'], name: 'CRM sync' })
    const reader = await apiKey(s(), w.site.agencyId, { siteId: w.site.id, scopes: ['conversations:read'] })
    const edited = await request(s().url).patch(`${w.base}/visitors/${v.id}`).set(bearer(writer.secret)).send({ company: 'From the CRM', attributes: { plan: 'pro' } })
    expect(edited.status).toBe(200)
    const note = await request(s().url).post(`${w.base}/visitors/${v.id}/notes`).set(bearer(writer.secret)).send({ text: 'Synced' })
    expect(note.body.author).toEqual({ agentId: null, name: 'CRM sync' })
    expect((await request(s().url).get(`${w.base}/visitors/${v.id}`).set(bearer(writer.secret))).status).toBe(403)
    expect((await request(s().url).get(`${w.base}/visitors/${v.id}`).set(bearer(reader.secret))).body).toMatchObject({ company: 'From the CRM', attributes: { plan: 'pro' } })
    expect((await request(s().url).patch(`${w.base}/visitors/${v.id}`).set(bearer(reader.secret)).send({ company: 'x' })).status).toBe(403)
  })
})

describe('the visitor sets attributes', () => {
  it('those marked "visitor may set", by visitor:update; any other is forbidden and nothing of that update is kept', async () => {
    const w = await world()
    const v = await visitorWithChat(w.site.id)
    const socket = await connectRaw(file.track(rawSocket(s().url, '/visitor', { token: v.token })))
    const ok = await ask<{ ok: boolean; data: { company: string } }>(socket, 'visitor:update', { company: 'Self Employed', attributes: { nickname: 'Ace' } })
    expect(ok).toMatchObject({ ok: true, data: { company: 'Self Employed' } })
    const refused = await ask<{ ok: boolean; error: { code: string } }>(socket, 'visitor:update', { company: 'Changed', attributes: { nickname: 'Other', plan: 'enterprise' } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const wrong = await ask<{ ok: boolean; error: { code: string } }>(socket, 'visitor:update', { attributes: { nickname: 42 } })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_payload' } })
    const contact = (await w.G.get(`${w.base}/visitors/${v.id}`)).body
    expect({ company: contact.company, attributes: contact.attributes }).toEqual({ company: 'Self Employed', attributes: { nickname: 'Ace' } })
  })
})

describe('the inbox filter by attribute', () => {
  it('value of each type, and ranges of numbers and dates, pick exactly the conversations of the contacts that match', async () => {
    const w = await world()
    const people = await Promise.all([0, 1, 2, 3].map(() => visitorWithChat(w.site.id)))
    const values = [
      { plan: 'pro', seats: 5, renews: '2027-01-15', vip: true, nickname: 'Alpha' },
      { plan: 'pro', seats: 50, renews: '2027-03-01', vip: false },
      { plan: 'free', seats: 1, renews: '2026-12-31' },
      {},
    ]
    for (const [i, p] of people.entries()) if (Object.keys(values[i]!).length) expect((await w.G.patch(`${w.base}/visitors/${p.id}`, { attributes: values[i] })).status).toBe(200)
    const pick = async (q: Record<string, string>) => {
      const r = await w.G.get(`${w.base}/conversations?${new URLSearchParams(q)}`)
      expect({ q, status: r.status }).toEqual({ q, status: 200 })
      return people.flatMap((p, i) => (r.body.items.some((c: { id: string }) => c.id === p.conversationId) ? [i] : [])).sort()
    }
    expect(await pick({ attribute: 'plan', attributeValue: 'pro' })).toEqual([0, 1])
    expect(await pick({ attribute: 'plan' })).toEqual([0, 1, 2])
    expect(await pick({ attribute: 'seats', attributeValue: '50' })).toEqual([1])
    expect(await pick({ attribute: 'seats', attributeMin: '2', attributeMax: '50' })).toEqual([0, 1])
    expect(await pick({ attribute: 'renews', attributeMax: '2027-01-31' })).toEqual([0, 2])
    expect(await pick({ attribute: 'renews', attributeMin: '2027-01-01' })).toEqual([0, 1])
    expect(await pick({ attribute: 'vip', attributeValue: 'false' })).toEqual([1])
    expect(await pick({ attribute: 'vip', attributeValue: 'true', status: 'pending,active' })).toEqual([0])
    expect(await pick({ attribute: 'nickname', attributeValue: 'Alpha' })).toEqual([0])
    expect(await pick({ attribute: 'nickname', attributeValue: 'alpha' })).toEqual([])
  })

  it(`a range matching ${WALK_FROM} contacts or more (the inbox's order walked) and one matching fewer page through exactly their conversations, newest first`, async () => {
    const w = await world()
    // 1,500 contacts with a chat each, seats 1..1,500; several share each second of activity.
    const N = 1_500
    await s().db.inSite(w.site.id, async (tx) => {
      await tx.$executeRaw`
        INSERT INTO mod_chat_visitors (id, site_id, name, last_seen_at, created_at, updated_at)
        SELECT md5(${w.site.id} || 'v' || i)::uuid, ${w.site.id}::uuid, 'Contact ' || i, now(), now(), now() FROM generate_series(1, ${N}::int) i`
      await tx.$executeRaw`
        INSERT INTO mod_chat_conversations (id, site_id, agency_id, visitor_id, status, last_activity_at, created_at, updated_at)
        SELECT md5(${w.site.id} || 'c' || i)::uuid, ${w.site.id}::uuid, ${w.site.agencyId}::uuid, md5(${w.site.id} || 'v' || i)::uuid,
          (ARRAY['pending', 'active', 'resolved', 'closed'])[i % 4 + 1], t, t, t
        FROM generate_series(1, ${N}::int) i, LATERAL (SELECT date_trunc('second', now()) - make_interval(secs => (i / 7)::int) + make_interval(secs => (i % 7) * 0.01) AS t) x`
      await tx.$executeRaw`
        INSERT INTO mod_chat_contact_attribute_values (site_id, visitor_id, attribute_id, number_value)
        SELECT ${w.site.id}::uuid, md5(${w.site.id} || 'v' || i)::uuid, ${w.ids['seats']}::uuid, i FROM generate_series(1, ${N}::int) i`
    })
    const expected = async (min: number, max: number, status?: string[]) =>
      (
        await s().db.inSite(w.site.id, (tx) => tx.$queryRaw<{ id: string }[]>`
          SELECT c.id FROM mod_chat_conversations c JOIN mod_chat_contact_attribute_values v ON v.visitor_id = c.visitor_id AND v.attribute_id = ${w.ids['seats']}::uuid
          WHERE c.site_id = ${w.site.id}::uuid AND v.number_value BETWEEN ${min} AND ${max} AND (${status ?? null}::text[] IS NULL OR c.status = ANY (${status ?? null}::text[]))
          ORDER BY c.last_activity_at DESC, c.id DESC`)
      ).map((r) => r.id)
    const paged = async (q: Record<string, string>) => {
      const ids: string[] = []
      let cursor: string | null = null
      do {
        const r = await w.G.get(`${w.base}/conversations?${new URLSearchParams({ ...q, limit: '25', ...(cursor ? { cursor } : {}) })}`)
        expect(r.status).toBe(200)
        ids.push(...r.body.items.map((c: { id: string }) => c.id))
        cursor = r.body.nextCursor
      } while (cursor)
      return ids
    }
    for (const [min, max, status] of [[1, 1_200], [101, 1_400, 'resolved,closed'], [1, 300], [700, 720, 'pending,active']] as const) {
      const want = await expected(min, max, status?.split(','))
      expect(want.length).toBeGreaterThan(0)
      const got = await paged({ attribute: 'seats', attributeMin: String(min), attributeMax: String(max), ...(status ? { status } : {}) })
      expect({ min, max, status, got }).toEqual({ min, max, status, got: want })
    }
  })

  it('an unknown key, a value of the wrong type, a range on a list, a value without a key: 400', async () => {
    const w = await world()
    const queries: Record<string, string>[] = [
      { attribute: 'nope', attributeValue: 'x' },
      { attribute: 'seats', attributeValue: 'many' },
      { attribute: 'renews', attributeMin: '2027-13-01' },
      { attribute: 'vip', attributeValue: 'yes' },
      { attribute: 'plan', attributeValue: 'gold' },
      { attribute: 'plan', attributeMin: 'free' },
      { attributeValue: 'pro' },
    ]
    for (const q of queries) {
      const r = await w.G.get(`${w.base}/conversations?${new URLSearchParams(q)}`)
      expect({ q, status: r.status, code: r.body.error?.code }).toEqual({ q, status: 400, code: 'invalid_payload' })
    }
  })

  it("another site's attribute key is unknown here", async () => {
    const w = await world()
    const other = await world()
    const theirs = await visitorWithChat(other.site.id)
    await other.G.patch(`${other.base}/visitors/${theirs.id}`, { attributes: { plan: 'pro' } })
    const r = await w.G.get(`${w.base}/conversations?attribute=plan&attributeValue=pro`)
    expect(r.status).toBe(200)
    expect(r.body.items).toEqual([])
  })

  it('the CSV export takes the same filter', async () => {
    const w = await world()
    const a = await visitorWithChat(w.site.id)
    const b = await visitorWithChat(w.site.id)
    await w.G.patch(`${w.base}/visitors/${a.id}`, { attributes: { vip: true } })
    const csv = await w.A.get(`${w.base}/exports/conversations.csv?attribute=vip&attributeValue=true`)
    expect(csv.status).toBe(200)
    expect(csv.text).toContain(a.conversationId)
    expect(csv.text).not.toContain(b.conversationId)
  })
})

describe('privacy', () => {
  it("a visitor's export holds their company, attribute values and the notes on them", async () => {
    const w = await world()
    const v = await visitorWithChat(w.site.id)
    await w.G.patch(`${w.base}/visitors/${v.id}`, { phone: '+1 555 0100', company: 'Export Co', attributes: { plan: 'pro', renews: '2027-05-05' } })
    await w.G.post(`${w.base}/visitors/${v.id}/notes`, { text: 'Exported note' })
    const res = await fetch(`${s().url}${w.base}/visitors/${v.id}/export`, { headers: bearer(w.admin.token) })
    expect(res.status).toBe(200)
    const doc = VisitorExport.parse(JSON.parse(strFromU8(unzipSync(new Uint8Array(await res.arrayBuffer()))['visitor.json']!)))
    expect(doc.visitor).toMatchObject({ phone: '+1 555 0100', company: 'Export Co', attributes: { plan: 'pro', renews: '2027-05-05' }, notes: [{ text: 'Exported note', author: { agentId: w.agent.id } }] })
  })
})
