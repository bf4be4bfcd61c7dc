import type { Ack, AckFn, Message, MessagePage, SyncMessages } from '@live-chat/protocol'
export type { MessageRange } from '@live-chat/protocol'
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import { Emitter, type EmitArgs, type Listener } from './emitter.js'
import { LiveChatError, isErrorBody } from './errors.js'
import { HttpClient, type FetchLike } from './http.js'
import { MessageStore, type AutoTrack } from './message-store.js'
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
  /** The number of unsent messages changed. */
  outbox: { pending: number }
  /** Something failed that no promise reports (a refused handshake, a background sync, ...). */
  error: LiveChatError
}

/** The input of a socket command, from its event-map signature. */
export type CommandInput<F> = F extends (input: infer I, ack: never) => void ? I : never

/** The data of a successful ack, from a command's event-map signature. */
export type CommandResult<F> = F extends (input: never, ack: AckFn<infer T>) => void ? T : never

type SendPayload = { conversationId: string; clientId: string; text: string }

const SYNC_PAGE = 200
const SYNC_CONCURRENCY = 4

/**
 * What the visitor and agent clients share: the socket and its lifecycle, acked commands, the
 * outbox, the per-conversation message cache and the missed-message sync on every (re)connect and
 * when the page becomes visible again.
 */
export abstract class BaseClient<
  E extends BaseEvents,
  C2S extends { [K in keyof C2S]: (input: never, ack: never) => void },
  S2C extends { [K in keyof S2C]: (...args: never[]) => void },
  P extends SendPayload,
> {
  /** @internal */ protected readonly http: HttpClient
  /** @internal */ protected readonly store: MessageStore
  /** @internal */ protected readonly outbox: Outbox<P, Message>
  /** @internal */ protected readonly ackTimeoutMs: number
  /** @internal */ protected socket: Socket | null = null

  readonly #events = new Emitter<E>()
  readonly #url: string
  readonly #namespace: string
  readonly #socketOptions: SocketClientOptions
  #epoch = 0
  #stopLifecycle: (() => void) | null = null
  readonly #syncs = new Map<string, { promise: Promise<void>; again: boolean }>()

  protected constructor(
    options: BaseClientOptions,
    setup: { namespace: string; autoTrack: AutoTrack; getToken: () => string | null; persist?: { storage: TokenStorage; key: string } },
  ) {
    this.#url = options.url
    this.#namespace = setup.namespace
    this.#socketOptions = options.socketOptions ?? {}
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000
    this.http = new HttpClient({ baseUrl: options.url, getToken: setup.getToken, ...(options.fetch ? { fetch: options.fetch } : {}) })
    this.store = new MessageStore(setup.autoTrack)
    this.outbox = new Outbox<P, Message>({
      transport: (payload) => this.#rawCommand<Message>('message:send', payload),
      ackTimeoutMs: this.ackTimeoutMs,
      ...(setup.persist ? { persist: setup.persist } : {}),
    })
    this.outbox.events.on('pending', (state) => this.#emit('outbox', state))
    this.outbox.events.on('sent', ({ result }) => this.receive([result], true))
    this.outbox.events.on('failed', ({ error, orphan }) => {
      if (orphan) this.#emit('error', error)
    })
  }

  /**
   * Calls `fn` every time `event` is emitted.
   * @returns A function that removes the listener.
   */
  on<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    return this.#events.on(event, fn)
  }

  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof E>(event: K, fn: Listener<E[K]>): void {
    this.#events.off(event, fn)
  }

  /**
   * Calls `fn` the next time `event` is emitted.
   * @returns A function that removes the listener before it fires.
   */
  once<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    return this.#events.once(event, fn)
  }

  /** Whether the socket is connected right now. */
  get connected(): boolean {
    return this.socket?.connected ?? false
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
    const all = this.outbox.entries()
    return conversationId === undefined ? all : all.filter((e) => e.payload.conversationId === conversationId)
  }

  /** The cached messages of a conversation, sorted by seq, each seq once. */
  getMessages(conversationId: string): Message[] {
    return this.store.messages(conversationId)
  }

  /** The highest seq this client has seen in a conversation (0 when none). */
  lastSeq(conversationId: string): number {
    return this.store.maxSeq(conversationId)
  }

  /** @internal Emits one of this client's events. */
  protected emitEvent<K extends keyof E>(event: K, ...args: EmitArgs<E[K]>): void {
    this.#events.emit(event, ...args)
  }

  /** Emits one of the shared events (E extends BaseEvents, which TypeScript cannot follow here). */
  #emit<K extends keyof BaseEvents>(event: K, ...args: EmitArgs<BaseEvents[K]>): void {
    ;(this.#events as unknown as Emitter<BaseEvents>).emit(event, ...args)
  }

  /** @internal The socket.io `auth` payload, read on every (re)connect. */
  protected abstract socketAuth(): Record<string, unknown>

  /** @internal Registers the namespace's server events on a new socket. */
  protected abstract bindSocket(socket: Socket): void

  /** @internal Runs after each connect, before the sync (e.g. refresh the conversation list). */
  protected async beforeSync(): Promise<void> {}

  /** @internal Runs after each connect's sync, before the outbox flushes. */
  protected afterSync(): void {}

  /** @internal Called with messages that were new to this client. */
  protected onNewMessages(_messages: Message[]): void {}

  /** @internal Called when the server refuses the handshake (the socket stops reconnecting). */
  protected onRefused(_error: LiveChatError): void {}

  /** @internal Opens the socket (once); later calls return the same socket. */
  protected openSocket(): Socket {
    if (this.socket) {
      if (!this.socket.active) this.socket.connect()
      return this.socket
    }
    const socket = io(socketUrl(this.#url, this.#namespace), {
      forceNew: true,
      ...this.#socketOptions,
      autoConnect: false,
      auth: (cb: (data: object) => void) => cb(this.socketAuth()),
    })
    this.socket = socket
    socket.on('connect', () => void this.#handleConnect(socket))
    socket.on('disconnect', (reason) => {
      this.#epoch++
      this.outbox.setConnected(false)
      this.#emit('disconnected', { reason })
    })
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      if (!isErrorBody(err.data)) return // a network failure: socket.io retries by itself
      const error = LiveChatError.fromBody(err.data)
      this.#emit('error', error)
      this.onRefused(error)
    })
    this.bindSocket(socket)
    this.#stopLifecycle = watchPage(() => this.#onPageBack())
    socket.connect()
    return socket
  }

  /** @internal Registers a typed listener for a server event. */
  protected listen<K extends keyof S2C & string>(socket: Socket, event: K, fn: S2C[K]): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io's untyped listener
    socket.on(event as string, fn as unknown as (...args: any[]) => void)
  }

  /** @internal Closes the socket; queued messages stay in the outbox. */
  protected closeSocket(): void {
    this.#stopLifecycle?.()
    this.#stopLifecycle = null
    const socket = this.socket
    if (!socket) return
    this.socket = null
    socket.disconnect() // emits 'disconnect' (handled above) while listeners are still on
    socket.removeAllListeners()
  }

  /** @internal Reconnects so the handshake carries new credentials. */
  protected reconnectSocket(): void {
    if (!this.socket) return
    this.socket.disconnect()
    this.socket.connect()
  }

  /** @internal Sends a typed command and resolves with its ack data (throws LiveChatError). */
  protected async command<K extends keyof C2S & string>(event: K, input: CommandInput<C2S[K]>): Promise<CommandResult<C2S[K]>> {
    return this.request<CommandResult<C2S[K]>>(event, input)
  }

  /** @internal An untyped command, for the commands both namespaces share. */
  protected async request<T>(event: string, input: unknown): Promise<T> {
    const ack = await this.#rawCommand<T>(event, input)
    if (ack.ok) return ack.data
    throw LiveChatError.fromBody(ack.error)
  }

  /**
   * @internal Adds messages to the cache and emits the new ones as `message` events.
   * `live` messages that leave a hole before them trigger a sync of their conversation.
   */
  protected receive(messages: readonly Message[], live: boolean): Message[] {
    const fresh = this.store.add(messages)
    for (const message of fresh) this.#emit('message', message)
    if (fresh.length > 0) this.onNewMessages(fresh)
    if (live && this.connected) {
      for (const id of new Set(fresh.map((m) => m.conversationId))) {
        if (this.store.hasGap(id)) this.backgroundSync(id)
      }
    }
    return fresh
  }

  /**
   * @internal Fetches every message after the conversation's cursor (page by page) and emits the
   * new ones. Concurrent calls for one conversation share one run (re-run once if asked again).
   */
  protected syncConversation(conversationId: string): Promise<void> {
    const running = this.#syncs.get(conversationId)
    if (running) {
      running.again = true
      return running.promise
    }
    const state = { promise: Promise.resolve(), again: false }
    state.promise = (async () => {
      try {
        do {
          state.again = false
          await this.#syncOnce(conversationId)
        } while (state.again)
      } finally {
        this.#syncs.delete(conversationId)
      }
    })()
    this.#syncs.set(conversationId, state)
    return state.promise
  }

  /**
   * @internal Caches messages fetched on request (REST) without emitting them: the caller has them.
   * `after` is the page's `after` query, if any (lets the sync cursor move forward).
   */
  protected ingest(conversationId: string, page: MessagePage, after?: number): void {
    this.store.add(page.messages)
    if (after !== undefined) this.store.advance(conversationId, after, page.messages)
  }

  /**
   * @internal Runs `fn`, retrying retryable failures after 1 s, 2 s, 4 s (same input each time:
   * only for idempotent commands).
   */
  protected async withRetry<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (error) {
        const e = LiveChatError.from(error)
        if (!e.retryable || attempt >= attempts) throw e
        await new Promise((resolve) => setTimeout(resolve, 1_000 * 2 ** (attempt - 1)))
      }
    }
  }

  /** @internal Syncs every tracked conversation (a few at a time); reports failures as `error`. */
  protected async syncAll(): Promise<void> {
    const ids = this.store.ids()
    const worker = async (): Promise<void> => {
      for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
        try {
          await this.syncConversation(id)
        } catch (error) {
          this.#reportSyncError(id, error)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, ids.length) }, worker))
  }

  async #syncOnce(conversationId: string): Promise<void> {
    let after = this.store.cursor(conversationId)
    for (;;) {
      const input: SyncMessages = { conversationId, afterSeq: after, limit: SYNC_PAGE }
      const page = await this.request<MessagePage>('messages:sync', input)
      this.receive(page.messages, false)
      this.store.advance(conversationId, after, page.messages)
      const last = page.messages.at(-1)?.seq
      if (!page.hasMore || last === undefined || last <= after) return
      after = last
    }
  }

  /** @internal Syncs a conversation without waiting; failures become `error` events. */
  protected backgroundSync(conversationId: string): void {
    this.syncConversation(conversationId).catch((error: unknown) => this.#reportSyncError(conversationId, error))
  }

  #reportSyncError(conversationId: string, error: unknown): void {
    const e = LiveChatError.from(error)
    // A conversation this side may no longer see: stop syncing it.
    if (e.code === 'not_found' || e.code === 'forbidden') this.store.untrack(conversationId)
    // Failures caused by the connection dropping are retried on the next connect.
    if (e.code === 'unavailable' && !this.connected) return
    this.#emit('error', e)
  }

  async #handleConnect(socket: Socket): Promise<void> {
    const epoch = ++this.#epoch
    this.#emit('connected')
    try {
      await this.beforeSync()
    } catch (error) {
      if (epoch === this.#epoch) this.#emit('error', LiveChatError.from(error))
    }
    if (epoch !== this.#epoch) return
    await this.syncAll()
    if (epoch === this.#epoch) this.afterSync()
    // Only if this connection is still the current one.
    if (epoch === this.#epoch && socket.connected && this.socket === socket) this.outbox.setConnected(true)
  }

  #onPageBack(): void {
    const socket = this.socket
    if (!socket) return
    if (socket.connected) void this.syncAll()
    else if (!socket.active) socket.connect() // e.g. iOS Safari gave up while in the background
  }

  async #rawCommand<T>(event: string, input: unknown): Promise<Ack<T>> {
    const socket = this.socket
    if (!socket) throw new LiveChatError('invalid_state', 'Not connected: call connect() first')
    if (!socket.connected && !socket.active) throw LiveChatError.unavailable('The socket is closed')
    let ack: unknown
    try {
      ack = await socket.timeout(this.ackTimeoutMs).emitWithAck(event, input)
    } catch (error) {
      throw LiveChatError.unavailable(`${event}: no answer (${error instanceof Error ? error.message : String(error)})`, error)
    }
    if (typeof ack === 'object' && ack !== null && typeof (ack as { ok?: unknown }).ok === 'boolean') return ack as Ack<T>
    throw new LiveChatError('internal', `${event}: the server's answer is not an ack`)
  }
}
