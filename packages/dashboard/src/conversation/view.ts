import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type AgentSummary, type Team, type ConversationSummary, type Message } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire, visitorName } from '../shared/util.js'
import { statusLabel } from '../inbox/model.js'
import { answersOf, entry, mergeMessages, seenSeq, timelineStyles } from './timeline.js'
import { MessageChanges, changeStyles } from './changes.js'
import { ratingBlock, ratingStyles } from '../shared/rating.js'
import '../shared/sla.js'
import { viewingText, writingText, type Colleague } from '../inbox/colleagues.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'
import './actions.js'
import './composer.js'
import './transcript-download.js'

/** Messages per page (first load and each scroll back). */
const PAGE = 50
/** A typing indicator whose "stopped" never came goes away after this. */
const TYPING_TIMEOUT_MS = 8_000
/** How close to the top (px) scrolling back loads older messages; to the bottom, keeps following. */
const EDGE_PX = 60

/**
 * One open conversation: a header with the visitor and the actions, the timeline (scrolls back
 * page by page, follows live messages, notes and system events, "Seen" and typing), and the
 * composer. Marks messages read while it is on screen.
 *
 * @fires {CustomEvent<{}>} lcd-back - The agent asked for the list back (a phone shows one or the other).
 * @fires {CustomEvent<{open: boolean}>} lcd-visitor-details - The agent asked for the visitor panel (where the screen is too narrow to show it beside).
 * @fires {CustomEvent<ConversationSummary>} lcd-conversation-change - An action changed the conversation (from the actions bar).
 */
export class LcdConversationView extends LitElement {
  static override styles = [
    base,
    timelineStyles,
    changeStyles,
    ratingStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
        background: var(--bg-soft);
      }
      header {
        display: grid;
        gap: 8px;
        padding: 10px 16px;
        background: var(--bg);
        border-bottom: 1px solid var(--line);
      }
      .title {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .title lcd-transcript-download {
        margin-left: auto;
      }
      /* Narrower screens hide the visitor panel (see the inbox): these buttons reach it, and the list. */
      .nav,
      .back {
        display: none;
      }
      @media (max-width: 1100px) {
        .nav {
          display: flex;
          gap: 8px;
        }
        .details {
          margin-left: auto;
        }
      }
      @media (max-width: 720px) {
        .back {
          display: inline-block;
        }
      }
      .status {
        font-size: 12px;
        padding: 1px 8px;
        border-radius: 999px;
        border: 1px solid var(--line);
        color: var(--muted);
      }
      [role='log'] {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        display: grid;
        align-content: start;
        gap: 10px;
        padding: 16px;
      }
      .older {
        justify-self: center;
      }
      .typing {
        margin: 0;
        padding: 0 16px 6px;
        min-height: 1.45em;
        font-size: 13px;
        font-style: italic;
      }
      .viewers {
        margin: 0;
        font-size: 13px;
        color: #3730a3;
      }
      .colleague {
        font-style: normal;
        font-weight: 600;
        color: #92400e;
      }
      lcd-composer {
        display: block;
        border-top: 1px solid var(--line);
        background: var(--bg);
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    me: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    conversation: { attribute: false },
    _messages: { state: true },
    _older: { state: true },
    _loading: { state: true },
    _typing: { state: true },
    viewers: { attribute: false },
    writing: { attribute: false },
    _error: { state: true },
  }

  client: AgentClient | null = null
  me: AgentSummary | null = null
  agents: AgentSummary[] = []
  /** The site's teams (the team a conversation is for; transfer to a team). */
  teams: Team[] = []
  /** The conversation to show (the inbox keeps it up to date). */
  conversation: ConversationSummary | null = null

  /** @internal */ _messages: Message[] = []
  /** @internal More messages before the first one. */ _older = false
  /** @internal */ _loading = false
  /** @internal The visitor is typing. */ _typing = false
  /** The other agents viewing this conversation (the inbox keeps them). */
  viewers: Colleague[] = []
  /** The other agents writing a reply in it right now. */
  writing: Colleague[] = []
  /** @internal */ _error = ''

  /** The conversation whose messages are shown. */
  #id = ''
  #off: (() => void)[] = []
  #subscribed: AgentClient | null = null
  #onScreen = false
  #observer: IntersectionObserver | null = null
  #typingTimer: ReturnType<typeof setTimeout> | undefined
  /** The conversation this view told the server it shows. */
  #viewing: { client: AgentClient; id: string } | null = null
  /** The highest seq this view asked the server to mark read. */
  #marked = 0
  /** Scroll to the bottom after the next render (was at the bottom, or just opened). */
  #follow = true
  /** Keep the view where it was after older messages were put above it. */
  #restore: { height: number; top: number } | null = null
  /** The message being unsent (the confirmation's text). */
  #unsending: Message | null = null
  #changes = new MessageChanges(this, (m, unsend) => {
    this.#unsending = m
    this.requestUpdate()
    void this.updateComplete.then(() => this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog.unsend')?.open(unsend))
  })
  /** The site whose edit window #changes holds. */
  #windowSite = ''

  override connectedCallback(): void {
    super.connectedCallback()
    this.#observer = new IntersectionObserver((entries) => {
      this.#onScreen = entries.some((e) => e.isIntersecting)
      this.#markRead()
    })
    this.#observer.observe(this)
    document.addEventListener('visibilitychange', this.#markRead)
    this.#subscribe()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#observer?.disconnect()
    document.removeEventListener('visibilitychange', this.#markRead)
    this.#unsubscribe()
    clearTimeout(this.#typingTimer)
    this.#view('')
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#subscribe()
    const id = this.conversation?.id ?? ''
    if (id !== this.#id || changed.has('client')) void this.#open(id)
    this.#changes.client = this.client
    this.#changes.me = this.me?.id ?? ''
    const site = this.conversation?.siteId ?? ''
    if (site && this.client && (site !== this.#windowSite || changed.has('client'))) void this.#loadWindow(site)
    const log = this.#log()
    if (log && !this.#restore) this.#follow ||= log.scrollHeight - log.scrollTop - log.clientHeight < EDGE_PX
  }

  protected override updated(): void {
    const log = this.#log()
    if (log && this.#restore) {
      log.scrollTop = this.#restore.top + (log.scrollHeight - this.#restore.height)
      this.#restore = null
    } else if (log && this.#follow) {
      log.scrollTop = log.scrollHeight
      this.#follow = false
    }
    this.#markRead()
  }

  override render() {
    const c = this.conversation
    if (!c) return nothing
    const name = visitorName(c.visitor)
    const ctx = {
      agents: this.agents,
      visitor: name,
      server: this.client?.url ?? location.origin,
      seenSeq: seenSeq(this._messages, c.visitorReadSeq),
      answers: answersOf(this._messages),
      changes: this.#changes,
    }
    const unsending = this.#unsending
    return html`<header>
        <div class="nav">
          <button class="back link" @click=${() => fire(this, 'lcd-back', {})}>‹ All conversations</button>
          <button class="details link" @click=${() => fire(this, 'lcd-visitor-details', { open: true })}>Visitor details ›</button>
        </div>
        <div class="title">
          <span class="dot ${c.visitor.online ? 'online' : ''}" role="img" aria-label=${c.visitor.online ? 'Online' : 'Offline'}></span>
          <h2>${name}</h2>
          <span class="status">${statusLabel(c.status)}</span>
          ${c.missedAt ? html`<span class="status missed">Missed</span>` : nothing}
          ${c.sla ? html`<lcd-sla-clock .clock=${c.sla}></lcd-sla-clock>` : nothing}
          <lcd-transcript-download .client=${this.client} .conversation=${c}></lcd-transcript-download>
        </div>
        ${this.viewers.length ? html`<p class="viewers" role="status">👁 ${viewingText(this.viewers)}</p>` : nothing} ${ratingBlock(c)}
        <lcd-conversation-actions .client=${this.client} .me=${this.me} .agents=${this.agents} .teams=${this.teams} .conversation=${c}></lcd-conversation-actions>
      </header>
      <div role="log" aria-label="Messages with ${name}" tabindex="0" @scroll=${this.#onScroll}>
        ${this._older ? html`<button class="older link" ?disabled=${this._loading} @click=${() => void this.#loadOlder()}>Load earlier messages</button>` : nothing}
        ${this._loading && !this._messages.length ? html`<p class="muted" role="status">Loading messages…</p>` : nothing}
        ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}
        ${this._messages.map((m) => entry(m, ctx))}
      </div>
      <p class="typing muted" aria-live="polite">
        ${this._typing ? `${name} is typing…` : ''}
        ${this.writing.length ? html`<span class="colleague">${writingText(this.writing)}</span>` : nothing}
      </p>
      <lcd-composer .client=${this.client} .conversation=${c} .me=${this.me}></lcd-composer>
      <lcd-confirm-dialog class="unsend" heading=${unsending?.private ? 'Unsend this note?' : 'Unsend this message?'} confirm-label="Unsend">
        <p>
          ${unsending?.private
            ? 'Other agents will see “Message removed” instead.'
            : `${name} will see “Message removed” instead, wherever the chat is open.`}
          Its text, files and earlier versions are deleted and cannot be brought back.
        </p>
      </lcd-confirm-dialog>`
  }

  /** The site's edit window (every agent may read the settings; until then, and if it fails, no Edit buttons). */
  async #loadWindow(site: string): Promise<void> {
    this.#windowSite = site
    const client = this.client
    try {
      const settings = await client!.settings.get(site)
      if (this.#windowSite === site && this.client === client) {
        this.#changes.windowSeconds = settings.widget.editWindowSeconds
        this.requestUpdate()
      }
    } catch {
      if (this.#windowSite === site) this.#windowSite = '' // tried again on the next change
    }
  }

  #log(): HTMLElement | null {
    return this.renderRoot.querySelector?.('[role="log"]') ?? null
  }

  #subscribe(): void {
    if (this.#subscribed === this.client || !this.isConnected) return
    this.#unsubscribe()
    const client = (this.#subscribed = this.client)
    if (!client) return
    this.#off.push(
      // A new socket after a reconnect: say again which conversation this view shows.
      client.on('connected', () => {
        const v = this.#viewing
        if (v?.client === client) void client.viewConversation(v.id, true).catch(() => {})
      }),
      client.on('message', (m) => {
        if (m.conversationId !== this.#id) return
        this._messages = mergeMessages(this._messages, [m])
        if (m.senderType === 'visitor') this.#setTyping(false)
      }),
      client.on('message:updated', (m) => {
        if (m.conversationId !== this.#id) return
        this.#changes.changed(m)
        this._messages = mergeMessages(this._messages, [m])
      }),
      client.on('typing', (t) => {
        if (t.conversationId !== this.#id) return
        if (t.side === 'visitor') this.#setTyping(t.typing)
      }),
    )
  }

  #unsubscribe(): void {
    for (const off of this.#off.splice(0)) off()
    this.#subscribed = null
  }

  async #open(id: string): Promise<void> {
    this.#id = id
    this._messages = []
    this._older = false
    this._error = ''
    this.#marked = 0
    this.#follow = true
    this.#restore = null
    this.#changes.reset()
    this.#setTyping(false)
    this.#view(id)
    const client = this.client
    if (!id || !client) return
    this._loading = true
    try {
      const page = await client.messages(id, { limit: PAGE })
      if (this.#id !== id) return
      const last = page.messages.at(-1)?.seq ?? 0
      // Live messages that came while the page loaded, and what the client already had after it.
      this._messages = mergeMessages(page.messages, client.getMessages(id).filter((m) => m.seq > last), this._messages)
      this._older = page.hasMore
      this.#follow = true
      client.watch(id, Math.max(last, this._messages.at(-1)?.seq ?? 0))
    } catch (error) {
      if (this.#id === id) this._error = `Could not load the messages: ${LiveChatError.from(error).message}`
    } finally {
      if (this.#id === id) this._loading = false
    }
  }

  async #loadOlder(): Promise<void> {
    const client = this.client
    const id = this.#id
    const first = this._messages[0]?.seq
    if (!client || !id || !first || !this._older || this._loading) return
    this._loading = true
    try {
      const page = await client.messages(id, { before: first, limit: PAGE })
      if (this.#id !== id) return
      const log = this.#log()
      if (log) this.#restore = { height: log.scrollHeight, top: log.scrollTop }
      this._messages = mergeMessages(page.messages, this._messages)
      this._older = page.hasMore
    } catch (error) {
      if (this.#id === id) this._error = `Could not load earlier messages: ${LiveChatError.from(error).message}`
    } finally {
      if (this.#id === id) this._loading = false
    }
  }

  #onScroll(e: Event): void {
    if ((e.currentTarget as HTMLElement).scrollTop < EDGE_PX) void this.#loadOlder()
  }

  /**
   * Tells the server which conversation this view shows (`id`; '' for none): other agents see it
   * in their list and in the conversation. Said again after a reconnect (a new socket).
   */
  #view(id: string): void {
    const was = this.#viewing
    const client = this.isConnected ? this.client : null
    if (was && (was.id !== id || was.client !== client)) void was.client.viewConversation(was.id, false).catch(() => {})
    this.#viewing = id && client ? { client, id } : null
    if (this.#viewing && (was?.id !== id || was.client !== client)) void client!.viewConversation(id, true).catch(() => {})
  }

  #setTyping(typing: boolean): void {
    clearTimeout(this.#typingTimer)
    this._typing = typing
    if (typing) this.#typingTimer = setTimeout(() => (this._typing = false), TYPING_TIMEOUT_MS)
  }

  /** Tells the server the agent read up to the last message, while this is on screen. */
  #markRead = (): void => {
    const c = this.conversation
    const client = this.client
    const last = this._messages.at(-1)?.seq ?? 0
    if (!c || !client || c.id !== this.#id || !this.#onScreen || document.visibilityState !== 'visible') return
    if (last <= c.agentReadSeq || last <= this.#marked) return
    this.#marked = last
    client.markRead(c.id, last).catch(() => {
      if (this.#marked === last) this.#marked = 0 // try again on the next render
    })
  }
}
define('lcd-conversation-view', LcdConversationView)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-conversation-view': LcdConversationView
  }
}
