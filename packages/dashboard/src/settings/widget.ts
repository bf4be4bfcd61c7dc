import { LitElement, css, html, nothing } from 'lit'
import { LiveChatError, type AgentClient, type SiteSettings } from '@live-chat/sdk'
// The widget's one list of its built-in languages.
import { LOCALES } from '@live-chat/widget/i18n'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { businessHoursEditor, type HoursSettings } from './business-hours-editor.js'
import { retentionFieldset } from './retention.js'
import { preChatFieldsEditor } from './prechat-fields-editor.js'
import { FieldErrors, copy, settingsChanges } from '../shared/form.js'
import { formStyles } from '../shared/form-styles.js'
import './widget-preview.js'

type Widget = SiteSettings['widget']

/** The widget's languages: automatic, then the built-in ones, each by its own name and its English one. */
const LANGUAGES: [string, string][] = [
  ['', 'Automatic: the page’s language, else the visitor’s'],
  ...LOCALES.map((l): [string, string] => {
    const own = new Intl.DisplayNames([l], { type: 'language' }).of(l) ?? l
    const english = new Intl.DisplayNames(['en'], { type: 'language' }).of(l) ?? l
    const name = own.charAt(0).toLocaleUpperCase(l) + own.slice(1)
    return [l, name === english ? name : `${name} (${english})`]
  }),
]

/**
 * The widget settings form with a live preview. Admins edit and save (only the changed fields
 * are sent; the server's field errors appear next to the fields); other agents see the same
 * settings read-only.
 */
export class LcdSettingsWidget extends LitElement {
  static override styles = [
    base,
    formStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(260px, 340px);
        gap: 24px;
        align-items: start;
      }
      @media (max-width: 900px) {
        :host {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .preview {
        position: sticky;
        top: 0;
        display: grid;
        gap: 8px;
      }
      .colour {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .colour input[type='color'] {
        width: 44px;
        height: 34px;
        padding: 2px;
      }
      .hours th {
        text-align: left;
        font-weight: 500;
        padding: 6px 12px 6px 0;
        vertical-align: top;
        white-space: nowrap;
      }
      .hours td {
        padding: 4px 0;
      }
      .range {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
        margin-bottom: 4px;
      }
      input.time {
        width: 70px;
      }
      .pf {
        border: 1px solid var(--line);
        border-radius: var(--radius);
        padding: 8px;
        margin-bottom: 8px;
        display: grid;
        gap: 6px;
      }
      .bar {
        position: sticky;
        bottom: 0;
        background: var(--bg);
        border-top: 1px solid var(--line);
        padding: 10px 0;
        display: flex;
        gap: 12px;
        align-items: center;
        flex-wrap: wrap;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    admin: { type: Boolean },
    server: {},
    _saved: { state: true },
    _draft: { state: true },
    _errors: { state: true },
    _status: { state: true },
    _problem: { state: true },
    _saving: { state: true },
    _previewOnline: { state: true },
  }

  client: AgentClient | null = null
  /** The agent may change the settings (else read-only). */
  admin = false
  /** The chat server's URL. */
  server = ''

  /** @internal */ _saved: SiteSettings | null = null
  /** @internal */ _draft: SiteSettings | null = null
  /** @internal */ _errors = new FieldErrors()
  /** @internal */ _status = ''
  /** @internal */ _problem = ''
  /** @internal */ _saving = false
  /** @internal */ _previewOnline = true

  #loadedFor = ''

  /** The unsaved changes, or null. */
  get changes() {
    return this._saved && this._draft ? settingsChanges(this._saved, this._draft) : null
  }

  protected override willUpdate(): void {
    const key = `${this.client?.siteId ?? ''}|${this.admin}`
    if (this.client?.siteId && key !== this.#loadedFor) {
      this.#loadedFor = key
      void this.#load()
    }
  }

  async #load(): Promise<void> {
    const client = this.client!
    this._problem = ''
    try {
      // Every member may read the settings; only admins may save them.
      const settings = await client.settings.get()
      this._saved = settings
      this._draft = copy(settings)
    } catch (error) {
      this._problem = `Could not load the widget settings: ${LiveChatError.from(error).message}`
    }
  }

  #set(changes: Partial<Widget>): void {
    if (!this._draft) return
    this._draft = { ...this._draft, widget: { ...this._draft.widget, ...changes } }
    this._status = ''
  }

  #input<K extends keyof Widget>(key: K, read: (el: HTMLInputElement) => Widget[K]) {
    return (e: Event) => this.#set({ [key]: read(e.target as HTMLInputElement) } as Partial<Widget>)
  }

  override render() {
    if (this._problem && !this._draft) return html`<p class="err" role="alert">${this._problem}</p>`
    const d = this._draft
    if (!d) return html`<p class="muted">Loading…</p>`
    const w = d.widget
    const e = this._errors
    e.begin()
    const text = (key: 'widgetTitle' | 'welcomeMessage' | 'offlineMessage', label: string, area = false) => {
      const a = e.aria(`widget.${key}`)
      return html`<label
        >${label}
        ${area
          ? html`<textarea name=${key} rows="3" .value=${w[key]} aria-invalid=${a.invalid} aria-describedby=${a.describedby} @input=${this.#input(key, (el) => el.value)}></textarea>`
          : html`<input name=${key} .value=${w[key]} aria-invalid=${a.invalid} aria-describedby=${a.describedby} @input=${this.#input(key, (el) => el.value)} />`}
        ${e.text(`widget.${key}`)}</label
      >`
    }
    const check = (key: 'showAgentAvatar' | 'showOnMobile' | 'soundEnabled' | 'requireEmail' | 'preChatEnabled', label: string) =>
      html`<label class="check"><input type="checkbox" name=${key} .checked=${w[key]} @change=${this.#input(key, (el) => el.checked)} /> ${label}</label>${e.text(`widget.${key}`)}`
    const colour = e.aria('widget.primaryColor')
    const languages = LANGUAGES.some(([l]) => l === w.language) ? LANGUAGES : [...LANGUAGES, [w.language, w.language] as [string, string]]
    const changes = this.changes
    return html`<form novalidate @submit=${this.#save}>
        ${this.admin ? nothing : html`<p class="note" role="note">Only site admins can change the widget settings. You can see them here.</p>`}
        <fieldset class="all" ?disabled=${!this.admin || this._saving}>
          ${this.admin
            ? html`<label
                >Site name
                <input name="name" .value=${d.name} aria-invalid=${e.aria('name').invalid} aria-describedby=${e.aria('name').describedby} @input=${(ev: Event) => {
                  this._draft = { ...d, name: (ev.target as HTMLInputElement).value }
                  this._status = ''
                }} />
                ${e.text('name')}</label
              >`
            : nothing}
          <fieldset>
            <legend>Appearance</legend>
            <div class="colour" role="group" aria-labelledby="colour-l">
              <span id="colour-l" class="label">Colour</span>
              <input type="color" name="primaryColorPicker" aria-label="Colour picker" .value=${/^#[\da-f]{6}$/i.test(w.primaryColor) ? w.primaryColor.toLowerCase() : '#0066ff'} @input=${this.#input('primaryColor', (el) => el.value)} />
              <input
                name="primaryColor"
                aria-label="Colour (hex)"
                size="8"
                spellcheck="false"
                .value=${w.primaryColor}
                aria-invalid=${colour.invalid}
                aria-describedby=${colour.describedby}
                @input=${this.#input('primaryColor', (el) => el.value.trim())}
              />
            </div>
            ${e.text('widget.primaryColor')}
            <div role="radiogroup" aria-labelledby="pos-l" class="row">
              <span id="pos-l" class="label">Position</span>
              ${(['bottom-right', 'bottom-left'] as const).map(
                (p) => html`<label class="check"
                  ><input type="radio" name="position" value=${p} .checked=${w.position === p} @change=${() => this.#set({ position: p })} />
                  ${p === 'bottom-right' ? 'Bottom right' : 'Bottom left'}</label
                >`,
              )}
            </div>
            ${e.text('widget.position')} ${check('showAgentAvatar', 'Show the agent’s avatar')} ${check('showOnMobile', 'Show on phones')}
            ${check('soundEnabled', 'Play a sound on new messages')}
            <label
              >Language
              <select name="language" .value=${w.language} @change=${(ev: Event) => this.#set({ language: (ev.target as HTMLSelectElement).value })}>
                ${languages.map(([l, n]) => html`<option value=${l} ?selected=${l === w.language}>${n}</option>`)}
              </select>
              ${e.text('widget.language')}
            </label>
          </fieldset>
          <fieldset>
            <legend>Texts</legend>
            ${text('widgetTitle', 'Title')} ${text('welcomeMessage', 'Welcome message', true)}
          </fieldset>
          <fieldset>
            <legend>Pre-chat form</legend>
            ${check('preChatEnabled', 'Ask visitors to fill in a form before the chat starts')}
            ${check('requireEmail', 'Always ask for an email address')}
            ${w.preChatEnabled ? preChatFieldsEditor(w.preChatFields, (preChatFields) => this.#set({ preChatFields }), e) : nothing}
          </fieldset>
          ${businessHoursEditor(w as HoursSettings, (c) => this.#set(c), e)}
          <fieldset>
            <legend>When you are offline</legend>
            <p class="muted hint">
              When no agent is online and accepting chats (or outside business hours), the widget shows this message and a form asking for the visitor’s name,
              email (required) and message. Offline messages wait in the inbox for someone to answer by email.
            </p>
            ${text('offlineMessage', 'Offline message', true)}
          </fieldset>
          ${this.#missed(d)} ${this.#editWindow(d.widget)}
          ${retentionFieldset(d.retention, this._errors, (retention) => {
            this._draft = { ...d, retention }
            this._status = ''
          })}
          ${this.admin ? this.#origins(d) : nothing}
        </fieldset>
        ${this.admin
          ? html`<div class="bar">
              <button class="primary" type="submit" ?disabled=${!changes || this._saving}>${this._saving ? 'Saving…' : 'Save changes'}</button>
              <button type="button" ?disabled=${!changes || this._saving} @click=${this.#discard}>Discard</button>
              <span role="status" class="status">${this._status}${!this._status && changes ? html`<span class="muted">Unsaved changes</span>` : nothing}</span>
              ${this.#summary()}
            </div>`
          : nothing}
      </form>
      <div class="preview">
        <lcd-widget-preview .config=${w} ?online=${this._previewOnline}></lcd-widget-preview>
        <div role="radiogroup" aria-label="Preview as" class="row">
          <label class="check"><input type="radio" name="preview" .checked=${this._previewOnline} @change=${() => (this._previewOnline = true)} /> Online</label>
          <label class="check"><input type="radio" name="preview" .checked=${!this._previewOnline} @change=${() => (this._previewOnline = false)} /> Offline</label>
        </div>
      </div>`
  }

  #missed(d: SiteSettings) {
    const a = this._errors.aria('missedAfterMinutes')
    const minutes = d.missedAfterMinutes
    return html`<fieldset>
      <legend>Missed conversations</legend>
      <label
        >Mark a conversation missed when no agent has replied after (minutes)
        <input
          name="missedAfterMinutes"
          type="number"
          min="1"
          max="1440"
          step="1"
          .value=${Number.isNaN(minutes) ? '' : String(minutes)}
          aria-invalid=${a.invalid}
          aria-describedby=${a.describedby === nothing ? 'missed-hint' : `missed-hint ${a.describedby}`}
          @input=${(ev: Event) => {
            this._draft = { ...d, missedAfterMinutes: (ev.target as HTMLInputElement).valueAsNumber }
            this._status = ''
          }}
        />
        ${this._errors.text('missedAfterMinutes')}</label
      >
      <p class="muted hint" id="missed-hint">Missed conversations are marked in the inbox and counted in analytics. Offline messages are never missed.</p>
    </fieldset>`
  }

  /** How long visitors and agents may edit or unsend their messages (shown in minutes, stored in seconds). */
  #editWindow(w: Widget) {
    const a = this._errors.aria('widget.editWindowSeconds')
    return html`<fieldset>
      <legend>Edit and unsend</legend>
      <label
        >Visitors and agents may edit or unsend their own messages for (minutes; 0: never)
        <input
          name="editWindowMinutes"
          type="number"
          min="0"
          max="10080"
          step="1"
          .value=${String(Math.round(w.editWindowSeconds / 60))}
          aria-invalid=${a.invalid}
          aria-describedby=${a.describedby}
          @input=${this.#input('editWindowSeconds', (el) => Math.round(el.valueAsNumber * 60))}
        />
        ${this._errors.text('widget.editWindowSeconds')}</label
      >
    </fieldset>`
  }

  #origins(d: SiteSettings) {
    const e = this._errors
    const setOrigins = (allowedOrigins: string[]) => {
      this._draft = { ...d, allowedOrigins }
      this._status = ''
    }
    return html`<fieldset>
      <legend>Allowed websites</legend>
      <p class="muted hint" id="origins-hint">The widget works only on these origins (scheme and host, like https://example.com). None listed: any website.</p>
      <ul class="origins">
        ${d.allowedOrigins.map((o, i) => {
          const a = e.aria(`allowedOrigins.${i}`)
          return html`<li>
            <input
              name="origin"
              aria-label="Allowed origin ${i + 1}"
              .value=${o}
              aria-invalid=${a.invalid}
              aria-describedby=${a.describedby}
              @input=${(ev: Event) => setOrigins(d.allowedOrigins.map((x, j) => (j === i ? (ev.target as HTMLInputElement).value.trim() : x)))}
            />
            <button type="button" class="link danger" aria-label="Remove ${o || `origin ${i + 1}`}" @click=${() => setOrigins(d.allowedOrigins.filter((_, j) => j !== i))}>Remove</button>
            ${e.text(`allowedOrigins.${i}`)}
          </li>`
        })}
      </ul>
      <div class="add">
        <input name="new-origin" aria-label="New allowed origin" aria-describedby="origins-hint" placeholder="https://example.com" @keydown=${(ev: KeyboardEvent) => {
          if (ev.key === 'Enter') {
            ev.preventDefault()
            this.#addOrigin(ev.target as HTMLInputElement, setOrigins, d)
          }
        }} />
        <button type="button" @click=${(ev: Event) => this.#addOrigin((ev.target as HTMLElement).parentElement!.querySelector('input')!, setOrigins, d)}>Add origin</button>
      </div>
      ${e.text('allowedOrigins', true)}
    </fieldset>`
  }

  #addOrigin(input: HTMLInputElement, set: (o: string[]) => void, d: SiteSettings): void {
    const value = input.value.trim().replace(/\/$/, '')
    if (value && !d.allowedOrigins.includes(value)) set([...d.allowedOrigins, value])
    input.value = ''
  }

  #summary() {
    const rest = this._errors.unclaimed()
    if (!this._problem && !rest.length) return nothing
    return html`<div class="err" role="alert">
      ${this._problem}
      ${rest.length ? html`<ul>${rest.map((r) => html`<li>${r}</li>`)}</ul>` : nothing}
    </div>`
  }

  #discard = (): void => {
    if (this._saved) this._draft = copy(this._saved)
    this._errors = new FieldErrors()
    this._problem = ''
  }

  #save = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const changes = this.changes
    if (!changes || !this.client || this._saving) return
    this._saving = true
    this._status = ''
    this._problem = ''
    try {
      const saved = await this.client.settings.update(changes)
      this._saved = saved
      this._draft = copy(saved)
      this._errors = new FieldErrors()
      this._status = 'Saved'
    } catch (error) {
      const err = LiveChatError.from(error)
      this._errors = new FieldErrors(err.details ?? [])
      this._problem = err.details?.length ? 'Not saved: correct the marked fields.' : `Not saved: ${err.message}`
      this._saving = false
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
    } finally {
      this._saving = false
    }
  }
}
define('lcd-settings-widget', LcdSettingsWidget)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-widget': LcdSettingsWidget
  }
}
