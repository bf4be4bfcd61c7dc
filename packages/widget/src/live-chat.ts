import { LitElement, nothing, type PropertyValues } from 'lit'
import { LiveChatClient, type Identity, type Message, type VisitorConversation, type WidgetConfig } from '@live-chat/sdk'
import { drainQueue } from './api.js'
import { fire } from './events.js'
import { detectLocale, en, format, loadStrings, siteWords, type StringKey, type Strings } from './i18n/index.js'
import { titleCount, unlockSound } from './sound.js'
import { styles } from './styles.js'
import { onColour, raise } from './host.js'
import { renderWidget } from './views.js'

/** A message the visitor is sending that has no stored copy yet: an upload, or a failed send. */
export interface Draft {
  key: string
  text: string
  file?: File
  /** An object URL to preview an image being uploaded. */
  preview?: string
  /** Upload progress, 0..1. */
  progress?: number
  failed?: string
}

let drafts = 0

/**
 * The Live Chat visitor widget: a launcher bubble and a chat window, in Shadow DOM.
 *
 * @summary Live chat with a support team, for any page.
 *
 * @fires {CustomEvent<{config: WidgetConfig}>} lc-ready - The widget loaded its settings and is ready.
 * @fires {CustomEvent<{}>} lc-open - The chat window opened.
 * @fires {CustomEvent<{}>} lc-close - The chat window closed.
 * @fires {CustomEvent<Message>} lc-message - A message was stored or arrived.
 * @fires {CustomEvent<{count: number}>} lc-unread-change - The number of unread team messages changed.
 * @fires {CustomEvent<VisitorConversation>} lc-conversation-start - The visitor started a conversation.
 *
 * @csspart launcher - The round button that opens and closes the chat.
 * @csspart badge - The unread count on the launcher.
 * @csspart window - The chat window.
 * @csspart header - The window's title bar.
 * @csspart team - The pictures of the agents online, in the header.
 * @csspart messages - The scrolling message list.
 * @csspart message - One message bubble.
 * @csspart card - A rich message's card (title, text, image and buttons, sent by an agent or a bot).
 * @csspart composer - The message input row.
 * @csspart input - The message text box.
 * @csspart send - The send button.
 * @csspart emoji-picker - The emoji picker above the composer.
 *
 * @cssproperty [--lc-accent] - Launcher, header and own-message colour (default: the site's colour).
 * @cssproperty [--lc-on-accent] - Text colour on the accent (default: white or near-black, whichever reads better).
 * @cssproperty [--lc-font=system-ui] - Font family.
 * @cssproperty [--lc-background=#fff] - Window background.
 * @cssproperty [--lc-text=#1f2937] - Text colour.
 * @cssproperty [--lc-muted=#6b7280] - Secondary text colour.
 * @cssproperty [--lc-agent-bubble=#f1f3f6] - Background of the team's messages.
 * @cssproperty [--lc-radius=16px] - Window corner radius.
 * @cssproperty [--lc-offset-x=20px] - Distance from the side of the viewport.
 * @cssproperty [--lc-offset-y=20px] - Distance from the bottom of the viewport.
 * @cssproperty [--lc-z-index=2147483000] - Stacking order.
 */
export class LiveChat extends LitElement {
  static override styles = styles
  static override properties = {
    siteId: { attribute: 'site-id' },
    server: {},
    locale: {},
    team: {},
    _open: { state: true },
    _view: { state: true },
    _config: { state: true },
    _conv: { state: true },
    _convs: { state: true },
    _msgs: { state: true },
    _drafts: { state: true },
    _typing: { state: true },
    _online: { state: true },
    _q: { state: true },
    _down: { state: true },
    _errors: { state: true },
    _stars: { state: true },
    _t: { state: true },
    _more: { state: true },
    _picker: { state: true },
  }

  /** The site id from the dashboard's embed snippet. */
  siteId = ''
  /** The chat server's base URL; defaults to the page's origin (the CDN loader sets it to its own). */
  server = ''
  /**
   * Language (`en`, `ar`, `pt-BR`, ...). Without it: the page's `<html lang>` when it is a built-in
   * language, else the site's language setting, else the browser's languages (see detectLocale).
   */
  locale = ''
  /** The team conversations started here are for (its name or id), e.g. `team="Sales"` on the pricing page. */
  team = ''

  /** @internal */ _open = false
  /** @internal */ _view: '' | 'history' | 'sent' | 'rated' = ''
  /** @internal */ _config: WidgetConfig | null = null
  /** @internal */ _conv: VisitorConversation | null = null
  /** @internal */ _convs: VisitorConversation[] = []
  /** @internal */ _msgs: Message[] = []
  /** @internal */ _drafts: Draft[] = []
  /** @internal */ _typing: string | null = null
  /** @internal */ _online = false
  /** @internal The latest place in the queue of a waiting conversation. */ _q: ReturnType<LiveChatClient['getQueuePosition']> = undefined
  /** @internal */ _down = false
  /** @internal */ _errors: Record<string, string> = {}
  /** @internal */ _stars = 0
  /** @internal English without the chunks' strings (they bring their own: see en-edit.ts). */ _t: Strings = en as Strings
  /** @internal The language tag in use (see detectLocale). */
  _lang = 'en'
  /** @internal The `more` chunk (forms, rating, history), once loaded: see {@link _need}. */ _more: typeof import('./more.js') | null = null
  /** @internal The `edit` chunk (the own message's menu and inline editor), loaded on first use (see the chat chunk's editMenu). */ _ed?: typeof import('./edit.js')
  /** @internal The own message whose menu or editor is open (none: undefined or ''). */ _edId?: string
  /** @internal The `triggers` chunk (proactive messages), loaded when the site has some. */ _tr: typeof import('./triggers.js') | null = null
  /** @internal The host's named events so far (see {@link trigger}). */ _named = new Set<string>()
  /** @internal The `team` chunk (who is online, in the header), once loaded. */ declare _team?: typeof import('./team.js')
  /** @internal The `emoji` chunk (the picker), once loaded. */ declare _emoji?: typeof import('./emoji.js')
  /** @internal The `chat` chunk (the conversation's messages), once loaded. */ declare _chat?: typeof import('./chat.js')
  /** @internal Whether the emoji picker is open. */ _picker = false

  #client: LiveChatClient | null = null
  #off: (() => void)[] = []
  #unread = -1
  #typingSent = 0
  #typingStop: ReturnType<typeof setTimeout> | undefined
  #typingClear: ReturnType<typeof setTimeout> | undefined
  /** The conversation start in flight: sends made meanwhile wait for it instead of starting another. */
  #starting: Promise<boolean> | null = null

  /** The SDK client behind the widget (for SPAs that want its events and calls); null until connected. */
  get client(): LiveChatClient | null {
    return this.#client
  }

  /** Whether the chat window is open. */
  get isOpen(): boolean {
    return this._open
  }

  /** Unread messages from the team in the current conversation. */
  get unreadCount(): number {
    return Math.max(this.#unread, 0)
  }

  /** Opens the chat window. */
  open(): void {
    if (this._open) return
    this._open = true
    unlockSound()
    // The conversation's view, wanted once the visitor writes (see _need and #startNow).
    if (!this._chat) this._need('chat')
    // Without a session there is no socket to tell the widget that agents came or went: ask again.
    if (this.#client && !this.#client.token) void this.#client.connect().catch(() => {})
    fire(this, 'lc-open', {})
    this.updateComplete.then(() => this.#focus())
  }

  /** Closes the chat window (focus goes back to the launcher). */
  close(): void {
    if (!this._open) return
    this._open = false
    fire(this, 'lc-close', {})
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus())
  }

  /** Opens the window if it is closed, closes it otherwise. */
  toggle(): void {
    if (this._open) this.close()
    else this.open()
  }

  /**
   * Signs the visitor in as a user of your site: `hash` is HMAC-SHA256(identity secret, userId),
   * made by your server. Their conversations follow them across devices.
   */
  async identify(identity: Identity): Promise<void> {
    await this.#ensureClient()?.identify(identity)
    await this.#loadConversations()
  }

  /** Tells the widget that something named happened in the page, for proactive messages whose rule waits for it (`LiveChat('trigger', name)`). */
  trigger(name: string): void {
    this._named.add(name)
    this._tr?.check(this)
  }

  /** Switches the language (a built-in one like `ar` or `pt-BR`, or any the site translated); `''` detects it again. */
  setLocale(locale: string): void {
    this.locale = locale
  }

  /** Forgets the visitor (call on logout): their token, messages and unsent drafts. */
  reset(): void {
    this.#client?.reset()
    this._conv = null
    this._convs = []
    this._msgs = []
    this._drafts = []
    this._view = ''
    this.#setUnread(0)
    void this.#client?.connect()
  }

  override connectedCallback(): void {
    super.connectedCallback()
    raise(this)
    this.#ensureClient()
    drainQueue(this)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#teardown()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('siteId') || changed.has('server')) && this.#client && (this.#client.siteId !== this.siteId || changed.get('server') !== undefined)) {
      this.#teardown()
      this.#ensureClient()
    }
    if (changed.has('locale') || changed.has('_config')) {
      const lang = (this._lang = detectLocale(this.locale, this._config))
      // When the language changed again while a chunk loaded, the last one asked for wins.
      void loadStrings(lang, this._config?.customTranslations).then((t) => this._lang === lang && (this._t = t))
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('_msgs') || changed.has('_drafts') || changed.has('_open') || changed.has('_typing')) this._follow('jump')
    this.#markRead()
  }

  /** Whether the message list shows its end, so that it keeps following what grows below (new messages, images loading late). */
  #atEnd = true

  /**
   * @internal Keeps the message list at its end: on new content (`jump`), and when an image that
   * loaded late grew the list while the visitor was at the end (`load`); a scroll records where they are.
   */
  _follow(why?: 'jump' | 'load'): void {
    const list = this.renderRoot.querySelector('.body')
    if (!list) return
    if (why === 'jump' || (why && this.#atEnd)) list.scrollTop = list.scrollHeight
    this.#atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 32
  }

  protected override render() {
    return renderWidget(this)
  }

  /**
   * @internal Loads a chunk and its styles the first time a view needs it: `more` (the forms, the
   * rating, the history list), `team` (who is online), `emoji` (the picker), `chat` (the
   * conversation; asked for ahead: when the window opens, when a conversation is picked, and a
   * start waits for it, see #startNow); the view renders it once it is there.
   * Returns nothing to render meanwhile.
   */
  _need(chunk: 'more' | 'team' | 'emoji' | 'chat' = 'more'): typeof nothing {
    void this.#load(chunk).catch(() => setTimeout(() => this.requestUpdate(), 2000))
    return nothing
  }

  #load(chunk: 'more' | 'team' | 'emoji' | 'chat'): Promise<void> {
    return (chunk == 'team' ? import('./team.js') : chunk == 'emoji' ? import('./emoji.js') : chunk == 'chat' ? import('./chat.js') : import('./more.js'))
      .then((m) => {
        const root = this.renderRoot as ShadowRoot
        if (this[`_${chunk}`]) return
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, m.styles.styleSheet!]
        ;(this as Record<string, unknown>)[`_${chunk}`] = m
        this.requestUpdate()
        // A window opened on a form: focus its first field once it is there (unless the visitor is already in it).
        void this.updateComplete.then(() => this._open && !root.activeElement && this.#focus())
      })
  }

  /** @internal A translated string with `{placeholders}` filled. */
  _s(key: StringKey, values?: Record<string, string | number>): string {
    return values ? format(this._t[key], values) : this._t[key]
  }

  /** @internal A site text (title, welcome, offline) in the visitor's language when the site translated it. */
  _site(key: 'widgetTitle' | 'welcomeMessage' | 'offlineMessage', fallback: StringKey): string {
    const c = this._config
    const own = siteWords(this._lang, c?.customTranslations)
    const short = { widgetTitle: 'title', welcomeMessage: 'welcome', offlineMessage: 'offline' }[key]
    return own?.[short] || own?.[key] || c?.[key] || this._s(fallback)
  }

  /** @internal Sends the composer's text (starting a conversation first if there is none). */
  async _send(): Promise<void> {
    const input = this.renderRoot.querySelector('textarea')
    const text = input?.value.trim() ?? ''
    if (!text || !input) return
    input.value = ''
    this.#stopTyping()
    if (!this._conv && !this.#starting) {
      // On screen at once as "Sending" while the conversation starts (a session and a socket first).
      const shown: Draft = { key: `d${++drafts}`, text }
      this._drafts = [...this._drafts, shown]
      const started = await this._start({ message: text, triggerId: this._tr?.replyTo(this) })
      this._drafts = this._drafts.filter((d) => d !== shown)
      if (!started) input.value = text
      return
    }
    void this._deliver({ key: `d${++drafts}`, text })
  }

  /** @internal Composer keys: Enter sends, Shift+Enter is a new line. */
  _keydown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      void this._send()
    }
  }

  /** @internal Tells the team the visitor is typing: at most every 3 s; "stopped" after 4 s idle, or at once when the box is emptied. */
  _input(text: string): void {
    const conv = this._conv
    if (!text.trim()) return this.#stopTyping()
    if (!conv || !this.#client) return
    if (Date.now() - this.#typingSent > 3000) {
      this.#typingSent = Date.now()
      this.#client.setTyping(conv.id, true).catch(() => {})
    }
    clearTimeout(this.#typingStop)
    this.#typingStop = setTimeout(() => this.#stopTyping(), 4000)
  }

  /**
   * @internal Uploads the chosen files, each as its own message, with progress: checked and
   * previewed by the `chat` chunk (see its attach). Should the chunk not load, they go unchecked
   * and the server's answer (a file too large, of a type it refuses) shows on each draft.
   */
  async _attach(files: FileList | null): Promise<void> {
    // Taken now: a paste's clipboard is gone once its event is over.
    const chosen = Array.from(files ?? [])
    await this.#load('chat').catch(() => {})
    if (this._chat) this._chat.attach(this, chosen)
    else for (const file of chosen) void this._deliver({ key: `d${++drafts}`, text: '', file })
  }

  /** @internal Sends a failed draft again. */
  _retry(draft: Draft): void {
    void this._deliver({ ...draft, failed: undefined, progress: 0 })
  }

  /** @internal Leaves the current conversation to start a new one. */
  _newChat(): void {
    this._conv = null
    this._msgs = []
    this._drafts = []
    this._view = ''
    this._stars = 0
    this.#setUnread(0)
  }

  /** @internal Shows the visitor's conversations. */
  async _history(): Promise<void> {
    this._view = 'history'
    await this.#loadConversations()
  }

  /** @internal Opens a conversation from the history list. */
  _pick(conv: VisitorConversation): void {
    this.#select(conv)
    this._view = ''
  }

  #ensureClient(): LiveChatClient | null {
    if (this.#client || !this.siteId || !this.isConnected) return this.#client
    const client = new LiveChatClient({ url: this.server || location.origin, siteId: this.siteId, storage: 'local' })
    this.#client = client
    const on: typeof client.on = (event, fn) => {
      const off = client.on(event, fn)
      this.#off.push(off)
      return off
    }
    on('config', (config) => {
      const first = !this._config
      this._config = config
      this.style.setProperty('--_accent', config.primaryColor)
      this.style.setProperty('--_on', onColour(config.primaryColor))
      this.toggleAttribute('data-left', config.position === 'bottom-left')
      this.hidden = !config.showOnMobile && matchMedia('(max-width: 640px)').matches
      if (first) fire(this, 'lc-ready', { config })
      if (config.triggers?.length) void import('./triggers.js').then((m) => m.start(this, m))
    })
    on('availability', ({ online }) => ((this._online = online), this.requestUpdate()))
    on('queue', (q) => (this._q = q))
    on('conversation', (conv) => {
      // Follow the current conversation; with none, take up an open one (started in another tab,
      // or by the team), never a finished one the visitor just left with "New conversation".
      const open = conv.status === 'pending' || conv.status === 'active'
      if (conv.id === this._conv?.id || (!this._conv && open && this._view !== 'history')) this.#select(conv)
      this.#listConversations([conv])
    })
    on('message', (m) => {
      if (m.conversationId === this._conv?.id) this.#refresh()
      else if (!this._conv && m.senderType !== 'visitor') {
        const conv = client.getConversation(m.conversationId)
        if (conv) this.#select(conv)
      }
      fire(this, 'lc-message', m)
      if (m.senderType === 'visitor') return
      if (m.conversationId === this._conv?.id && m.senderType === 'agent') this._typing = null
      const quiet = this._open && document.visibilityState === 'visible'
      const fresh = Date.now() - Date.parse(m.createdAt) < 60_000
      if (!quiet && fresh && m.senderType !== 'system' && this._config?.soundEnabled !== false) void import('./ring.js').then((r) => r.ring(m.conversationId, m.seq), () => {})
    })
    on('outbox', () => this.#refresh())
    on('message:updated', () => this.#refresh())
    on('receipt', ({ conversationId }) => {
      if (conversationId === this._conv?.id) this._conv = client.getConversation(conversationId) ?? this._conv
    })
    on('typing', ({ conversationId, side, typing, name }) => {
      if (side !== 'agent' || conversationId !== this._conv?.id) return
      this._typing = typing ? (name ?? this._s('agent')) : null
      clearTimeout(this.#typingClear)
      if (typing) this.#typingClear = setTimeout(() => (this._typing = null), 10_000)
    })
    on('connected', () => (this._down = false))
    on('disconnected', () => (this._down = true))
    const visible = (): void => this.#markRead()
    document.addEventListener('visibilitychange', visible)
    this.#off.push(() => document.removeEventListener('visibilitychange', visible))
    client
      .connect()
      .then(() => {
        this._online = client.online
        return client.token ? this.#loadConversations() : undefined
      })
      .catch(() =>
        setTimeout(() => {
          if (this.#client !== client) return
          this.#teardown()
          this.#ensureClient()
        }, 5000),
      )
    return client
  }

  /** Drops the client and its listeners (the element left the page, or its site or server changed). */
  #teardown(): void {
    for (const off of this.#off.splice(0)) off()
    this.#client?.disconnect()
    this.#client = null
  }

  async #loadConversations(): Promise<void> {
    const client = this.#client
    if (!client) return
    this.#listConversations(await client.conversations().catch(() => []))
    const current = this._conv ?? this._convs.find((c) => c.status !== 'closed' && c.status !== 'resolved')
    if (current) this.#select(client.getConversation(current.id) ?? current)
  }

  /** Merges what the server listed with what the client knows, newest activity first. */
  #listConversations(fresh: VisitorConversation[]): void {
    const byId = new Map<string, VisitorConversation>()
    for (const c of [...this._convs, ...(this.#client?.getConversations() ?? []), ...fresh]) byId.set(c.id, c)
    this._convs = [...byId.values()].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt))
  }

  #select(conv: VisitorConversation): void {
    const changed = conv.id !== this._conv?.id
    if (!this._chat) this._need('chat')
    this._conv = conv
    if (changed) {
      this._drafts = []
      this._typing = null
      // The latest page from the server joins what the SDK caches (it keeps open conversations only).
      this._msgs = []
      void this.#loadPage(conv.id)
    }
    this.#refresh()
  }

  /** The conversation's latest page from the server; a failed load is retried (1 s, 2 s, 4 s …). */
  async #loadPage(id: string, attempt = 0): Promise<void> {
    const client = this.#client
    if (!client || this._conv?.id !== id) return
    try {
      const page = await client.messages(id)
      if (this._conv?.id !== id) return
      this._msgs = page.messages
      this.#refresh()
    } catch {
      if (attempt < 5) setTimeout(() => void this.#loadPage(id, attempt + 1), 1_000 * 2 ** attempt)
    }
  }

  /** Re-reads the current conversation's messages and unread count from the SDK's cache. */
  #refresh(): void {
    const client = this.#client
    const conv = this._conv
    if (!client || !conv) return
    const kept = this._msgs[0]?.conversationId === conv.id ? this._msgs : []
    const bySeq = new Map([...kept, ...client.getMessages(conv.id)].map((m) => [m.seq, m]))
    this._msgs = [...bySeq.values()].sort((a, b) => a.seq - b.seq)
    const read = client.getConversation(conv.id)?.visitorReadSeq ?? conv.visitorReadSeq
    this.#setUnread(this._msgs.filter((m) => m.seq > read && m.senderType !== 'visitor' && m.senderType !== 'system').length)
  }

  #setUnread(count: number): void {
    if (count === this.#unread) return
    this.#unread = count
    titleCount(count)
    fire(this, 'lc-unread-change', { count })
    this.requestUpdate()
  }

  /** Marks the conversation read when the visitor can see it. */
  #markRead(): void {
    const conv = this._conv
    const last = this._msgs.at(-1)
    if (!this._open || this._view || !conv || !last || this.#unread <= 0 || document.visibilityState !== 'visible') return
    this.#setUnread(0)
    this.#client?.markRead(conv.id, last.seq).catch(() => {})
  }

  /** @internal Starts a conversation (one at a time); true when it was. */
  _start(options: Parameters<LiveChatClient['startConversation']>[0]): Promise<boolean> {
    this.#starting ??= this.#startNow(options).finally(() => (this.#starting = null))
    return this.#starting
  }

  async #startNow(options: Parameters<LiveChatClient['startConversation']>[0]): Promise<boolean> {
    const client = this.#ensureClient()
    if (!client) return false
    // The conversation's view first (asked for when the window opened): the first message goes
    // from draft to conversation in one frame. Should the chunk not load, the start goes ahead.
    await this.#load('chat').catch(() => {})
    try {
      const started = await client.startConversation({ team: this.team, ...options })
      // Events may have overtaken the ack (an agent can answer or resolve first): take the latest.
      const conversation = client.getConversation(started.conversation.id) ?? started.conversation
      this._errors = {}
      // Unless the visitor went to another conversation (from the list) while this one started.
      if (!this._conv || this._conv.id === conversation.id) this.#select(conversation)
      else this.#listConversations([conversation])
      fire(this, 'lc-conversation-start', conversation)
      return true
    } catch (error) {
      this._errors = { form: (error as Error).message || this._s('error') }
      return false
    }
  }

  /** @internal Sends a text or a file, keeping it on screen as a draft until it is stored or fails. */
  async _deliver(draft: Draft): Promise<void> {
    const client = this.#client
    const keep = (patch: Partial<Draft>): void => {
      Object.assign(draft, patch)
      this._drafts = this._drafts.filter((d) => d.key !== draft.key).concat(patch.failed === undefined && !draft.file ? [] : [draft])
    }
    try {
      if (!client) throw new Error(this._s('error'))
      if (this.#starting) await this.#starting
      if (!this._conv && !(await this._start({}))) throw new Error(this._errors.form)
      const conv = this._conv as VisitorConversation
      keep({})
      let attachments: string[] | undefined
      if (draft.file) {
        const uploaded = await client.upload(draft.file, { onProgress: (loaded, total) => keep({ progress: total ? loaded / total : 0 }) })
        attachments = [uploaded.id]
      }
      await client.send(conv.id, draft.text, attachments ? { attachments } : undefined)
      this._drafts = this._drafts.filter((d) => d.key !== draft.key)
      if (draft.preview) URL.revokeObjectURL(draft.preview)
    } catch (error) {
      keep({ failed: (error as Error).message || this._s('failed') })
    }
  }

  #stopTyping(): void {
    clearTimeout(this.#typingStop)
    if (!this.#typingSent || !this._conv) return
    this.#typingSent = 0
    this.#client?.setTyping(this._conv.id, false).catch(() => {})
  }

  #focus(): void {
    this.renderRoot.querySelector<HTMLElement>('textarea, input, .window button.primary')?.focus()
  }
}
