import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { AgentClient, LiveChatError, type AgentSession, type AgentStatus, type AgentSummary, type Message } from '@live-chat/sdk'
import { alertOnce, titleCount, unlockSound } from './notify.js'
import { base } from './styles.js'
import { initials, visitorName } from './util.js'
import { define } from './define.js'
import './login.js'
import './inbox.js'
import './canned-responses.js'
import './settings.js'

/** The pages of the dashboard, addressed by the URL hash: `#inbox`, `#inbox/<id>`, `#canned`, `#analytics`, `#settings`, `#admin/<section>`. */
export type Route = 'inbox' | 'canned' | 'analytics' | 'settings' | 'admin'

const ROUTES: readonly Route[] = ['inbox', 'canned', 'analytics', 'settings', 'admin']

/** The analytics page (with chart.js) loads the first time it is opened, not with the inbox. */
const loadAnalytics = () => import('./analytics.js')
/** So does the agency's administration (owners and admins only). */
const loadAdmin = () => import('./admin.js')

const STATUSES: AgentStatus[] = ['online', 'away', 'busy', 'offline']
const TOKEN_KEY = 'live-chat-dashboard:session'

/**
 * The Live Chat agent dashboard: sign-in, then the inbox, canned responses, analytics (admins)
 * and settings of one site. Served by the server at /dashboard, and embeddable in a platform's own admin.
 *
 * Embedding: pass `server` (the chat server's URL) and either let the agent sign in, or pass a
 * `token` from the server's `/api/auth/login` made by your backend. With `persist` the session is
 * kept in localStorage across reloads (the /dashboard page does this).
 *
 * @fires {CustomEvent<{count: number}>} lcd-unread-change - Conversations with unread visitor messages.
 * @fires {CustomEvent<{}>} lcd-logout - The agent signed out (or the session expired).
 */
export class LiveChatDashboard extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 420px;
        background: var(--bg-soft);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px 12px;
        padding: 8px 16px;
        background: var(--bg);
        border-bottom: 1px solid var(--line);
        flex: none;
      }
      .brand {
        font-weight: 700;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      nav a {
        color: var(--fg);
        text-decoration: none;
        padding: 6px 8px;
        border-radius: 6px;
        white-space: nowrap;
      }
      nav a[aria-current='page'] {
        background: var(--accent-weak);
        color: var(--accent-ink);
        font-weight: 600;
      }
      .spacer {
        flex: 1;
      }
      .team {
        display: flex;
        gap: 4px;
        align-items: center;
      }
      .mate {
        position: relative;
        width: 28px;
        height: 28px;
        border-radius: 50%;
        background: var(--bg-soft);
        border: 1px solid var(--line);
        display: grid;
        place-items: center;
        font-size: 11px;
        font-weight: 600;
      }
      .mate .dot {
        position: absolute;
        right: -1px;
        bottom: -1px;
        border: 2px solid var(--bg);
        width: 10px;
        height: 10px;
      }
      .me {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      main {
        flex: 1;
        min-height: 0;
        display: flex;
      }
      main > * {
        flex: 1;
        min-width: 0;
      }
      .banner {
        padding: 6px 16px;
        background: #fff4e5;
        border-bottom: 1px solid #f5d19b;
      }
      .center {
        margin: auto;
        padding: 32px;
      }
    `,
  ]
  static override properties = {
    server: {},
    siteId: { attribute: 'site-id' },
    token: {},
    persist: { type: Boolean },
    _session: { state: true },
    _me: { state: true },
    _agents: { state: true },
    _route: { state: true },
    _adminPath: { state: true },
    _selected: { state: true },
    _down: { state: true },
    _error: { state: true },
    _ready: { state: true },
    _notifications: { state: true },
  }

  /** The chat server's base URL; defaults to the page's origin. */
  server = ''
  /** The site to open; defaults to the last one used, else the agent's first site. */
  siteId = ''
  /** An agent token (from `/api/auth/login`); without one the dashboard shows its sign-in form. */
  token = ''
  /** Keep the session in localStorage across reloads. */
  persist = false

  /** @internal */ _session: Pick<AgentSession, 'token' | 'sites' | 'user' | 'agency'> | null = null
  /** @internal */ _me: AgentSummary | null = null
  /** @internal */ _agents: AgentSummary[] = []
  /** @internal */ _route: Route = 'inbox'
  /** @internal What follows `#admin/`. */ _adminPath = ''
  /** @internal */ _selected = ''
  /** @internal */ _down = false
  /** @internal */ _error = ''
  /** @internal */ _ready = false
  /** @internal */ _notifications: NotificationPermission | 'unsupported' = typeof Notification === 'function' ? Notification.permission : 'unsupported'

  #client: AgentClient | null = null
  #off: (() => void)[] = []
  #unread = 0

  /** The SDK client the dashboard runs on (null before sign-in). */
  get client(): AgentClient | null {
    return this.#client
  }

  /** The signed-in agent on the open site. */
  get agent(): AgentSummary | null {
    return this._me
  }

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener('hashchange', this.#onHash)
    this.#onHash()
    void this.#start()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('hashchange', this.#onHash)
    this.#stop()
  }

  protected override updated(changed: PropertyValues<this>): void {
    if ((changed.has('token') && changed.get('token') !== undefined) || (changed.has('server') && changed.get('server') !== undefined)) {
      this.#stop()
      void this.#start()
    }
  }

  /** Signs out: forgets the session (and the stored one) and shows the sign-in form. */
  logout(): void {
    if (this.persist) localStorage.removeItem(TOKEN_KEY)
    this.#stop()
    this._session = null
    this._me = null
    this.token = ''
    this.#setUnread(0)
    this.dispatchEvent(new CustomEvent('lcd-logout', { detail: {}, bubbles: true, composed: true }))
    void this.#start()
  }

  override render() {
    if (!this._session) {
      return this._ready ? html`<lcd-login .client=${this.#client} @lcd-login=${this.#onLogin}></lcd-login>` : html`<p class="center muted">Loading…</p>`
    }
    if (!this._me) return html`<p class="center ${this._error ? 'err' : 'muted'}" role=${this._error ? 'alert' : nothing}>${this._error || 'Connecting…'}</p>`
    const me = this._me
    const link = (route: Route, label: string) =>
      html`<a href="#${route}" aria-current=${this._route === route ? 'page' : nothing}>${label}</a>`
    return html`<header>
        <span class="brand">Live Chat</span>
        <nav aria-label="Dashboard">
          ${link('inbox', 'Inbox')} ${link('canned', 'Canned responses')} ${me.role === 'admin' ? link('analytics', 'Analytics') : nothing} ${link('settings', 'Settings')}
          ${this.#agencyAdmin ? link('admin', 'Admin') : nothing}
        </nav>
        <span class="spacer"></span>
        <div class="team" role="group" aria-label="Team">
          ${this._agents
            .filter((a) => a.id !== me.id)
            .map(
              (a) =>
                html`<span class="mate" title="${a.name}: ${a.online ? a.status : 'offline'}, ${a.activeChats} open chats" role="img" aria-label="${a.name}, ${a.online ? a.status : 'offline'}"
                  >${initials(a.name)}<span class="dot ${a.online ? a.status : ''}"></span
                ></span>`,
            )}
        </div>
        ${this._notifications === 'default'
          ? html`<button @click=${this.#askNotifications}>Enable notifications</button>`
          : nothing}
        <div class="me">
          <span class="dot ${me.status}" aria-hidden="true"></span>
          <label class="sr-only" for="status">My status</label>
          <select id="status" .value=${me.status} @change=${this.#setStatus}>
            ${STATUSES.map((s) => html`<option value=${s} ?selected=${s === me.status}>${s[0]!.toUpperCase() + s.slice(1)}</option>`)}
          </select>
          <span>${me.name}</span>
          <button @click=${() => this.logout()}>Sign out</button>
        </div>
      </header>
      ${this._down ? html`<div class="banner" role="status">Reconnecting… messages you send are kept and go out when the connection is back.</div>` : nothing}
      <main @pointerdown=${unlockSound} @keydown=${unlockSound}>
        <lcd-inbox
          ?hidden=${this._route !== 'inbox'}
          .client=${this.#client}
          .me=${me}
          .agents=${this._agents}
          .selectedId=${this._selected}
          @lcd-select=${(e: CustomEvent<{ id: string }>) => this.#go('inbox', e.detail.id)}
          @lcd-unread-change=${(e: CustomEvent<{ count: number }>) => {
            // The shell re-fires it as its own (once, and only when the count changes).
            e.stopPropagation()
            this.#setUnread(e.detail.count)
          }}
        ></lcd-inbox>
        ${this._route === 'canned' ? html`<lcd-canned-responses .client=${this.#client} .me=${me}></lcd-canned-responses>` : nothing}
        ${this._route === 'analytics' ? html`<lcd-analytics .client=${this.#client} ?admin=${me.role === 'admin'}></lcd-analytics>` : nothing}
        ${this._route === 'settings'
          ? html`<lcd-settings
              .client=${this.#client}
              .me=${me}
              .agents=${this._agents}
              .server=${this.#url()}
              @lcd-agents-change=${() => void this.#loadAgents()}
            ></lcd-settings>`
          : nothing}
        ${this._route === 'admin' && this.#agencyAdmin
          ? html`<lcd-admin
              .client=${this.#client}
              .server=${this.#url()}
              .userId=${this._session.user.id}
              .agencyName=${this._session.agency?.name ?? ''}
              .path=${this._adminPath}
              @lcd-agents-change=${() => void this.#loadAgents()}
              @lcd-sites-change=${this.#sitesChanged}
            ></lcd-admin>`
          : nothing}
      </main>`
  }

  #url(): string {
    return this.server || location.origin
  }

  /** An owner or admin of the agency: the Admin page is theirs. */
  get #agencyAdmin(): boolean {
    const role = this._session?.agency?.role
    return role === 'owner' || role === 'admin'
  }

  /** Sites were added or deleted in Admin: the session's list follows; the open site deleted, the dashboard opens another. */
  #sitesChanged = async (e: CustomEvent<{ deleted?: string }>): Promise<void> => {
    const client = this.#client
    if (!client || !this._session) return
    if (e.detail.deleted && e.detail.deleted === client.siteId) {
      this.#stop()
      void this.#start()
      return
    }
    const profile = await client.me().catch(() => null)
    if (profile && this.#client === client && this._session) this._session = { ...this._session, sites: profile.sites, agency: profile.agency }
  }

  #onHash = (): void => {
    const [route, id] = location.hash.replace(/^#\/?/, '').split('/')
    this._route = ROUTES.find((r) => r === route) ?? 'inbox'
    if (this._route === 'analytics') void loadAnalytics()
    if (this._route === 'inbox') this._selected = id ? decodeURIComponent(id) : this._selected
    if (this._route === 'admin') {
      this._adminPath = location.hash.replace(/^#\/?admin\/?/, '')
      void loadAdmin()
    }
  }

  #go(route: Route, id = ''): void {
    const hash = route === 'inbox' && id ? `#inbox/${encodeURIComponent(id)}` : `#${route}`
    if (location.hash !== hash) history.pushState(null, '', hash)
    this._route = route
    if (route === 'analytics') void loadAnalytics()
    if (route === 'inbox') this._selected = id
  }

  async #start(): Promise<void> {
    const stored = this.persist ? localStorage.getItem(TOKEN_KEY) : null
    const token = this.token || stored || ''
    const client = new AgentClient({ url: this.#url(), ...(token ? { token } : {}) })
    this.#client = client
    if (!token) {
      this._ready = true
      return
    }
    try {
      const profile = await client.me()
      if (this.#client !== client) return
      await this.#open(client, { token, sites: profile.sites, user: profile.user, agency: profile.agency })
    } catch (error) {
      if (this.#client !== client) return
      const { code } = LiveChatError.from(error)
      if (code === 'unauthorized' || code === 'token_expired') {
        if (stored) localStorage.removeItem(TOKEN_KEY)
        this.#client = new AgentClient({ url: this.#url() })
        this._ready = true
        return
      }
      this._session = { token, sites: [], user: { id: '', email: '', name: '', avatarUrl: null, twoFactorEnabled: false }, agency: null }
      this._error = `Could not reach the chat server: ${(error as Error).message}`
    }
  }

  #onLogin = (e: CustomEvent<AgentSession>): void => {
    const session = e.detail
    if (this.persist) localStorage.setItem(TOKEN_KEY, session.token)
    if (this.#client) void this.#open(this.#client, session)
  }

  async #open(client: AgentClient, session: Pick<AgentSession, 'token' | 'sites' | 'user' | 'agency'>): Promise<void> {
    this._session = session
    this._error = ''
    const remembered = this.persist ? localStorage.getItem(`${TOKEN_KEY}:site`) : null
    const site =
      session.sites.find((s) => s.siteId === this.siteId) ?? session.sites.find((s) => s.siteId === remembered) ?? session.sites[0]
    if (!site) {
      this._error = 'Your account is not a member of any site.'
      return
    }
    if (this.persist) localStorage.setItem(`${TOKEN_KEY}:site`, site.siteId)
    const on: typeof client.on = (event, fn) => {
      const off = client.on(event, fn)
      this.#off.push(off)
      return off
    }
    on('connected', () => (this._down = false))
    // The client refreshes its token before it expires: keep the newest for the next load.
    on('token', ({ token }) => {
      if (this.persist) localStorage.setItem(TOKEN_KEY, token)
    })
    // Too old to refresh (e.g. the laptop slept past its expiry): sign in again.
    on('error', (e) => {
      if (e.code === 'token_expired') this.logout()
    })
    on('disconnected', () => (this._down = true))
    on('agent', (agent) => {
      this._agents = this._agents.some((a) => a.id === agent.id) ? this._agents.map((a) => (a.id === agent.id ? agent : a)) : [...this._agents, agent]
      if (agent.id === this._me?.id) this._me = agent
    })
    on('conversation:created', (c) => {
      void alertOnce(`c:${c.id}`, 'New conversation', `${visitorName(c.visitor)}${c.lastMessage?.text ? `: ${c.lastMessage.text}` : ''}`, {
        sound: true,
        onClick: () => this.#go('inbox', c.id),
      })
    })
    on('message', (m: Message) => {
      if (m.senderType !== 'visitor') return
      void alertOnce(`m:${m.conversationId}:${m.seq}`, 'New message', m.text ?? 'Sent a file', {
        sound: true,
        onClick: () => this.#go('inbox', m.conversationId),
      })
    })
    try {
      await client.connect(site.siteId)
      await this.#loadAgents()
      const me = this._agents.find((a) => a.id === site.agentId)
      if (!me) throw new Error('this agent is not on the site')
      // Signing in means being there: an agent who was offline comes online (as in Intercom).
      this._me = me.status === 'offline' ? await client.setStatus('online') : me
    } catch (error) {
      const err = LiveChatError.from(error)
      if (err.code === 'unauthorized' || err.code === 'token_expired') {
        this.logout()
        return
      }
      this._error = `Could not open the site: ${err.message}`
    }
  }

  async #loadAgents(): Promise<void> {
    const client = this.#client
    if (!client) return
    this._agents = await client.agents()
    this._me = this._agents.find((a) => a.id === this._me?.id) ?? this._me
  }

  #stop(): void {
    for (const off of this.#off.splice(0)) off()
    this.#client?.disconnect()
    this.#client = null
  }

  async #setStatus(e: Event): Promise<void> {
    const status = (e.target as HTMLSelectElement).value as AgentStatus
    try {
      this._me = (await this.#client?.setStatus(status)) ?? this._me
    } catch {
      this.requestUpdate() // the select shows the status the server still has
    }
  }

  async #askNotifications(): Promise<void> {
    unlockSound()
    this._notifications = await Notification.requestPermission()
  }

  #setUnread(count: number): void {
    if (count === this.#unread) return
    this.#unread = count
    titleCount(count)
    this.dispatchEvent(new CustomEvent('lcd-unread-change', { detail: { count }, bubbles: true, composed: true }))
  }
}
define('live-chat-dashboard', LiveChatDashboard)

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-dashboard': LiveChatDashboard
  }
}
