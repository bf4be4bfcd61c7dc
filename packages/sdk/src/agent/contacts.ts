import type { Contact, ContactAttribute, ContactNote, CreateContactAttribute, UpdateContact, UpdateContactAttribute } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/**
 * The current site's contacts (`agent.contacts`): a visitor's profile (name, email, phone,
 * company), their custom attribute values and the team's notes on them; and the site's attribute
 * definitions (text, number, date, list, boolean), which only admins change. The inbox filters by
 * an attribute with `conversations.list({ attribute, attributeValue | attributeMin / attributeMax })`.
 */
export class ContactsApi extends AgentApi {
  /** The site's attribute definitions, oldest first. */
  async attributes(): Promise<ContactAttribute[]> {
    const { items } = await this.ctx.http<{ items: ContactAttribute[] }>('GET', this.ctx.site('/contact-attributes'))
    return items
  }

  /** Defines an attribute (site admins). Rejects with `conflict` when the key exists. */
  async createAttribute(input: CreateContactAttribute): Promise<ContactAttribute> {
    return this.ctx.http<ContactAttribute>('POST', this.ctx.site('/contact-attributes'), { body: input })
  }

  /** A new label, a list's options (values no longer among them are removed), whether visitors may set it. */
  async updateAttribute(id: string, input: UpdateContactAttribute): Promise<ContactAttribute> {
    return this.ctx.http<ContactAttribute>('PATCH', this.ctx.site(`/contact-attributes/${seg(id)}`), { body: input })
  }

  /** Deletes the attribute and every contact's value of it. */
  async deleteAttribute(id: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/contact-attributes/${seg(id)}`))
  }

  /** The visitor as a contact: profile, attribute values, notes. */
  async get(visitorId: string): Promise<Contact> {
    return this.ctx.http<Contact>('GET', this.ctx.site(`/visitors/${seg(visitorId)}`))
  }

  /**
   * Edits the profile and attribute values (by key; null removes one). Every value is checked
   * against its definition: one wrong value rejects with `invalid_payload` and nothing is kept.
   */
  async update(visitorId: string, input: UpdateContact): Promise<Contact> {
    return this.ctx.http<Contact>('PATCH', this.ctx.site(`/visitors/${seg(visitorId)}`), { body: input })
  }

  async addNote(visitorId: string, text: string): Promise<ContactNote> {
    return this.ctx.http<ContactNote>('POST', this.ctx.site(`/visitors/${seg(visitorId)}/notes`), { body: { text } })
  }

  /** Edits a note: its author's, or any for an admin. */
  async editNote(visitorId: string, id: string, text: string): Promise<ContactNote> {
    return this.ctx.http<ContactNote>('PATCH', this.ctx.site(`/visitors/${seg(visitorId)}/notes/${seg(id)}`), { body: { text } })
  }

  async deleteNote(visitorId: string, id: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/visitors/${seg(visitorId)}/notes/${seg(id)}`))
  }
}
