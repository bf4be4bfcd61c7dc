import type { Ack, AckFn, CommandInput, CommandResult, ConversationCounters, EditMessage, LiveMessage, Message, MessagePage, MessageRef, SyncMessages } from '@live-chat/protocol'
export type { MessageRange } from '@live-chat/protocol'
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import { Emitter, type EmitArgs, type Listener } from './emitter.js'
import { LiveChatError, isErrorBody } from './errors.js'
import { createHttpClient, type FetchLike, type HttpClient } from './http.js'
import { addMessages, advance, chain, cursor, maxSeq, messagesOf, revOf, syncedRev, type AutoTrack, type MessageStore } from './message-store.js'
import { Outbox, type OutboxEntry } from './outbox.js'
import { socketUrl, watchPage } from './page.js'
import type { TokenStorage } from './storage.js'

/** socket.io client options passed through to `io()` (the SDK sets `auth` and `autoConnect`). */
export type SocketClientOptions = Partial<ManagerOptions & SocketOptions>

/** Options both clients accept. */
export interface BaseClientOptions {
  /** The server's base URL, e.g. `https://chat.example.com` (REST under `/api`, sockets on its origin). */
  url: string
  /** A fetch implementation; default the global `fetch`. */
  fetch?: FetchLike
  /** Extra socket.io client options (e.g. `path`, `transports`). */
  socketOptions?: SocketClientOptions
  /** How long socket commands wait for their ack; default 10 000 ms. */
  ackTimeoutMs?: number
}

/** Events both clients emit. */
export interface BaseEvents {
  /** The socket connected (or reconnected); missed messages are being synced. */
  connected: void
  /** The socket disconnected; socket.io reconnects by itself unless `disconnect()` was called. */
  disconnected: { reason: string }
  /** A message this client had not seen yet (live, from a reconnect sync, or one it sent). */
  message: Message
  /**
   * A message this client holds was edited (`editedAt`) or unsent (`deletedAt`): its new state.
   * Once per change, whether it came live, in the ack of this client's own edit, or through the
   * sync after a reconnect (a change made while away arrives then).
   */
  'message:updated': Message
  /** The number of unsent messages changed. */
  outbox: { pending: number }
  /** Something failed that no promise reports (a refused handshake, a background sync, ...). */
  error: LiveChatError
}

/** What each client tells the base: its namespace, how it tracks conversations, its token, where the outbox persists. */
type ClientSetup = { namespace: string; autoTrack: AutoTrack; getToken: () => string | null; persist?: { storage: TokenStorage; key: string } }

// `| undefined` spelled out: the payload types are zod-inferred, and apps with exactOptionalPropertyTypes check this constraint too.
type SendPayload = { conversationId: string; clientId: string; text?: string | undefined; attachments?: string[] | undefined }

/** The commands the base sends itself, which both namespaces' event maps have. */
type SharedCommands<P> = {
  'message:send': (input: P, ack: AckFn<LiveMessage>) => void
  'messages:sync': (input: SyncMessages, ack: AckFn<MessagePage>) => void
  'message:edit': (input: EditMessage, ack: AckFn<Message>) => void
  'message:unsend': (input: MessageRef, ack: AckFn<Message>) => void
}

const SYNC_PAGE = 200
/** How many conversations a (re)connect syncs at once. */
const SYNC_CONCURRENCY = 4

/**
 * What the visitor and agent clients share: the socket and its lifecycle, acked commands, the
 * outbox, the per-conversation message cache and the missed-message sync on every (re)connect and
 * when the page becomes visible again.
 */
export abstract class BaseClient<
  E extends BaseEvents,
  C2S extends SharedCommands<P> & { [K in keyof C2S]: (input: never, ack: never) => void },
  S2C extends { [K in keyof S2C]: (...args: never[]) => void },
  P extends SendPayload,
> {
  /** @internal */ protected declare readonly http: HttpClient
  /** @internal */ protected readonly store: MessageStore = new Map()
  /** @internal */ protected declare readonly outbox: Outbox<P, Message>
  /** @internal */ protected declare readonly ackTimeoutMs: number
  /** @internal */ protected socket: Socket<S2C, C2S> | null = null

  /** The client's events, typed for those every client has; `on`, `off`, `once` and `emitEvent` see it as `Emitter<E>`. */
  readonly #events = new Emitter<BaseEvents>()
  readonly #options: BaseClientOptions
  readonly #setup: ClientSetup
  /** Bumped by every connect and disconnect: work of an older connection stops. */
  #epoch = 0
  #stopWatching: (() => void) | undefined
  /** The next try after a retryable refusal of the handshake, and how many such tries in a row. */
  #retry: ReturnType<typeof setTimeout> | undefined
  #refusals = 0
  readonly #syncs = new Map<string, { promise?: Promise<void>; again?: boolean }>()

  protected constructor(options: BaseClientOptions, setup: ClientSetup) {
    this.#options = options
    this.#setup = setup
    const ackTimeoutMs = (this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000)
    this.http = createHttpClient({ baseUrl: options.url, getToken: setup.getToken, fetch: options.fetch })
    const outbox = (this.outbox = new Outbox<P, Message>({
      transport: async (payload) => {
        const ack = await this.#ack<SharedCommands<P>, 'message:send'>('message:send', payload)
        return ack.ok ? { ok: true, data: this.live(ack.data).message } : ack
      },
      ackTimeoutMs,
      persist: setup.persist,
    }))
    outbox.events.on('pending', (state) => this.#events.emit('outbox', state))
    outbox.events.on('sent', ({ result }) => this.receive([result], true))
    outbox.events.on('failed', ({ error, orphan }) => {
      if (orphan) this.#events.emit('error', error)
    })
  }

  /**
   * Calls `fn` every time `event` is emitted.
   * @returns A function that removes the listener.
   */
  on<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    const events: Emitter<E> = this.#events
    return events.on(event, fn)
  }

  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof E>(event: K, fn: Listener<E[K]>): void {
    const events: Emitter<E> = this.#events
    events.off(event, fn)
  }

  /**
   * Calls `fn` the next time `event` is emitted.
   * @returns A function that removes the listener before it fires.
   */
  once<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    const events: Emitter<E> = this.#events
    return events.once(event, fn)
  }

  /** The server's base URL (the `url` option): what relative URLs from the server (attachments) resolve against. */
  get url(): string {
    return this.#options.url
  }

  /** Whether the socket is connected right now. */
  get connected(): boolean {
    return !!this.socket?.connected
  }

  /** How many sent messages wait for the server's ack. */
  get pending(): number {
    return this.outbox.pending
  }

  /**
   * Messages given to `send()` and not acknowledged yet, oldest first (for showing them as
   * "sending"). Once acknowledged, each arrives as a `message` event with the same `clientId`.
   */
  pendingMessages(conversationId?: string): OutboxEntry<P>[] {
    return this.outbox.entries().filter((e) => conversationId === undefined || e.payload.conversationId === conversationId)
  }

  /** The cached messages of a conversation, sorted by seq, each seq once. */
  getMessages(conversationId: string): Message[] {
    return messagesOf(this.store, conversationId)
  }

  /** The highest seq this client has seen in a conversation (0 when none). */
  lastSeq(conversationId: string): number {
    return maxSeq(this.store, conversationId)
  }

  /**
   * Replaces the text of one's own message within the site's edit window
   * (`WidgetConfig.editWindowSeconds`). Everyone holding it gets `message:updated`; agents keep
   * the earlier text.
   * @returns The message as edited; rejects with `edit_window_passed`, `not_yours`, `not_found`
   *   or `invalid_state` (unsent, an answered choice, no text).
   */
  async editMessage(conversationId: string, messageId: string, text: string): Promise<Message> {
    return this.#change('message:edit', { conversationId, messageId, text })
  }

  /**
   * Unsends one's own message within the site's edit window: its text, files and edit history
   * are removed for everyone, who see a "Message removed" placeholder (`deletedAt`).
   * @returns The placeholder; rejects as {@link editMessage}.
   */
  async unsendMessage(conversationId: string, messageId: string): Promise<Message> {
    return this.#change('message:unsend', { conversationId, messageId })
  }

  /** The ack's message is applied as a change (see receive), so the live copy that follows is a repeat. */
  async #change<K extends 'message:edit' | 'message:unsend'>(this: BaseClient<E, SharedCommands<P>, S2C, P>, event: K, input: CommandInput<SharedCommands<P>[K]>): Promise<Message> {
    const message = await this.command(event, input)
    this.receive([message], false)
    return message
  }

  /** @internal Emits one of this client's events. */
  protected emitEvent<K extends keyof E>(event: K, ...args: EmitArgs<E[K]>): void {
    const events: Emitter<E> = this.#events
    events.emit(event, ...args)
  }

  /** @internal The socket.io `auth` payload, read on every (re)connect. */
  protected abstract socketAuth(): Record<string, unknown>

  /** @internal Registers the namespace's server events on a new socket. */
  protected abstract bindSocket(socket: Socket<S2C, C2S>): void

  /** @internal Runs after each connect, before the sync (e.g. refresh the conversation list). */
  protected async beforeSync(): Promise<void> {}

  /** @internal Runs after each connect's sync, before the outbox flushes. */
  protected afterSync(): void {}

  /** @internal Called with messages that were new to this client. */
  protected onNewMessages(_messages: Message[]): void {}

  /** @internal A conversation's counters as the server stored them with a new message (agents get them). */
  protected onCounters(_conversationId: string, _counters: ConversationCounters): void {}

  /**
   * @internal A message as the server announced or acknowledged it: the message itself, and its
   * `prevSeq` (see LiveMessage); its counters go to onCounters.
   */
  protected live({ prevSeq, conversation, ...message }: LiveMessage): { message: Message; prevSeq: number | undefined } {
    if (conversation) this.onCounters(message.conversationId, conversation)
    return { message, prevSeq }
  }

  /** @internal Called when the server refuses the handshake (the socket stops reconnecting). */
  protected onRefused(_error: LiveChatError): void {}

  /** @internal Opens the socket (once); later calls return the same socket. */
  protected openSocket(): Socket<S2C, C2S> {
    if (this.socket) return this.socket.active ? this.socket : this.socket.connect()
    const socket: Socket<S2C, C2S> = io(socketUrl(this.#options.url, this.#setup.namespace), {
      forceNew: true,
      ...this.#options.socketOptions,
      autoConnect: false,
      auth: (cb: (data: object) => void) => cb(this.socketAuth()),
    })
    this.socket = socket
    // Each connect: refresh (beforeSync), sync what was missed, then let the outbox flush; work of
    // a connection that has since dropped stops.
    socket.on('connect', async () => {
      this.#refusals = 0
      const epoch = ++this.#epoch
      const current = (): boolean => epoch === this.#epoch
      this.#events.emit('connected')
      try {
        await this.beforeSync()
      } catch (error) {
        if (current()) this.#events.emit('error', LiveChatError.from(error))
      }
      if (!current()) return
      await this.#syncAll()
      if (!current()) return
      this.afterSync()
      if (socket.connected && this.socket === socket) this.outbox.setConnected(true)
    })
    socket.on('disconnect', (reason) => {
      this.#epoch++
      this.outbox.setConnected(false)
      this.#events.emit('disconnected', { reason })
    })
    socket.on('connect_error', ({ data }: Error & { data?: unknown }) => {
      // Without an ErrorBody it is a network failure: socket.io retries by itself.
      if (!isErrorBody(data)) return
      const error = LiveChatError.fromBody(data)
      this.#events.emit('error', error)
      if (error.retryable) this.#retryRefused(socket, error)
      else this.onRefused(error)
    })
    this.bindSocket(socket)
    // Back in view or online: sync what may have been missed, or reconnect if socket.io gave up
    // (e.g. iOS Safari while in the background).
    this.#stopWatching = watchPage(() => {
      if (this.socket?.connected) void this.#syncAll()
      else if (this.socket?.active === false) this.socket.connect()
    })
    return socket.connect()
  }

  /**
   * A retryable refusal of the handshake (the server is busy: its database, a rate limit): socket.io
   * does not try again after a refusal, so this does, with socket.io's own backoff and jitter (or
   * the server's retryAfter if longer). Without it the client stayed offline until the page was
   * shown again (found by bench/failover.mjs: 675 visitors after a node was lost).
   */
  #retryRefused(socket: Socket<S2C, C2S>, error: LiveChatError): void {
    clearTimeout(this.#retry)
    const m = socket.io
    const base = Math.min(m.reconnectionDelay() * 2 ** this.#refusals++, m.reconnectionDelayMax())
    const jitter = m.randomizationFactor()
    const delay = Math.max(base * (1 + jitter * (2 * Math.random() - 1)), (error.retryAfter ?? 0) * 1000)
    this.#retry = setTimeout(() => {
      if (this.socket === socket && !socket.connected) socket.connect()
    }, delay)
  }

  /** @internal Closes the socket; queued messages stay in the outbox. */
  protected closeSocket(): void {
    clearTimeout(this.#retry)
    this.#stopWatching?.()
    this.#stopWatching = undefined
    const socket = this.socket
    this.socket = null
    // disconnect() emits 'disconnect' (handled above) while the listeners are still on.
    socket?.disconnect().removeAllListeners()
  }

  /** @internal Reconnects so the handshake carries new credentials. */
  protected reconnectSocket(): void {
    this.socket?.disconnect().connect()
  }

  /** @internal Sends a typed command and resolves with its ack data (throws LiveChatError). */
  protected async command<K extends keyof C2S & string>(event: K, input: CommandInput<C2S[K]>): Promise<CommandResult<C2S[K]>> {
    const ack = await this.#ack<C2S, K>(event, input)
    if (ack.ok) return ack.data
    throw LiveChatError.fromBody(ack.error)
  }

  /**
   * @internal Adds messages to the cache and emits the new ones as `message` events, and those
   * held with a lower `rev` (edited or unsent since: live, acked or synced) as `message:updated`.
   * `live` messages that leave a hole before them trigger a sync of their conversation.
   */
  protected receive(messages: readonly Message[], live: boolean, prevSeq?: number): void {
    const changed: Message[] = []
    const fresh = addMessages(this.store, messages, this.#setup.autoTrack, changed)
    // A live message names the one before it that this client can see: if the client holds
    // everything up to that one, nothing is missing up to this one (see LiveMessage).
    const [one] = messages
    if (prevSeq !== undefined && messages.length === 1 && one) chain(this.store, one.conversationId, prevSeq, one.seq)
    for (const message of fresh) this.#events.emit('message', message)
    for (const message of changed) this.#events.emit('message:updated', message)
    if (fresh[0]) this.onNewMessages(fresh)
    if (!live || !this.connected) return
    for (const id of new Set(fresh.map((m) => m.conversationId))) if (maxSeq(this.store, id) > cursor(this.store, id)) this.backgroundSync(id)
  }

  /**
   * @internal Caches messages fetched on request (REST) without emitting them: the caller has them.
   * `after` is the page's `after` query, if any (lets the sync cursor move forward).
   */
  protected ingest(conversationId: string, page: MessagePage, after?: number): void {
    addMessages(this.store, page.messages, this.#setup.autoTrack)
    if (after !== undefined) advance(this.store, conversationId, after, page.messages)
  }

  /** @internal Syncs a conversation without waiting; failures become `error` events. */
  protected backgroundSync(conversationId: string): void {
    this.#sync(conversationId).catch((error: unknown) => this.#reportSyncError(conversationId, error))
  }

  /**
   * Fetches every message after the conversation's cursor (page by page) and emits the new ones.
   * Concurrent calls for one conversation share one run (re-run once if asked again). `this` is
   * the client seen as one of the commands both namespaces have (its own C2S cannot show them).
   */
  #sync(this: BaseClient<E, SharedCommands<P>, S2C, P>, conversationId: string): Promise<void> {
    const running = this.#syncs.get(conversationId)
    if (running) {
      running.again = true
      return running.promise!
    }
    const state: { promise?: Promise<void>; again?: boolean } = {}
    this.#syncs.set(conversationId, state)
    return (state.promise = (async () => {
      try {
        do {
          state.again = false
          // Messages after the cursor, and the edits and unsends after the change counter.
          for (let after = cursor(this.store, conversationId), rev = revOf(this.store, conversationId); ; ) {
            const input: SyncMessages = { conversationId, afterSeq: after, afterRev: rev, limit: SYNC_PAGE }
            const page = await this.command('messages:sync', input)
            this.receive([...page.messages, ...(page.changes ?? [])], false)
            advance(this.store, conversationId, after, page.messages)
            const last = page.messages.at(-1)?.seq ?? after
            const next = syncedRev(this.store, conversationId, page.rev ?? rev)
            if (!page.hasMore || (last <= after && next <= rev)) break
            after = last
            rev = next
          }
        } while (state.again)
      } finally {
        this.#syncs.delete(conversationId)
      }
    })())
  }

  /** Syncs every tracked conversation (a few at a time); reports failures as `error`. */
  async #syncAll(): Promise<void> {
    const ids = [...this.store.keys()]
    const worker = async (): Promise<void> => {
      for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
        await this.#sync(id).catch((error: unknown) => this.#reportSyncError(id!, error))
      }
    }
    await Promise.all(Array.from({ length: SYNC_CONCURRENCY }, worker))
  }

  #reportSyncError(conversationId: string, error: unknown): void {
    const e = LiveChatError.from(error)
    // A conversation this side may no longer see: stop syncing it.
    if (e.code === 'not_found' || e.code === 'forbidden') this.store.delete(conversationId)
    // Failures caused by the connection dropping are retried on the next connect.
    if (e.code !== 'unavailable' || this.connected) this.#events.emit('error', e)
  }

  /**
   * Emits the command `event` of the event map `M` (the client's own, or the commands both
   * namespaces share) and resolves with its ack; a missing socket, a timeout or a bad answer
   * throws. socket.io types a timed ack's answer as `any` and cannot check a payload against an
   * event map it only knows as a type parameter, so this signature is what types the command
   * both ways: the socket is used here as socket.io's plain `Socket`.
   */
  async #ack<M, K extends keyof M & string>(event: K, input: CommandInput<M[K]>): Promise<Ack<CommandResult<M[K]>>> {
    const socket: Socket | null = this.socket
    if (!socket) throw new LiveChatError('invalid_state', 'Not connected: call connect() first')
    if (!socket.connected && !socket.active) throw LiveChatError.unavailable('The socket is closed')
    let ack: Ack<CommandResult<M[K]>> | null
    try {
      ack = await socket.timeout(this.ackTimeoutMs).emitWithAck(event, input)
    } catch (error) {
      throw LiveChatError.unavailable(`${event}: no answer (${error})`, error)
    }
    if (typeof ack?.ok === 'boolean') return ack
    throw new LiveChatError('internal', `${event}: not an ack`)
  }
}
