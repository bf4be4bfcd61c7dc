import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type Mention } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { CatchUp } from '../shared/catch-up.js'
import { fire, fullTime } from '../shared/util.js'

/** How many mentions the view loads (the newest; unread ones first). */
const LIMIT = 50

/** What a mention says happened ("Sam mentioned you", "Sam whispered"). */
export const mentionTitle = (m: Mention): string => `${m.by.name} ${m.kind === 'whisper' ? 'whispered to you' : 'mentioned you'}`

/** Unread first, then newest first (as the server orders them). */
function ordered(items: Mention[]): Mention[] {
  return [...items].sort((a, b) => Number(a.readAt !== null) - Number(b.readAt !== null) || b.createdAt.localeCompare(a.createdAt))
}

/**
 * The inbox's Mentions view: private notes that name the signed-in agent and supervisors' whispers
 * in their conversations, unread first, then newest. Opening one marks it read and opens its
 * conversation; new ones arrive live. It stays mounted (hidden) so the unread count stays live.
 *
 * @fires {CustomEvent<{id: string}>} lcd-open - Open this conversation.
 * @fires {CustomEvent<{count: number}>} lcd-mentions-change - How many mentions are unread.
 * @fires {CustomEvent<Record<string, never>>} lcd-mentions-close - Back to the conversation list.
 */
export class LcdMentions extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border-right: 1px solid var(--line);
        background: var(--bg);
      }
      :host([hidden]) {
        display: none;
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 12px;
        border-bottom: 1px solid var(--line);
      }
      h2 {
        margin: 0;
        font-size: 1rem;
        flex: 1;
      }
      h2 .count {
        margin-left: 6px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        overflow-y: auto;
      }
      li {
        border-bottom: 1px solid var(--line);
      }
      li.unread {
        background: var(--note-bg);
      }
      .open {
        display: grid;
        gap: 2px;
        width: 100%;
        text-align: left;
        border: 0;
        border-radius: 0;
        background: none;
        padding: 10px 12px 4px;
        cursor: pointer;
        font: inherit;
        color: inherit;
      }
      .open:focus-visible {
        outline: 2px solid var(--accent);
        outline-offset: -2px;
      }
      .who {
        font-weight: 600;
      }
      .unread .who::before {
        content: '';
        display: inline-block;
        width: 8px;
        height: 8px;
        margin-right: 6px;
        border-radius: 50%;
        background: var(--accent);
        vertical-align: middle;
      }
      .text {
        overflow: hidden;
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        white-space: pre-wrap;
      }
      .foot {
        display: flex;
        gap: 8px;
        align-items: center;
        padding: 0 12px 8px;
        font-size: 0.85rem;
      }
      .empty,
      .err {
        padding: 12px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    _items: { state: true },
    _unread: { state: true },
    _loading: { state: true },
    _error: { state: true },
  }

  /** The connected agent client. */
  client: AgentClient | null = null

  /** @internal */ _items: Mention[] = []
  /** @internal Unread in all (the server's count; the list holds at most LIMIT). */ _unread = 0
  /** @internal */ _loading = false
  /** @internal */ _error = ''

  #subscribed: AgentClient | null = null
  #off: (() => void)[] = []
  #sent = -1
  /** Mentions heard live while the list loads are applied again on top of its page, which may be older. */
  #catchUp = new CatchUp<[Mention, boolean]>()

  /** How many mentions are unread. */
  get unread(): number {
    return this._unread
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
  }

  protected override updated(): void {
    if (this._unread !== this.#sent) {
      this.#sent = this._unread
      fire(this, 'lcd-mentions-change', { count: this._unread })
    }
  }

  override render() {
    return html`<header>
        <h2 id="mentions-h">Mentions${this._unread ? html` <span class="count" aria-label="${this._unread} unread">${this._unread}</span>` : nothing}</h2>
        <button @click=${() => fire(this, 'lcd-mentions-close', {})}>Conversations</button>
      </header>
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}
      ${!this._loading && !this._error && this._items.length === 0
        ? html`<p class="muted empty">No mentions yet. When a teammate writes your name in a private note (<code>@Your Name</code>), or a supervisor whispers to you, it shows here.</p>`
        : nothing}
      ${this._loading && this._items.length === 0 ? html`<p class="muted empty" role="status">Loading…</p>` : nothing}
      <ul aria-labelledby="mentions-h">
        ${this._items.map((m) => this.#item(m))}
      </ul>`
  }

  #item(m: Mention) {
    const unread = m.readAt === null
    return html`<li class=${unread ? 'unread' : ''} data-mention=${m.id}>
      <button class="open" @click=${() => void this.#open(m)}>
        <span class="who">${mentionTitle(m)}${unread ? html`<span class="sr-only"> (unread)</span>` : nothing}</span>
        <span class="muted">in the conversation with ${m.visitorName ?? 'a visitor'}</span>
        <span class="text">${m.text || html`<em class="muted">The note was unsent.</em>`}</span>
      </button>
      <div class="foot">
        <time class="muted" datetime=${m.createdAt} title=${fullTime(m.createdAt)}>${fullTime(m.createdAt)}</time>
        ${unread ? html`<button class="link" @click=${() => void this.#read(m)}>Mark read</button>` : nothing}
      </div>
    </li>`
  }

  // ------------------------------------------------------------------ live state

  #start(): void {
    this.#stop()
    const client = (this.#subscribed = this.client)
    if (!client || !this.isConnected) return
    this.#off.push(
      client.on('mention', (m) => this.#live(m, true)),
      client.on('mention-read', (m) => this.#live(m, false)),
      client.on('connected', () => void this.#load()), // after a reconnect: catch up
    )
    void this.#load()
  }

  #stop(): void {
    this.#catchUp.reset()
    for (const off of this.#off.splice(0)) off()
    this.#subscribed = null
  }

  async #load(): Promise<void> {
    const client = this.client
    if (!client?.siteId) return
    this._loading = true
    try {
      await this.#catchUp.load(
        () => client.mentions.list({ limit: LIMIT }),
        (page) => {
          this._items = page.items
          this._unread = page.unread
          this._error = ''
        },
        ([m, created]) => this.#put(m, created), // #put ignores what the page already holds
      )
    } catch (e) {
      if (this.client === client) this._error = e instanceof LiveChatError ? e.message : 'The mentions could not be loaded.'
    } finally {
      this._loading = this.#catchUp.loading
    }
  }

  #live(m: Mention, created: boolean): void {
    this.#catchUp.heard([m, created])
    this.#put(m, created)
  }

  /** A mention heard live (new, or read elsewhere): the list and the count follow. */
  #put(m: Mention, created: boolean): void {
    const old = this._items.find((x) => x.id === m.id)
    if (created && old) return
    if (old && old.readAt === null && m.readAt !== null) this._unread = Math.max(0, this._unread - 1)
    if (!old && m.readAt === null) this._unread++
    this._items = ordered([m, ...this._items.filter((x) => x.id !== m.id)]).slice(0, LIMIT)
  }

  async #read(m: Mention): Promise<void> {
    if (m.readAt !== null || !this.client) return
    try {
      this.#put(await this.client.mentions.read(m.id), false)
    } catch (e) {
      this._error = e instanceof LiveChatError ? e.message : 'It could not be marked read.'
    }
  }

  async #open(m: Mention): Promise<void> {
    fire(this, 'lcd-open', { id: m.conversationId })
    await this.#read(m)
  }
}

define('lcd-mentions', LcdMentions)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-mentions': LcdMentions
  }
}
