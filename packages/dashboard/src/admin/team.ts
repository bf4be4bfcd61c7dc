import { html, nothing } from 'lit'
import { live } from 'lit/directives/live.js'
import { LiveChatError, type Agency, type AgencyRole, type AgencySite, type Member } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire, fullTime, siteRoleName } from '../shared/util.js'
import { formStyles } from '../shared/form-styles.js'
import { adminStyles } from './styles.js'
import { AdminView } from './view.js'
import './invitations.js'

const ROLES: [AgencyRole, string][] = [
  ['owner', 'Owner'],
  ['admin', 'Admin'],
  ['member', 'Member'],
]

/**
 * Team (agency owners and admins): the agency's name and two-factor rule, its people (agency role,
 * two-factor, last seen, sites) with role change and removal, and invitations to any site.
 *
 * @fires {CustomEvent<{}>} lcd-agents-change - Someone's access changed (the shell re-reads the site's agents).
 */
export class LcdAdminTeam extends AdminView {
  static override styles = [base, formStyles, adminStyles]
  static override properties = {
    userId: { attribute: 'user-id' },
    server: {},
    _agency: { state: true },
    _members: { state: true },
    _sites: { state: true },
    _loaded: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _rowErrors: { state: true },
    _removing: { state: true },
    _agencyStatus: { state: true },
    _agencyProblem: { state: true },
    _savingAgency: { state: true },
  }

  /** The signed-in user (no “Remove” on their own row). */
  userId = ''
  /** The chat server's URL (for invitation links). */
  server = ''

  /** @internal */ _agency: Agency | null = null
  /** @internal */ _members: Member[] = []
  /** @internal */ _sites: AgencySite[] = []
  /** @internal */ _loaded = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal */ _rowErrors: Record<string, string> = {}
  /** @internal The person whose removal awaits confirmation. */ _removing: Member | null = null
  /** @internal */ _agencyStatus = ''
  /** @internal */ _agencyProblem = ''
  /** @internal */ _savingAgency = false

  protected async load(): Promise<void> {
    const client = this.client!
    try {
      const [agency, members, sites] = await Promise.all([client.agency.get(), client.members.list(), client.sites.list()])
      this._agency = agency
      this._members = members
      this._sites = sites
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the team: ${LiveChatError.from(error).message}`
    } finally {
      this._loaded = true
    }
  }

  override render() {
    const a = this._agency
    return html`${a ? this.#agencyForm(a) : nothing}
      <section aria-labelledby="members-h">
        <h3 id="members-h">People (${this._members.length})</h3>
        <p role="status" class="muted">${this._status}</p>
        ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
        ${!this._loaded ? html`<p class="muted">Loading…</p>` : this.#table()}
        <lcd-confirm-dialog heading="Remove ${this._removing?.name ?? ''} from ${a?.name ?? 'the agency'}?" confirm-label="Remove">
          <p>${this._removing?.name ?? 'They'} (${this._removing?.email ?? ''}) leaves every site and is signed out everywhere at once; their account can no longer sign in.</p>
          <ul class="effects">
            <li>Their open conversations go back to the queue and are routed to other agents.</li>
            <li>Their personal canned responses are deleted.</li>
            <li>Conversation history keeps their name on what they wrote.</li>
          </ul>
        </lcd-confirm-dialog>
      </section>
      <lcd-invitations .client=${this.client} .server=${this.server} .sites=${this._sites.map((s) => ({ id: s.id, name: s.name }))} agency-admin @lcd-agents-change=${() => void this.load()}></lcd-invitations>`
  }

  #agencyForm(a: Agency) {
    return html`<section aria-labelledby="agency-h">
      <h3 id="agency-h">Agency</h3>
      <form novalidate @submit=${this.#saveAgency}>
        <fieldset class="all" ?disabled=${this._savingAgency}>
          <div class="row">
            <label class="f-320">Name <input name="agencyName" required autocomplete="off" .value=${live(a.name)} /></label>
            <label class="check"><input type="checkbox" name="requireTwoFactor" .checked=${live(a.requireTwoFactor)} /> Require two-factor sign-in for everyone</label>
            <button type="submit">${this._savingAgency ? 'Saving…' : 'Save'}</button>
            <span role="status" class="muted">${this._agencyStatus}</span>
          </div>
          <p class="muted hint">With two-factor required, people who have not set it up are asked to when they next sign in.</p>
        </fieldset>
        ${this._agencyProblem ? html`<p class="err" role="alert">${this._agencyProblem}</p>` : nothing}
      </form>
    </section>`
  }

  #table() {
    const owner = this._agency?.role === 'owner'
    return html`<div class="scroll">
      <table class="members">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Agency role</th>
            <th scope="col">Two-factor</th>
            <th scope="col">Last seen</th>
            <th scope="col">Sites</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${this._members.map((m) => {
            const me = m.userId === this.userId
            const err = this._rowErrors[m.userId]
            const errId = `member-err-${m.userId}`
            // Only owners make or unmake owners.
            const locked = this._busy.has(m.userId) || (!owner && m.role === 'owner')
            return html`<tr data-member=${m.userId}>
                <th scope="row">
                  <span class="who"><span>${m.name}${me ? html`<span class="muted you">(you)</span>` : nothing}</span><span class="muted">${m.email}</span></span>
                </th>
                <td>
                  <select
                    name="role"
                    aria-label="Agency role of ${m.name}"
                    aria-describedby=${err ? errId : nothing}
                    ?disabled=${locked}
                    .value=${live(m.role)}
                    @change=${(e: Event) => void this.#setRole(m, (e.target as HTMLSelectElement).value as AgencyRole)}
                  >
                    ${ROLES.map(([r, label]) => html`<option value=${r} ?selected=${m.role === r} ?disabled=${r === 'owner' && !owner}>${label}</option>`)}
                  </select>
                </td>
                <td>${m.twoFactorEnabled ? 'On' : html`<span class="muted">Off</span>`}</td>
                <td class="nowrap">${m.lastSeenAt ? fullTime(m.lastSeenAt) : html`<span class="muted">Never</span>`}</td>
                <td>
                  ${m.role !== 'member'
                    ? html`<span class="muted">Every site (admin)</span>`
                    : m.sites.length
                      ? html`<span class="tags">${m.sites.map((s) => html`<span class="tag">${s.siteName} · ${siteRoleName(s.role)}</span>`)}</span>`
                      : html`<span class="muted">None</span>`}
                </td>
                <td class="actions">
                  ${me ? nothing : html`<button class="danger" data-remove=${m.userId} aria-label="Remove ${m.name}" ?disabled=${locked} @click=${() => void this.#remove(m)}>Remove</button>`}
                </td>
              </tr>
              ${err
                ? html`<tr>
                    <td colspan="6"><span class="err" id=${errId} role="alert">${m.name}: ${err}</span></td>
                  </tr>`
                : nothing}`
          })}
        </tbody>
      </table>
    </div>`
  }

  async #setRole(m: Member, role: AgencyRole): Promise<void> {
    if (!this.client || role === m.role) return
    this.setBusy(m.userId, true)
    const { [m.userId]: _, ...rest } = this._rowErrors
    this._rowErrors = rest
    try {
      const saved = await this.client.members.update(m.userId, { role })
      this._members = this._members.map((x) => (x.userId === saved.userId ? saved : x))
      this._status = `${saved.name} is now ${role === 'member' ? 'a member' : `an ${role}`} of the agency.`
      fire(this, 'lcd-agents-change', {})
    } catch (error) {
      this._rowErrors = { ...this._rowErrors, [m.userId]: `Not changed: ${LiveChatError.from(error).message}` }
      this.requestUpdate() // the select shows the role the server still has
    } finally {
      this.setBusy(m.userId, false)
    }
  }

  async #remove(m: Member): Promise<void> {
    const client = this.client
    if (!client) return
    this._removing = m
    const done = await this.confirm(() => client.members.remove(m.userId))
    this._removing = null
    if (!done) return
    this._members = this._members.filter((x) => x.userId !== m.userId)
    this._status = `Removed ${m.name}.`
    fire(this, 'lcd-agents-change', {})
    await this.focusOn('#members-h')
  }

  #saveAgency = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const a = this._agency
    if (!this.client || !a || this._savingAgency) return
    const data = new FormData(ev.target as HTMLFormElement)
    const name = String(data.get('agencyName') ?? '').trim()
    const requireTwoFactor = data.get('requireTwoFactor') === 'on'
    const changes = { ...(name !== a.name ? { name } : {}), ...(requireTwoFactor !== a.requireTwoFactor ? { requireTwoFactor } : {}) }
    this._agencyProblem = ''
    if (!Object.keys(changes).length) {
      this._agencyStatus = 'Nothing to save.'
      return
    }
    this._savingAgency = true
    this._agencyStatus = ''
    try {
      this._agency = await this.client.agency.update(changes)
      this._agencyStatus = 'Saved'
    } catch (error) {
      const err = LiveChatError.from(error)
      this._agencyProblem = `Not saved: ${err.details?.map((d) => d.message).join('; ') || err.message}`
    } finally {
      this._savingAgency = false
    }
  }
}
define('lcd-admin-team', LcdAdminTeam)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-admin-team': LcdAdminTeam
  }
}
