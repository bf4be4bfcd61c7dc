import type {
  AcceptInvitation,
  AgentClientToServer,
  AgentSendMessage,
  AgentServerToClient,
  AgentSession,
  AgentStatus,
  AgentSummary,
  CannedResponse,
  CompleteSetup,
  ConversationStatus,
  ConversationSummary,
  CreateAgent,
  CreateCannedResponse,
  Message,
  MessagePage,
  Page,
  InvitationPreview,
  Presence,
  Priority,
  ReceiptState,
  RecoveryCodes,
  SetupState,
  SiteSettings,
  TwoFactorRequired,
  TwoFactorSetup,
  TypingState,
  UpdateAgent,
  UpdateCannedResponse,
  UpdateSiteSettings,
  UploadedFile,
  UserSession,
  VisitorPresence,
} from '@live-chat/protocol'
import type { Socket } from 'socket.io-client'
import type {
  Agency,
  AgencySite,
  AnalyticsQuery,
  AnalyticsReport,
  ApiKey,
  ApiKeyCreated,
  AuditEvent,
  AuditQuery,
  CreateApiKey,
  CreateInvitation,
  CreateSite,
  IdentitySecret,
  Invitation,
  InvitationSent,
  ListInvitationsQuery,
  Member,
  UpdateAgency,
  UpdateMember,
  CreateWebhook,
  ListConversationsFilter,
  MessageRange,
  SessionChangeReason,
  TranscriptFormat,
  UpdateWebhook,
  Webhook,
  WebhookDelivery,
} from '@live-chat/protocol'
import { BaseClient, type BaseClientOptions, type BaseEvents } from './base-client.js'
import { LiveChatError } from './errors.js'
import { seg, type QueryValue } from './http.js'
import { maxSeq, track } from './message-store.js'
import { messageContent, uploadFile, type SendOptions, type UploadOptions } from './upload.js'

/** Options for {@link AgentClient}. */
export interface AgentClientOptions extends BaseClientOptions {
  /** An agent access token from an earlier `login()`; or call `login()`. */
  token?: string
  /**
   * Exchange the access token for a fresh one before it expires (see {@link AgentClient.refresh}),
   * from `login()` or `connect()` until `disconnect()`; default true. Each new token is a `token`
   * event: store it wherever the old one was kept.
   */
  autoRefresh?: boolean
}

/** Events of {@link AgentClient}. */
export interface AgentEvents extends BaseEvents {
  /** A new conversation on the site. */
  'conversation:created': ConversationSummary
  /** A conversation changed (status, assignee, tags, last message, ...). */
  'conversation:updated': ConversationSummary
  /** A visitor or another agent started or stopped typing. */
  typing: TypingState
  /** Delivery or read watermarks moved. */
  receipt: ReceiptState
  /** An agent changed (status, online, capacity, ...). */
  agent: AgentSummary
  /** A visitor came online, went offline or changed page. */
  visitor: VisitorPresence
  /** A new access token (from `login()` or a refresh); the old one still works until it expires. */
  token: { token: string; expiresAt: string }
  /**
   * The server ended this sign-in: signed out on another device or from "your account", the
   * password was changed elsewhere or reset, or the account was removed from its agency (the
   * socket got `session:revoked`, or a reconnect or refresh was refused as `unauthorized`). The
   * client has stopped: the socket is closed and not reopened, nothing is refreshed, the token is
   * forgotten and unsent messages are dropped (their promises reject with `error`). Sign in again.
   * Not emitted by {@link AgentClient.logout}.
   */
  'signed-out': { reason: 'revoked'; error: LiveChatError }
  /**
   * The agent's access to the current site changed: their role changed, or they were removed
   * from the site. The client reconnects by itself (a new handshake, with the new role); if they
   * were removed, the server refuses it (`forbidden`, an `error` event) and the socket stays
   * closed. Reload the profile ({@link AgentClient.me}) to see which sites and roles remain.
   */
  'access-changed': { siteId: string; reason: SessionChangeReason }
}

/**
 * What {@link AgentClient.login} answers: the session, or — when the account signs in with a
 * second factor — a {@link TwoFactorRequired} to finish with. Tell them apart with
 * `'twoFactor' in result`.
 */
export type LoginResult = AgentSession | TwoFactorRequired

/** What {@link AgentClient.completeSetup} answers: the owner's session and the first site. */
export interface SetupDone {
  session: AgentSession
  site: AgencySite
}

/** The second step of a sign-in: a 6-digit code from the authenticator app, or one of the recovery codes. */
export type SecondFactor = { code: string } | { recoveryCode: string }

/** Who is logged in, and on which sites (GET /api/auth/me). */
export type AgentProfile = Omit<AgentSession, 'token' | 'expiresAt'>

/** Filters for {@link AgentClient.listConversations}. */
export type { ListConversationsFilter } from '@live-chat/protocol'

/** Options for {@link AgentClient.send}. */
export interface AgentSendOptions extends SendOptions {
  /** A private note: stored and shown to agents only. */
  private?: boolean
}

/** Filters for {@link AgentClient.exportConversations}: the list's, without paging. */
export type ExportConversationsFilter = Omit<ListConversationsFilter, 'cursor' | 'limit'>

/** Filters and paging of {@link AgentClient.auditLog}; `limit` 1..100, default 50. */
export type AuditLogQuery = Omit<AuditQuery, 'limit'> & { limit?: number }

/** Filters for {@link AgentClient.auditCsv}: the audit log's, without paging. */
export type AuditFilter = Omit<AuditQuery, 'cursor' | 'limit'>

/** Options for the downloads ({@link AgentClient.transcript}, {@link AgentClient.exportConversations}). */
export interface DownloadOptions {
  signal?: AbortSignal
  /** Give up (as `unavailable`) after this long, the body included; default 5 minutes. */
  timeoutMs?: number
}

const DOWNLOAD_TIMEOUT_MS = 300_000
/** setTimeout's largest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

/** A JWT's `exp` in ms, or null when the token is not a readable JWT. */
function tokenExpiry(token: string): number | null {
  try {
    const part = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')
    const exp = (JSON.parse(atob(part.padEnd(Math.ceil(part.length / 4) * 4, '='))) as { exp?: unknown }).exp
    return typeof exp === 'number' ? exp * 1000 : null
  } catch {
    return null
  }
}

/** Changes for {@link AgentClient.update}; give at least one. */
export interface ConversationChanges {
  priority?: Priority
  tags?: string[]
  subject?: string
}

/**
 * The agent side of Live Chat: REST for lists and admin, the `/agent` socket for live work.
 *
 * **Which site REST calls use:** the current site — the one given to {@link connect} or
 * {@link useSite}. Calling a site-scoped method before either throws `invalid_state`.
 *
 * Messages sent with {@link send} go through an outbox (fixed client id, retried until
 * acknowledged, in order). Every conversation this client has seen a message of, or was told
 * to {@link watch}, is synced from its last seq after each reconnect; the cache
 * ({@link getMessages}) holds each seq once.
 */
export class AgentClient extends BaseClient<AgentEvents, AgentClientToServer, AgentServerToClient, AgentSendMessage> {
  #token: string | null
  #siteId: string | null = null
  #pendingConnect: { resolve: () => void; reject: (error: LiveChatError) => void } | null = null
  readonly #autoRefresh: boolean
  #refreshTimer: ReturnType<typeof setTimeout> | undefined
  /** The token the socket's last handshake (or auth:renew) went by. */
  #socketToken: string | null = null
  /** logout() is under way: the server's `session:revoked` for it is expected, not news. */
  #loggingOut = false

  /** Creates the client; nothing happens on the network until a method is called. */
  constructor(options: AgentClientOptions) {
    super(options, { namespace: '/agent', autoTrack: 'message', getToken: () => this.#token })
    this.#token = options.token ?? null
    this.#autoRefresh = options.autoRefresh ?? true
  }

  /** The agent access token (from the `token` option or `login()`), kept in memory only. */
  get token(): string | null {
    return this.#token
  }

  /** The current site (see the class notes), or null. */
  get siteId(): string | null {
    return this.#siteId
  }

  /**
   * Logs in with email and password. Answers the session and keeps its token (in memory) for
   * every later call — unless the account signs in with a second factor: then it answers a
   * {@link TwoFactorRequired} (`'twoFactor' in result`), keeps nothing, and the sign-in is
   * finished with {@link loginTwoFactor} (`twoFactor: 'required'`), or, when the agency requires
   * two-factor and the account has none yet (`'setup_required'`), with
   * {@link loginTwoFactorSetup} then {@link loginTwoFactorEnable}. The `challenge` lasts 10 minutes.
   *
   * ```ts
   * const result = await client.login(email, password)
   * const session = 'twoFactor' in result ? await client.loginTwoFactor(result.challenge, { code: askForCode() }) : result
   * ```
   * @throws LiveChatError `unauthorized` for a wrong email or password, `rate_limited` after too many.
   */
  async login(email: string, password: string): Promise<LoginResult> {
    const result = await this.http<LoginResult>('POST', '/api/auth/login', { body: { email, password }, token: null })
    if (!('twoFactor' in result)) this.#newToken(result)
    return result
  }

  /**
   * Exchanges the current access token, while it is still valid, for a fresh one (same login;
   * the server stops refreshing 30 days after the password was given: then `token_expired`).
   * Emits `token`. With `autoRefresh` (the default) this happens by itself.
   * @throws LiveChatError `token_expired` once the token (or the login) is too old; log in again.
   * `unauthorized` once the session was ended (also a `signed-out` event).
   */
  async refresh(): Promise<AgentSession> {
    let session: AgentSession
    try {
      session = await this.http<AgentSession>('POST', '/api/auth/refresh')
    } catch (error) {
      const e = LiveChatError.from(error)
      // The session was ended while nothing was connected to hear it.
      if (e.code === 'unauthorized') this.#signedOut(e)
      throw e
    }
    this.#newToken(session)
    // The live socket goes by the token it connected with: hand it the new one. Should that fail
    // (an `error` event says so), the refresh still stands: the socket takes the new token when
    // it reconnects, at the latest when the server ends it at the old token's expiry.
    await this.#renewSocket().catch((e: unknown) => this.emitEvent('error', LiveChatError.from(e)))
    return session
  }

  #newToken(session: Pick<AgentSession, 'token' | 'expiresAt'>): void {
    this.#token = session.token
    this.emitEvent('token', { token: session.token, expiresAt: session.expiresAt })
    this.#scheduleRefresh()
  }

  /** Plans the next refresh: when a fifth of the token's life is left (at least a minute before it ends). */
  #scheduleRefresh(retryInMs?: number): void {
    clearTimeout(this.#refreshTimer)
    this.#refreshTimer = undefined
    const expires = this.#autoRefresh && this.#token ? tokenExpiry(this.#token) : null
    if (expires === null) return
    const left = expires - Date.now()
    if (left <= 0) return
    const delay = retryInMs ?? Math.max(0, left - Math.max(left / 5, 60_000))
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined
      this.refresh().catch((error: unknown) => {
        const e = LiveChatError.from(error)
        // Signed out (refresh() said so with a `signed-out` event).
        if (e.code === 'unauthorized') return
        this.emitEvent('error', e)
        // A passing failure: try again in a while, as long as the token lasts.
        if (e.retryable) this.#scheduleRefresh(Math.min(60_000, Math.max(1_000, (expires - Date.now()) / 4)))
      })
    }, Math.min(delay, MAX_TIMER_MS))
    // Never the reason a Node process stays alive.
    ;(this.#refreshTimer as { unref?: () => void }).unref?.()
  }

  /** The logged-in user and the sites they work on. */
  me(): Promise<AgentProfile> {
    return this.http<AgentProfile>('GET', '/api/auth/me')
  }

  // ------------------------------------------------------------------ accounts (public: first run, second factor, passwords, invitations)

  /** Whether the server still waits for its first-run setup (no account exists yet). */
  setupState(): Promise<SetupState> {
    return this.http<SetupState>('GET', '/api/setup', { token: null })
  }

  /**
   * Checks a setup token (from the link the server logs on its first start) before the form is shown.
   * @throws LiveChatError `not_found` for an unknown token, `invalid_state` once used or set up.
   */
  async verifySetup(token: string): Promise<void> {
    await this.http('POST', '/api/setup/verify', { body: { token }, token: null })
  }

  /**
   * Creates the workspace in one step: the owner's account, the agency and its first site (its
   * `domains` become the site's allowed origins). Signs in as the owner: the token is kept.
   */
  async completeSetup(input: CompleteSetup): Promise<SetupDone> {
    const done = await this.http<SetupDone>('POST', '/api/setup', { body: input, token: null })
    this.#newToken(done.session)
    return done
  }

  /**
   * Finishes a sign-in that answered `twoFactor: 'required'` with a code from the authenticator
   * app or a recovery code (each recovery code works once). Keeps the token.
   * @throws LiveChatError `unauthorized` for a wrong code or an expired challenge (sign in again).
   */
  async loginTwoFactor(challenge: string, factor: SecondFactor): Promise<AgentSession> {
    const session = await this.http<AgentSession>('POST', '/api/auth/login/two-factor', { body: { challenge, ...factor }, token: null })
    this.#newToken(session)
    return session
  }

  /** For a sign-in that answered `twoFactor: 'setup_required'`: a new authenticator secret to enrol. */
  loginTwoFactorSetup(challenge: string): Promise<TwoFactorSetup> {
    return this.http<TwoFactorSetup>('POST', '/api/auth/login/two-factor/setup', { body: { challenge }, token: null })
  }

  /**
   * Confirms the enrolment begun with {@link loginTwoFactorSetup} with the app's first code and
   * signs in (keeps the token). The answer carries the recovery codes: show them this once.
   */
  async loginTwoFactorEnable(challenge: string, code: string): Promise<AgentSession & RecoveryCodes> {
    const session = await this.http<AgentSession & RecoveryCodes>('POST', '/api/auth/login/two-factor/enable', { body: { challenge, code }, token: null })
    this.#newToken(session)
    return session
  }

  /**
   * Asks for a password-reset email. The server answers the same whether or not the email has an
   * account; the link (`/dashboard/#reset/<token>`) is valid for 30 minutes.
   */
  async forgotPassword(email: string): Promise<void> {
    await this.http('POST', '/api/auth/password/forgot', { body: { email }, token: null })
  }

  /**
   * Sets a new password with the token from a reset link. Every session of the account ends; sign
   * in again (with {@link login}) as the email it answers.
   * @throws LiveChatError `not_found` for an unknown token, `invalid_state` for a used or expired one.
   */
  resetPassword(token: string, password: string): Promise<{ email: string }> {
    return this.http<{ email: string }>('POST', '/api/auth/password/reset', { body: { token, password }, token: null })
  }

  /** What an invitation link offers: who invited whom, to which agency, sites and role. */
  lookupInvitation(token: string): Promise<InvitationPreview> {
    return this.http<InvitationPreview>('POST', '/api/invitations/lookup', { body: { token }, token: null })
  }

  /**
   * Accepts an invitation with the invitee's name and password: the account is made and signed in
   * (the token is kept).
   * @throws LiveChatError `invalid_state` for a used, revoked or expired invitation, `conflict` when the email has an account since.
   */
  async acceptInvitation(input: AcceptInvitation): Promise<AgentSession> {
    const session = await this.http<AgentSession>('POST', '/api/invitations/accept', { body: input, token: null })
    this.#newToken(session)
    return session
  }

  // ------------------------------------------------------------------ accounts (signed in: sign-out, password, sessions, two-factor)

  /**
   * Signs out: the server ends this session (its tokens stop working everywhere), then the client
   * forgets the token, closes the socket and drops unsent messages. The client is signed out even
   * when the server could not be reached (that error is thrown afterwards).
   */
  async logout(): Promise<void> {
    const token = this.#token
    this.#loggingOut = true
    try {
      if (token) await this.http('POST', '/api/auth/logout', { token })
    } catch (error) {
      const e = LiveChatError.from(error)
      // Already ended (or expired): signed out all the same.
      if (e.code !== 'unauthorized' && e.code !== 'token_expired') throw e
    } finally {
      this.#loggingOut = false
      this.#forget(new LiveChatError('aborted', 'Signed out'))
    }
  }

  /** Changes the password (the current one confirms it). Every other session of the account ends; this one stays. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.http('POST', '/api/auth/password', { body: { currentPassword, newPassword } })
  }

  /** The account's signed-in devices, this one marked `current`. */
  async sessions(): Promise<UserSession[]> {
    const { items } = await this.http<{ items: UserSession[] }>('GET', '/api/auth/sessions')
    return items
  }

  /** Ends one of the account's sessions (signs that device out at once). Ending the current one signs this client out (`signed-out`). */
  async endSession(sessionId: string): Promise<void> {
    await this.http('DELETE', `/api/auth/sessions/${seg(sessionId)}`)
  }

  /** Starts enrolling an authenticator app: a new secret (as text, URI and QR code), pending until {@link twoFactorEnable}. */
  twoFactorSetup(): Promise<TwoFactorSetup> {
    return this.http<TwoFactorSetup>('POST', '/api/auth/two-factor/setup')
  }

  /** Turns two-factor sign-in on with the app's first code; answers the recovery codes (show them this once). */
  twoFactorEnable(code: string): Promise<RecoveryCodes> {
    return this.http<RecoveryCodes>('POST', '/api/auth/two-factor/enable', { body: { code } })
  }

  /**
   * Turns two-factor sign-in off (the password confirms it).
   * @throws LiveChatError `invalid_state` when the agency requires two-factor sign-in.
   */
  async twoFactorDisable(password: string): Promise<void> {
    await this.http('POST', '/api/auth/two-factor/disable', { body: { password } })
  }

  /** New recovery codes (the password confirms it); the old ones stop working. */
  regenerateRecoveryCodes(password: string): Promise<RecoveryCodes> {
    return this.http<RecoveryCodes>('POST', '/api/auth/two-factor/recovery-codes', { body: { password } })
  }

  /**
   * Chooses the site for REST calls without opening a socket.
   * @throws LiveChatError `invalid_state` while connected to another site (call `connect(siteId)`).
   */
  useSite(siteId: string): void {
    if (this.socket && this.#siteId !== siteId) {
      throw new LiveChatError('invalid_state', 'Connected to another site: call connect(siteId) to switch')
    }
    this.#siteId = siteId
  }

  /**
   * Opens the `/agent` socket for `siteId` (switching sites if connected to another one: what was
   * tracked and queued for the old site is dropped). Resolves once connected; rejects with the
   * server's error if the handshake is refused. While the network is down it keeps waiting
   * (socket.io retries by itself).
   */
  connect(siteId: string): Promise<void> {
    if (!this.#token) return Promise.reject(new LiveChatError('unauthorized', 'Log in first (login() or the token option)'))
    if (this.#refreshTimer === undefined) this.#scheduleRefresh()
    const switching = this.#siteId !== null && this.#siteId !== siteId
    this.#siteId = siteId
    if (switching) {
      this.store.clear()
      this.outbox.clear(new LiveChatError('aborted', 'Switched to another site'))
    }
    if (this.socket?.connected && !switching) return Promise.resolve()
    this.#pendingConnect?.reject(new LiveChatError('aborted', 'connect() was called again'))
    const done = new Promise<void>((resolve, reject) => {
      this.#pendingConnect = { resolve, reject }
    })
    if (this.socket && switching) this.reconnectSocket()
    else this.openSocket()
    return done
  }

  /** Closes the socket and stops refreshing the token. Unsent messages stay queued for the next `connect()`. */
  disconnect(): void {
    clearTimeout(this.#refreshTimer)
    this.#refreshTimer = undefined
    this.#pendingConnect?.reject(new LiveChatError('aborted', 'disconnect() was called'))
    this.#pendingConnect = null
    this.closeSocket()
  }

  /** Signed out (by logout() or the server): nothing of the session is kept or sent. */
  #forget(error: LiveChatError): void {
    this.disconnect()
    this.#token = null
    this.#socketToken = null
    this.outbox.clear(error)
    this.store.clear()
  }

  /** The server ended the session: stop, and tell the app (once). */
  #signedOut(error: LiveChatError): void {
    if (this.#loggingOut || !this.#token) return
    this.#forget(error)
    this.emitEvent('signed-out', { reason: 'revoked', error })
  }

  // ------------------------------------------------------------------ socket commands

  /**
   * Sends a message (or a private note) through the outbox: retried with the same client id (and
   * the same attachments) until acknowledged, in order. With `attachments` (see {@link upload})
   * the text may be empty. Rejects on a non-retryable error.
   */
  send(conversationId: string, text: string, options: AgentSendOptions = {}): Promise<Message> {
    let content: ReturnType<typeof messageContent>
    try {
      content = messageContent(text, options.attachments)
    } catch (error) {
      return Promise.reject(error)
    }
    return this.outbox.send({ conversationId, ...content, ...(options.private === undefined ? {} : { private: options.private }) })
  }

  /**
   * Uploads a file (an image, a PDF or a text file) to the current site, to attach to a message:
   * pass the result (or its id) in `send(…, { attachments })`. Only this agent may attach it.
   */
  async upload(file: Blob, options: UploadOptions = {}): Promise<UploadedFile> {
    return uploadFile(this.http, this.#site('/uploads'), file, options)
  }

  /**
   * One page of messages after `afterSeq`, oldest first. The messages join the cache and the
   * conversation is tracked, but they are not emitted as `message` events (you have them).
   */
  async sync(conversationId: string, afterSeq: number, limit?: number): Promise<MessagePage> {
    const page = await this.command('messages:sync', { conversationId, afterSeq, ...(limit === undefined ? {} : { limit }) })
    this.ingest(conversationId, page, afterSeq)
    return page
  }

  /**
   * Tracks a conversation whose messages up to `lastSeq` the app already has: anything after it
   * is synced now (if connected) and after every reconnect, and emitted as `message` events.
   */
  watch(conversationId: string, lastSeq = 0): void {
    track(this.store, conversationId, lastSeq)
    if (this.connected) this.backgroundSync(conversationId)
  }

  /** Stops tracking a conversation and drops its cached messages. */
  unwatch(conversationId: string): void {
    this.store.delete(conversationId)
  }

  /** Tells the visitor the agent is (not) typing. Does nothing while disconnected. */
  async setTyping(conversationId: string, typing: boolean): Promise<void> {
    if (!this.connected) return
    await this.command('typing:set', { conversationId, typing })
  }

  /** Marks every message up to `seq` as read by the agent side. */
  async markRead(conversationId: string, seq: number): Promise<void> {
    await this.command('conversation:read', { conversationId, seq })
  }

  /** Marks every message up to `seq` as delivered to the agent side. */
  async markDelivered(conversationId: string, seq: number): Promise<void> {
    await this.command('conversation:delivered', { conversationId, seq })
  }

  /** Assigns (or transfers) a conversation to an agent; `null` puts it back in the queue. */
  assign(conversationId: string, agentId: string | null): Promise<ConversationSummary> {
    return this.command('conversation:assign', { conversationId, agentId })
  }

  /** Marks a conversation resolved. */
  resolve(conversationId: string): Promise<ConversationSummary> {
    return this.command('conversation:resolve', { conversationId })
  }

  /** Reopens a resolved or closed conversation. */
  reopen(conversationId: string): Promise<ConversationSummary> {
    return this.command('conversation:reopen', { conversationId })
  }

  /** Changes a conversation's priority, tags and/or subject. */
  update(conversationId: string, changes: ConversationChanges): Promise<ConversationSummary> {
    return this.command('conversation:update', { conversationId, ...changes })
  }

  /** Sets this agent's status on the current site. */
  setStatus(status: AgentStatus): Promise<AgentSummary> {
    return this.command('agent:status', { status })
  }

  /** Who is online on the site: agents and visitors. */
  presence(): Promise<Presence> {
    return this.command('presence:list', {})
  }

  // ------------------------------------------------------------------ REST (current site)

  /** One page of the site's conversations; pass `nextCursor` back as `cursor` for the next. */
  async listConversations(filter: ListConversationsFilter = {}): Promise<Page<ConversationSummary>> {
    return this.http<Page<ConversationSummary>>('GET', this.#site('/conversations'), { query: { ...filter } })
  }

  /** One conversation. */
  async getConversation(conversationId: string): Promise<ConversationSummary> {
    return this.http<ConversationSummary>('GET', this.#site(`/conversations/${seg(conversationId)}`))
  }

  /**
   * A page of a conversation's messages (`after` to catch up, `before` to scroll back). They join
   * the cache but are not emitted as `message` events.
   */
  async messages(conversationId: string, range: MessageRange = {}): Promise<MessagePage> {
    const page = await this.http<MessagePage>('GET', this.#site(`/conversations/${seg(conversationId)}/messages`), { query: { ...range } })
    this.ingest(conversationId, page, range.after)
    return page
  }

  /**
   * One conversation's transcript as a file: every message in order, private notes included
   * and marked, system lines, and attachments by name and URL.
   * - `json` (default): a `Transcript` document (application/json);
   * - `csv`: one row per message (text/csv, UTF-8 with a BOM; cells that a spreadsheet would run
   *   as a formula start with `'`);
   * - `txt`: plain text for people, times in the site's time zone.
   * Any agent of the site may download it; another site's conversation is `not_found`.
   *
   * ```ts
   * const blob = await client.transcript(id, 'csv')
   * const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: `conversation-${id}.csv` })
   * a.click()
   * ```
   */
  async transcript(conversationId: string, format: TranscriptFormat = 'json', options: DownloadOptions = {}): Promise<Blob> {
    return this.#download(`/conversations/${seg(conversationId)}/transcript`, { format }, options)
  }

  /**
   * Every message of the conversations that match `filter` (the same filters as
   * {@link listConversations}, without paging) as one CSV file (text/csv, UTF-8 with a BOM), one
   * row per message: conversation_id, started_at, status, visitor_name, visitor_email,
   * assigned_agent, tags, rating, seq, sent_at, sender_type, sender_name, private, text,
   * attachments. The server streams it, so it may be large: pass `signal` to stop it.
   */
  async exportConversations(filter: ExportConversationsFilter = {}, options: DownloadOptions = {}): Promise<Blob> {
    return this.#download('/exports/conversations.csv', { ...filter }, options)
  }

  /** Canned responses visible to this agent (shared and personal), optionally filtered. */
  async cannedResponses(query: { q?: string; category?: string } = {}): Promise<CannedResponse[]> {
    const { items } = await this.http<{ items: CannedResponse[] }>('GET', this.#site('/canned-responses'), { query })
    return items
  }

  /** Creates a canned response. */
  async createCannedResponse(input: CreateCannedResponse): Promise<CannedResponse> {
    return this.http<CannedResponse>('POST', this.#site('/canned-responses'), { body: input })
  }

  /** Changes a canned response. */
  async updateCannedResponse(id: string, changes: UpdateCannedResponse): Promise<CannedResponse> {
    return this.http<CannedResponse>('PATCH', this.#site(`/canned-responses/${seg(id)}`), { body: changes })
  }

  /** Counts one use of a canned response (e.g. inserted into a reply) and returns it with the new `usageCount`. */
  async useCannedResponse(id: string): Promise<CannedResponse> {
    return this.http<CannedResponse>('POST', this.#site(`/canned-responses/${seg(id)}/use`))
  }

  /** Deletes a canned response. */
  async deleteCannedResponse(id: string): Promise<void> {
    await this.http('DELETE', this.#site(`/canned-responses/${seg(id)}`))
  }

  /** The site's webhooks (admins only). */
  async webhooks(): Promise<Webhook[]> {
    const { items } = await this.http<{ items: Webhook[] }>('GET', this.#site('/webhooks'))
    return items
  }

  /** Adds a webhook; the server generates its signing secret (admins only). */
  async createWebhook(input: CreateWebhook): Promise<Webhook> {
    return this.http<Webhook>('POST', this.#site('/webhooks'), { body: input })
  }

  /** Changes a webhook's URL, events or active flag (admins only). */
  async updateWebhook(id: string, changes: UpdateWebhook): Promise<Webhook> {
    return this.http<Webhook>('PATCH', this.#site(`/webhooks/${seg(id)}`), { body: changes })
  }

  /** Deletes a webhook with its delivery log (admins only). */
  async deleteWebhook(id: string): Promise<void> {
    await this.http('DELETE', this.#site(`/webhooks/${seg(id)}`))
  }

  /** A webhook's delivery log, newest first (the latest 50; admins only). */
  async webhookDeliveries(id: string): Promise<WebhookDelivery[]> {
    const { items } = await this.http<{ items: WebhookDelivery[] }>('GET', this.#site(`/webhooks/${seg(id)}/deliveries`))
    return items
  }

  /**
   * Sends a delivery again, under the same id with a full set of tries (admins only); a receiver
   * paused after failing is tried at once.
   */
  async redeliverWebhook(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return this.http<WebhookDelivery>('POST', this.#site(`/webhooks/${seg(id)}/deliveries/${seg(deliveryId)}/redeliver`))
  }

  /** Queues a `ping` to the webhook and returns its delivery (admins only). */
  async testWebhook(id: string): Promise<WebhookDelivery> {
    return this.http<WebhookDelivery>('POST', this.#site(`/webhooks/${seg(id)}/test`))
  }

  /**
   * A new signing secret for the webhook (admins only). For `graceHours` (default 24; 0 = not at
   * all) deliveries are signed with the old secret too, so the receiver can switch over.
   */
  async rotateWebhookSecret(id: string, graceHours = 24): Promise<Webhook> {
    return this.http<Webhook>('POST', this.#site(`/webhooks/${seg(id)}/secret/rotate`), { body: { graceHours } })
  }

  /** The site's agents. */
  async agents(): Promise<AgentSummary[]> {
    const { items } = await this.http<{ items: AgentSummary[] }>('GET', this.#site('/agents'))
    return items
  }

  /** Adds an agent to the site (admins only). */
  async createAgent(input: CreateAgent): Promise<AgentSummary> {
    return this.http<AgentSummary>('POST', this.#site('/agents'), { body: input })
  }

  /** Changes an agent (admins; agents may change some of their own fields). */
  async updateAgent(agentId: string, changes: UpdateAgent): Promise<AgentSummary> {
    return this.http<AgentSummary>('PATCH', this.#site(`/agents/${seg(agentId)}`), { body: changes })
  }

  /** The site's settings (admins only). */
  async settings(): Promise<SiteSettings> {
    return this.http<SiteSettings>('GET', this.#site('/settings'))
  }

  /** Changes the site's settings (admins only). */
  async updateSettings(changes: UpdateSiteSettings): Promise<SiteSettings> {
    return this.http<SiteSettings>('PATCH', this.#site('/settings'), { body: changes })
  }

  /**
   * The site's analytics over local days `from`..`to` (YYYY-MM-DD, inclusive, in the site's time
   * zone; `to` at most 366 days after `from`): conversations, messages, first response and resolution times (mean,
   * median, p90), CSAT, missed and offline conversations, busiest hours and per-agent figures
   * (admins only). The server brings its daily aggregates up to date first; `updatedAt` says when
   * they were last complete.
   * @throws LiveChatError `invalid_payload` for a bad range, `forbidden` for an agent who is not an admin.
   */
  async analytics(query: AnalyticsQuery): Promise<AnalyticsReport> {
    return this.http<AnalyticsReport>('GET', this.#site('/analytics'), { query: { from: query.from, to: query.to } })
  }

  /**
   * The same report as a CSV file (text/csv): one row per day, then a `total` row; columns date,
   * conversations, messages, resolved, missed, offline, first_response_count,
   * first_response_mean_s, first_response_median_s, first_response_p90_s, csat_count, csat_mean
   * (admins only).
   */
  async analyticsCsv(query: AnalyticsQuery, options: DownloadOptions = {}): Promise<Blob> {
    return this.#download('/analytics.csv', { from: query.from, to: query.to }, options)
  }

  // ------------------------------------------------------------------ internals

  /** A file from the current site's `path`, as a Blob (downloads get a longer default timeout). */
  #download(path: string, query: Record<string, QueryValue>, options: DownloadOptions): Promise<Blob> {
    return this.#blob(this.#site(path), query, options)
  }

  /** A file from the server's `path`, as a Blob. */
  #blob(path: string, query: Record<string, QueryValue>, options: DownloadOptions): Promise<Blob> {
    return this.http<Blob>('GET', path, {
      query,
      responseType: 'blob',
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
    })
  }

  /** @internal */
  protected override socketAuth(): Record<string, unknown> {
    this.#socketToken = this.#token
    return { token: this.#token, siteId: this.#siteId }
  }

  /** Hands the live socket the current token when it went by an older one (auth:renew). */
  async #renewSocket(): Promise<void> {
    const token = this.#token
    if (!token || token === this.#socketToken || !this.connected) return
    await this.command('auth:renew', { token })
    this.#socketToken = token
  }

  /** @internal */
  protected override bindSocket(socket: Socket<AgentServerToClient, AgentClientToServer>): void {
    const on = socket.on.bind(socket)
    on('message:created', (message) => this.receive([message], true))
    on('conversation:created', (conversation) => this.emitEvent('conversation:created', conversation))
    on('conversation:updated', (conversation) => {
      this.emitEvent('conversation:updated', conversation)
      const id = conversation.id
      if (this.store.has(id) && conversation.lastSeq > maxSeq(this.store, id) && this.connected) this.backgroundSync(id)
    })
    on('typing:changed', (state) => this.emitEvent('typing', state))
    on('receipt:updated', (state) => this.emitEvent('receipt', state))
    on('agent:updated', (agent) => this.emitEvent('agent', agent))
    on('visitor:updated', (presence) => this.emitEvent('visitor', presence))
    // The token this socket went by expired (no refresh reached it): the server disconnects it.
    // With a newer token in hand, connect again with it; otherwise the session is over.
    on('session:expired', (body) => {
      const expires = this.#token ? tokenExpiry(this.#token) : null
      if (expires !== null && expires > Date.now() + 1_000) socket.once('disconnect', () => socket.connect())
      else this.emitEvent('error', LiveChatError.fromBody(body))
    })
    // The session was ended (signed out elsewhere, password changed, removed): stop for good.
    on('session:revoked', (body) => this.#signedOut(LiveChatError.fromBody(body)))
    // Access to this site changed: the server disconnects; a new handshake takes the new role
    // (or is refused, as forbidden, if the agent was removed).
    on('session:changed', ({ reason }) => {
      socket.once('disconnect', () => {
        if (this.socket === socket) socket.connect()
      })
      this.emitEvent('access-changed', { siteId: this.#siteId ?? '', reason })
    })
    socket.on('connect', () => {
      this.#pendingConnect?.resolve()
      this.#pendingConnect = null
      // A refresh that finished while the handshake (with the older token) was under way.
      this.#renewSocket().catch((error: unknown) => this.emitEvent('error', LiveChatError.from(error)))
    })
  }

  /** @internal */
  protected override onRefused(error: LiveChatError): void {
    const reconnecting = !this.#pendingConnect
    this.#pendingConnect?.reject(error)
    this.#pendingConnect = null
    // The token's session has ended (e.g. while the socket was down): signed out.
    if (error.code === 'unauthorized') this.#signedOut(error)
    // Removed from the site while the socket was down (say, reconnecting after a role change), so
    // its session:changed never arrived: the refused handshake says it instead.
    else if (error.code === 'forbidden' && reconnecting) this.emitEvent('access-changed', { siteId: this.#siteId ?? '', reason: 'removed' })
  }

  /** `/api/sites/<current site><path>`; throws when no site was chosen. */
  #site(path: string): string {
    if (!this.#siteId) throw new LiveChatError('invalid_state', 'No site chosen: call connect(siteId) or useSite(siteId) first')
    return `/api/sites/${seg(this.#siteId)}${path}`
  }

  // ------------------------------------------------------------------ agency administration
  // The caller's agency as a whole (/api/agency/*): its sites, members, invitations, API keys and
  // audit log. Owners and admins of the agency manage them; members may list their own sites.
  // The site-level ones (identity secret, removing an agent, another site's settings) take the
  // site's id and default to the current site.

  /** The caller's agency and their role in it. */
  async agency(): Promise<Agency> {
    return this.http<Agency>('GET', '/api/agency')
  }

  /** Renames the agency or sets whether its members must sign in with a second factor (owners and admins). */
  async updateAgency(changes: UpdateAgency): Promise<Agency> {
    return this.http<Agency>('PATCH', '/api/agency', { body: changes })
  }

  /** The agency's sites: every one for owners and admins, a member's own for members. */
  async agencySites(): Promise<AgencySite[]> {
    const { items } = await this.http<{ items: AgencySite[] }>('GET', '/api/agency/sites')
    return items
  }

  /**
   * Creates a site in the agency (owners and admins); every agency owner and admin becomes its
   * admin. Domains may be bare hosts (`shop.example` is `https://shop.example`); none = any origin.
   */
  async createSite(input: CreateSite): Promise<AgencySite> {
    return this.http<AgencySite>('POST', '/api/agency/sites', { body: input })
  }

  /**
   * Deletes a site and everything in it at once: conversations, messages, visitors, uploads,
   * analytics, webhooks, canned responses, memberships and its API keys (owners and admins). The
   * audit log keeps the event.
   * @param confirm the site's exact name, as the person typed it to confirm.
   * @throws LiveChatError `invalid_payload` when `confirm` is not the site's name.
   */
  async deleteSite(siteId: string, confirm: string): Promise<void> {
    await this.http('DELETE', `/api/agency/sites/${seg(siteId)}`, { body: { confirm } })
  }

  /** A site's settings (its admins), by id: {@link settings} for any site of the agency, not only the current one. */
  async siteSettings(siteId: string): Promise<SiteSettings> {
    return this.http<SiteSettings>('GET', `/api/sites/${seg(siteId)}/settings`)
  }

  /** Changes a site's settings (name, allowed origins, ...) by id (its admins). */
  async updateSiteSettings(siteId: string, changes: UpdateSiteSettings): Promise<SiteSettings> {
    return this.http<SiteSettings>('PATCH', `/api/sites/${seg(siteId)}/settings`, { body: changes })
  }

  /**
   * The key the host's backend signs visitors' ids with (site admins). Each read is recorded in
   * the audit log, so read it when it is to be shown, not ahead of time.
   */
  async identitySecret(siteId?: string): Promise<IdentitySecret> {
    return this.http<IdentitySecret>('GET', this.#siteAt(siteId, '/identity-secret'))
  }

  /**
   * Makes a new identity secret (site admins). The old one is still accepted for `graceHours`
   * (default 24, at most 720; 0 = stops at once), time to deploy the new one on the host's servers.
   */
  async rotateIdentitySecret(graceHours = 24, siteId?: string): Promise<IdentitySecret> {
    return this.http<IdentitySecret>('POST', this.#siteAt(siteId, '/identity-secret/rotate'), { body: { graceHours } })
  }

  /**
   * Removes an agent from a site (site admins): their open conversations go back to the queue and
   * are routed again, their personal canned responses are deleted, their messages keep their name.
   * An agency owner or admin cannot be removed from one site (change their agency role instead).
   */
  async removeAgent(agentId: string, siteId?: string): Promise<void> {
    await this.http('DELETE', this.#siteAt(siteId, `/agents/${seg(agentId)}`))
  }

  /** The people of the agency, with their sites (owners and admins). */
  async members(): Promise<Member[]> {
    const { items } = await this.http<{ items: Member[] }>('GET', '/api/agency/members')
    return items
  }

  /** Changes a person's agency role (owners and admins; only owners make or unmake owners). */
  async updateMember(userId: string, changes: UpdateMember): Promise<Member> {
    return this.http<Member>('PATCH', `/api/agency/members/${seg(userId)}`, { body: changes })
  }

  /**
   * Removes a person from the agency (owners and admins): from every site (as {@link removeAgent}),
   * every session ended at once, the account deactivated.
   */
  async removeMember(userId: string): Promise<void> {
    await this.http('DELETE', `/api/agency/members/${seg(userId)}`)
  }

  /** Invitations, pending ones by default (owners and admins; a site admin sees their sites'). */
  async invitations(query: ListInvitationsQuery = {}): Promise<Invitation[]> {
    const { items } = await this.http<{ items: Invitation[] }>('GET', '/api/agency/invitations', { query: { ...query } })
    return items
  }

  /**
   * Invites someone by email to the agency and sites. Without email on the server (or when
   * sending failed) the answer has the `link` to hand over; an email that already has an account
   * in the agency is given the memberships at once (`added`).
   */
  async invite(input: CreateInvitation): Promise<InvitationSent> {
    return this.http<InvitationSent>('POST', '/api/agency/invitations', { body: input })
  }

  /** Sends an invitation again with a new link (the old link stops working). */
  async resendInvitation(id: string): Promise<InvitationSent> {
    return this.http<InvitationSent>('POST', `/api/agency/invitations/${seg(id)}/resend`)
  }

  /** Revokes a pending invitation: its link stops working. */
  async revokeInvitation(id: string): Promise<void> {
    await this.http('DELETE', `/api/agency/invitations/${seg(id)}`)
  }

  /** The agency's API keys, revoked ones included (owners and admins). */
  async apiKeys(): Promise<ApiKey[]> {
    const { items } = await this.http<{ items: ApiKey[] }>('GET', '/api/agency/api-keys')
    return items
  }

  /** Creates an API key (owners and admins). The answer's `secret` is the key, shown this once. */
  async createApiKey(input: CreateApiKey): Promise<ApiKeyCreated> {
    return this.http<ApiKeyCreated>('POST', '/api/agency/api-keys', { body: input })
  }

  /** Revokes an API key: refused from now on. */
  async revokeApiKey(id: string): Promise<void> {
    await this.http('DELETE', `/api/agency/api-keys/${seg(id)}`)
  }

  /**
   * One page of the agency's audit log, newest first (owners and admins). `action` is an action or
   * a prefix ending in `.` (`auth.`); `from`/`to` are ISO times; pass `nextCursor` back as `cursor`.
   */
  async auditLog(query: AuditLogQuery = {}): Promise<Page<AuditEvent>> {
    return this.http<Page<AuditEvent>>('GET', '/api/agency/audit', { query: { ...query } })
  }

  /** The audit log with the same filters (without paging) as one CSV file (text/csv); the export is itself recorded. */
  async auditCsv(filter: AuditFilter = {}, options: DownloadOptions = {}): Promise<Blob> {
    return this.#blob('/api/agency/audit.csv', { ...filter }, options)
  }

  /** `/api/sites/<siteId, else the current site><path>`. */
  #siteAt(siteId: string | undefined, path: string): string {
    return siteId ? `/api/sites/${seg(siteId)}${path}` : this.#site(path)
  }
}
