import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type AgentSummary, type ContactAttribute, type Team, type ConversationCounters, type ConversationSummary, type Message, type ReceiptState, type VisitorPresence } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { ALL, byActivity, filterOf, matches, mayBeUnread, newer, unreadIn, withChange, withMessage, type ListView } from './model.js'
import { Colleagues } from './colleagues.js'
import { fileDate, saveBlob } from '../shared/download.js'
import './conversation-list.js'
import './mentions.js'
import '../conversation/view.js'
import '../conversation/visitor-panel.js'

/** Conversations per list page. */
const PAGE = 25
/** How many conversations' unread messages are fetched at once after a list page arrives. */
const COUNT_CONCURRENCY = 4
/** Pages kept per visitor (as the server does). */
const PAGES_KEPT = 20

/**
 * The inbox: conversation list, the open conversation and the visitor panel, kept live from the
 * client's events. It stays mounted (hidden) while the agent is on other pages.
 *
 * The list's tabs: All (every open conversation), Mine, Unassigned, Pending, Resolved (resolved
 * and closed). A conversation's unread count is its visitor messages after the agents' read mark.
 * Beside them, Mentions (lcd-mentions) takes the list's place: the agent's mentions and whispers.
 *
 * @fires {CustomEvent<{id: string}>} lcd-select - The agent opened a conversation.
 * @fires {CustomEvent<{count: number}>} lcd-unread-change - Conversations with unread visitor messages.
 */
export class LcdInbox extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        grid-template-columns: 320px minmax(0, 1fr) 280px;
        grid-template-rows: minmax(0, 1fr);
        min-height: 0;
        overflow: hidden;
        background: var(--bg-soft);
      }
      :host([hidden]) {
        display: none;
      }
      lcd-conversation-list,
      lcd-mentions,
      lcd-conversation-view,
      lcd-visitor-panel {
        min-height: 0;
      }
      .empty {
        grid-column: span 2;
        display: grid;
        place-items: center;
        align-content: center;
        gap: 4px;
        text-align: center;
      }
      @media (max-width: 1100px) {
        :host {
          grid-template-columns: 280px minmax(0, 1fr);
        }
        lcd-visitor-panel {
          display: none;
        }
        /* The visitor panel in the conversation's place, when asked for (lcd-visitor-details). */
        :host([data-details]) lcd-visitor-panel {
          display: block;
          border-left: 0;
        }
        :host([data-details]) lcd-conversation-view {
          display: none;
        }
        .empty {
          grid-column: span 1;
        }
      }
      /* A phone: the list, or the open conversation (its header has the way back). */
      @media (max-width: 720px) {
        :host {
          grid-template-columns: minmax(0, 1fr);
        }
        :host([data-open]) lcd-conversation-list,
        :host([data-open]) lcd-mentions,
        :host(:not([data-open])) .empty {
          display: none;
        }
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    me: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    selectedId: { attribute: false },
    _known: { state: true },
    _ids: { state: true },
    _view: { state: true },
    _attributes: { state: true },
    _cursor: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _unread: { state: true },
    _exporting: { state: true },
    _details: { state: true },
    _mentions: { state: true },
    _mentionsUnread: { state: true },
  }
  client: AgentClient | null = null
  me: AgentSummary | null = null
  agents: AgentSummary[] = []
  /** The site's teams (the team filter, a conversation's team). */
  teams: Team[] = []
  selectedId = ''

  /** @internal Every conversation seen, by id (list pages, live events, opened ones). */ _known = new Map<string, ConversationSummary>()
  /** The lastSeq of the server's snapshot each known conversation's state comes from (see `newer`). */
  #stateSeq = new Map<string, number>()
  /** @internal The ids the list shows (what the server matched, plus live arrivals that match). */ _ids = new Set<string>()
  /** @internal */ _view: ListView = ALL
  /** @internal The site's contact attributes (the attribute filter). */ _attributes: ContactAttribute[] = []
  /** @internal */ _cursor: string | null = null
  /** @internal */ _loading = false
  /** @internal */ _error = ''
  /** @internal Unread visitor messages per conversation. */ _unread = new Map<string, number>()
  /** @internal An export is being prepared. */ _exporting = false
  /** @internal Narrow screens show the visitor panel instead of the conversation. */ _details = false
  /** @internal The Mentions view is in the list's place. */ _mentions = false
  /** @internal The agent's unread mentions. */ _mentionsUnread = 0

  #subscribed: AgentClient | null = null
  #off: (() => void)[] = []
  /** Who else views and writes in each conversation (collision detection). */
  #colleagues = new Colleagues(() => this.requestUpdate())
  /** Bumped by each reload: answers to older ones are dropped. */
  #generation = 0
  #fetching = new Set<string>()
  /** Ids the server refused to show (not found): not asked again on every render. */
  #missing = new Set<string>()
  #unreadSent = 0
  /** The site's time zone (the date filters' days), read when a date filter is first set. */
  #timeZone: string | undefined
  /** The settings request for #timeZone, while it runs (one at a time). */
  #timeZoneLoading: Promise<void> | undefined

  /** Conversations with unread visitor messages right now. */
  get unreadCount(): number {
    let n = 0
    for (const count of this._unread.values()) if (count > 0) n++
    return n
  }

  override connectedCallback(): void {
    super.connectedCallback()
    if (this.client && this.#subscribed !== this.client) this.#start()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#stop()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') && this.#subscribed !== this.client) this.#start()
    if (this.selectedId && !this._known.has(this.selectedId) && !this.#missing.has(this.selectedId)) void this.#fetch(this.selectedId)
    // On a phone the list gives way to the open conversation (see the styles).
    this.toggleAttribute('data-open', this.selectedId !== '')
    if (changed.has('selectedId')) this._details = false
    this.toggleAttribute('data-details', this._details)
  }

  protected override updated(): void {
    const count = this.unreadCount
    if (count !== this.#unreadSent) {
      this.#unreadSent = count
      fire(this, 'lcd-unread-change', { count })
    }
  }

  override render() {
    const list = [...this._ids].flatMap((id) => this._known.get(id) ?? []).sort(byActivity)
    const open = this.selectedId ? this._known.get(this.selectedId) : undefined
    return html`<lcd-mentions
        ?hidden=${!this._mentions}
        .client=${this.client}
        @lcd-open=${this.#onOpen}
        @lcd-mentions-change=${(e: CustomEvent<{ count: number }>) => (this._mentionsUnread = e.detail.count)}
        @lcd-mentions-close=${() => (this._mentions = false)}
      ></lcd-mentions>
      <lcd-conversation-list
        ?hidden=${this._mentions}
        .mentions=${this._mentionsUnread}
        @lcd-mentions-open=${() => (this._mentions = true)}
        .conversations=${list}
        .unread=${this._unread}
        .selectedId=${this.selectedId}
        .view=${this._view}
        .hasMore=${this._cursor !== null}
        .loading=${this._loading}
        .error=${this._error}
        .agents=${this.agents}
        .teams=${this.teams}
        .contactAttributes=${this._attributes}
        .exporting=${this._exporting}
        .viewers=${this.#colleagues.viewers}
        .writing=${this.#colleagues.writing}
        @lcd-open=${this.#onOpen}
        @lcd-view-change=${this.#onViewChange}
        @lcd-export=${this.#onExport}
        @lcd-load-more=${() => void this.#load(true)}
      ></lcd-conversation-list>
      ${open
        ? html`<lcd-conversation-view
              .client=${this.client}
              .me=${this.me}
              .agents=${this.agents}
              .teams=${this.teams}
              .conversation=${open}
              .viewers=${this.#colleagues.viewers.get(open.id) ?? []}
              .writing=${this.#colleagues.writing.get(open.id) ?? []}
              @lcd-conversation-change=${this.#onChange}
              @lcd-back=${(e: Event) => (e.stopPropagation(), this.#select(''))}
              @lcd-visitor-details=${this.#onDetails}
            ></lcd-conversation-view>
            <lcd-visitor-panel
              .client=${this.client}
              .conversation=${open}
              .me=${this.me}
              ?admin=${this.me?.role === 'admin'}
              @lcd-open=${this.#onOpen}
              @lcd-visitor-erased=${(e: CustomEvent<{ visitorId: string }>) => this.#onErased(e.detail.visitorId)}
              @lcd-visitor-details=${this.#onDetails}
            ></lcd-visitor-panel>`
        : html`<div class="empty">
            ${this.selectedId ? html`<p class="muted" role="status">Loading the conversation…</p>` : html`<h2>Select a conversation</h2><p class="muted">Pick one from the list to read and reply.</p>`}
          </div>`}`
  }

  // ------------------------------------------------------------------ live state

  #start(): void {
    this.#stop()
    const client = (this.#subscribed = this.client)
    if (!client || !this.isConnected) return
    // The attribute filter's choices (an agent without them simply has no such filter).
    void client.contacts.attributes().then((a) => client === this.client && (this._attributes = a), () => undefined)
    this.#off.push(
      client.on('conversation:created', (c) => this.#put(c)),
      client.on('conversation:updated', (c) => this.#put(c)),
      client.on('message', (m) => this.#onMessage(m)),
      client.on('message:updated', (m) => {
        const c = this._known.get(m.conversationId)
        if (c) this.#put(withChange(c, m), true)
      }),
      client.on('counters', (c) => this.#onCounters(c)),
      client.on('receipt', (r) => this.#onReceipt(r)),
      client.on('visitor', (v) => this.#onVisitor(v)),
      client.on('visitor:erased', (e) => this.#onErased(e.visitorId)),
      // Merged contacts: their conversations now show the surviving contact (read the list again).
      client.on('contact:merged', (m) => {
        const merged = new Set([m.visitorId, ...m.mergedVisitorIds])
        if ([...this._known.values()].some((c) => merged.has(c.visitor.id))) void this.#load(false)
      }),
      client.on('connected', () => void this.#load(false)), // after a reconnect: catch up on what changed
    )
    this._known = new Map()
    this.#stateSeq = new Map()
    this._unread = new Map()
    this.#colleagues.follow(client, () => this.me?.id)
    void this.#load(false)
  }

  #stop(): void {
    for (const off of this.#off.splice(0)) off()
    this.#colleagues.stop()
    this.#subscribed = null
  }

  /** Loads the first page of the current view (or the next one, with `more`). */
  async #load(more: boolean): Promise<void> {
    const client = this.client
    if (!client || (more && (!this._cursor || this._loading))) return
    const generation = more ? this.#generation : ++this.#generation
    this._loading = true
    this._error = ''
    try {
      const page = await client.conversations.list({ ...filterOf(this._view), limit: PAGE, ...(more && this._cursor ? { cursor: this._cursor } : {}) })
      if (generation !== this.#generation) return
      const known = new Map(this._known)
      for (const c of page.items) known.set(c.id, this.#snapshot(known.get(c.id), c))
      this._known = known
      this._ids = new Set([...(more ? this._ids : []), ...page.items.map((c) => c.id)])
      this._cursor = page.nextCursor
      void this.#countUnread(page.items)
    } catch (error) {
      if (generation === this.#generation) this._error = `Could not load conversations: ${LiveChatError.from(error).message}`
    } finally {
      if (generation === this.#generation) this._loading = false
    }
  }

  /** Counts the unread visitor messages of conversations that may have some (fetching them). */
  async #countUnread(items: ConversationSummary[]): Promise<void> {
    const client = this.client
    if (!client) return
    const queue = items.filter(mayBeUnread)
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        try {
          await client.messages(c.id, { after: c.agentReadSeq, limit: 100 })
        } catch {
          continue // the count stays what the cache says
        }
        this.#recount(c.id)
      }
    }
    await Promise.all(Array.from({ length: COUNT_CONCURRENCY }, worker))
  }

  #recount(id: string): void {
    const c = this._known.get(id)
    if (!c || !this.client) return
    const n = c.agentReadSeq >= c.lastPublicSeq ? 0 : unreadIn(this.client.getMessages(id), c.agentReadSeq)
    if ((this._unread.get(id) ?? 0) === n) return
    this._unread = new Map(this._unread).set(id, n)
  }

  /**
   * Merges a conversation's new state into what is known (`newer`): the server's snapshot (an
   * event, a page, a command's answer), or with `derived`, what is known moved on by a message,
   * counters or a receipt, which says nothing of the state a snapshot holds.
   */
  #snapshot(old: ConversationSummary | undefined, next: ConversationSummary, derived = false): ConversationSummary {
    const stateSeq = this.#stateSeq.get(next.id) ?? 0
    if (!derived && next.lastSeq >= stateSeq) this.#stateSeq.set(next.id, next.lastSeq)
    return newer(old, stateSeq, next)
  }

  /** Takes a conversation's new state (see #snapshot): the list adds, moves or drops it as the view says. */
  #put(next: ConversationSummary, derived = false): void {
    const c = this.#snapshot(this._known.get(next.id), next, derived)
    this._known = new Map(this._known).set(c.id, c)
    const listed = this._ids.has(c.id)
    // A contact attribute filter is the server's alone (see matches): a live change keeps a listed
    // conversation but does not add one the server left out (its receipts, say); the next load does.
    const belongs = matches(c, this._view, this.me?.id, this.#timeZone) && (listed || !this._view.attribute)
    if (belongs !== listed) {
      const ids = new Set(this._ids)
      if (belongs) ids.add(c.id)
      else ids.delete(c.id)
      this._ids = ids
    }
    this.#recount(c.id)
  }

  async #fetch(id: string): Promise<void> {
    const client = this.client
    if (!client || this.#fetching.has(id)) return
    this.#fetching.add(id)
    try {
      const c = await client.conversations.get(id)
      if (this.client === client) this.#put(c)
      if (mayBeUnread(c)) void this.#countUnread([c])
    } catch (error) {
      if (LiveChatError.from(error).code === 'not_found') this.#missing.add(id)
      if (this.selectedId === id) this._error = `Could not open the conversation: ${LiveChatError.from(error).message}`
    } finally {
      this.#fetching.delete(id)
    }
  }

  #onMessage(m: Message): void {
    const c = this._known.get(m.conversationId)
    if (c) this.#put(withMessage(c, m), true)
    else void this.#fetch(m.conversationId)
  }

  /** The counters the server stored with a new message: taken as they are (never backwards). */
  #onCounters({ conversationId, ...counters }: ConversationCounters & { conversationId: string }): void {
    const c = this._known.get(conversationId)
    if (c && counters.lastSeq >= c.lastSeq) this.#put({ ...c, ...counters }, true)
  }

  #onReceipt(r: ReceiptState): void {
    const c = this._known.get(r.conversationId)
    if (c) this.#put({ ...c, ...r }, true)
  }

  #onVisitor(p: VisitorPresence): void {
    let known: Map<string, ConversationSummary> | null = null
    for (const c of this._known.values()) {
      if (c.visitor.id !== p.visitorId) continue
      const v = c.visitor
      const moved = p.currentUrl && p.currentUrl !== v.pages.at(-1)?.url
      const pages = moved ? [...v.pages, { url: p.currentUrl!, title: p.currentTitle, at: new Date().toISOString() }].slice(-PAGES_KEPT) : v.pages
      known ??= new Map(this._known)
      known.set(c.id, { ...c, visitor: { ...v, online: p.online, currentUrl: p.currentUrl, currentTitle: p.currentTitle, pages } })
    }
    if (known) this._known = known
  }

  /** An admin erased a visitor: their conversations are gone (the open one closes). */
  #onErased(visitorId: string): void {
    const gone = [...this._known.values()].filter((c) => c.visitor.id === visitorId).map((c) => c.id)
    if (!gone.length) return
    const known = new Map(this._known)
    const ids = new Set(this._ids)
    const unread = new Map(this._unread)
    for (const id of gone) {
      known.delete(id)
      this.#stateSeq.delete(id)
      ids.delete(id)
      unread.delete(id)
      this.#missing.add(id)
    }
    this._known = known
    this._ids = ids
    this._unread = unread
    if (gone.includes(this.selectedId)) this.#select('')
  }

  // ------------------------------------------------------------------ user actions

  #onOpen = (e: CustomEvent<{ id: string }>): void => {
    e.stopPropagation()
    this.#select(e.detail.id)
  }

  /** Opens a conversation ('' for none) and tells the dashboard (the address follows). */
  #select(id: string): void {
    this.selectedId = id
    fire(this, 'lcd-select', { id })
  }

  #onDetails = (e: CustomEvent<{ open: boolean }>): void => {
    e.stopPropagation()
    this._details = e.detail.open
  }

  #onViewChange = (e: CustomEvent<Partial<ListView>>): void => {
    e.stopPropagation()
    this._view = { ...this._view, ...e.detail }
    this._cursor = null
    void this.#load(false)
    if ((this._view.from || this._view.to) && !this.#timeZone) this.#timeZoneLoading ??= this.#loadTimeZone()
  }

  async #loadTimeZone(): Promise<void> {
    try {
      this.#timeZone = (await this.client?.settings.get())?.widget.timezone
    } catch {
      // Live arrivals are matched in the browser's time zone meanwhile; the server's pages are exact.
    } finally {
      this.#timeZoneLoading = undefined
    }
  }

  /** Downloads the list as the agent filtered it (every page, as CSV, built by the server). */
  #onExport = async (e: Event): Promise<void> => {
    e.stopPropagation()
    const client = this.client
    if (!client || this._exporting) return
    this._exporting = true
    try {
      saveBlob(await client.conversations.export(filterOf(this._view)), `conversations-${fileDate()}.csv`)
    } catch (error) {
      this._error = `Could not export the conversations: ${LiveChatError.from(error).message}`
    } finally {
      this._exporting = false
    }
  }

  #onChange = (e: CustomEvent<ConversationSummary>): void => {
    e.stopPropagation()
    this.#put(e.detail)
  }
}
define('lcd-inbox', LcdInbox)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-inbox': LcdInbox
  }
  interface GlobalEventHandlersEventMap {
    'lcd-select': CustomEvent<{ id: string }>
    'lcd-unread-change': CustomEvent<{ count: number }>
    'lcd-visitor-details': CustomEvent<{ open: boolean }>
  }
}
