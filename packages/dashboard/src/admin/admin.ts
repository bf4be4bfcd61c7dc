import { LitElement, html } from 'lit'
import type { AgentClient } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { tabAfterKey, tabPageStyles } from '../shared/tabs.js'
import './sites.js'
import './team.js'
import './api-keys.js'
import './audit.js'

/** The sections of the Admin page (`#admin/<section>`). */
export type AdminTab = 'sites' | 'team' | 'api-keys' | 'audit'

const TABS: [AdminTab, string][] = [
  ['sites', 'Sites'],
  ['team', 'Team'],
  ['api-keys', 'API keys'],
  ['audit', 'Audit log'],
]

/**
 * The agency's administration (agency owners and admins): its sites, its people and invitations,
 * API keys and the audit log, one section at a time. The section is in the URL: `path` is what
 * follows `#admin/` (`sites`, `sites/<siteId>`, `team`, `api-keys`, `audit`), and choosing a section
 * sets it there.
 *
 * @fires {CustomEvent<{}>} lcd-agents-change - Someone's access changed (re-read the open site's agents).
 * @fires {CustomEvent<{ deleted?: string }>} lcd-sites-change - A site was added, changed or deleted.
 */
export class LcdAdmin extends LitElement {
  static override styles = [base, tabPageStyles]
  static override properties = {
    client: { attribute: false },
    server: {},
    userId: { attribute: 'user-id' },
    agencyName: { attribute: 'agency-name' },
    path: {},
  }

  client: AgentClient | null = null
  /** The chat server's public URL (for embed snippets). */
  server = ''
  /** The signed-in user. */
  userId = ''
  /** Shown in the heading. */
  agencyName = ''
  /** What follows `#admin/` in the URL. */
  path = 'sites'

  get #tab(): AdminTab {
    const first = this.path.split('/')[0]
    return TABS.find(([t]) => t === first)?.[0] ?? 'sites'
  }

  override render() {
    const tab = this.#tab
    const [, siteId = ''] = tab === 'sites' ? this.path.split('/') : []
    const panel = (t: AdminTab, content: unknown) =>
      tab === t ? html`<div role="tabpanel" id="admin-panel-${t}" aria-labelledby="admin-tab-${t}" tabindex="-1">${content}</div>` : ''
    return html`<div class="top">
        <h2>${this.agencyName ? `${this.agencyName}: administration` : 'Administration'}</h2>
        <div role="tablist" aria-label="Administration sections" @keydown=${this.#keys}>
          ${TABS.map(
            ([t, label]) =>
              html`<button
                role="tab"
                id="admin-tab-${t}"
                aria-controls="admin-panel-${t}"
                aria-selected=${tab === t ? 'true' : 'false'}
                tabindex=${tab === t ? 0 : -1}
                @click=${() => this.#navigate(t)}
              >
                ${label}
              </button>`,
          )}
        </div>
      </div>
      <div @lcd-admin-navigate=${this.#onNavigate}>
        ${panel('sites', html`<lcd-admin-sites .client=${this.client} .server=${this.server} .siteId=${decodeURIComponent(siteId)}></lcd-admin-sites>`)}
        ${panel('team', html`<lcd-admin-team .client=${this.client} .userId=${this.userId} .server=${this.server}></lcd-admin-team>`)}
        ${panel('api-keys', html`<lcd-admin-api-keys .client=${this.client}></lcd-admin-api-keys>`)}
        ${panel('audit', html`<lcd-admin-audit .client=${this.client}></lcd-admin-audit>`)}
      </div>`
  }

  #onNavigate = async (e: CustomEvent<{ path: string }>): Promise<void> => {
    e.stopPropagation()
    this.#navigate(e.detail.path)
    // The new view's heading (a site's name, or the list) takes the focus.
    await this.updateComplete
    const panel = this.renderRoot.querySelector<HTMLElement>('[role="tabpanel"]')
    panel?.focus()
  }

  #navigate(path: string): void {
    this.path = path
    const hash = `#admin/${path}`
    if (location.hash !== hash) location.hash = hash
  }

  /** Arrow keys, Home and End move between the sections (the WAI-ARIA tabs pattern). */
  #keys = async (e: KeyboardEvent): Promise<void> => {
    const next = tabAfterKey(e.key, TABS.findIndex(([t]) => t === this.#tab), TABS.length)
    if (next === undefined) return
    e.preventDefault()
    const tab = TABS[next]![0]
    this.#navigate(tab)
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>(`#admin-tab-${tab}`)?.focus()
  }
}
define('lcd-admin', LcdAdmin)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-admin': LcdAdmin
  }
}
