import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { keyed } from 'lit/directives/keyed.js'
import { AgentClient, LiveChatError, type AgentProfile, type AgentSession, type AgentStatus, type AgentSummary, type Team, type Message, type Mention } from '@live-chat/sdk'
import { AGENT_STATUSES } from '@live-chat/protocol/enums'
import { alertOnce, titleCount, unlockSound } from './shared/notify.js'
import { SLA_KIND_LABELS } from './shared/sla.js'
import { base } from './shared/styles.js'
import { initials, visitorName } from './shared/util.js'
import { define } from './shared/define.js'
import './account/login.js'
import './inbox/inbox.js'
import { mentionTitle } from './inbox/mentions.js'
import './canned/responses.js'
import './settings/settings.js'
import './account/setup.js'
import './account/invite.js'
import './account/reset.js'
import './account/account.js'

/** The pages of the dashboard, addressed by the URL hash: `#inbox`, `#inbox/<id>`, `#canned`, `#analytics`, `#settings`, `#admin/<section>`, `#account`. */
export type Route = 'inbox' | 'canned' | 'analytics' | 'settings' | 'admin' | 'account'

const ROUTES: readonly Route[] = ['inbox', 'canned', 'analytics', 'settings', 'admin', 'account']

/**
 * The screens opened from a link with a one-time token, signed in or not: `#setup/<token>` (the
 * first-run link in the server's log), `#invite/<token>` (an invitation email), `#reset/<token>`
 * (a password-reset email). The token is read once and removed from the address bar.
 */
type LinkKind = 'setup' | 'invite' | 'reset'
const LINKS: readonly LinkKind[] = ['setup', 'invite', 'reset']

/** A signed-in agent: the session's token and profile. */
type Session = AgentProfile & { token: string }

const SIGNED_OUT = 'You were signed out: this session was ended (signed out from another device, password changed, or access removed). Sign in again.'

/** The analytics page (with chart.js) loads the first time it is opened, not with the inbox. */
const loadAnalytics = () => import('./analytics/analytics.js')
/** So does the agency's administration (owners and admins only). */
const loadAdmin = () => import('./admin/admin.js')

const TOKEN_KEY = 'live-chat-dashboard:session'

/**
 * The Live Chat agent dashboard: sign-in, then the inbox, canned responses, analytics (admins)
 * and settings of one site. Served by the server at /dashboard, and embeddable in a platform's own admin.
 *
 * Embedding: pass `server` (the chat server's URL) and either let the agent sign in, or pass a
 * `token` from the server's `/api/auth/login` made by your backend. With `persist` the session is
 * kept in localStorage across reloads (the /dashboard page does this).
 *
 * Links with a one-time token (`#setup/…`, `#invite/…`, `#reset/…`) open first-run setup, an
 * invitation or a password reset; `#account` is the signed-in user's own account. With more than
 * one site, the header has a site switcher. When the server ends the session (signed out
 * elsewhere, password changed, removed), the sign-in form comes back and says why.
 *
 * @fires {CustomEvent<{count: number}>} lcd-unread-change - Conversations with unread visitor messages.
 * @fires {CustomEvent<{}>} lcd-logout - The agent signed out (or the session expired or was ended).
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
      .me a {
        color: var(--fg);
        padding: 6px 4px;
        border-radius: 6px;
      }
      .me a[aria-current='page'] {
        color: var(--accent-ink);
        font-weight: 600;
      }
      select.site {
        font-weight: 600;
        max-width: 220px;
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
      .toast {
        position: fixed;
        right: 16px;
        bottom: 16px;
        z-index: 10;
        display: grid;
        gap: 4px;
        max-width: min(360px, calc(100vw - 32px));
        padding: 12px 14px;
        background: var(--bg);
        border: 1px solid var(--note-line);
        border-left: 4px solid var(--note-line);
        border-radius: var(--radius);
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.15);
      }
      .toast q {
        overflow: hidden;
        display: -webkit-box;
        -webkit-line-clamp: 3;
        -webkit-box-orient: vertical;
      }
      .toast-actions {
        display: flex;
        gap: 8px;
        margin-top: 4px;
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
      .stuck {
        display: grid;
        gap: 12px;
        justify-items: start;
        max-width: 460px;
      }
      .stuck p {
        margin: 0;
      }
      .stuck .sites {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
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
    _teams: { state: true },
    _route: { state: true },
    _adminPath: { state: true },
    _selected: { state: true },
    _down: { state: true },
    _error: { state: true },
    _ready: { state: true },
    _notifications: { state: true },
    _link: { state: true },
    _notice: { state: true },
    _siteId: { state: true },
    _switching: { state: true },
    _toast: { state: true },
  }

  /** The chat server's base URL; defaults to the page's origin. */
  server = ''
  /** The site to open; defaults to the last one used, else the agent's first site. */
  siteId = ''
  /** An agent token (from `/api/auth/login`); without one the dashboard shows its sign-in form. */
  token = ''
  /** Keep the session in localStorage across reloads. */
  persist = false

  /** @internal */ _session: Session | null = null
  /** @internal */ _me: AgentSummary | null = null
  /** @internal */ _agents: AgentSummary[] = []
  /** @internal */ _teams: Team[] = []
  /** @internal */ _route: Route = 'inbox'
  /** @internal What follows `#admin/`. */ _adminPath = ''
  /** @internal */ _selected = ''
  /** @internal */ _down = false
  /** @internal */ _error = ''
  /** @internal */ _ready = false
  /** @internal */ _notifications: NotificationPermission | 'unsupported' = typeof Notification === 'function' ? Notification.permission : 'unsupported'
  /** @internal The link screen on show, with its token (kept in memory only). */ _link: { kind: LinkKind; token: string } | null = null
  /** @internal Why the sign-in form is back (e.g. the session was ended). */ _notice = ''
  /** @internal The open site. */ _siteId = ''
  /** @internal Another site is being opened. */ _switching = false
  /** @internal The latest mention or whisper, shown until dismissed or opened. */ _toast: Mention | null = null

  #client: AgentClient | null = null
  /** The client of the link screen (its session becomes the dashboard's when the flow ends signed in). */
  #linkClient: AgentClient | null = null
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

  protected override willUpdate(): void {
    // A link screen works with a client of its own (see #adopt).
    if (this._link && !this.#linkClient) this.#linkClient = new AgentClient({ url: this.#url() })
  }

  protected override updated(changed: PropertyValues<this>): void {
    if ((changed.has('token') && changed.get('token') !== undefined) || (changed.has('server') && changed.get('server') !== undefined)) {
      this.#stop()
      void this.#start()
    }
  }

  /**
   * Signs out: the server ends the session (its tokens stop working everywhere); the dashboard
   * forgets it (and the stored one) at once and shows the sign-in form.
   */
  async logout(): Promise<void> {
    const client = this.#client
    this.#signOutHere()
    await client?.logout().catch(() => undefined)
  }

  /** Forgets the session here (and the stored one) and shows the sign-in form, saying `notice` there. */
  #signOutHere(notice = ''): void {
    if (this.persist) localStorage.removeItem(TOKEN_KEY)
    this.#stop()
    this._session = null
    this._me = null
    this._agents = []
    this._teams = []
    this._siteId = ''
    this._error = ''
    this._notice = notice
    this.token = ''
    this.#setUnread(0)
    this.dispatchEvent(new CustomEvent('lcd-logout', { detail: {}, bubbles: true, composed: true }))
    void this.#start()
  }

  override render() {
    if (this._link) return this.#linkScreen(this._link.kind, this._link.token)
    if (!this._session) {
      return this._ready
        ? html`<lcd-login .client=${this.#client} .notice=${this._notice} @lcd-login=${this.#onLogin}></lcd-login>`
        : html`<p class="center muted">Loading…</p>`
    }
    if (!this._me) return this._error ? this.#stuck() : html`<p class="center muted">Connecting…</p>`
    const me = this._me
    const link = (route: Route, label: string) =>
      html`<a href="#${route}" aria-current=${this._route === route ? 'page' : nothing}>${label}</a>`
    return html`<header>
        <span class="brand">Live Chat</span>
        ${this.#siteSwitcher()}
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
            ${AGENT_STATUSES.map((s) => html`<option value=${s} ?selected=${s === me.status}>${s[0]!.toUpperCase() + s.slice(1)}</option>`)}
          </select>
          <a href="#account" title="Your account" aria-current=${this._route === 'account' ? 'page' : nothing}>${me.name}<span class="sr-only"> (your account)</span></a>
          <button @click=${() => void this.logout()}>Sign out</button>
        </div>
      </header>
      ${this._down ? html`<div class="banner" role="status">Reconnecting… messages you send are kept and go out when the connection is back.</div>` : nothing}
      ${this._switching
        ? html`<p class="center muted" role="status">Opening ${this.#siteName(this._siteId)}…</p>`
        : keyed(this._siteId, this.#main(me))}
      ${this.#mentionToast()}`
  }

  /** The open site's pages (made again for each site). */
  #main(me: AgentSummary) {
    return html`<main @pointerdown=${unlockSound} @keydown=${unlockSound}>
        <lcd-inbox
          ?hidden=${this._route !== 'inbox'}
          .client=${this.#client}
          .me=${me}
          .agents=${this._agents}
          .teams=${this._teams}
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
              .teams=${this._teams}
              .server=${this.#url()}
              @lcd-agents-change=${() => void this.#loadAgents()}
            ></lcd-settings>`
          : nothing}
        ${this._route === 'admin' && this.#agencyAdmin
          ? html`<lcd-admin
              .client=${this.#client}
              .server=${this.#url()}
              .userId=${this._session?.user.id ?? ''}
              .agencyName=${this._session?.agency?.name ?? ''}
              .path=${this._adminPath}
              @lcd-agents-change=${() => void this.#loadAgents()}
              @lcd-sites-change=${this.#sitesChanged}
            ></lcd-admin>`
          : nothing}
        ${this._route === 'account' ? html`<lcd-account .client=${this.#client}></lcd-account>` : nothing}
      </main>`
  }

  /** The latest mention or whisper of the agent, with a way to its conversation. */
  #mentionToast() {
    const m = this._toast
    if (!m) return nothing
    return html`<div class="toast" role="status" aria-live="polite">
      <strong>${mentionTitle(m)}</strong>
      <span class="muted">in the conversation with ${m.visitorName ?? 'a visitor'}</span>
      <q>${m.text}</q>
      <div class="toast-actions">
        <button class="primary" @click=${() => {
          this._toast = null
          this.#go('inbox', m.conversationId)
          void this.#client?.mentions.read(m.id).catch(() => undefined)
        }}>Open</button>
        <button @click=${() => (this._toast = null)}>Dismiss</button>
      </div>
    </div>`
  }

  /** The header's site switcher, when the agent has more than one site. */
  #siteSwitcher() {
    const sites = this._session?.sites ?? []
    if (sites.length < 2) return nothing
    return html`<label class="sr-only" for="site">Site</label>
      <select id="site" class="site" @change=${(e: Event) => void this.#switchSite((e.target as HTMLSelectElement).value)}>
        ${sites.map((s) => html`<option value=${s.siteId} ?selected=${s.siteId === this._siteId}>${s.siteName}</option>`)}
      </select>`
  }

  #siteName(siteId: string): string {
    return this._session?.sites.find((s) => s.siteId === siteId)?.siteName ?? 'the site'
  }

  /** Signed in, but no site can be opened: why, the sites that can, and Sign out. */
  #stuck() {
    const others = (this._session?.sites ?? []).filter((s) => s.siteId !== this._siteId)
    return html`<div class="center stuck">
      <p class="err" role="alert">${this._error}</p>
      ${others.length
        ? html`<p>Open another site:</p>
            <div class="sites">${others.map((s) => html`<button type="button" @click=${() => void this.#switchSite(s.siteId)}>${s.siteName}</button>`)}</div>`
        : nothing}
      <button type="button" @click=${() => void this.logout()}>Sign out</button>
    </div>`
  }

  /** The screen of a link with a one-time token. */
  #linkScreen(kind: LinkKind, token: string) {
    const client = this.#linkClient!
    const done = (e: CustomEvent<AgentSession>): void => this.#adopt(client, e.detail)
    const leave = (): void => this.#leaveLink()
    if (kind === 'setup') return html`<lcd-setup .client=${client} .token=${token} .server=${this.#url()} @lcd-login=${done} @lcd-cancel=${leave}></lcd-setup>`
    if (kind === 'invite') return html`<lcd-invite .client=${client} .token=${token} @lcd-login=${done} @lcd-cancel=${leave}></lcd-invite>`
    return html`<lcd-reset .client=${client} .token=${token} @lcd-login=${done} @lcd-cancel=${leave}></lcd-reset>`
  }

  /** Forgets the link screen and its client. */
  #dropLink(): void {
    this.#linkClient?.disconnect()
    this.#linkClient = null
    this._link = null
  }

  /** Leaves a link screen for the dashboard (or the sign-in form). */
  #leaveLink(): void {
    this.#dropLink()
    this._route = 'inbox'
    history.replaceState(history.state, '', `${location.pathname}${location.search}#inbox`)
  }

  /** A link flow ended signed in: its session becomes the dashboard's (replacing any other). */
  #adopt(client: AgentClient, session: AgentSession): void {
    this.#linkClient = null
    this.#leaveLink()
    if (this.#client !== client) {
      this.#stop()
      this.#client = client
    }
    this.#signedIn(session)
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
    const link = LINKS.find((l) => l === route)
    if (link) {
      if (id) {
        let token = id
        try {
          token = decodeURIComponent(id)
        } catch {
          // Not encoded: taken as it is (the server says whether it is a token).
        }
        this._link = { kind: link, token }
        // The token stays in memory only: off the address bar, the history and whatever reads the URL later.
        history.replaceState(history.state, '', `${location.pathname}${location.search}#${link}`)
      } else if (this._link?.kind !== link) {
        this._link = { kind: link, token: '' }
      }
      return
    }
    if (this._link) this.#dropLink()
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
      await this.#open(client, { ...profile, token })
    } catch (error) {
      if (this.#client !== client) return
      const { code } = LiveChatError.from(error)
      if (code === 'unauthorized' || code === 'token_expired') {
        if (stored) localStorage.removeItem(TOKEN_KEY)
        this.#client = new AgentClient({ url: this.#url() })
        this._notice ||= 'Your session has ended. Sign in again.'
        this._ready = true
        return
      }
      this._session = { token, sites: [], user: { id: '', email: '', name: '', avatarUrl: null, twoFactorEnabled: false }, agency: null, sessionId: '' }
      this._error = `Could not reach the chat server: ${(error as Error).message}`
    }
  }

  #onLogin = (e: CustomEvent<AgentSession>): void => this.#signedIn(e.detail)

  #signedIn(session: AgentSession): void {
    this._notice = ''
    if (this.persist) localStorage.setItem(TOKEN_KEY, session.token)
    const { expiresAt: _expiresAt, ...rest } = session
    if (this.#client) void this.#open(this.#client, rest)
  }

  async #open(client: AgentClient, session: Session): Promise<void> {
    this._session = session
    this._me = null
    this._agents = []
    this._teams = []
    this._error = ''
    const remembered = this.persist ? localStorage.getItem(`${TOKEN_KEY}:site`) : null
    const site =
      session.sites.find((s) => s.siteId === this.siteId) ?? session.sites.find((s) => s.siteId === remembered) ?? session.sites[0]
    if (!site) {
      this._error = 'Your account is not a member of any site.'
      return
    }
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
      if (e.code === 'token_expired') this.#signOutHere('Your session expired. Sign in again.')
    })
    // The server ended the session: back to the sign-in form, saying why.
    on('signed-out', () => this.#signOutHere(SIGNED_OUT))
    // A role change or removal from the site: the client reconnects; read who we are again.
    on('access-changed', () => void this.#reloadProfile(client))
    on('disconnected', () => (this._down = true))
    on('agent', (agent) => {
      this._agents = this._agents.some((a) => a.id === agent.id) ? this._agents.map((a) => (a.id === agent.id ? agent : a)) : [...this._agents, agent]
      if (agent.id === this._me?.id) this._me = agent
    })
    on('teams', (teams) => (this._teams = teams))
    on('conversation:created', (c) => {
      void alertOnce(`c:${c.id}`, 'New conversation', `${visitorName(c.visitor)}${c.lastMessage?.text ? `: ${c.lastMessage.text}` : ''}`, {
        sound: true,
        onClick: () => this.#go('inbox', c.id),
      })
    })
    // A mention or whisper: a toast here, and (when no tab is in front) the tone and a desktop notification.
    on('mention', (m) => {
      this._toast = m
      void alertOnce(`mention:${m.id}`, mentionTitle(m), m.text, { sound: true, onClick: () => this.#go('inbox', m.conversationId) })
    })
    on('mention-read', (m) => {
      if (this._toast?.id === m.id) this._toast = null
    })
    // An SLA target missed on a conversation of mine, or nobody's yet.
    on('sla:breached', ({ conversation: c, kind }) => {
      if (c.assignedAgentId !== null && c.assignedAgentId !== this._me?.id) return
      void alertOnce(`sla:${c.id}:${kind}:${c.sla?.startedAt ?? ''}`, 'SLA target missed', `${visitorName(c.visitor)}: ${SLA_KIND_LABELS[kind]} is overdue`, {
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
    await this.#enter(site.siteId)
  }

  /** Opens the site `siteId` of the session (connecting the socket to it) as this agent. */
  async #enter(siteId: string): Promise<void> {
    const client = this.#client
    const site = this._session?.sites.find((s) => s.siteId === siteId)
    if (!client || !site) return
    this._siteId = siteId
    this._error = ''
    this._agents = []
    this._teams = []
    this._switching = true
    this.#setUnread(0)
    if (this.persist) localStorage.setItem(`${TOKEN_KEY}:site`, siteId)
    try {
      await client.connect(siteId)
      await this.#loadAgents()
      const me = this._agents.find((a) => a.id === site.agentId)
      if (!me) throw new Error('this agent is not on the site')
      // Signing in means being there: an agent who was offline comes online (as in Intercom).
      const now = me.status === 'offline' ? await client.setStatus('online') : me
      if (this.#client !== client || this._siteId !== siteId) return
      this._me = now
    } catch (error) {
      if (this.#client !== client || this._siteId !== siteId) return
      const err = LiveChatError.from(error)
      if (err.code === 'unauthorized' || err.code === 'token_expired') {
        this.#signOutHere(SIGNED_OUT)
        return
      }
      this._me = null
      this._error = err.code === 'forbidden' ? `You no longer have access to ${site.siteName}.` : `Could not open the site: ${err.message}`
    } finally {
      if (this._siteId === siteId) this._switching = false
    }
  }

  /** Switches the dashboard to another of the agent's sites (a new socket handshake for it). */
  async #switchSite(siteId: string): Promise<void> {
    if (siteId === this._siteId && this._me) return
    await this.#enter(siteId)
  }

  /** After a role change or a removal: the profile again; a site no longer there closes. */
  async #reloadProfile(client: AgentClient): Promise<void> {
    try {
      const profile = await client.me()
      if (this.#client !== client || !this._session) return
      this._session = { ...profile, token: this._session.token }
      const site = profile.sites.find((s) => s.siteId === this._siteId)
      if (!site) {
        this._me = null
        this._error = 'You no longer have access to this site.'
        return
      }
      await this.#loadAgents()
      this._me = this._agents.find((a) => a.id === site.agentId) ?? this._me
    } catch (error) {
      const { code } = LiveChatError.from(error)
      if (code === 'unauthorized' || code === 'token_expired') this.#signOutHere(SIGNED_OUT)
    }
  }

  async #loadAgents(): Promise<void> {
    const client = this.#client
    if (!client) return
    ;[this._agents, this._teams] = await Promise.all([client.agents.list(), client.teams.list()])
    this._me = this._agents.find((a) => a.id === this._me?.id) ?? this._me
  }

  #stop(): void {
    for (const off of this.#off.splice(0)) off()
    this.#client?.disconnect()
    this.#client = null
    this._switching = false
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

/** The events `<live-chat-dashboard>` fires (they bubble and cross shadow roots), by name. */
export interface LiveChatDashboardEventMap {
  'lcd-unread-change': CustomEvent<{ count: number }>
  'lcd-logout': CustomEvent<Record<string, never>>
}

// Typed on the element and wherever they bubble to (document, window).
declare global {
  interface HTMLElementTagNameMap {
    'live-chat-dashboard': LiveChatDashboard
  }
  interface HTMLElementEventMap extends LiveChatDashboardEventMap {}
  interface DocumentEventMap extends LiveChatDashboardEventMap {}
  interface WindowEventMap extends LiveChatDashboardEventMap {}
}
