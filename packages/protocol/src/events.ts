/**
 * Socket.io event maps. Commands are `domain:verb` and always take an ack; facts are
 * `domain:past-tense` and flow from the server. The server is typed with these maps as
 * `Namespace<ClientToServer, ServerToClient>` and the SDK's sockets with the same maps reversed.
 *
 * Namespaces: `/visitor` (handshake `auth: { token }`, a visitor session token) and
 * `/agent` (handshake `auth: { token, siteId }`, an agent access token).
 */
import type { AckFn, ErrorBody } from './errors.js'
import type {
  AgentSendMessage,
  AssignConversation,
  ChooseOption,
  ConversationRef,
  EditMessage,
  MarkSeq,
  MessageRef,
  RateConversation,
  RenewToken,
  SendMessage,
  SetAgentStatus,
  SetTyping,
  StartConversation,
  SyncMessages,
  UpdateConversation,
  ViewConversation,
  VisitPage,
  VisitorFields,
} from './schemas.js'
import type {
  AgentSummary,
  Availability,
  ConversationSummary,
  ConversationViewers,
  LiveMessage,
  Message,
  MessageEdit,
  MessagePage,
  Presence,
  QueuePosition,
  Team,
  Mention,
  SlaKind,
  ReceiptState,
  SessionChangeReason,
  TypingState,
  VisitorConversation,
  VisitorPresence,
  VisitorProfile,
  WidgetConfig,
} from './types.js'

export const VISITOR_NAMESPACE = '/visitor'
export const AGENT_NAMESPACE = '/agent'

export interface StartedConversation {
  conversation: VisitorConversation
  /** The messages stored with it (the first message, if one was given). */
  messages: Message[]
}

export interface VisitorClientToServer {
  'conversation:start': (input: StartConversation, ack: AckFn<StartedConversation>) => void
  'message:send': (input: SendMessage, ack: AckFn<Message>) => void
  /** Picks an option of a choice message; the ack is the visitor's answer, the same one however often it is asked. */
  'message:choose': (input: ChooseOption, ack: AckFn<Message>) => void
  'messages:sync': (input: SyncMessages, ack: AckFn<MessagePage>) => void
  /** Replaces the text of one's own text message within the site's edit window; the ack is the changed message (see `message:updated`). */
  'message:edit': (input: EditMessage, ack: AckFn<Message>) => void
  /** Unsends one's own message within the edit window: its text and files are removed for everyone; the ack is the placeholder. */
  'message:unsend': (input: MessageRef, ack: AckFn<Message>) => void
  'typing:set': (input: SetTyping, ack: AckFn<null>) => void
  'conversation:delivered': (input: MarkSeq, ack: AckFn<null>) => void
  'conversation:read': (input: MarkSeq, ack: AckFn<null>) => void
  'conversation:close': (input: ConversationRef, ack: AckFn<VisitorConversation>) => void
  'conversation:rate': (input: RateConversation, ack: AckFn<VisitorConversation>) => void
  'visitor:page': (input: VisitPage, ack: AckFn<null>) => void
  'visitor:update': (input: VisitorFields, ack: AckFn<VisitorProfile>) => void
}

export interface VisitorServerToClient {
  'message:created': (message: LiveMessage) => void
  /**
   * A message was edited or unsent: its whole new state. Apply it when its `rev` is above the one
   * held (a repeat, live or from a sync, is dropped); one missed while away comes back in the
   * next `messages:sync` with `afterRev`.
   */
  'message:updated': (message: Message) => void
  'conversation:updated': (conversation: VisitorConversation) => void
  'typing:changed': (state: TypingState) => void
  'receipt:updated': (state: ReceiptState) => void
  /** Whether visitors can chat now and who is online, whenever either changes (on any server process). */
  'availability:changed': (state: Availability) => void
  /** The site's team changed the widget's settings (colour, texts, forms …): the whole new config. */
  'config:changed': (config: WidgetConfig) => void
  /** A waiting conversation's place in the queue and estimated wait (see QueuePosition). */
  'queue:position': (position: QueuePosition) => void
}

export interface AgentClientToServer {
  /** The ack is the stored message with its `prevSeq` and the conversation's counters (see LiveMessage). */
  'message:send': (input: AgentSendMessage, ack: AckFn<LiveMessage>) => void
  'messages:sync': (input: SyncMessages, ack: AckFn<MessagePage>) => void
  /** Replaces the text of one's own message (a private note too) within the site's edit window. */
  'message:edit': (input: EditMessage, ack: AckFn<Message>) => void
  /** Unsends one's own message within the edit window (its edit history is erased too). */
  'message:unsend': (input: MessageRef, ack: AckFn<Message>) => void
  /** The earlier texts of an edited message, oldest first (empty when never edited, or unsent). */
  'message:history': (input: MessageRef, ack: AckFn<MessageEdit[]>) => void
  'typing:set': (input: SetTyping, ack: AckFn<null>) => void
  'conversation:delivered': (input: MarkSeq, ack: AckFn<null>) => void
  'conversation:read': (input: MarkSeq, ack: AckFn<null>) => void
  'conversation:assign': (input: AssignConversation, ack: AckFn<ConversationSummary>) => void
  'conversation:resolve': (input: ConversationRef, ack: AckFn<ConversationSummary>) => void
  'conversation:reopen': (input: ConversationRef, ack: AckFn<ConversationSummary>) => void
  'conversation:update': (input: UpdateConversation, ack: AckFn<ConversationSummary>) => void
  'agent:status': (input: SetAgentStatus, ack: AckFn<AgentSummary>) => void
  'presence:list': (input: Record<string, never> | undefined, ack: AckFn<Presence>) => void
  /** This socket shows the conversation (or no longer does): every agent of the site hears who views it now (`viewers:changed`). */
  'conversation:view': (input: ViewConversation, ack: AckFn<ConversationViewers>) => void
  /** Who views which conversation right now, on the site (conversations nobody views are left out). */
  'viewers:list': (input: Record<string, never> | undefined, ack: AckFn<{ items: ConversationViewers[] }>) => void
  /**
   * Hands the live socket a refreshed access token (same agent). An agent's socket lasts as long
   * as its token: without a renewal it gets `session:expired` and is disconnected when the token
   * expires. The ack carries the new expiry.
   */
  'auth:renew': (input: RenewToken, ack: AckFn<{ expiresAt: string }>) => void
}

export interface AgentServerToClient {
  'message:created': (message: LiveMessage) => void
  /** A message was edited or unsent (see the visitor's `message:updated`). */
  'message:updated': (message: Message) => void
  'conversation:created': (conversation: ConversationSummary) => void
  'conversation:updated': (conversation: ConversationSummary) => void
  'typing:changed': (state: TypingState) => void
  /** Who views a conversation changed (an agent opened or left it, or their dashboard went away). */
  'viewers:changed': (state: ConversationViewers) => void
  'receipt:updated': (state: ReceiptState) => void
  'agent:updated': (agent: AgentSummary) => void
  /**
   * One of a conversation's SLA clocks passed its due time unmet (or was met late): once per clock,
   * from one server process. The conversation comes with its clock (`sla.breachedAt` set); a
   * `conversation:updated` with it follows too.
   */
  'sla:breached': (breach: { conversation: ConversationSummary; kind: SlaKind }) => void
  /** The site's teams changed (created, renamed, restaffed, deleted): all of them, by name. */
  'teams:changed': (teams: Team[]) => void
  /** This agent was mentioned in a private note, or whispered to (to that agent's sockets only). */
  'mention:created': (mention: Mention) => void
  /** One of this agent's mentions was read (on another tab or device). */
  'mention:read': (mention: Mention) => void
  'visitor:updated': (presence: VisitorPresence) => void
  /** An admin erased the visitor: their conversations are gone (drop every conversation of theirs from view). */
  'visitor:erased': (erased: { visitorId: string }) => void
  /** Contacts were merged (a verified identity or email matched): `mergedVisitorIds` are now `visitorId`, and so are their conversations. */
  'contact:merged': (merged: { visitorId: string; mergedVisitorIds: string[] }) => void
  /** The socket's access token expired (code token_expired); the server disconnects it next. */
  'session:expired': (error: ErrorBody) => void
  /**
   * The session was ended (signed out elsewhere, password changed or reset, removed from the
   * agency; code unauthorized): the server disconnects the socket next. Sign in again.
   */
  'session:revoked': (error: ErrorBody) => void
  /**
   * The agent's access to this site changed (role changed, or removed from the site): the server
   * disconnects the socket next; connecting again gets the new role, or is refused (forbidden).
   */
  'session:changed': (change: { reason: SessionChangeReason }) => void
}

export type VisitorCommand = keyof VisitorClientToServer
export type AgentCommand = keyof AgentClientToServer

/** The input of a socket command, from its event-map signature. */
export type CommandInput<F> = F extends (input: infer I, ack: never) => void ? I : never

/** The data of a successful ack, from a command's event-map signature. */
export type CommandResult<F> = F extends (input: never, ack: AckFn<infer T>) => void ? T : never
