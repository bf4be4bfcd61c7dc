import { css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentRole, type CreateInvitation, type Invitation, type InvitationSent } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire, fullTime, siteRoleName, SITE_ROLES } from '../shared/util.js'
import { copyText } from '../shared/clipboard.js'
import { FieldErrors } from '../shared/form.js'
import { formStyles } from '../shared/form-styles.js'
import { adminStyles } from './styles.js'
import { AdminView } from './view.js'

/** A site someone may be invited to. */
export interface InviteSite {
  id: string
  name: string
}

/** What the inviter is told after sending (or resending) an invitation. */
interface Sent {
  email: string
  result: InvitationSent
  resent: boolean
}


/**
 * Invitations: invite someone by email (an agency admin chooses their agency role; a member gets
 * sites, each with its site role), the pending invitations with resend and revoke. Without email
 * on the server the invitation's link is shown to hand over. A site admin invites members to the
 * sites given in `sites` only.
 *
 * @fires {CustomEvent<{}>} lcd-agents-change - Someone who already had an account was given access at once.
 */
export class LcdInvitations extends AdminView {
  static override styles = [
    base,
    formStyles,
    adminStyles,
    css`
      .sites {
        display: grid;
        gap: 6px;
      }
      .site-pick {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: center;
      }
      .site-pick label.check {
        min-width: 180px;
      }
    `,
  ]
  static override properties = {
    server: {},
    sites: { attribute: false },
    agencyAdmin: { type: Boolean, attribute: 'agency-admin' },
    _items: { state: true },
    _loaded: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _role: { state: true },
    _picked: { state: true },
    _errors: { state: true },
    _formProblem: { state: true },
    _sending: { state: true },
    _sent: { state: true },
    _copied: { state: true },
    _revoking: { state: true },
  }

  /** The chat server's URL: links the server gives as paths are shown in full, to hand over. */
  server = ''
  /** The sites the inviter may invite to. */
  sites: InviteSite[] = []
  /** The inviter is an agency owner or admin (may invite agency admins, to any site). */
  agencyAdmin = false

  /** @internal */ _items: Invitation[] = []
  /** @internal */ _loaded = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal The agency role of the new invitation. */ _role: 'member' | 'admin' = 'member'
  /** @internal Sites ticked for the new invitation, with their site role. */ _picked = new Map<string, AgentRole>()
  /** @internal */ _errors = new FieldErrors()
  /** @internal */ _formProblem = ''
  /** @internal */ _sending = false
  /** @internal */ _sent: Sent | null = null
  /** @internal */ _copied = ''
  /** @internal The invitation whose revoke awaits confirmation. */ _revoking: Invitation | null = null

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed)
    // One site to invite to: it is ticked already.
    if (changed.has('sites') && this.sites.length === 1 && !this._picked.size) this._picked = new Map([[this.sites[0]!.id, 'agent']])
  }

  /** Re-reads the pending invitations. */
  async load(): Promise<void> {
    try {
      this._items = await this.client!.invitations.list()
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the invitations: ${LiveChatError.from(error).message}`
    } finally {
      this._loaded = true
    }
  }

  override render() {
    return html`<section aria-labelledby="invite-h">
        <h3 id="invite-h">Invite someone</h3>
        ${this.#form()} ${this.#sentNote()}
      </section>
      <section aria-labelledby="pending-h">
        <h3 id="pending-h">Pending invitations (${this._items.length})</h3>
        <p role="status" class="muted">${this._status}</p>
        ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
        ${!this._loaded ? html`<p class="muted">Loading…</p>` : this._items.length ? this.#table() : html`<p class="muted">No pending invitations.</p>`}
        <lcd-confirm-dialog heading="Revoke the invitation to ${this._revoking?.email ?? ''}?" confirm-label="Revoke">
          <p>The link in it stops working at once. You can invite ${this._revoking?.email ?? 'them'} again later.</p>
        </lcd-confirm-dialog>
      </section>`
  }

  #form() {
    const e = this._errors
    e.begin()
    const email = e.aria('email')
    const forSites = this._role === 'member'
    return html`<form novalidate @submit=${this.#send}>
      <fieldset class="all" ?disabled=${this._sending}>
        <div class="row">
          <label class="f-360"
            >Email <input name="email" type="email" required autocomplete="off" aria-invalid=${email.invalid} aria-describedby=${email.describedby} />${e.text('email')}</label
          >
          ${this.agencyAdmin
            ? html`<label
                >Agency role
                <select name="role" aria-describedby="role-hint" .value=${this._role} @change=${(ev: Event) => (this._role = (ev.target as HTMLSelectElement).value as 'member' | 'admin')}>
                  <option value="member" ?selected=${this._role === 'member'}>Member</option>
                  <option value="admin" ?selected=${this._role === 'admin'}>Admin</option>
                </select></label
              >`
            : nothing}
        </div>
        ${this.agencyAdmin
          ? html`<p class="muted hint" id="role-hint">
              ${forSites ? 'A member works on the sites you choose below.' : 'An admin manages every site of the agency, the team, API keys and the audit log.'}
            </p>`
          : nothing}
        ${forSites
          ? html`<fieldset class="sites" aria-describedby=${e.aria('sites').describedby}>
              <legend>Sites and their role</legend>
              ${this.sites.map((s) => this.#sitePick(s))} ${e.text('sites')}
            </fieldset>`
          : nothing}
        <div class="row"><button class="primary" type="submit">${this._sending ? 'Sending…' : 'Send invitation'}</button></div>
      </fieldset>
      ${this._formProblem || e.unclaimed().length ? html`<p class="err" role="alert">${this._formProblem} ${e.unclaimed().join('; ')}</p>` : nothing}
    </form>`
  }

  #sitePick(s: InviteSite) {
    const role = this._picked.get(s.id)
    const name = s.name || 'This site'
    return html`<div class="site-pick">
      <label class="check"
        ><input type="checkbox" name="site" value=${s.id} .checked=${role !== undefined} @change=${(e: Event) => this.#pick(s.id, (e.target as HTMLInputElement).checked ? 'agent' : null)} />
        ${name}</label
      >
      <label class="check"
        >Role on ${name}
        <select name="site-role" ?disabled=${role === undefined} .value=${role ?? 'agent'} @change=${(e: Event) => this.#pick(s.id, (e.target as HTMLSelectElement).value as AgentRole)}>
          ${SITE_ROLES.map((r) => html`<option value=${r.role} ?selected=${(role ?? 'agent') === r.role}>${r.label}</option>`)}
        </select></label
      >
    </div>`
  }

  #pick(siteId: string, role: AgentRole | null): void {
    const picked = new Map(this._picked)
    if (role) picked.set(siteId, role)
    else picked.delete(siteId)
    this._picked = picked
  }

  #sentNote() {
    const s = this._sent
    if (!s) return nothing
    const { result } = s
    const link = result.link ? new URL(result.link, this.server || location.origin).href : ''
    return html`<div class="box ${result.link ? 'warn' : 'ok'}" role="status">
      ${result.added
        ? html`<strong>${s.email} already has an account in this agency: they were given access at once.</strong>`
        : result.emailed
          ? html`<strong>${s.resent ? 'Sent the invitation again' : 'Invitation sent'} to ${s.email}.</strong>
              ${s.resent ? html`<span>The earlier link no longer works.</span>` : nothing}`
          : html`<strong>The invitation was not emailed.</strong>
              <span>This server has no email set up (or sending failed). Give ${s.email} this link yourself, privately: it works once, until it expires.</span>`}
      ${link
        ? html`<div class="copy">
            <code class="secret link" aria-label="Invitation link for ${s.email}">${link}</code>
            <button type="button" @click=${this.#copyLink}>Copy link</button>
            <span class="muted">${this._copied}</span>
          </div>`
        : nothing}
      <div><button type="button" class="link" @click=${() => ((this._sent = null), (this._copied = ''))}>Done</button></div>
    </div>`
  }

  #table() {
    const siteName = (id: string, fallback: string) => this.sites.find((s) => s.id === id)?.name || fallback
    return html`<div class="scroll">
      <table class="invitations">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Access</th>
            <th scope="col">Invited by</th>
            <th scope="col">Expires</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${this._items.map((i) => {
            const busy = this._busy.has(i.id)
            return html`<tr data-invitation=${i.id}>
              <th scope="row">${i.email}</th>
              <td>
                ${i.role === 'admin'
                  ? html`<span class="tag">Agency admin</span>`
                  : html`<span class="tags">${i.sites.map((s) => html`<span class="tag">${siteName(s.siteId, s.siteName)} · ${siteRoleName(s.role)}</span>`)}</span>`}
              </td>
              <td>${i.invitedBy ?? html`<span class="muted">—</span>`}</td>
              <td class="nowrap">${fullTime(i.expiresAt)}</td>
              <td class="actions">
                <button data-resend=${i.id} aria-label="Resend the invitation to ${i.email}" ?disabled=${busy} @click=${() => void this.#resend(i)}>Resend</button>
                <button data-revoke=${i.id} class="danger" aria-label="Revoke the invitation to ${i.email}" ?disabled=${busy} @click=${() => void this.#revoke(i)}>Revoke</button>
              </td>
            </tr>`
          })}
        </tbody>
      </table>
    </div>`
  }

  #send = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const client = this.client
    if (!client || this._sending) return
    const form = ev.target as HTMLFormElement
    const email = String(new FormData(form).get('email') ?? '').trim()
    const role = this.agencyAdmin ? this._role : 'member'
    const input: CreateInvitation = {
      email,
      role,
      sites: role === 'member' ? [...this._picked].map(([siteId, r]) => ({ siteId, role: r })) : [],
    }
    this._errors = new FieldErrors()
    this._formProblem = ''
    if (role === 'member' && !input.sites!.length) {
      this._errors = new FieldErrors([{ path: 'sites', message: 'Choose at least one site.' }])
      return
    }
    this._sending = true
    this._sent = null
    this._copied = ''
    try {
      const result = await client.invitations.create(input)
      this._sent = { email, result, resent: false }
      form.reset()
      this._role = 'member'
      this._picked = this.sites.length === 1 ? new Map([[this.sites[0]!.id, 'agent']]) : new Map()
      if (result.added) fire(this, 'lcd-agents-change', {})
      else await this.load()
    } catch (error) {
      const err = LiveChatError.from(error)
      this._errors = new FieldErrors(err.details ?? [])
      this._formProblem =
        err.code === 'conflict' ? `Not sent: ${err.message}` : err.details?.length ? 'Not sent: correct the marked fields.' : `Not sent: ${err.message}`
    } finally {
      this._sending = false
    }
  }

  async #resend(i: Invitation): Promise<void> {
    if (!this.client) return
    this.setBusy(i.id, true)
    this._problem = ''
    try {
      const result = await this.client.invitations.resend(i.id)
      await this.load()
      this._sent = { email: i.email, result, resent: true }
      this._copied = ''
      // The news (and the new link's Copy button) takes the focus.
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('.box button')?.focus()
    } catch (error) {
      this._problem = `Could not resend the invitation to ${i.email}: ${LiveChatError.from(error).message}`
    } finally {
      this.setBusy(i.id, false)
    }
  }

  async #revoke(i: Invitation): Promise<void> {
    const client = this.client
    if (!client) return
    this._revoking = i
    const done = await this.confirm(() => client.invitations.revoke(i.id))
    this._revoking = null
    if (!done) return
    const index = this._items.findIndex((x) => x.id === i.id)
    this._items = this._items.filter((x) => x.id !== i.id)
    this._status = `Revoked the invitation to ${i.email}.`
    await this.updateComplete
    // The row is gone: focus the next row's first button, else the heading's list.
    const rows = this.renderRoot.querySelectorAll<HTMLElement>('tbody tr button')
    ;(rows[Math.min(index, this._items.length - 1) * 2] ?? this.renderRoot.querySelector<HTMLElement>('input[name="email"]'))?.focus()
  }

  #copyLink = async (): Promise<void> => {
    const shown = this.renderRoot.querySelector<HTMLElement>('code.link')
    if (!shown) return
    const ok = await copyText(shown.textContent ?? '', shown)
    this._copied = ok ? 'Copied' : 'Selected: press Ctrl+C (⌘C) to copy'
  }
}
define('lcd-invitations', LcdInvitations)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-invitations': LcdInvitations
  }
}
