import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { LiveChatError, type AgentClient, type AttributeValue, type Contact, type ContactAttribute, type ContactNote, type UpdateContact } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { formStyles } from '../shared/form-styles.js'
import { fire, fullTime, shortTime } from '../shared/util.js'
import { detailStyles } from './details.styles.js'

/** A value as the panel shows it. */
export function showValue(def: ContactAttribute, v: AttributeValue): string {
  if (def.type === 'boolean') return v ? 'Yes' : 'No'
  if (def.type === 'date' && typeof v === 'string') {
    const d = new Date(`${v}T00:00:00`)
    return Number.isNaN(d.getTime()) ? v : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
  }
  return String(v)
}

/** The form's value of an attribute as it is sent: null removes it, undefined leaves it. */
function formValue(def: ContactAttribute, raw: string, had: boolean): AttributeValue | null | undefined {
  if (raw.trim() === '') return had ? null : undefined
  if (def.type === 'number') return Number(raw)
  if (def.type === 'boolean') return raw === 'true'
  return raw
}

/**
 * The visitor as a contact, in the visitor panel: their company and custom attribute values
 * (Settings → Contact attributes), an editor for the profile and the values (any agent; a wrong
 * value is refused and nothing is kept), and the team's notes on the contact (any agent writes
 * one; its author or an admin edits or deletes it).
 *
 * @fires {CustomEvent<{contact: Contact}>} lcd-contact-change - The contact was edited (the panel shows the new name, email, phone).
 */
export class LcdContact extends LitElement {
  static override styles = [
    base,
    formStyles,
    detailStyles,
    css`
      :host {
        display: grid;
        gap: 16px;
      }
      section {
        display: grid;
        gap: 6px;
      }
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 8px;
      }
      li.note {
        display: grid;
        gap: 2px;
        padding: 8px 10px;
        border-radius: var(--radius);
        background: #fef9c3;
        color: #422006;
      }
      li.note p {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .by {
        display: flex;
        gap: 8px;
        align-items: baseline;
        flex-wrap: wrap;
        font-size: 12px;
      }
      .by button {
        padding: 0 4px;
        font-size: 12px;
      }
      textarea {
        min-height: 60px;
        resize: vertical;
      }
      .row {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
      }
      .small {
        font-size: 12px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    visitorId: { attribute: false },
    agentId: { attribute: false },
    admin: { type: Boolean },
    _contact: { state: true },
    _defs: { state: true },
    _editing: { state: true },
    _noteEditing: { state: true },
    _problem: { state: true },
    _status: { state: true },
  }

  client: AgentClient | null = null
  visitorId = ''
  /** The agent looking (their notes are theirs to change). */
  agentId = ''
  admin = false

  /** @internal */ _contact: Contact | null = null
  /** @internal */ _defs: ContactAttribute[] = []
  /** @internal */ _editing = false
  /** @internal The note being edited. */ _noteEditing = ''
  /** @internal */ _problem = ''
  /** @internal */ _status = ''

  #loadedFor = ''

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.client && this.visitorId && (this.visitorId !== this.#loadedFor || changed.has('client'))) {
      this.#loadedFor = this.visitorId
      this._contact = null
      this._editing = false
      this._noteEditing = ''
      this._problem = this._status = ''
      void this.#load(this.visitorId)
    }
  }

  async #load(visitorId: string): Promise<void> {
    try {
      const [contact, defs] = await Promise.all([this.client!.contacts.get(visitorId), this.client!.contacts.attributes()])
      if (this.#loadedFor !== visitorId) return
      this._contact = contact
      this._defs = defs
    } catch (error) {
      if (this.#loadedFor === visitorId) this._problem = `Could not load the contact: ${LiveChatError.from(error).message}`
    }
  }

  override render() {
    const c = this._contact
    if (!c) return this._problem ? html`<p class="err small" role="alert">${this._problem}</p>` : html`<p class="muted small">Loading the contact…</p>`
    const shown = this._defs.filter((d) => c.attributes[d.key] !== undefined)
    return html`<section aria-labelledby="contact-h">
        <div class="head">
          <h3 id="contact-h">Contact</h3>
          ${this._editing ? nothing : html`<button class="link" @click=${this.#edit}>Edit contact</button>`}
        </div>
        <p role="status" class="muted small">${this._status}</p>
        ${this._problem ? html`<p class="err small" role="alert">${this._problem}</p>` : nothing}
        ${this._editing
          ? this.#form(c)
          : c.company || shown.length
            ? html`<dl>
                ${c.company ? html`<dt>Company</dt><dd>${c.company}</dd>` : nothing}
                ${shown.map((d) => html`<dt>${d.label}</dt><dd data-attribute=${d.key}>${showValue(d, c.attributes[d.key]!)}</dd>`)}
              </dl>`
            : html`<p class="muted small">No company or attributes yet.</p>`}
      </section>
      <section aria-labelledby="notes-h">
        <h3 id="notes-h">Notes (${c.notes.length})</h3>
        ${c.notes.length ? html`<ul aria-label="Notes on this contact">${repeat(c.notes, (n) => n.id, (n) => this.#note(n))}</ul>` : nothing}
        <form novalidate aria-label="Add a note" @submit=${this.#addNote}>
          <label class="sr-only" for="new-note">A note on the contact</label>
          <textarea id="new-note" name="text" maxlength="5000" placeholder="A note for the team about this contact…" required></textarea>
          <div class="row"><button type="submit">Add note</button></div>
        </form>
      </section>`
  }

  #form(c: Contact) {
    return html`<form novalidate aria-label="Edit contact" @submit=${this.#save}>
      <label>Name <input name="name" maxlength="200" .value=${c.name ?? ''} autocomplete="off" /></label>
      <label>Email <input name="email" type="email" maxlength="320" .value=${c.email ?? ''} autocomplete="off" ?disabled=${c.verified && !!c.email} /></label>
      <label>Phone <input name="phone" type="tel" maxlength="50" .value=${c.phone ?? ''} autocomplete="off" /></label>
      <label>Company <input name="company" maxlength="200" .value=${c.company ?? ''} autocomplete="off" /></label>
      ${this._defs.map((d) => this.#input(d, c.attributes[d.key]))}
      <div class="row">
        <button class="primary" type="submit">Save contact</button>
        <button type="button" @click=${() => ((this._editing = false), (this._problem = ''))}>Cancel</button>
      </div>
    </form>`
  }

  #input(d: ContactAttribute, v: AttributeValue | undefined) {
    const name = `attr:${d.key}`
    const current = v === undefined ? '' : String(v)
    switch (d.type) {
      case 'list':
        return html`<label
          >${d.label}
          <select name=${name}>
            <option value="" ?selected=${current === ''}>—</option>
            ${d.options.map((o) => html`<option value=${o} ?selected=${o === current}>${o}</option>`)}
          </select></label
        >`
      case 'boolean':
        return html`<label
          >${d.label}
          <select name=${name}>
            <option value="" ?selected=${current === ''}>—</option>
            <option value="true" ?selected=${current === 'true'}>Yes</option>
            <option value="false" ?selected=${current === 'false'}>No</option>
          </select></label
        >`
      case 'number':
        return html`<label>${d.label} <input name=${name} type="number" step="any" .value=${current} /></label>`
      case 'date':
        return html`<label>${d.label} <input name=${name} type="date" .value=${current} /></label>`
      default:
        return html`<label>${d.label} <input name=${name} maxlength="500" .value=${current} /></label>`
    }
  }

  #note(n: ContactNote) {
    const mine = this.admin || (n.author.agentId !== null && n.author.agentId === this.agentId)
    if (this._noteEditing === n.id) {
      return html`<li class="note">
        <form novalidate aria-label="Edit the note" @submit=${(e: SubmitEvent) => void this.#saveNote(e, n)}>
          <label class="sr-only" for="note-${n.id}">The note</label>
          <textarea id="note-${n.id}" name="text" maxlength="5000" required .value=${n.text}></textarea>
          <div class="row"><button class="primary" type="submit">Save note</button><button type="button" @click=${() => (this._noteEditing = '')}>Cancel</button></div>
        </form>
      </li>`
    }
    return html`<li class="note" data-note=${n.id}>
      <p>${n.text}</p>
      <span class="by muted"
        >${n.author.name} · <time datetime=${n.createdAt} title=${fullTime(n.createdAt)}>${shortTime(n.createdAt)}</time>${n.updatedAt !== n.createdAt ? ' · edited' : ''}
        ${mine
          ? html`<button class="link" aria-label="Edit the note by ${n.author.name}" @click=${() => (this._noteEditing = n.id)}>Edit</button
              ><button class="link" aria-label="Delete the note by ${n.author.name}" @click=${() => void this.#deleteNote(n)}>Delete</button>`
          : nothing}</span
      >
    </li>`
  }

  #edit = async (): Promise<void> => {
    this._editing = true
    this._status = ''
    await this.updateComplete
    this.renderRoot.querySelector<HTMLInputElement>('input[name="name"]')?.focus()
  }

  #save = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    const c = this._contact!
    const f = new FormData(e.target as HTMLFormElement)
    const text = (k: string) => String(f.get(k) ?? '').trim()
    const input: UpdateContact = { name: text('name') || null, phone: text('phone') || null, company: text('company') || null }
    if (!(c.verified && c.email)) input.email = text('email') || null
    const attributes: Record<string, AttributeValue | null> = {}
    for (const d of this._defs) {
      const v = formValue(d, String(f.get(`attr:${d.key}`) ?? ''), c.attributes[d.key] !== undefined)
      if (v !== undefined) attributes[d.key] = v
    }
    if (Object.keys(attributes).length) input.attributes = attributes
    try {
      this._contact = await this.client!.contacts.update(c.id, input)
      this._editing = false
      this._problem = ''
      this._status = 'Contact saved.'
      fire(this, 'lcd-contact-change', { contact: this._contact })
    } catch (error) {
      this._problem = `Not saved: ${LiveChatError.from(error).message}`
    }
  }

  #addNote = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const text = String(new FormData(form).get('text') ?? '').trim()
    if (!text) return void (this._problem = 'Write the note first.')
    try {
      const note = await this.client!.contacts.addNote(this._contact!.id, text)
      this._contact = { ...this._contact!, notes: [...this._contact!.notes, note] }
      this._problem = ''
      this._status = 'Note added.'
      form.reset()
    } catch (error) {
      this._problem = `Note not added: ${LiveChatError.from(error).message}`
    }
  }

  async #saveNote(e: SubmitEvent, n: ContactNote): Promise<void> {
    e.preventDefault()
    const text = String(new FormData(e.target as HTMLFormElement).get('text') ?? '').trim()
    try {
      const saved = await this.client!.contacts.editNote(n.visitorId, n.id, text)
      this._contact = { ...this._contact!, notes: this._contact!.notes.map((x) => (x.id === n.id ? saved : x)) }
      this._noteEditing = ''
      this._problem = ''
      this._status = 'Note saved.'
    } catch (error) {
      this._problem = `Note not saved: ${LiveChatError.from(error).message}`
    }
  }

  async #deleteNote(n: ContactNote): Promise<void> {
    try {
      await this.client!.contacts.deleteNote(n.visitorId, n.id)
      this._contact = { ...this._contact!, notes: this._contact!.notes.filter((x) => x.id !== n.id) }
      this._problem = ''
      this._status = 'Note deleted.'
    } catch (error) {
      this._problem = `Note not deleted: ${LiveChatError.from(error).message}`
    }
  }
}
define('lcd-contact', LcdContact)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-contact': LcdContact
  }
}
