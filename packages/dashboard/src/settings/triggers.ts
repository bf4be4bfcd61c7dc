import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { live } from 'lit/directives/live.js'
import { LiveChatError, type AgentClient, type AgentSummary, type Team, type CreateTrigger, type Trigger } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { formStyles } from '../shared/form-styles.js'

const CAPS: [Trigger['cap'], string][] = [
  ['page', 'Once per page view'],
  ['session', 'Once per visit'],
  ['days', 'Once every N days'],
]

/** A number field's value, or null when empty. */
const num = (v: FormDataEntryValue | null): number | null => (v === null || String(v).trim() === '' ? null : Number(v))
const text = (v: FormDataEntryValue | null): string | null => (v === null || String(v).trim() === '' ? null : String(v).trim())

/**
 * Proactive messages (triggers): the list with each one's rules and its funnel (shown → replied →
 * answered by the team), enable or disable, add, edit and delete (admins; agents read), and the
 * site's consent switch that lets the widget remember caps and returning visitors in the browser.
 */
export class LcdSettingsTriggers extends LitElement {
  static override styles = [
    base,
    formStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
        gap: 8px 16px;
      }
      h3 {
        margin-top: 16px;
      }
      .funnel {
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
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
      form {
        display: grid;
        gap: 10px;
        margin-top: 12px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    admin: { type: Boolean },
    _items: { state: true },
    _mayStore: { state: true },
    _editing: { state: true },
    _problem: { state: true },
    _status: { state: true },
  }

  client: AgentClient | null = null
  agents: AgentSummary[] = []
  /** The site's teams: a reply starts a conversation for the one chosen. */
  teams: Team[] = []
  admin = false

  /** @internal The site's proactive messages; null until the first load answers (nothing to change before it, so it cannot overwrite a change). */ _items: Trigger[] | null = null
  /** @internal */ _mayStore = false
  /** @internal The trigger being edited ('new': the add form). */ _editing: string | null = null
  /** @internal */ _problem = ''
  /** @internal */ _status = ''

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
      const [items, settings] = await Promise.all([this.client!.triggers.list(), this.client!.settings.get()])
      this._items = items
      this._mayStore = settings.widget.triggersMayStore
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the proactive messages: ${LiveChatError.from(error).message}`
    }
  }

  override render() {
    return html`<p class="muted hint">
        A proactive message greets visitors first, from an agent or the team, when its rules hold in their page. Nothing is stored in the visitor’s browser and no
        chat session starts until they reply.
      </p>
      <p role="status" class="muted">${this._status}</p>
      ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
      <label class="check"
        ><input type="checkbox" name="mayStore" ?disabled=${!this.admin || this._items === null} .checked=${live(this._mayStore)} @change=${(e: Event) => void this.#setMayStore((e.target as HTMLInputElement).checked)} />
        Let the widget remember shown messages and returning visitors in the visitor’s browser (needs your visitors’ consent where the law asks for it)</label
      >
      <section aria-labelledby="triggers-h">
        <h3 id="triggers-h">Proactive messages${this._items ? ` (${this._items.length})` : ''}</h3>
        ${this._items === null
          ? this._problem
            ? nothing
            : html`<p class="muted">Loading…</p>`
          : this._items.length
            ? this.#table(this._items)
            : html`<p class="muted">No proactive messages yet.</p>`}
      </section>
      ${this._items === null
        ? nothing
        : this.admin
        ? this._editing === 'new'
          ? this.#form(null)
          : html`<button class="primary" @click=${() => (this._editing = 'new')}>Add a proactive message</button>`
        : html`<p class="note" role="note">Only site admins can change proactive messages.</p>`}`
  }

  #table(items: Trigger[]) {
    return html`<div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Message</th>
            <th scope="col">Rules</th>
            <th scope="col">Shown → replied → answered</th>
            <th scope="col">Enabled</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${items.map((t) =>
            this._editing === t.id
              ? html`<tr>
                  <td colspan="6">${this.#form(t)}</td>
                </tr>`
              : html`<tr data-trigger=${t.id}>
                  <th scope="row">${t.name}</th>
                  <td><strong>${t.sender.name}:</strong> ${t.text}</td>
                  <td>${rulesText(t)}</td>
                  <td class="funnel">${t.funnel.shown} → ${t.funnel.replied} → ${t.funnel.conversations}</td>
                  <td>
                    <input type="checkbox" aria-label="Enabled: ${t.name}" ?disabled=${!this.admin} .checked=${live(t.enabled)} @change=${(e: Event) => void this.#save(t.id, { enabled: (e.target as HTMLInputElement).checked })} />
                  </td>
                  <td>
                    ${this.admin
                      ? html`<button aria-label="Edit ${t.name}" @click=${() => (this._editing = t.id)}>Edit</button>
                          <button class="danger" aria-label="Delete ${t.name}" @click=${() => void this.#delete(t)}>Delete</button>`
                      : nothing}
                  </td>
                </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  }

  #form(t: Trigger | null) {
    const r = t?.rules
    return html`<form novalidate aria-label=${t ? `Edit ${t.name}` : 'Add a proactive message'} @submit=${(e: SubmitEvent) => void this.#submit(e, t)}>
      <label>Name <input name="name" required maxlength="300" .value=${t?.name ?? ''} /></label>
      <label>Message <textarea name="text" required maxlength="1000" rows="2" .value=${t?.text ?? ''}></textarea></label>
      <label
        >From
        <select name="agentId">
          <option value="" ?selected=${!t?.agentId}>The team (the site’s name)</option>
          ${this.agents.map((a) => html`<option value=${a.id} ?selected=${t?.agentId === a.id}>${a.name}</option>`)}
        </select></label
      >
      ${this.teams.length || t?.teamId
        ? html`<label
            >A reply goes to
            <select name="teamId">
              <option value="" ?selected=${!t?.teamId}>Any agent</option>
              ${this.teams.map((x) => html`<option value=${x.id} ?selected=${t?.teamId === x.id}>The ${x.name} team</option>`)}
            </select></label
          >`
        : nothing}
      <fieldset>
        <legend>Show when all of these hold</legend>
        <div class="grid">
          <label>Page (e.g. /pricing*) <input name="url" .value=${r?.url ?? ''} /></label>
          <label>Seconds on the page <input name="seconds" type="number" min="0" max="3600" .value=${String(r?.seconds ?? '')} /></label>
          <label>Scrolled at least (%) <input name="scroll" type="number" min="1" max="100" .value=${String(r?.scroll ?? '')} /></label>
          <label>Event from your page <input name="event" placeholder="pricing-help" .value=${r?.event ?? ''} /></label>
          <label class="check"><input type="checkbox" name="returning" .checked=${r?.returning ?? false} /> Returning visitors only (needs the memory switch above)</label>
          <label class="check"><input type="checkbox" name="businessHours" .checked=${r?.businessHours ?? false} /> Only within business hours</label>
        </div>
      </fieldset>
      <div class="grid">
        <label
          >How often
          <select name="cap">
            ${CAPS.map(([v, l]) => html`<option value=${v} ?selected=${(t?.cap ?? 'session') === v}>${l}</option>`)}
          </select></label
        >
        <label>N days <input name="capDays" type="number" min="1" max="365" .value=${String(t?.capDays ?? 1)} /></label>
      </div>
      <div class="row">
        <button class="primary" type="submit">${t ? 'Save' : 'Add'}</button>
        <button type="button" @click=${() => (this._editing = null)}>Cancel</button>
      </div>
    </form>`
  }

  async #submit(e: SubmitEvent, t: Trigger | null): Promise<void> {
    e.preventDefault()
    const f = new FormData(e.target as HTMLFormElement)
    const input: CreateTrigger = {
      name: String(f.get('name') ?? ''),
      text: String(f.get('text') ?? ''),
      agentId: text(f.get('agentId')),
      ...(f.has('teamId') ? { teamId: text(f.get('teamId')) } : {}),
      rules: { url: text(f.get('url')), seconds: num(f.get('seconds')), scroll: num(f.get('scroll')), event: text(f.get('event')), returning: f.has('returning'), businessHours: f.has('businessHours') },
      cap: f.get('cap') as Trigger['cap'],
      capDays: num(f.get('capDays')) ?? 1,
    }
    await this.#save(t?.id ?? null, input)
  }

  async #save(id: string | null, input: Partial<CreateTrigger>): Promise<void> {
    try {
      const saved = id ? await this.client!.triggers.update(id, input) : await this.client!.triggers.create(input as CreateTrigger)
      const items = this._items ?? []
      this._items = id ? items.map((x) => (x.id === id ? saved : x)) : [...items, saved]
      this._editing = null
      this._problem = ''
      this._status = `Saved “${saved.name}”.`
    } catch (error) {
      this._problem = `Not saved: ${LiveChatError.from(error).message}`
    }
  }

  async #delete(t: Trigger): Promise<void> {
    if (!confirm(`Delete “${t.name}”?`)) return
    try {
      await this.client!.triggers.delete(t.id)
      this._items = (this._items ?? []).filter((x) => x.id !== t.id)
      this._status = `Deleted “${t.name}”.`
    } catch (error) {
      this._problem = `Not deleted: ${LiveChatError.from(error).message}`
    }
  }

  async #setMayStore(on: boolean): Promise<void> {
    try {
      this._mayStore = (await this.client!.settings.update({ widget: { triggersMayStore: on } })).widget.triggersMayStore
      this._status = 'Saved.'
    } catch (error) {
      this._problem = `Not saved: ${LiveChatError.from(error).message}`
    }
  }
}

/** The rules in words. */
export function rulesText(t: Trigger): string {
  const r = t.rules
  const parts = [
    r.url ? `on ${r.url}` : 'on any page',
    r.seconds ? `after ${r.seconds} s` : '',
    r.scroll ? `scrolled ${r.scroll}%` : '',
    r.event ? `on “${r.event}”` : '',
    r.returning ? 'returning visitors' : '',
    r.businessHours ? 'in business hours' : '',
  ]
  const cap = t.cap === 'days' ? `once every ${t.capDays} day${t.capDays === 1 ? '' : 's'}` : t.cap === 'page' ? 'once per page view' : 'once per visit'
  return [...parts.filter(Boolean), cap].join(', ')
}

define('lcd-settings-triggers', LcdSettingsTriggers)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-triggers': LcdSettingsTriggers
  }
}
