import type {
  MessageEdit,
  AgentClientToServer,
  AgentSendMessage,
  AgentServerToClient,
  RichContent,
  AgentSession,
  AgentStatus,
  AgentSummary,
  ConversationSummary,
  ConversationViewers,
  SlaKind,
  Team,
  Mention,
  ListConversationsFilter,
  Message,
  MessagePage,
  MessageRange,
  Presence,
  ReceiptState,
  RecoveryCodes,
  SessionChangeReason,
  TwoFactorRequired,
  TwoFactorSetup,
  TypingState,
  UploadedFile,
  VisitorPresence,
  ConversationCounters,
} from '@live-chat/protocol'
import type { Socket } from 'socket.io-client'
import { AccountApi } from './agent/account.js'
import { AgencyApi } from './agent/agency.js'
import { AgentsApi } from './agent/agents.js'
import { AnalyticsApi } from './agent/analytics.js'
import { ApiKeysApi } from './agent/api-keys.js'
import { AuditApi } from './agent/audit.js'
import { CannedResponsesApi } from './agent/canned-responses.js'
import { TriggersApi } from './agent/triggers.js'
import { BansApi } from './agent/bans.js'
import { ContactsApi } from './agent/contacts.js'
import { MentionsApi } from './agent/mentions.js'
import type { AgentContext } from './agent/context.js'
import { ConversationsApi } from './agent/conversations.js'
import { InvitationsApi } from './agent/invitations.js'
import { MembersApi } from './agent/members.js'
import { SettingsApi } from './agent/settings.js'
import { SetupApi } from './agent/setup.js'
import { SitesApi } from './agent/sites.js'
import { TeamsApi } from './agent/teams.js'
import { SlaPoliciesApi } from './agent/sla.js'
import { VisitorsApi } from './agent/visitors.js'
import { WebhooksApi } from './agent/webhooks.js'
import { BaseClient, type BaseClientOptions, type BaseEvents } from './base-client.js'
import { LiveChatError } from './errors.js'
import { seg } from './http.js'
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
  /**
   * A conversation's counters (last seq, last public seq, read and delivered marks) right after
   * a new message, as the server stored them: emitted with each live `message`, so an inbox takes
   * them as they are instead of working them out.
   */
  counters: ConversationCounters & { conversationId: string }
  /** An agent changed (status, online, capacity, ...). */
  agent: AgentSummary
  /** A visitor came online, went offline or changed page. */
  visitor: VisitorPresence
  /** An admin erased a visitor: their conversations are gone (drop them from view). */
  'visitor:erased': { visitorId: string }
  /** Contacts were merged into `visitorId` (a verified identity or email matched): their conversations are that contact's now. */
  'contact:merged': { visitorId: string; mergedVisitorIds: string[] }
  /** Who views a conversation changed (see {@link AgentClient.viewConversation}). */
  viewers: ConversationViewers
  /** The site's teams changed: all of them, by name. */
  teams: Team[]
  /** This agent was mentioned in a private note, or a supervisor whispered to them. */
  mention: Mention
  /** One of this agent's mentions was marked read (here or on another device). */
  'mention-read': Mention
  /** A conversation's SLA clock passed its due time unmet, once (its `sla.breachedAt` is set). */
  'sla:breached': { conversation: ConversationSummary; kind: SlaKind }
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

/** The second step of a sign-in: a 6-digit code from the authenticator app, or one of the recovery codes. */
export type SecondFactor = { code: string } | { recoveryCode: string }

/** Who is logged in, and on which sites (GET /api/auth/me). */
export type AgentProfile = Omit<AgentSession, 'token' | 'expiresAt'>

/** Filters for {@link ConversationsApi.list}. */
export type { ListConversationsFilter } from '@live-chat/protocol'

/** Options for {@link AgentClient.send}. */
export interface AgentSendOptions extends SendOptions {
  /** A private note: stored and shown to agents only. */
  private?: boolean
  /** Buttons, a card or a choice shown with the text (the text may then be empty). */
  content?: RichContent
  /**
   * Collision guard: the last seq the agent saw when they began to write. If another agent (or a
   * bot) sent the visitor a message after it, nothing is sent and the promise rejects with
   * `replied_meanwhile`: ask the agent, then send again without it. Replies only (not notes).
   */
  unlessRepliedAfter?: number
}

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

/**
 * The agent side of Live Chat: REST for lists and admin, the `/agent` socket for live work.
 *
 * The client itself holds the session and the live work: sign-in ({@link login}, {@link logout},
 * the token and its refresh), the socket ({@link connect}, events), messages ({@link send},
 * {@link sync}, {@link messages}, typing, read marks) and presence. Everything else is grouped by
 * what it works on, one sub-client each, sharing the client's token and socket:
 *
 * ```ts
 * const page = await agent.conversations.list({ status: 'open' })
 * await agent.conversations.assign(page.items[0]!.id, me.id)
 * await agent.cannedResponses.create({ title: 'Greeting', content: 'Hello! How can I help?' })
 * await agent.webhooks.redeliver(webhookId, deliveryId)
 * ```
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

  /** The current site's conversations: list, get, transcript, export; assign, resolve, reopen, update. */
  readonly conversations: ConversationsApi
  /** The current site's canned responses. */
  readonly cannedResponses: CannedResponsesApi
  /** The current site's proactive messages (triggers) and their funnel. */
  readonly triggers: TriggersApi
  /** The current site's teams (departments). */
  readonly teams: TeamsApi
  /** The current site's SLA policies. */
  readonly slaPolicies: SlaPoliciesApi
  /** The current site's webhooks and their deliveries (admins). */
  readonly webhooks: WebhooksApi
  /** The current site's bans: visitors, emails and IP ranges refused chat. */
  readonly bans: BansApi
  /** The current site's contacts: profiles, custom attributes and their definitions, notes. */
  readonly contacts: ContactsApi
  /** The signed-in agent's mentions and whispers on the current site (new ones: the `mention` event). */
  readonly mentions: MentionsApi
  /** A site's agents. */
  readonly agents: AgentsApi
  /** A site's settings and identity secret (admins). */
  readonly settings: SettingsApi
  /** The current site's analytics (admins). */
  readonly analytics: AnalyticsApi
  /** A visitor's export and erasure on the current site (admins). */
  readonly visitors: VisitorsApi
  /** The caller's agency. */
  readonly agency: AgencyApi
  /** The agency's sites. */
  readonly sites: SitesApi
  /** The agency's people (owners and admins). */
  readonly members: MembersApi
  /** Invitations: sent by owners and admins, looked up and accepted by the invitee. */
  readonly invitations: InvitationsApi
  /** The agency's API keys (owners and admins). */
  readonly apiKeys: ApiKeysApi
  /** The agency's audit log (owners and admins). */
  readonly audit: AuditApi
  /** The signed-in account: password, devices, two-factor; and the password reset. */
  readonly account: AccountApi
  /** The server's first-run setup. */
  readonly setup: SetupApi

  /** Creates the client; nothing happens on the network until a method is called. */
  constructor(options: AgentClientOptions) {
    super(options, { namespace: '/agent', autoTrack: 'message', getToken: () => this.#token })
    this.#token = options.token ?? null
    this.#autoRefresh = options.autoRefresh ?? true
    const ctx: AgentContext = {
      http: this.http,
      site: (path, siteId) => this.#site(path, siteId),
      command: (event, input) => this.command(event, input),
      signedIn: (session) => this.#newToken(session),
    }
    this.conversations = new ConversationsApi(ctx)
    this.cannedResponses = new CannedResponsesApi(ctx)
    this.triggers = new TriggersApi(ctx)
    this.teams = new TeamsApi(ctx)
    this.slaPolicies = new SlaPoliciesApi(ctx)
    this.webhooks = new WebhooksApi(ctx)
    this.bans = new BansApi(ctx)
    this.contacts = new ContactsApi(ctx)
    this.mentions = new MentionsApi(ctx)
    this.agents = new AgentsApi(ctx)
    this.settings = new SettingsApi(ctx)
    this.analytics = new AnalyticsApi(ctx)
    this.visitors = new VisitorsApi(ctx)
    this.agency = new AgencyApi(ctx)
    this.sites = new SitesApi(ctx)
    this.members = new MembersApi(ctx)
    this.invitations = new InvitationsApi(ctx)
    this.apiKeys = new ApiKeysApi(ctx)
    this.audit = new AuditApi(ctx)
    this.account = new AccountApi(ctx)
    this.setup = new SetupApi(ctx)
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

  // ------------------------------------------------------------------ second factor of a sign-in

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

  // ------------------------------------------------------------------ sign-out

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

  // ------------------------------------------------------------------ messages (the outbox, the cache and the socket)

  /**
   * Sends a message (or a private note) through the outbox: retried with the same client id (and
   * the same attachments) until acknowledged, in order. With `attachments` (see {@link upload})
   * the text may be empty. Rejects on a non-retryable error.
   */
  send(conversationId: string, text: string, options: AgentSendOptions = {}): Promise<Message> {
    let content: ReturnType<typeof messageContent>
    try {
      // Rich content stands for the text when there is none.
      content = options.content && !text.trim() && !options.attachments?.length ? {} : messageContent(text, options.attachments)
    } catch (error) {
      return Promise.reject(error)
    }
    return this.outbox.send({
      conversationId,
      ...content,
      ...(options.private === undefined ? {} : { private: options.private }),
      ...(options.content ? { content: options.content } : {}),
      ...(options.unlessRepliedAfter === undefined ? {} : { unlessRepliedAfter: options.unlessRepliedAfter }),
    })
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

  /** Sets this agent's status on the current site. */
  setStatus(status: AgentStatus): Promise<AgentSummary> {
    return this.command('agent:status', { status })
  }

  /** Who is online on the site: agents and visitors. */
  presence(): Promise<Presence> {
    return this.command('presence:list', {})
  }

  /**
   * Says this dashboard shows the conversation (or, with false, no longer does). Every agent of the
   * site hears who views it (`viewers` events); it ends by itself when the socket goes away.
   * Resolves with who views it now.
   */
  viewConversation(conversationId: string, viewing = true): Promise<ConversationViewers> {
    return this.command('conversation:view', { conversationId, viewing })
  }

  /** Who views which conversation of the site right now. */
  async viewers(): Promise<ConversationViewers[]> {
    return (await this.command('viewers:list', {})).items
  }

  /** The earlier texts of an edited message, oldest first; empty when never edited, or unsent. */
  messageHistory(conversationId: string, messageId: string): Promise<MessageEdit[]> {
    return this.command('message:history', { conversationId, messageId })
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

  // ------------------------------------------------------------------ internals

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
  protected override onCounters(conversationId: string, counters: ConversationCounters): void {
    this.emitEvent('counters', { conversationId, ...counters })
  }

  /** @internal */
  protected override bindSocket(socket: Socket<AgentServerToClient, AgentClientToServer>): void {
    const on = socket.on.bind(socket)
    on('message:created', (live) => {
      const { message, prevSeq } = this.live(live)
      this.receive([message], true, prevSeq)
    })
    on('message:updated', (message) => this.receive([message], false))
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
    on('visitor:erased', (erased) => this.emitEvent('visitor:erased', erased))
    on('contact:merged', (merged) => this.emitEvent('contact:merged', merged))
    on('viewers:changed', (state) => this.emitEvent('viewers', state))
    on('teams:changed', (teams) => this.emitEvent('teams', teams))
    on('mention:created', (mention) => this.emitEvent('mention', mention))
    on('mention:read', (mention) => this.emitEvent('mention-read', mention))
    on('sla:breached', (breach) => this.emitEvent('sla:breached', breach))
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

  /** `/api/sites/<siteId, else the current site><path>`; throws when neither is known. */
  #site(path: string, siteId?: string): string {
    const site = siteId || this.#siteId
    if (!site) throw new LiveChatError('invalid_state', 'No site chosen: call connect(siteId) or useSite(siteId) first')
    return `/api/sites/${seg(site)}${path}`
  }
}
