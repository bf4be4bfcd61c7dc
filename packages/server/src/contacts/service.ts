// Contacts: the site's team sees and edits a visitor as a contact — profile (name, email, phone,
// company), custom attribute values (attributes.ts), and notes on the contact (not on a
// conversation). Any agent of the site reads and edits contacts and writes notes; a note is
// edited or deleted by its author or an admin. Attribute definitions are the site admins'
// (Settings → Contact attributes). API keys: contacts:write to edit, conversations:read to read,
// sites:read / sites:write for the definitions (api-keys/scopes.ts).
import type { Contact, ContactAttribute, ContactNote, CreateContactAttribute, UpdateContact, UpdateContactAttribute } from '@live-chat/protocol'
import { LIMITS } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import { auditActor, auditMeta, type AuditService } from '../audit/service.js'
import type { PresenceService } from '../presence/service.js'
import { NO_AGENT, type AgentActor, type Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, invalidState, notFound } from '../shared/errors.js'
import { toVisitorDetail } from '../shared/map.js'
import { requireAdmin } from '../sites/service.js'
import { readAttributes, toContactAttribute, writeAttributes } from './attributes.js'

type NoteRow = Prisma.ContactNoteGetPayload<object>

export function toContactNote(n: NoteRow): ContactNote {
  return {
    id: n.id,
    visitorId: n.visitorId,
    author: { agentId: n.authorId, name: n.authorName },
    text: n.text,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  }
}

/** A contact of the site: a visitor that is no merged-away tombstone. */
const live = (visitorId: string): Prisma.VisitorWhereInput => ({ id: visitorId, mergedIntoId: null })

export class ContactService {
  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
    private readonly audit: AuditService,
  ) {}

  // ------------------------------------------------------------------ attribute definitions

  async attributes(actor: AgentActor): Promise<ContactAttribute[]> {
    const rows = await this.ctx.db.inSite(actor.siteId, (tx) => tx.contactAttribute.findMany({ where: { siteId: actor.siteId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }))
    return rows.map(toContactAttribute)
  }

  async createAttribute(actor: AgentActor, input: CreateContactAttribute): Promise<ContactAttribute> {
    requireAdmin(actor)
    const row = await this.inSiteAndAgency(actor, async (tx) => {
      if ((await tx.contactAttribute.count({ where: { siteId: actor.siteId } })) >= LIMITS.contactAttributes) throw invalidState(`a site may define at most ${LIMITS.contactAttributes} contact attributes`)
      if (await tx.contactAttribute.findUnique({ where: { siteId_key: { siteId: actor.siteId, key: input.key } } })) throw new AppError('conflict', `an attribute "${input.key}" exists already`)
      const created = await tx.contactAttribute.create({
        data: { siteId: actor.siteId, key: input.key, label: input.label, type: input.type, options: input.options ?? [], visitorMaySet: input.visitorMaySet ?? false },
      })
      await this.record(tx, actor, 'contact_attribute.created', created.id, created.key, { type: created.type, visitorMaySet: created.visitorMaySet })
      return created
    })
    return toContactAttribute(row)
  }

  /** A new label, a list's options (values no longer among them are removed), whether visitors may set it. */
  async updateAttribute(actor: AgentActor, id: string, input: UpdateContactAttribute): Promise<ContactAttribute> {
    requireAdmin(actor)
    const row = await this.inSiteAndAgency(actor, async (tx) => {
      const def = await tx.contactAttribute.findFirst({ where: { id, siteId: actor.siteId } })
      if (!def) throw notFound('contact attribute')
      if (input.options && def.type !== 'list') throw new AppError('invalid_payload', 'invalid payload: options: only a list has options', [{ path: 'options', message: 'only a list has options' }])
      const updated = await tx.contactAttribute.update({
        where: { id },
        data: {
          ...(input.label !== undefined ? { label: input.label } : {}),
          ...(input.options !== undefined ? { options: input.options } : {}),
          ...(input.visitorMaySet !== undefined ? { visitorMaySet: input.visitorMaySet } : {}),
        },
      })
      if (input.options) await tx.contactAttributeValue.deleteMany({ where: { siteId: actor.siteId, attributeId: id, textValue: { notIn: input.options } } })
      await this.record(tx, actor, 'contact_attribute.updated', id, def.key, { ...input })
      return updated
    })
    return toContactAttribute(row)
  }

  /** Deletes the definition and every contact's value of it. */
  async deleteAttribute(actor: AgentActor, id: string): Promise<void> {
    requireAdmin(actor)
    await this.inSiteAndAgency(actor, async (tx) => {
      const def = await tx.contactAttribute.findFirst({ where: { id, siteId: actor.siteId } })
      if (!def) throw notFound('contact attribute')
      await tx.contactAttribute.delete({ where: { id } })
      await this.record(tx, actor, 'contact_attribute.deleted', id, def.key, {})
    })
  }

  // ------------------------------------------------------------------ a contact

  async get(actor: AgentActor, visitorId: string): Promise<Contact> {
    return this.ctx.db.inSite(actor.siteId, (tx) => this.load(tx, visitorId))
  }

  /** Edits the profile and attribute values in one transaction: a wrong value keeps nothing. */
  async update(actor: AgentActor, visitorId: string, input: UpdateContact): Promise<Contact> {
    const contact = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const v = await tx.visitor.findFirst({ where: live(visitorId) })
      if (!v) throw notFound('visitor')
      if (input.attributes) await writeAttributes(tx, actor.siteId, v.id, input.attributes)
      const data: Prisma.VisitorUpdateInput = {}
      if (input.name !== undefined) data.name = input.name || null
      if (input.email !== undefined) data.email = input.email ? input.email.toLowerCase() : null
      if (input.phone !== undefined) data.phone = input.phone || null
      if (input.company !== undefined) data.company = input.company || null
      await tx.visitor.update({ where: { id: v.id }, data })
      return this.load(tx, v.id)
    })
    this.ctx.publish.visitorUpdated(actor.siteId, { visitorId: contact.id, online: contact.online, currentUrl: contact.currentUrl, currentTitle: contact.currentTitle })
    return contact
  }

  async addNote(actor: AgentActor, visitorId: string, text: string): Promise<ContactNote> {
    const row = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      if (!(await tx.visitor.count({ where: live(visitorId) }))) throw notFound('visitor')
      return tx.contactNote.create({
        data: { siteId: actor.siteId, visitorId, authorId: actor.agentId === NO_AGENT ? null : actor.agentId, authorName: actor.key?.name ?? actor.name, text },
      })
    })
    return toContactNote(row)
  }

  async editNote(actor: AgentActor, visitorId: string, id: string, text: string): Promise<ContactNote> {
    const row = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      await this.ownNote(tx, actor, visitorId, id)
      return tx.contactNote.update({ where: { id }, data: { text } })
    })
    return toContactNote(row)
  }

  async deleteNote(actor: AgentActor, visitorId: string, id: string): Promise<void> {
    await this.ctx.db.inSite(actor.siteId, async (tx) => {
      await this.ownNote(tx, actor, visitorId, id)
      await tx.contactNote.delete({ where: { id } })
    })
  }

  /** The note, when it is the actor's to change: its author's, or any for an admin (and API keys). */
  private async ownNote(tx: Tx, actor: AgentActor, visitorId: string, id: string): Promise<NoteRow> {
    const n = await tx.contactNote.findFirst({ where: { id, visitorId, siteId: actor.siteId } })
    if (!n) throw notFound('note')
    if (actor.role !== 'admin' && n.authorId !== actor.agentId) throw forbidden("only the note's author or an admin may change it")
    return n
  }

  private async load(tx: Tx, visitorId: string): Promise<Contact> {
    const v = await tx.visitor.findFirst({ where: live(visitorId) })
    if (!v) throw notFound('visitor')
    const online = (await this.presence.connections(tx, 'visitor', v.id)) > 0
    const notes = await tx.contactNote.findMany({ where: { visitorId: v.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })
    return { ...toVisitorDetail(v, online), attributes: await readAttributes(tx, v.id), notes: notes.map(toContactNote) }
  }

  private inSiteAndAgency<T>(actor: AgentActor, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ctx.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, fn)
  }

  private record(tx: Tx, actor: AgentActor, action: 'contact_attribute.created' | 'contact_attribute.updated' | 'contact_attribute.deleted', id: string, key: string, data: Record<string, unknown>): Promise<void> {
    return this.audit.recordIn(tx, { agencyId: actor.agencyId, siteId: actor.siteId, action, actor: auditActor(actor), target: { type: 'contact_attribute', id, label: key }, data, meta: auditMeta(actor) })
  }
}
