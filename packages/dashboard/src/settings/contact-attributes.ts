import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { LiveChatError, type AgentClient, type ContactAttribute, type ContactAttributeType, type CreateContactAttribute } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { formStyles } from '../shared/form-styles.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'

/** The types as the page names them. */
export const ATTRIBUTE_TYPES: [ContactAttributeType, string][] = [
  ['text', 'Text'],
  ['number', 'Number'],
  ['date', 'Date'],
  ['list', 'List'],
  ['boolean', 'Yes / no'],
]
const typeLabel = (t: ContactAttributeType) => ATTRIBUTE_TYPES.find(([k]) => k === t)?.[1] ?? t

/** "free, pro, business" → the options (empty ones dropped). */
const options = (text: string) => text.split(',').map((o) => o.trim()).filter(Boolean)

/**
 * Contact attributes: the custom fields every contact of the site may have (a key for the API, the
 * SDK and the inbox filter; a label; a type; a list's options), and whether the visitor may set
 * one from the widget or the SDK. Admins add, change and delete them; agents see them.
 */
export class LcdSettingsContactAttributes extends LitElement {
  static override styles = [
    base,
    formStyles,
    css`
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th,
      td {
        text-align: start;
        padding: 8px;
        border-bottom: 1px solid var(--line, #e5e7eb);
        vertical-align: top;
      }
      td:last-child {
        text-align: end;
        white-space: nowrap;
      }
      code {
        font-size: 12px;
      }
      form.add {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
        gap: 10px 16px;
        align-items: end;
        margin-top: 12px;
      }
      form.add :is(input:not([type='checkbox']), select, button) {
        height: 36px;
      }
      label.check {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      h3 {
        margin-top: 16px;
      }
      th code {
        display: none;
        font-weight: 400;
      }
      /* A phone: the key under the label, not a column of its own. */
      @media (max-width: 600px) {
        .key {
          display: none;
        }
        th code {
          display: block;
        }
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    admin: { type: Boolean },
    _items: { state: true },
    _loaded: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _type: { state: true },
    _deleting: { state: true },
  }

  client: AgentClient | null = null
  admin = false

  /** @internal */ _items: ContactAttribute[] = []
  /** @internal */ _loaded = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal The type chosen in the add form (a list asks for its options). */ _type: ContactAttributeType = 'text'
  /** @internal */ _deleting: ContactAttribute | null = null

  #loadedFor = ''

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const site = this.client?.siteId
    if (site && site !== this.#loadedFor) {
      this.#loadedFor = site
      void this.#load()
    }
  }

  async #load(): Promise<void> {
    try {
      this._items = await this.client!.contacts.attributes()
      this._loaded = true
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the contact attributes: ${LiveChatError.from(error).message}`
    }
  }

  override render() {
    return html`<p class="muted hint">
        Custom fields of every contact: agents fill them in the visitor panel, your server through the API, and the visitor (where you allow it) from
        the widget or the SDK. The inbox filters conversations by them.
        ${this.admin ? nothing : 'Only admins change them.'}
      </p>
      <p role="status" class="muted">${this._status}</p>
      ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
      <section aria-labelledby="attributes-h">
        <h3 id="attributes-h">Attributes (${this._items.length})</h3>
        ${this._items.length ? this.#table() : this._loaded ? html`<p class="muted">No contact attributes yet.</p>` : html`<p class="muted">Loading…</p>`}
      </section>
      ${this.admin ? this.#addForm() : nothing}`
  }

  #table() {
    return html`<div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col" class="key">Key</th>
            <th scope="col">Type</th>
            <th scope="col">Visitor may set</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this._items,
            (a) => a.id,
            (a) => html`<tr data-attribute=${a.key}>
              <th scope="row">${a.label} <code>${a.key}</code></th>
              <td class="key"><code>${a.key}</code></td>
              <td>${typeLabel(a.type)} ${a.type === 'list' ? html`<span class="muted small">· ${a.options.join(', ')}</span>` : nothing}</td>
              <td>
                ${this.admin
                  ? html`<input type="checkbox" aria-label="The visitor may set ${a.label}" .checked=${a.visitorMaySet} @change=${(e: Event) => void this.#toggle(a, e)} />`
                  : a.visitorMaySet
                    ? 'Yes'
                    : 'No'}
              </td>
              <td>${this.admin ? html`<button aria-label="Delete ${a.label}" @click=${() => void this.#delete(a)}>Delete</button>` : nothing}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <lcd-confirm-dialog heading="Delete ${this._deleting?.label ?? ''}?" confirm-label="Delete attribute">
      <p>Every contact's value of ${this._deleting?.label ?? 'it'} is deleted with it, and the inbox can no longer filter by it.</p>
    </lcd-confirm-dialog>`
  }

  #addForm() {
    return html`<section aria-labelledby="add-attribute-h">
      <h3 id="add-attribute-h">Add an attribute</h3>
      <form class="add" novalidate aria-labelledby="add-attribute-h" @submit=${this.#add}>
        <label>Label <input name="label" required maxlength="100" placeholder="Plan" @input=${this.#suggestKey} /></label>
        <label>Key <input name="key" required maxlength="50" pattern="[a-z][a-z0-9_]*" placeholder="plan" autocomplete="off" spellcheck="false" /></label>
        <label
          >Type
          <select name="type" @change=${(e: Event) => (this._type = (e.target as HTMLSelectElement).value as ContactAttributeType)}>
            ${ATTRIBUTE_TYPES.map(([k, label]) => html`<option value=${k} ?selected=${k === this._type}>${label}</option>`)}
          </select></label
        >
        ${this._type === 'list' ? html`<label>Options (comma-separated) <input name="options" required placeholder="free, pro, business" /></label>` : nothing}
        <label class="check"><input type="checkbox" name="visitorMaySet" /> The visitor may set it</label>
        <div class="row"><button class="primary" type="submit">Add attribute</button></div>
      </form>
    </section>`
  }

  /** The key follows the label until it is typed into. */
  #suggestKey = (e: Event): void => {
    const form = (e.target as HTMLInputElement).form!
    const key = form.elements.namedItem('key') as HTMLInputElement
    if (key.dataset['typed']) return
    key.value = (e.target as HTMLInputElement).value.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '').slice(0, 50)
    key.oninput ??= () => (key.dataset['typed'] = '1')
  }

  #add = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const f = new FormData(form)
    const type = String(f.get('type')) as ContactAttributeType
    const input: CreateContactAttribute = {
      key: String(f.get('key') ?? '').trim(),
      label: String(f.get('label') ?? '').trim(),
      type,
      ...(type === 'list' ? { options: options(String(f.get('options') ?? '')) } : {}),
      visitorMaySet: f.get('visitorMaySet') === 'on',
    }
    try {
      const made = await this.client!.contacts.createAttribute(input)
      this._items = [...this._items, made]
      this._problem = ''
      this._status = `Added ${made.label}.`
      form.reset()
      delete (form.elements.namedItem('key') as HTMLInputElement).dataset['typed']
      this._type = 'text'
    } catch (error) {
      this._problem = `Not added: ${LiveChatError.from(error).message}`
    }
  }

  async #toggle(a: ContactAttribute, e: Event): Promise<void> {
    const box = e.target as HTMLInputElement
    try {
      const changed = await this.client!.contacts.updateAttribute(a.id, { visitorMaySet: box.checked })
      this._items = this._items.map((x) => (x.id === a.id ? changed : x))
      this._problem = ''
      this._status = `${a.label}: ${changed.visitorMaySet ? 'the visitor may set it' : 'only the team sets it'}.`
    } catch (error) {
      box.checked = a.visitorMaySet
      this._problem = `Not changed: ${LiveChatError.from(error).message}`
    }
  }

  async #delete(a: ContactAttribute): Promise<void> {
    const client = this.client
    if (!client) return
    this._deleting = a
    await this.updateComplete
    const done = await this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog')!.open(() => client.contacts.deleteAttribute(a.id))
    this._deleting = null
    if (!done) return
    this._items = this._items.filter((x) => x.id !== a.id)
    this._problem = ''
    this._status = `Deleted ${a.label}.`
  }
}
define('lcd-settings-contact-attributes', LcdSettingsContactAttributes)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-contact-attributes': LcdSettingsContactAttributes
  }
}
