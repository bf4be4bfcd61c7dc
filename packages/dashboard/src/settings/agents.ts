import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { live } from 'lit/directives/live.js'
import { LiveChatError, type AgentClient, type AgentRole, type AgentSummary, type Team, type UpdateAgent } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire, SITE_ROLES } from '../shared/util.js'
import { copyText, strongPassword } from '../shared/clipboard.js'
import { FieldErrors } from '../shared/form.js'
import { formStyles, tableStyles } from '../shared/form-styles.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'
import '../admin/invitations.js'

/** What the admin is told after adding an agent. */
interface Added {
  name: string
  email: string
  /** The generated first password (a new account), shown once. */
  password: string | null
  /** Something went wrong after the agent was added. */
  warning: string
}

/**
 * The site's agents: who they are, their status and load; admins add agents (a new account gets
 * a generated first password, shown once), invite people by email, change role, capacity
 * and whether they take new chats (teams are staffed in the Teams section), and remove agents from the site. Others see the
 * list read-only.
 *
 * @fires {CustomEvent<{}>} lcd-agents-change - An agent was added or changed (the owner re-reads the list).
 */
export class LcdSettingsAgents extends LitElement {
  static override styles = [
    base,
    formStyles,
    tableStyles,
    css`
      :host {
        display: grid;
        gap: 20px;
      }
      th {
        font-weight: 600;
        white-space: nowrap;
      }
      td.num {
        text-align: right;
      }
      input.cap {
        width: 64px;
      }
      .who {
        display: grid;
      }
      .who .email {
        font-weight: 400;
      }
      .presence {
        display: inline-flex;
        gap: 6px;
        align-items: center;
        white-space: nowrap;
      }
      tr.row-err td {
        border-bottom: 1px solid var(--line);
      }
      .added {
        display: grid;
        gap: 8px;
        padding: 12px;
        border: 1px solid var(--ok);
        border-radius: var(--radius);
      }
      code.pw {
        font: 15px ui-monospace, SFMono-Regular, Menlo, monospace;
        padding: 4px 8px;
        background: var(--bg-soft);
        border-radius: 4px;
        user-select: all;
      }
      .new .row > label {
        flex: 1 1 160px;
      }
      ul.effects {
        list-style: disc;
        padding-left: 20px;
      }
      ul.effects li {
        display: list-item;
      }
      button.danger {
        white-space: nowrap;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    me: { attribute: false },
    admin: { type: Boolean },
    server: {},
    _fresh: { state: true },
    _rowErrors: { state: true },
    _busy: { state: true },
    _createErrors: { state: true },
    _createProblem: { state: true },
    _creating: { state: true },
    _added: { state: true },
    _copied: { state: true },
    _removing: { state: true },
    _removed: { state: true },
    _status: { state: true },
  }

  client: AgentClient | null = null
  agents: AgentSummary[] = []
  /** The site's teams (each agent's, by name). */
  teams: Team[] = []
  me: AgentSummary | null = null
  /** The viewer may add and change agents. */
  admin = false
  /** The chat server's URL (where a new agent signs in). */
  server = ''

  /** @internal Agents as the server answered a change, until the next `agents` list arrives. */ _fresh = new Map<string, AgentSummary>()
  /** @internal */ _rowErrors: Record<string, string> = {}
  /** @internal */ _busy = new Set<string>()
  /** @internal */ _createErrors = new FieldErrors()
  /** @internal */ _createProblem = ''
  /** @internal */ _creating = false
  /** @internal */ _added: Added | null = null
  /** @internal */ _copied = ''
  /** @internal The agent whose removal awaits confirmation. */ _removing: AgentSummary | null = null
  /** @internal Removed here, until the next `agents` list arrives. */ _removed = new Set<string>()
  /** @internal */ _status = ''

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('agents')) {
      this._fresh = new Map()
      this._removed = new Set()
    }
  }

  override render() {
    const list = this.agents.map((a) => this._fresh.get(a.id) ?? a).filter((a) => !this._removed.has(a.id))
    for (const a of this._fresh.values()) if (!list.some((x) => x.id === a.id) && !this._removed.has(a.id)) list.push(a)
    return html`${this.admin ? nothing : html`<p class="note" role="note">Only site admins can add agents or change them.</p>`}
      <section aria-labelledby="team-h">
        <h3 id="team-h" tabindex="-1">Team (${list.length})</h3>
        <p class="muted" id="roles-hint">
          An agent answers the chats routed to them. A supervisor sees every conversation but is never routed chats; a private note of
          theirs in someone's conversation is a whisper that notifies that agent, and they answer the visitor only after taking the
          conversation over. An admin also manages the site.
        </p>
        <p role="status" class="muted">${this._status}</p>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Status</th>
                <th scope="col">Role</th>
                <th scope="col">Capacity</th>
                <th scope="col">Accepts new chats</th>
                <th scope="col">Teams</th>
                <th scope="col">Active chats</th>
                ${this.admin ? html`<th scope="col"><span class="sr-only">Actions</span></th>` : nothing}
              </tr>
            </thead>
            <tbody>
              ${list.map((a) => this.#row(a))}
            </tbody>
          </table>
        </div>
        <lcd-confirm-dialog heading="Remove ${this._removing?.name ?? ''} from this site?" confirm-label="Remove from site">
          <p>${this._removing?.name ?? 'They'} can no longer work on this site; their other sites stay as they are.</p>
          <ul class="effects">
            <li>Their open conversations go back to the queue and are routed to other agents.</li>
            <li>Their personal canned responses on this site are deleted.</li>
            <li>Conversation history keeps their name on what they wrote.</li>
          </ul>
        </lcd-confirm-dialog>
      </section>
      ${this.admin ? this.#createForm() : nothing}
      ${this.admin && this.me ? html`<lcd-invitations .client=${this.client} .server=${this.server} .sites=${[{ id: this.me.siteId, name: '' }]}></lcd-invitations>` : nothing}`
  }

  #row(a: AgentSummary) {
    const busy = this._busy.has(a.id) || !this.admin
    const err = this._rowErrors[a.id]
    const status = a.online ? a.status : 'offline'
    const errId = `row-err-${a.id}`
    const described = err ? errId : nothing
    return html`<tr data-agent=${a.id}>
        <th scope="row">
          <div class="who">
            <span>${a.name}${a.id === this.me?.id ? html` <span class="muted">(you)</span>` : nothing}</span>
            <span class="muted email">${a.email}</span>
          </div>
        </th>
        <td>
          <span class="presence"><span class="dot ${a.online ? a.status : ''}" aria-hidden="true"></span>${status[0]!.toUpperCase() + status.slice(1)}</span>
        </td>
        <td>
          <select name="role" aria-label="Role of ${a.name}" aria-describedby=${described} ?disabled=${busy} .value=${live(a.role)} @change=${(e: Event) => this.#update(a, { role: (e.target as HTMLSelectElement).value as AgentRole })}>
            ${SITE_ROLES.map((r) => html`<option value=${r.role} ?selected=${a.role === r.role}>${r.label}</option>`)}
          </select>
        </td>
        <td>
          <input
            class="cap"
            name="capacity"
            type="number"
            min="0"
            max="100"
            aria-label="Most chats at once for ${a.name}"
            aria-describedby=${described}
            ?disabled=${busy}
            .value=${live(String(a.maxConcurrentChats))}
            @change=${(e: Event) => {
              const n = (e.target as HTMLInputElement).valueAsNumber
              if (Number.isInteger(n)) void this.#update(a, { maxConcurrentChats: n })
              else this.requestUpdate()
            }}
          />
        </td>
        <td>
          <input
            type="checkbox"
            name="accept"
            aria-label="${a.name} accepts new chats"
            aria-describedby=${described}
            ?disabled=${busy}
            .checked=${live(a.acceptNewChats)}
            @change=${(e: Event) => this.#update(a, { acceptNewChats: (e.target as HTMLInputElement).checked })}
          />
        </td>
        <td class="teams">${this.teams.filter((t) => t.agentIds.includes(a.id)).map((t) => t.name).join(', ') || html`<span class="muted">—</span>`}</td>
        <td class="num">${a.activeChats}</td>
        ${this.admin
          ? html`<td>
              ${a.id === this.me?.id
                ? nothing
                : html`<button class="danger" data-remove=${a.id} aria-label="Remove from site: ${a.name}" ?disabled=${busy} @click=${() => void this.#remove(a)}>Remove from site</button>`}
            </td>`
          : nothing}
      </tr>
      ${err
        ? html`<tr class="row-err">
            <td colspan="8"><span class="err" id=${errId} role="alert">${a.name}: ${err}</span></td>
          </tr>`
        : nothing}`
  }

  async #update(a: AgentSummary, changes: UpdateAgent): Promise<void> {
    if (!this.client) return
    this._busy = new Set(this._busy).add(a.id)
    const { [a.id]: _, ...rest } = this._rowErrors
    this._rowErrors = rest
    try {
      const updated = await this.client.agents.update(a.id, changes)
      this._fresh = new Map(this._fresh).set(a.id, updated)
      fire(this, 'lcd-agents-change', {})
    } catch (error) {
      this._rowErrors = { ...this._rowErrors, [a.id]: `Not changed: ${LiveChatError.from(error).message}` }
    } finally {
      const busy = new Set(this._busy)
      busy.delete(a.id)
      this._busy = busy
    }
  }

  async #remove(a: AgentSummary): Promise<void> {
    const client = this.client
    if (!client) return
    this._removing = a
    const dialog = this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog')!
    const done = await dialog.open(() => client.agents.remove(a.id))
    this._removing = null
    if (!done) return
    this._removed = new Set(this._removed).add(a.id)
    this._status = `Removed ${a.name} from this site.`
    fire(this, 'lcd-agents-change', {})
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>('#team-h')?.focus()
  }

  #createForm() {
    const e = this._createErrors
    e.begin()
    const field = (path: string) => e.aria(path)
    return html`<section aria-labelledby="add-h" class="new">
      <h3 id="add-h">Add an agent</h3>
      <form novalidate @submit=${this.#create}>
        <fieldset class="all" ?disabled=${this._creating}>
          <div class="row">
            <label
              >Name <input name="name" required autocomplete="off" aria-invalid=${field('name').invalid} aria-describedby=${field('name').describedby} />${e.text('name')}</label
            >
            <label
              >Email
              <input name="email" type="email" required autocomplete="off" aria-invalid=${field('email').invalid} aria-describedby=${field('email').describedby} />${e.text('email')}</label
            >
          </div>
          <div class="row">
            <label
              >Role
              <select name="role">
                ${SITE_ROLES.map((r) => html`<option value=${r.role} ?selected=${r.role === 'agent'}>${r.label}</option>`)}
              </select></label
            >
            <label
              >Most chats at once
              <input
                name="maxConcurrentChats"
                type="number"
                min="0"
                max="100"
                value="5"
                aria-invalid=${field('maxConcurrentChats').invalid}
                aria-describedby=${field('maxConcurrentChats').describedby}
              />${e.text('maxConcurrentChats')}</label
            >
          </div>
          <div class="row">
            <button class="primary" type="submit">${this._creating ? 'Adding…' : 'Add agent'}</button>
          </div>
        </fieldset>
        ${this._createProblem || e.unclaimed().length
          ? html`<p class="err" role="alert">${this._createProblem} ${e.unclaimed().join('; ')}</p>`
          : nothing}
      </form>
      ${this.#addedNote()}
    </section>`
  }

  #addedNote() {
    const a = this._added
    if (!a) return nothing
    const signIn = `${this.server.replace(/\/$/, '')}/dashboard`
    return html`<div class="added" role="status">
      <strong>${a.name} (${a.email}) was added.</strong>
      ${a.password
        ? html`<span>Their first password is shown only this once. Share it with them privately; they sign in at ${signIn}.</span>
            <div class="add">
              <code class="pw" aria-label="Password for ${a.email}">${a.password}</code>
              <button type="button" @click=${this.#copyPassword}>Copy password</button>
              <span class="muted">${this._copied}</span>
            </div>`
        : html`<span>${a.email} already has a Live Chat account: they sign in at ${signIn} with their existing password.</span>`}
      ${a.warning ? html`<span class="err">${a.warning}</span>` : nothing}
      <div><button type="button" class="link" @click=${() => (this._added = null)}>Done</button></div>
    </div>`
  }

  #copyPassword = async (): Promise<void> => {
    const pw = this._added?.password
    if (!pw) return
    const ok = await copyText(pw, this.renderRoot.querySelector<HTMLElement>('code.pw'))
    this._copied = ok ? 'Copied' : 'Selected: press Ctrl+C (⌘C) to copy'
  }

  #create = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const client = this.client
    if (!client || this._creating) return
    const form = ev.target as HTMLFormElement
    const data = new FormData(form)
    const get = (k: string) => String(data.get(k) ?? '').trim()
    const capacity = Number(get('maxConcurrentChats') || 5)
    const input = {
      name: get('name'),
      email: get('email'),
      role: get('role') as AgentRole,
      maxConcurrentChats: Number.isFinite(capacity) ? capacity : -1,
    }
    this._creating = true
    this._createErrors = new FieldErrors()
    this._createProblem = ''
    this._added = null
    this._copied = ''
    try {
      // An existing account (same email, same organisation) joins as it is; only a new account
      // needs a first password, which the server says by asking for one.
      let password: string | null = null
      let agent: AgentSummary
      try {
        agent = await client.agents.create(input)
      } catch (error) {
        const err = LiveChatError.from(error)
        if (err.code !== 'invalid_payload' || !err.details?.some((d) => d.path === 'password')) throw err
        password = strongPassword()
        agent = await client.agents.create({ ...input, password })
      }
      this._fresh = new Map(this._fresh).set(agent.id, agent)
      this._added = { name: agent.name, email: agent.email, password, warning: '' }
      form.reset()
      fire(this, 'lcd-agents-change', {})
    } catch (error) {
      const err = LiveChatError.from(error)
      this._createErrors = new FieldErrors(err.details ?? [])
      this._createProblem =
        err.code === 'conflict'
          ? `Not added: ${input.email} is already an agent of this site, or belongs to another organisation.`
          : err.details?.length
            ? 'Not added: correct the marked fields.'
            : `Not added: ${err.message}`
    } finally {
      this._creating = false
    }
  }
}
define('lcd-settings-agents', LcdSettingsAgents)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-agents': LcdSettingsAgents
  }
}
