import type {
  Availability,
  CreateVisitorSession,
  Identity,
  Message,
  MessagePage,
  OnlineTeam,
  QueuePosition,
  ReceiptState,
  SendMessage,
  StartConversation,
  StartedConversation,
  TypingState,
  UploadedFile,
  VisitorClientToServer,
  VisitorConversation,
  VisitorFields,
  VisitorProfile,
  VisitorServerToClient,
  VisitorSession,
  VisitPage,
  WidgetConfig,
} from '@live-chat/protocol'
import type { Socket } from 'socket.io-client'
import type { MessageRange, PublicTrigger } from '@live-chat/protocol'
import { BaseClient, type BaseClientOptions, type BaseEvents } from './base-client.js'
import { LiveChatError } from './errors.js'
import { seg } from './http.js'
import { resolveStorage, type StorageOption, type TokenStorage } from './storage.js'
import { currentPage } from './page.js'
import { checkUploadSize, messageContent, uploadFile, type SendOptions, type UploadOptions } from './upload.js'
import { pageInfo } from './util.js'
import { uuid } from './uuid.js'
import { maxSeq, track } from './message-store.js'

/** Options for {@link LiveChatClient}. */
export interface LiveChatClientOptions extends BaseClientOptions {
  /** The site id from the dashboard. */
  siteId: string
  /**
   * Where the visitor token and unsent messages are kept: `local` (localStorage, the default in
   * browsers), `memory` (the default elsewhere) or your own TokenStorage.
   */
  storage?: StorageOption
  /** The logged-in user of the host site, with its server-made hash (see {@link LiveChatClient.identify}). */
  identity?: Identity
}

/** Events of {@link LiveChatClient}. */
export interface VisitorEvents extends BaseEvents {
  /** `connect()` loaded the widget config and restored the stored session, if any. */
  ready: { config: WidgetConfig; visitor: VisitorProfile | null }
  /** The widget config: loaded by `connect()` (before `ready`), and again whenever the site's team changes it. */
  config: WidgetConfig
  /** A conversation was started, changed or first seen (emitted only when it really changed). */
  conversation: VisitorConversation
  /** The agent started or stopped typing. */
  typing: TypingState
  /** Delivery or read watermarks moved. */
  receipt: ReceiptState
  /** Whether an agent is online and accepting chats, and who is online (see {@link LiveChatClient.team}). */
  availability: Availability
  /** A waiting conversation's place in the queue and estimated wait moved (see {@link LiveChatClient.getQueuePosition}). */
  queue: QueuePosition
}

/** Options for {@link LiveChatClient.startConversation}. */
export interface StartConversationOptions {
  /** Pre-chat form answers. */
  fields?: VisitorFields
  /** The first message, stored with the conversation. */
  message?: string
  /** Uploads the first message carries (their ids or what `upload()` returned); `message` may then be left out. */
  attachments?: (string | UploadedFile)[]
  /**
   * An offline message: no agent is available now, the team answers later. Needs an email (in
   * `fields.email` or given before); the conversation is never assigned automatically.
   */
  offline?: boolean
  /** Idempotency key; give the key of an earlier failed call to retry it without risk of a duplicate. */
  clientKey?: string
  /**
   * The proactive message ({@link PublicTrigger} of `config.triggers`) the visitor is answering:
   * the conversation starts with its message, from its sender, before the visitor's.
   */
  triggerId?: string
  /**
   * The team the conversation is for (its id or its name, any case): routed to that team's agents
   * first. An unknown team is ignored (the site's general queue).
   */
  team?: string
}

/**
 * The visitor side of Live Chat, for browsers and Node 20.
 *
 * Privacy: nothing is written to storage until the visitor starts a conversation or sends a
 * message. Until then a session (if one is needed, e.g. for `identify`) lives in memory only.
 *
 * Reliability: every message the visitor sends goes through an outbox with a fixed client id and
 * is retried until the server acknowledges it; after every reconnect, and when the page becomes
 * visible again, each open conversation is synced from the last seq seen. Messages are cached
 * per conversation, sorted by seq, each seq once ({@link getMessages}).
 *
 * @example
 * const chat = new LiveChatClient({ url: 'https://chat.example.com', siteId })
 * chat.on('message', (m) => render(m))
 * await chat.connect()
 * const { conversation } = await chat.startConversation({ message: 'Hello!' })
 * await chat.send(conversation.id, 'Are you there?')
 */
export class LiveChatClient extends BaseClient<VisitorEvents, VisitorClientToServer, VisitorServerToClient, SendMessage> {
  /** The site this client talks to. */
  declare readonly siteId: string

  readonly #storage: TokenStorage
  readonly #tokenKey: string
  #identity: Identity | undefined
  #token: string | null = null
  /** Whether the token is kept in storage (the visitor acted, or it was stored before). */
  #persisted = false
  #session: Promise<void> | null = null
  #config: WidgetConfig | null = null
  #visitor: VisitorProfile | null = null
  #availability: Availability = { online: false, team: { agents: [], count: 0 } }
  readonly #conversations = new Map<string, VisitorConversation>()
  readonly #queue = new Map<string, QueuePosition>()
  /** Conversations the team has answered: they never wait in line again. */
  readonly #answered = new Set<string>()
  #pendingPage: VisitPage | null = null
  /** Delivery receipts waiting for their short delay, per conversation. */
  readonly #receiptTimers = new Map<string, ReturnType<typeof setTimeout>>()
  /** The highest delivered seq sent per conversation. */
  readonly #receiptsSent = new Map<string, number>()
  #recovering = false
  /** Bumped by reset(), so a session request still in flight cannot bring the old visitor back. */
  #generation = 0

  /** Creates the client; nothing happens on the network until {@link connect} or another call. */
  constructor(options: LiveChatClientOptions) {
    const { siteId } = options
    const storage = resolveStorage(options.storage)
    super(options, {
      namespace: '/visitor',
      autoTrack: 'start',
      getToken: () => this.#token,
      persist: { storage, key: `outbox:${siteId}` },
    })
    this.siteId = siteId
    this.#storage = storage
    this.#tokenKey = `visitor:${siteId}`
    this.#identity = options.identity
    // Once the team answers, the visitor is no longer waiting in line (the server stops counting them).
    this.on('message', (m) => {
      if (m.senderType !== 'agent') return
      this.#answered.add(m.conversationId)
      this.#queue.delete(m.conversationId)
    })
  }

  /** The visitor session token, or null before there is a session. */
  get token(): string | null {
    return this.#token
  }

  /** The widget config loaded by {@link connect}, or null before. */
  get config(): WidgetConfig | null {
    return this.#config
  }

  /** The visitor, once there is a session. */
  get visitor(): VisitorProfile | null {
    return this.#visitor
  }

  /** Whether an agent is online (from the config, then live `availability` updates). */
  get online(): boolean {
    return this.#availability.online
  }

  /**
   * Who is online for the site: up to three agents (name and picture) and how many in all; from
   * the config, then live `availability` updates while there is a session (without one, `connect()` asks again).
   */
  get team(): OnlineTeam {
    return this.#availability.team
  }

  /** The known conversations, most recent activity first. */
  getConversations(): VisitorConversation[] {
    return [...this.#conversations.values()].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt))
  }

  /**
   * A waiting conversation's latest place in the queue (1 = next) and estimated wait, as the
   * server last told it; undefined once it is no longer waiting (an agent took it or answered it, or it ended).
   */
  getQueuePosition(conversationId: string): QueuePosition | undefined {
    return this.#queue.get(conversationId)
  }

  /** One known conversation. */
  getConversation(conversationId: string): VisitorConversation | undefined {
    return this.#conversations.get(conversationId)
  }

  /**
   * Loads the widget config; if a token is stored (or an `identity` was given) restores the
   * session and opens the socket, which syncs missed messages. Writes nothing new to storage
   * (a stored token is replaced by the one the server returns). Emits `ready`.
   * Without a stored token, no session is made: the first `startConversation` makes one.
   */
  async connect(): Promise<void> {
    const config = await this.http<WidgetConfig>('GET', `/api/sites/${seg(this.siteId)}/widget`, { token: null })
    this.#setConfig(config)
    const stored = this.#storage.get(this.#tokenKey)
    if (!this.#token && (stored !== null || this.#identity)) {
      try {
        await this.#createSession(stored)
      } catch (error) {
        const e = LiveChatError.from(error)
        if (e.retryable || stored === null) throw e
        // Refused for good: start afresh when the visitor acts; unless the visitor is banned
        // (forbidden), who stays who they are, so the ban holds after a reload.
        if (e.code != 'forbidden') this.#storage.remove(this.#tokenKey)
      }
    }
    if (this.#token) this.openSocket()
    this.emitEvent('ready', { config, visitor: this.#visitor })
  }

  /**
   * Starts a conversation (making a session first if there is none) and stores the token: from
   * now on the visitor is remembered. Retryable failures are retried (after 1 s, 2 s, 4 s) with
   * the same `clientKey`, so the server never makes two conversations for one call.
   */
  async startConversation(options: StartConversationOptions = {}): Promise<StartedConversation> {
    const { fields, message, attachments } = options
    const input: StartConversation = { clientKey: options.clientKey ?? uuid() }
    if (fields) input.fields = fields
    if (message !== undefined || attachments?.length) input.message = { clientId: uuid(), ...messageContent(message, attachments) }
    if (options.offline) input.offline = true
    if (options.triggerId) input.triggerId = options.triggerId
    if (options.team) input.team = options.team
    await this.#ensureSession()
    // The visitor acted: keep the token now, before the answer, so a reload while the start is in
    // flight (or the events that can overtake its ack) still finds the same visitor.
    this.#persistToken()
    this.openSocket()
    let started: StartedConversation
    for (let attempt = 1; ; attempt++) {
      try {
        started = await this.command('conversation:start', input)
        break
      } catch (error) {
        const e = LiveChatError.from(error)
        if (!e.retryable || attempt > 3) throw e
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt))
      }
    }
    track(this.store, started.conversation.id)
    this.#applyConversation(started.conversation)
    this.receive(started.messages, true)
    return started
  }

  /**
   * Sends a message through the outbox: it is kept (across reconnects, and across reloads with
   * `local` storage) and retried with the same client id (and the same attachments) until the
   * server acknowledges it. With `attachments` (see {@link upload}) the text may be empty.
   * @returns The stored message; rejects on a non-retryable error (e.g. a closed conversation).
   */
  async send(conversationId: string, text: string, options: SendOptions = {}): Promise<Message> {
    if (!this.#token) throw new LiveChatError('invalid_state', 'No session: call startConversation() first')
    const content = messageContent(text, options.attachments)
    this.#persistToken()
    track(this.store, conversationId)
    return this.outbox.send({ conversationId, ...content })
  }

  /**
   * Answers a choice message (an agent's or a bot's `content.kind === 'choice'`) with one of its
   * options. Stored once per choice, as the visitor's own message (text: the option's label,
   * `answer`: what was picked): choosing again, from here or another tab, resolves with that same
   * stored answer. Safe to retry after a dropped connection.
   * @returns The visitor's answer; rejects with `not_found` (no such choice here),
   *   `invalid_state` (not a choice, or a closed conversation) or `invalid_payload` (no such option).
   */
  async choose(conversationId: string, messageId: string, optionId: string): Promise<Message> {
    const answer = await this.command('message:choose', { conversationId, messageId, optionId })
    this.receive([answer], true)
    return answer
  }

  /**
   * Uploads a file (an image, a PDF or a text file) to attach to a message: pass the result (or
   * its id) in `send(…, { attachments })` or `startConversation({ attachments })`. Makes an
   * in-memory session if there is none. A file over the server's limit (`config.upload`, known
   * after {@link connect}) is refused at once with `payload_too_large`; the server also refuses
   * content of other types (`unsupported_type`), whatever its name says.
   */
  async upload(file: Blob, options: UploadOptions = {}): Promise<UploadedFile> {
    checkUploadSize(file, this.#config?.upload)
    await this.#ensureSession()
    return uploadFile(this.http, '/api/visitor/uploads', file, options)
  }

  /** Tells the agent the visitor is (not) typing. Does nothing while disconnected. */
  async setTyping(conversationId: string, typing: boolean): Promise<void> {
    if (this.connected) await this.command('typing:set', { conversationId, typing })
  }

  /** Marks every message up to `seq` as read by the visitor. */
  async markRead(conversationId: string, seq: number): Promise<void> {
    await this.command('conversation:read', { conversationId, seq })
  }

  /** Closes a conversation from the visitor side. */
  async closeConversation(conversationId: string): Promise<VisitorConversation> {
    return this.#applyConversation(await this.command('conversation:close', { conversationId }))
  }

  /** Rates a conversation from 1 to 5, with optional feedback. */
  async rate(conversationId: string, rating: number, feedback?: string): Promise<VisitorConversation> {
    // An undefined feedback is left out on the wire (JSON).
    return this.#applyConversation(await this.command('conversation:rate', { conversationId, rating, feedback }))
  }

  /**
   * Reports the page the visitor is on. Without a session it is only remembered (and sent with
   * the session when the visitor acts); while disconnected it is sent on the next connect.
   */
  async visitPage(url: string, title?: string): Promise<void> {
    const page = (this.#pendingPage = pageInfo(url, title))
    if (!this.#token || !this.connected) return
    await this.command('visitor:page', page)
    if (this.#pendingPage === page) this.#pendingPage = null
  }

  /**
   * Updates the visitor's contact details (makes an in-memory session if there is none): name,
   * email, phone, company, free `custom` data, and `attributes` — the site's custom contact
   * attributes by key, only those the site marks "visitor may set" (any other key rejects with
   * `forbidden`, and nothing of the update is kept; a wrong type with `invalid_payload`).
   * Attributes the visitor may not set come from the site's team or its server (the REST API).
   */
  async updateProfile(fields: VisitorFields): Promise<VisitorProfile> {
    await this.#ensureSession()
    this.openSocket()
    return (this.#visitor = await this.command('visitor:update', fields))
  }

  /**
   * Emails a transcript of the conversation (its public messages) to `email`, or to the
   * visitor's own email when none is given. Resolves with the address it was sent to.
   */
  async requestTranscript(conversationId: string, email?: string): Promise<{ sentTo: string }> {
    return this.http<{ sentTo: string }>('POST', `/api/visitor/conversations/${seg(conversationId)}/transcript`, { body: email === undefined ? {} : { email } })
  }

  /**
   * The visitor's conversations from the server, newest activity first (empty without a session).
   * A conversation that changed while the answer was on its way is returned as it is now (see `conversation` events).
   */
  async conversations(): Promise<VisitorConversation[]> {
    if (!this.#token) return []
    const { items } = await this.http<{ items: VisitorConversation[] }>('GET', '/api/visitor/conversations')
    return items.map((c) => this.#applyConversation(c))
  }

  /**
   * A page of a conversation's messages over REST (`after` to catch up, `before` to scroll back).
   * They join the cache (see {@link getMessages}) but are not emitted as `message` events.
   */
  async messages(conversationId: string, range: MessageRange = {}): Promise<MessagePage> {
    const page = await this.http<MessagePage>('GET', `/api/visitor/conversations/${seg(conversationId)}/messages`, { query: { ...range } })
    this.ingest(conversationId, page, range.after)
    return page
  }

  /**
   * Signs the visitor in as a user of the host site. `hash` is HMAC-SHA256(identity secret,
   * userId) made by the host site's server. Makes a new session (sending the current token so the
   * server can merge the anonymous visitor), keeps it in memory unless the token was already
   * stored, and reconnects the socket with it.
   */
  async identify(identity: Identity): Promise<VisitorProfile> {
    this.#identity = identity
    await this.#createSession(this.#token ?? this.#storage.get(this.#tokenKey))
    if (this.socket) this.reconnectSocket()
    else this.openSocket()
    return this.#visitor!
  }

  /**
   * Forgets the visitor (for logout): disconnects, removes the stored token and unsent messages
   * (their promises reject with `aborted`) and clears every cache. The config is kept.
   */
  reset(): void {
    this.#generation++
    this.disconnect()
    this.outbox.clear()
    this.#storage.remove(this.#tokenKey)
    this.#token = this.#visitor = this.#pendingPage = null
    this.#persisted = false
    this.#identity = undefined
    this.#forget()
  }

  /** Closes the socket. Unsent messages stay queued; `connect()` resumes. */
  disconnect(): void {
    this.#cancelReceipts()
    this.closeSocket()
  }

  /** @internal */
  protected override socketAuth(): Record<string, unknown> {
    return { token: this.#token }
  }

  /** @internal */
  protected override bindSocket(socket: Socket<VisitorServerToClient, VisitorClientToServer>): void {
    const on = socket.on.bind(socket)
    on('message:created', (live) => {
      const { message, prevSeq } = this.live(live)
      this.receive([message], true, prevSeq)
    })
    on('message:updated', (message) => this.receive([message], false))
    on('conversation:updated', (conversation) => {
      const { id } = conversation
      track(this.store, id)
      this.#applyConversation(conversation)
      if (conversation.lastSeq > maxSeq(this.store, id) && this.connected) this.backgroundSync(id)
    })
    on('typing:changed', (state) => this.emitEvent('typing', state))
    on('receipt:updated', (state) => {
      const { conversationId, ...receipts } = state
      const known = this.#conversations.get(conversationId)
      if (known) this.#conversations.set(conversationId, { ...known, ...receipts })
      this.emitEvent('receipt', state)
    })
    on('availability:changed', (state) => this.#setAvailability(state))
    on('config:changed', (config) => this.#setConfig(config))
    on('queue:position', (q) => {
      // Two server processes' announcements may cross: the later reading of the queue wins.
      const known = this.#queue.get(q.conversationId)
      if (known && known.at > q.at) return
      // A reading of the queue may arrive after the news that took the conversation out of it (read
      // before an agent took or answered it, sent after): it had no place by then.
      const status = this.#conversations.get(q.conversationId)?.status
      if (this.#answered.has(q.conversationId) || (status !== undefined && status !== 'pending')) return
      this.#queue.set(q.conversationId, q)
      this.emitEvent('queue', q)
    })
  }

  /** @internal Refreshes the conversation list (tracking the open ones) and sends a pending page visit. */
  protected override async beforeSync(): Promise<void> {
    this.#recovering = false
    const page = this.#pendingPage
    if (page) {
      this.#pendingPage = null
      this.command('visitor:page', page).catch(() => {
        this.#pendingPage ??= page
      })
    }
    for (const conversation of await this.conversations()) if (conversation.status !== 'closed') track(this.store, conversation.id)
  }

  /** @internal */
  protected override afterSync(): void {
    for (const id of this.store.keys()) this.#scheduleReceipt(id)
  }

  /** @internal Acknowledges delivery of messages from the agent side. */
  protected override onNewMessages(messages: Message[]): void {
    for (const m of messages) if (m.senderType !== 'visitor') this.#scheduleReceipt(m.conversationId)
  }

  /** @internal A refused (or expired) token: ask for a session again (once), then reconnect. */
  protected override onRefused(error: LiveChatError): void {
    if ((error.code !== 'unauthorized' && error.code !== 'token_expired') || !this.#token || this.#recovering) return
    this.#recovering = true
    this.#createSession(this.#token)
      .then(() => this.socket?.connect())
      .catch((e: unknown) => this.emitEvent('error', LiveChatError.from(e)))
  }

  async #ensureSession(): Promise<void> {
    if (this.#token) return
    this.#session ??= this.#createSession(this.#storage.get(this.#tokenKey)).finally(() => {
      this.#session = null
    })
    await this.#session
  }

  /** POSTs visitor-sessions; a stored token (or one already stored) keeps being stored. */
  async #createSession(token: string | null): Promise<void> {
    // Unset fields are left out (JSON drops undefined).
    const body: CreateVisitorSession = { token: token || undefined, identity: this.#identity, page: this.#pendingPage ?? currentPage() }
    const generation = this.#generation
    const session = await this.http<VisitorSession>('POST', `/api/sites/${seg(this.siteId)}/visitor-sessions`, { body, token: null })
    if (generation !== this.#generation) throw new LiveChatError('aborted', 'reset() was called')
    const key = this.#tokenKey
    if (token !== null && token === this.#storage.get(key)) this.#persisted = true
    const previous = this.#visitor?.id
    this.#token = session.token
    this.#visitor = session.visitor
    if (this.#persisted) this.#storage.set(key, session.token)
    // Another visitor now: what we knew belongs to the previous one.
    if (previous !== undefined && previous !== session.visitor.id) this.#forget()
  }

  /** Forgets the conversations, their messages and the receipts sent. */
  #forget(): void {
    this.#conversations.clear()
    this.#queue.clear()
    this.#answered.clear()
    this.#cancelReceipts()
    this.#receiptsSent.clear()
    this.store.clear()
  }

  #persistToken(): void {
    if (this.#persisted || !this.#token) return
    this.#persisted = true
    this.#storage.set(this.#tokenKey, this.#token)
  }

  /**
   * Keeps the conversation's newest state, emits `conversation` if it really changed, and returns
   * it. An answer read before a change that has arrived since (a listing answered late, a
   * command's reply overtaken by an event) is older: every change of status is recorded by a line
   * the visitor sees, so a lower lastSeq is an older state, and what is known stays.
   */
  #applyConversation(conversation: VisitorConversation): VisitorConversation {
    const known = this.#conversations.get(conversation.id)
    if (known && conversation.lastSeq < known.lastSeq) return known
    if (conversation.status !== 'pending') this.#queue.delete(conversation.id)
    if (!known || JSON.stringify(known) !== JSON.stringify(conversation)) {
      this.#conversations.set(conversation.id, conversation)
      this.emitEvent('conversation', conversation)
    }
    return conversation
  }

  #setConfig(config: WidgetConfig): void {
    this.#config = config
    this.emitEvent('config', config)
    this.#setAvailability(config)
  }

  /** Keeps whether the site is available and who is online; emits `availability` when either changed. */
  #setAvailability({ online, team }: Availability): void {
    const state = { online, team }
    if (JSON.stringify(state) === JSON.stringify(this.#availability)) return
    this.#availability = state
    this.emitEvent('availability', state)
  }

  /**
   * Sends the "delivered" watermark of messages from the agent side, at most one per conversation
   * per 200 ms, and only when it moves forward. One that cannot be sent (disconnected, failed) is
   * dropped: the next sync schedules it again.
   */
  #scheduleReceipt(conversationId: string): void {
    const timers = this.#receiptTimers
    const sent = this.#receiptsSent
    if (timers.has(conversationId)) return
    timers.set(
      conversationId,
      setTimeout(async () => {
        timers.delete(conversationId)
        const seq = this.store.get(conversationId)?.messages.findLast((m) => m.senderType !== 'visitor')?.seq ?? 0
        const known = Math.max(sent.get(conversationId) ?? 0, this.#conversations.get(conversationId)?.visitorDeliveredSeq ?? 0)
        if (!this.connected || seq <= known) return
        try {
          await this.command('conversation:delivered', { conversationId, seq })
          sent.set(conversationId, Math.max(seq, sent.get(conversationId) ?? 0))
        } catch {
          // A receipt is not worth an error event; the next sync schedules it again.
        }
      }, 200),
    )
  }

  /** Cancels the receipts waiting for their delay. */
  #cancelReceipts(): void {
    this.#receiptTimers.forEach(clearTimeout)
    this.#receiptTimers.clear()
  }
}
