import { css, html, nothing } from 'lit'
import { LiveChatError, type AgencySite, type ApiKey, type AuditAction, type AuditEvent, type AuditFilter, type Member } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fullTime } from '../shared/util.js'
import { fileDate, saveBlob } from '../shared/download.js'
import { formStyles } from '../shared/form-styles.js'
import { adminStyles } from './styles.js'
import { AdminView } from './view.js'

/** What each audit action reads as (the type makes sure none is missing). */
export const ACTIONS: Record<AuditAction, string> = {
  'setup.completed': 'Set up the workspace',
  'agency.created': 'Created the agency',
  'auth.login': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.logout': 'Signed out',
  'auth.session_revoked': 'Ended a session',
  'auth.password_changed': 'Changed their password',
  'auth.password_reset_requested': 'Asked for a password reset',
  'auth.password_reset': 'Reset their password',
  'auth.two_factor_enabled': 'Turned two-factor on',
  'auth.two_factor_disabled': 'Turned two-factor off',
  'auth.recovery_codes_regenerated': 'Made new recovery codes',
  'agency.updated': 'Changed the agency',
  'member.role_changed': 'Changed an agency role',
  'member.removed': 'Removed someone from the agency',
  'agent.added': 'Added an agent',
  'agent.updated': 'Changed an agent',
  'agent.removed': 'Removed an agent from a site',
  'team.created': 'Added a team',
  'team.updated': 'Changed a team',
  'team.deleted': 'Deleted a team',
  'sla_policy.created': 'Added an SLA policy',
  'sla_policy.updated': 'Changed an SLA policy',
  'sla_policy.deleted': 'Deleted an SLA policy',
  'invitation.created': 'Invited someone',
  'invitation.resent': 'Resent an invitation',
  'invitation.revoked': 'Revoked an invitation',
  'invitation.accepted': 'Accepted an invitation',
  'site.created': 'Created a site',
  'site.updated': 'Changed a site',
  'site.deleted': 'Deleted a site',
  'site.identity_secret_viewed': 'Viewed the identity secret',
  'site.identity_secret_rotated': 'Rotated the identity secret',
  'api_key.created': 'Created an API key',
  'api_key.revoked': 'Revoked an API key',
  'webhook.created': 'Added a webhook',
  'webhook.updated': 'Changed a webhook',
  'webhook.deleted': 'Deleted a webhook',
  'webhook.secret_rotated': 'Rotated a webhook secret',
  'webhook.redelivered': 'Sent a webhook delivery again',
  'ban.created': 'Banned a visitor, email or address',
  'ban.lifted': 'Lifted a ban',
  'export.conversations': 'Exported conversations',
  'export.audit': 'Exported the audit log',
  'export.visitor': 'Exported a visitor’s data',
  'visitor.erased': 'Erased a visitor',
  'retention.applied': 'Applied the retention policy',
}

type Group = AuditAction extends `${infer G}.${string}` ? G : never

/** The action filter's groups (each is the prefix `<group>.`). */
export const GROUPS: Record<Group, string> = {
  auth: 'Sign-ins, passwords and two-factor',
  member: 'Agency roles and removals',
  agent: 'Site agents',
  team: 'Teams',
  sla_policy: 'SLA policies',
  invitation: 'Invitations',
  site: 'Sites and identity secrets',
  api_key: 'API keys',
  webhook: 'Webhooks',
  ban: 'Bans',
  export: 'Exports',
  visitor: 'Erased visitors',
  retention: 'Retention (old conversations deleted or anonymised)',
  agency: 'Agency settings',
  setup: 'Setup',
}

/** The start of local day `day` (YYYY-MM-DD) as an ISO time; `next` moves a day on (an inclusive end). */
function dayStart(day: string, next = false): string {
  const d = new Date(`${day}T00:00:00`)
  if (next) d.setDate(d.getDate() + 1)
  return d.toISOString()
}

/**
 * The audit log (agency owners and admins): who did what, when, to what, from which IP; filters by
 * action group, person or API key, site and dates; pages of `page-size`, newest first; the filtered log as
 * a CSV file.
 */
export class LcdAdminAudit extends AdminView {
  static override styles = [
    base,
    formStyles,
    adminStyles,
    css`
      form.filters .row > label {
        flex: 1 1 160px;
      }
      td.action code {
        display: block;
        color: var(--muted);
        font-size: 12px;
      }
      .pager {
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
      }
    `,
  ]
  static override properties = {
    pageSize: { type: Number, attribute: 'page-size' },
    _events: { state: true },
    _next: { state: true },
    _page: { state: true },
    _loading: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _members: { state: true },
    _keys: { state: true },
    _sites: { state: true },
    _exporting: { state: true },
  }

  /** Events per page (1..100). */
  pageSize = 50

  /** @internal */ _events: AuditEvent[] = []
  /** @internal The next page's cursor (null: this is the last). */ _next: string | null = null
  /** @internal 0-based. */ _page = 0
  /** @internal */ _loading = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal */ _members: Member[] = []
  /** @internal */ _keys: ApiKey[] = []
  /** @internal */ _sites: AgencySite[] = []
  /** @internal */ _exporting = false

  /** The filters in force (applied with “Apply”). */
  #filter: AuditFilter = {}
  /** The cursor of each page shown so far (page 0: none), for “Newer”. */
  #cursors: (string | undefined)[] = [undefined]
  protected async load(): Promise<void> {
    const client = this.client!
    // The filters' choices, beside the first page; the log works without them.
    const [, m, k, s] = await Promise.allSettled([this.#go(0), client.members.list(), client.apiKeys.list(), client.sites.list()])
    if (m.status === 'fulfilled') this._members = m.value
    if (k.status === 'fulfilled') this._keys = k.value
    if (s.status === 'fulfilled') this._sites = s.value
  }

  override render() {
    return html`${this.#filters()}
      <section aria-labelledby="audit-h">
        <div class="head">
          <h3 id="audit-h">Audit log</h3>
          <button type="button" class="export" ?disabled=${this._exporting} @click=${this.#export}>${this._exporting ? 'Exporting…' : 'Export CSV'}</button>
        </div>
        <p role="status" class="muted">${this._status}</p>
        ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing} ${this.#table()} ${this.#pager()}
      </section>`
  }

  #filters() {
    return html`<form class="filters" aria-label="Filter the audit log" @submit=${this.#apply} @reset=${this.#clear}>
      <div class="row">
        <label
          >Action
          <select name="action">
            <option value="">All actions</option>
            ${(Object.keys(GROUPS) as Group[]).map((g) => html`<option value="${g}.">${GROUPS[g]}</option>`)}
          </select></label
        >
        <label
          >Person or key
          <select name="actorId">
            <option value="">Anyone</option>
            <optgroup label="People">${this._members.map((m) => html`<option value=${m.userId}>${m.name} (${m.email})</option>`)}</optgroup>
            ${this._keys.length ? html`<optgroup label="API keys">${this._keys.map((k) => html`<option value=${k.id}>${k.name} (${k.prefix}…)</option>`)}</optgroup>` : nothing}
          </select></label
        >
        <label
          >Site
          <select name="siteId">
            <option value="">Any site</option>
            ${this._sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
          </select></label
        >
        <label>From <input type="date" name="from" /></label>
        <label>To <input type="date" name="to" /></label>
      </div>
      <div class="row">
        <button type="submit" class="primary">Apply filters</button>
        <button type="reset">Clear</button>
      </div>
    </form>`
  }

  #table() {
    if (!this._events.length) return this._loading ? html`<p class="muted">Loading…</p>` : html`<p class="muted">Nothing recorded${Object.keys(this.#filter).length ? ' that matches the filters' : ' yet'}.</p>`
    const siteName = (id: string | null) => (id ? (this._sites.find((s) => s.id === id)?.name ?? '') : '')
    return html`<div class="scroll">
      <table class="audit" aria-busy=${this._loading ? 'true' : 'false'}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">IP</th>
          </tr>
        </thead>
        <tbody>
          ${this._events.map((e) => {
            // The site, unless the target is the site itself.
            const site = e.target?.type === 'site' ? '' : siteName(e.siteId)
            return html`<tr data-event=${e.id}>
              <td class="nowrap">${fullTime(e.createdAt)}</td>
              <th scope="row">
                <span class="who"
                  ><span>${e.actor.label}</span>${e.actor.type === 'user' ? nothing : html`<span class="muted">${e.actor.type === 'api_key' ? 'API key' : e.actor.type === 'operator' ? 'Operator (CLI)' : 'System'}</span>`}</span
                >
              </th>
              <td class="action">${ACTIONS[e.action as AuditAction] ?? e.action}<code>${e.action}</code></td>
              <td>
                <span class="who"
                  ><span>${e.target ? (e.target.label ?? e.target.type) : html`<span class="muted">—</span>`}</span>${site ? html`<span class="muted">${site}</span>` : nothing}</span
                >
              </td>
              <td class="nowrap">${e.ip ?? html`<span class="muted">—</span>`}</td>
            </tr>`
          })}
        </tbody>
      </table>
    </div>`
  }

  #pager() {
    if (this._page === 0 && !this._next) return nothing
    return html`<nav class="pager" aria-label="Audit log pages">
      <button type="button" class="newer" ?disabled=${this._page === 0} @click=${() => void this.#turn(-1)}>← Newer</button>
      <span>Page ${this._page + 1}</span>
      <button type="button" class="older" ?disabled=${!this._next} @click=${() => void this.#turn(1)}>Older →</button>
    </nav>`
  }

  /** One page older (1) or newer (-1); at the last page that way, the focus moves to the other button. */
  async #turn(by: 1 | -1): Promise<void> {
    if (this._loading) return
    await this.#go(this._page + by)
    await this.updateComplete
    const [used, other] = by === 1 ? ['older', 'newer'] : ['newer', 'older']
    if (this.renderRoot.querySelector<HTMLButtonElement>(`button.${used}`)?.disabled) this.renderRoot.querySelector<HTMLElement>(`button.${other}`)?.focus()
  }

  /** Shows page `page` of the current filters (0: the newest). */
  async #go(page: number): Promise<void> {
    const client = this.client
    if (!client) return
    if (page > this._page && this._next) this.#cursors[page] = this._next
    const cursor = this.#cursors[page]
    this._loading = true
    try {
      const result = await client.audit.list({ ...this.#filter, ...(cursor ? { cursor } : {}), limit: this.pageSize })
      this._events = result.items
      this._next = result.nextCursor
      this._page = page
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the audit log: ${LiveChatError.from(error).message}`
    } finally {
      this._loading = false
    }
  }

  #read(form: HTMLFormElement): AuditFilter {
    const data = new FormData(form)
    const get = (k: string) => String(data.get(k) ?? '')
    const filter: AuditFilter = {}
    if (get('action')) filter.action = get('action')
    if (get('actorId')) filter.actorId = get('actorId')
    if (get('siteId')) filter.siteId = get('siteId')
    if (get('from')) filter.from = dayStart(get('from'))
    if (get('to')) filter.to = dayStart(get('to'), true)
    return filter
  }

  #apply = (e: SubmitEvent): void => {
    e.preventDefault()
    this.#filter = this.#read(e.target as HTMLFormElement)
    this.#restart()
  }

  #clear = (): void => {
    this.#filter = {}
    this.#restart()
  }

  #restart(): void {
    this.#cursors = [undefined]
    this._next = null
    this._page = 0
    void this.#go(0)
  }

  #export = async (): Promise<void> => {
    if (!this.client || this._exporting) return
    this._exporting = true
    this._status = ''
    try {
      saveBlob(await this.client.audit.csv(this.#filter), `audit-log-${fileDate()}.csv`)
      this._status = 'Exported the audit log (with the filters in force).'
    } catch (error) {
      this._status = ''
      this._problem = `Could not export: ${LiveChatError.from(error).message}`
    } finally {
      this._exporting = false
    }
  }
}
define('lcd-admin-audit', LcdAdminAudit)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-admin-audit': LcdAdminAudit
  }
}
