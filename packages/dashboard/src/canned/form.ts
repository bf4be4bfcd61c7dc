import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type AgentSummary, type CannedResponse, type CreateCannedResponse } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { CANNED_VARIABLES } from './canned.js'
import { LIMITS, textLength } from '@live-chat/protocol/limits'

// Mirrors the protocol's CreateCannedResponse schema (the dashboard does not bundle zod); lengths
// in code points, as the server counts them (so no HTML maxlength, which counts UTF-16 units).
const TITLE_MAX = LIMITS.title
const CONTENT_MAX = LIMITS.cannedContent
const CATEGORY_MAX = 100
const SHORTCUT_MAX = 50
const SHORTCUT = /^[a-z0-9][a-z0-9_-]*$/

type Field = 'title' | 'shortcut' | 'content' | 'category' | 'isPersonal'
const FIELDS: readonly Field[] = ['title', 'shortcut', 'content', 'category', 'isPersonal']

let forms = 0

/**
 * The form that creates a canned response, or edits one in place (`response`). Validates like the
 * server and shows the server's refusals (a shortcut already used, ...) next to their field.
 *
 * @fires {CustomEvent<{response: CannedResponse}>} lcd-canned-saved - The server stored the response.
 * @fires {CustomEvent<{}>} lcd-cancel - The agent closed the form without saving.
 */
export class LcdCannedForm extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: 10px;
        padding: 12px;
        border: 1px solid var(--line);
        border-radius: var(--radius);
        background: var(--bg);
      }
      .pair {
        display: grid;
        grid-template-columns: 2fr 1fr;
        gap: 10px;
      }
      .shortcut {
        display: flex;
        align-items: center;
        gap: 2px;
      }
      .shortcut input {
        flex: 1;
      }
      textarea {
        min-height: 96px;
        resize: vertical;
      }
      .field-err,
      .help {
        font-weight: 400;
        font-size: 13px;
      }
      code {
        font-size: 12px;
        background: var(--bg-soft);
        padding: 0 3px;
        border-radius: 3px;
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .actions {
        display: flex;
        gap: 8px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    me: { attribute: false },
    response: { attribute: false },
    categories: { attribute: false },
    _values: { state: true },
    _errors: { state: true },
    _saving: { state: true },
  }

  client: AgentClient | null = null
  me: AgentSummary | null = null
  /** The response being edited; null for a new one. */
  response: CannedResponse | null = null
  /** Existing categories, suggested in the category field. */
  categories: string[] = []

  /** @internal */ _values = { title: '', shortcut: '', content: '', category: '', isPersonal: false }
  /** @internal Error messages by field; `form` for the rest. */ _errors: Partial<Record<Field | 'form', string>> = {}
  /** @internal */ _saving = false

  readonly #id = `cf${++forms}`

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('response') || (changed.has('me') && !changed.get('me'))) {
      const r = this.response
      this._values = r
        ? { title: r.title, shortcut: r.shortcut ?? '', content: r.content, category: r.category ?? '', isPersonal: r.isPersonal }
        : { title: '', shortcut: '', content: '', category: '', isPersonal: this.me?.role !== 'admin' }
      this._errors = {}
    }
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus()
  }

  /** Why the Personal box cannot be changed, or '' when it can. */
  #personalLock(): string {
    const admin = this.me?.role === 'admin'
    const r = this.response
    if (!admin) return 'Only admins can share responses with the team.'
    if (r && r.createdById !== this.me?.id) return r.isPersonal ? '' : 'Made by another agent: it stays shared.'
    return ''
  }

  override render() {
    const v = this._values
    const e = this._errors
    const id = (f: string) => `${this.#id}-${f}`
    const err = (f: Field) => (e[f] ? html`<span class="field-err err" id=${id(`${f}-err`)}>${e[f]}</span>` : nothing)
    const described = (f: Field, ...more: string[]) => [...more, ...(e[f] ? [id(`${f}-err`)] : [])].join(' ') || nothing
    const lock = this.#personalLock()
    const set = (f: Field) => (ev: Event) => {
      const t = ev.target as HTMLInputElement
      this._values = { ...this._values, [f]: t.type === 'checkbox' ? t.checked : t.value }
      if (e[f]) this._errors = { ...e, [f]: undefined }
    }
    return html`<form novalidate aria-label=${this.response ? `Edit ${this.response.title}` : 'New canned response'} @submit=${this.#submit}>
      <div class="pair">
        <label
          >Title
          <input .value=${v.title} @input=${set('title')} required aria-invalid=${e.title ? 'true' : 'false'} aria-describedby=${described('title')} />
          ${err('title')}
        </label>
        <label
          >Shortcut
          <span class="shortcut"
            ><span aria-hidden="true">/</span
            ><input
              .value=${v.shortcut}
              @input=${set('shortcut')}
              maxlength=${SHORTCUT_MAX}
              autocapitalize="off"
              spellcheck="false"
              aria-invalid=${e.shortcut ? 'true' : 'false'}
              aria-describedby=${described('shortcut', id('shortcut-help'))}
          /></span>
          <span class="help muted" id=${id('shortcut-help')}>Optional. Typed after “/” in a reply: lowercase letters, digits, - and _.</span>
          ${err('shortcut')}
        </label>
      </div>
      <label
        >Content
        <textarea .value=${v.content} @input=${set('content')} required aria-invalid=${e.content ? 'true' : 'false'} aria-describedby=${described('content', id('vars'))}></textarea>
        <span class="help muted" id=${id('vars')}
          >Variables: ${CANNED_VARIABLES.map((n, i) => html`${i ? ', ' : ''}<code>{{${n}}}</code>`)}. Add a fallback for a missing value:
          <code>{{visitor.first_name | there}}</code>.</span
        >
        ${err('content')}
      </label>
      <div class="pair">
        <label
          >Category
          <input .value=${v.category} @input=${set('category')} list=${id('cats')} aria-invalid=${e.category ? 'true' : 'false'} aria-describedby=${described('category')} />
          <datalist id=${id('cats')}>${this.categories.map((c) => html`<option value=${c}></option>`)}</datalist>
          ${err('category')}
        </label>
        <div>
          <label class="check"
            ><input type="checkbox" .checked=${v.isPersonal} ?disabled=${!!lock} @change=${set('isPersonal')} aria-describedby=${lock ? id('lock') : nothing} /> Personal (only me)</label
          >
          ${lock ? html`<span class="help muted" id=${id('lock')}>${lock}</span>` : nothing} ${err('isPersonal')}
        </div>
      </div>
      ${e.form ? html`<p class="err" role="alert">${e.form}</p>` : nothing}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this._saving}>${this.response ? 'Save' : 'Add response'}</button>
        <button type="button" @click=${() => fire(this, 'lcd-cancel', {})}>Cancel</button>
      </div>
    </form>`
  }

  /** The problems the server's schema would report, by field. */
  #validate(): Partial<Record<Field, string>> {
    const v = this._values
    const errors: Partial<Record<Field, string>> = {}
    if (!v.title.trim()) errors.title = 'Give it a title.'
    else if (textLength(v.title.trim()) > TITLE_MAX) errors.title = `At most ${TITLE_MAX} characters.`
    const sc = v.shortcut.trim()
    if (sc && (sc.length > SHORTCUT_MAX || !SHORTCUT.test(sc)))
      errors.shortcut = sc.startsWith('/') ? 'Leave out the “/”: it is added when typing.' : 'Use lowercase letters, digits, - and _, starting with a letter or digit.'
    if (!v.content.trim()) errors.content = 'Write the text to insert.'
    else if (textLength(v.content.trim()) > CONTENT_MAX) errors.content = `At most ${CONTENT_MAX} characters.`
    if (textLength(v.category.trim()) > CATEGORY_MAX) errors.category = `At most ${CATEGORY_MAX} characters.`
    return errors
  }

  #submit = async (ev: Event): Promise<void> => {
    ev.preventDefault()
    const client = this.client
    if (!client || this._saving) return
    const errors = this.#validate()
    this._errors = errors
    if (Object.keys(errors).length) {
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
      return
    }
    const v = this._values
    const input: CreateCannedResponse = {
      title: v.title.trim(),
      shortcut: v.shortcut.trim() || null,
      content: v.content.trim(),
      category: v.category.trim() || null,
      isPersonal: v.isPersonal,
    }
    this._saving = true
    try {
      const response = this.response ? await client.cannedResponses.update(this.response.id, input) : await client.cannedResponses.create(input)
      fire(this, 'lcd-canned-saved', { response })
    } catch (error) {
      this._errors = this.#serverErrors(LiveChatError.from(error))
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
    } finally {
      this._saving = false
    }
  }

  /** The server's refusal, put next to the field it is about. */
  #serverErrors(error: LiveChatError): LcdCannedForm['_errors'] {
    if (error.code === 'conflict') return { shortcut: `“/${this._values.shortcut.trim()}” is already used on this site: choose another shortcut.` }
    const errors: LcdCannedForm['_errors'] = {}
    for (const d of error.details ?? []) {
      const field = FIELDS.find((f) => d.path === f || d.path.startsWith(`${f}.`))
      if (field) errors[field] ??= d.message
    }
    if (Object.keys(errors).length) return errors
    return { form: error.code === 'forbidden' ? `Not allowed: ${error.message}` : `Could not save: ${error.message}` }
  }
}
define('lcd-canned-form', LcdCannedForm)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-canned-form': LcdCannedForm
  }
}
