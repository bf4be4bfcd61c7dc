import { LitElement, html, nothing, type PropertyValues } from 'lit'
import type { AgentClient, AgentSummary, Team } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { tabAfterKey, tabPageStyles } from '../shared/tabs.js'
import './widget.js'
import './agents.js'
import './webhooks.js'
import './embed.js'
import './triggers.js'
import './teams.js'
import './sla.js'
import './bans.js'

/** The sections of the settings page. */
export type SettingsTab = 'widget' | 'triggers' | 'agents' | 'teams' | 'sla' | 'webhooks' | 'bans' | 'embed'

const TABS: [SettingsTab, string][] = [
  ['widget', 'Widget'],
  ['triggers', 'Proactive messages'],
  ['agents', 'Agents'],
  ['teams', 'Teams'],
  ['sla', 'SLA'],
  ['webhooks', 'Webhooks'],
  ['bans', 'Bans'],
  ['embed', 'Embed'],
]
/** Sections only admins see (agents may not even read them). */
const ADMIN_ONLY: SettingsTab[] = ['webhooks']

/**
 * Site settings: the widget (with a live preview), the team of agents, webhooks, bans, and the
 * embed snippet. Only admins change settings and agents; other agents see them read-only, do not
 * see the webhooks, and see and lift only the bans they made.
 *
 * @fires {CustomEvent<{}>} lcd-agents-change - Agents were added or changed (re-read the list and pass the new `agents`).
 */
export class LcdSettings extends LitElement {
  static override styles = [base, tabPageStyles]
  static override properties = {
    client: { attribute: false },
    me: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    server: { attribute: false },
    tab: {},
  }
  client: AgentClient | null = null
  me: AgentSummary | null = null
  agents: AgentSummary[] = []
  teams: Team[] = []
  /** The chat server's public URL (for the embed snippet). */
  server = ''
  /** The open section. */
  tab: SettingsTab = 'widget'

  /** The sections the viewer may open. */
  get #tabs(): [SettingsTab, string][] {
    return this.me?.role === 'admin' ? TABS : TABS.filter(([t]) => !ADMIN_ONLY.includes(t))
  }

  protected override willUpdate(): void {
    if (!this.#tabs.some(([t]) => t === this.tab)) this.tab = 'widget'
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Bans are made from conversations too: the list is read again each time it is opened.
    if (changed.has('tab') && changed.get('tab') !== undefined && this.tab === 'bans') void this.renderRoot.querySelector('lcd-settings-bans')?.reload()
  }

  override render() {
    const admin = this.me?.role === 'admin'
    const tabs = this.#tabs
    const siteId = this.client?.siteId ?? this.me?.siteId ?? ''
    const panel = (tab: SettingsTab, content: unknown) =>
      html`<div role="tabpanel" id="panel-${tab}" aria-labelledby="tab-${tab}" tabindex="0" ?hidden=${this.tab !== tab}>${content}</div>`
    return html`<div class="top">
        <h2>Settings</h2>
        <div role="tablist" aria-label="Settings sections" @keydown=${this.#keys}>
          ${tabs.map(
            ([tab, label]) =>
              html`<button
                role="tab"
                id="tab-${tab}"
                aria-controls="panel-${tab}"
                aria-selected=${this.tab === tab ? 'true' : 'false'}
                tabindex=${this.tab === tab ? 0 : -1}
                @click=${() => (this.tab = tab)}
              >
                ${label}
              </button>`,
          )}
        </div>
      </div>
      ${panel('widget', html`<lcd-settings-widget .client=${this.client} ?admin=${admin} .server=${this.server}></lcd-settings-widget>`)}
      ${panel('triggers', html`<lcd-settings-triggers .client=${this.client} .agents=${this.agents} .teams=${this.teams} ?admin=${admin}></lcd-settings-triggers>`)}
      ${panel(
        'agents',
        html`<lcd-settings-agents .client=${this.client} .agents=${this.agents} .teams=${this.teams} .me=${this.me} ?admin=${admin} .server=${this.server}></lcd-settings-agents>`,
      )}
      ${panel('teams', html`<lcd-settings-teams .client=${this.client} .agents=${this.agents} .teams=${this.teams} ?admin=${admin}></lcd-settings-teams>`)}
      ${panel('sla', html`<lcd-settings-sla .client=${this.client} .teams=${this.teams} ?admin=${admin}></lcd-settings-sla>`)}
      ${admin ? panel('webhooks', html`<lcd-settings-webhooks .client=${this.client} ?admin=${admin}></lcd-settings-webhooks>`) : nothing}
      ${panel('bans', html`<lcd-settings-bans .client=${this.client} ?admin=${admin}></lcd-settings-bans>`)}
      ${panel('embed', html`<lcd-settings-embed .server=${this.server} .siteId=${siteId} .client=${this.client} ?admin=${admin}></lcd-settings-embed>`)}`
  }

  /** Arrow keys, Home and End move between the tabs (the WAI-ARIA tabs pattern, automatic activation). */
  #keys = async (e: KeyboardEvent): Promise<void> => {
    const tabs = this.#tabs
    const next = tabAfterKey(e.key, tabs.findIndex(([t]) => t === this.tab), tabs.length)
    if (next === undefined) return
    e.preventDefault()
    this.tab = tabs[next]![0]
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>(`#tab-${this.tab}`)?.focus()
  }
}
define('lcd-settings', LcdSettings)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings': LcdSettings
  }
}
