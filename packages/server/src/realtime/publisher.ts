// The one place facts are broadcast. Services call it after their transaction commits, so
// the HTTP path and the socket path cannot drift, and nothing is announced that was not
// stored. With the Redis adapter these reach sockets on every server process.
import type {
  Availability,
  AgentSummary,
  ConversationSummary,
  ConversationViewers,
  LiveMessage,
  Mention,
  Message,
  QueuePosition,
  SystemEvent,
  ReceiptState,
  SlaKind,
  Team,
  TypingState,
  VisitorConversation,
  VisitorPresence,
  WidgetConfig,
} from '@live-chat/protocol'
import { rooms, type AgentNamespace, type VisitorNamespace } from './types.js'
import { toMessage } from '../shared/map.js'
import type { AppendedMessage, LiveState } from '../messages/store.js'

export interface MessageOptions {
  /** What the message's writer returned for the live announcement (absent: a stored message announced again). */
  live?: LiveState
  /** The id of the socket that sent the message (it gets it in its ack instead). */
  sender?: string
}

/** A message as agents get it live (and in the ack of their own): with its prevSeq and, when known, the counters. */
export function forAgents(message: Message, live?: LiveState): LiveMessage {
  return { ...message, prevSeq: message.seq - 1, ...(live ? { conversation: live.conversation } : {}) }
}

/** The system lines that record a conversation joining or leaving its site's queue. */
const QUEUE_EVENTS: ReadonlySet<SystemEvent['event']> = new Set(['assigned', 'unassigned', 'team', 'resolved', 'closed', 'reopened'])

export class Publisher {
  /**
   * Told of every fact announced here that may move a site's queue (set by the queue service,
   * queue/service.ts): a live conversation created, a system line of QUEUE_EVENTS, an agent's change.
   */
  queueMoved: (siteId: string) => void = () => undefined
  /** The team replied in a conversation: the queue moves if that was its first reply (see QueueService.answered). */
  queueAnswered: (siteId: string, conversationId: string) => void = () => undefined

  constructor(
    private readonly visitors: VisitorNamespace,
    private readonly agents: AgentNamespace,
  ) {}

  /**
   * A stored message: to the site's agents, and (unless it is a private note) to its visitor.
   * (Webhooks and emails hear of it through the outbox, not from here.) `sender`: the socket
   * that sent it, which is left out: the ack of its message:send already carries the message
   * (the sender's other tabs and devices still get it here).
   */
  message(siteId: string, visitorId: string, message: Message, opts: MessageOptions = {}): void {
    // The queue moves when a conversation is taken or ends, and when the team first answers one
    // (an answered conversation no longer waits; coalesced per site, see QueueService.changed).
    if (message.system && QUEUE_EVENTS.has(message.system.event)) this.queueMoved(siteId)
    else if (message.senderType === 'agent' && !message.private) this.queueAnswered(siteId, message.conversationId)
    // Each audience's prevSeq: the message before it that they can see (see LiveMessage).
    const agents = this.agents.to(rooms.siteAgents(siteId))
    ;(opts.sender ? agents.except(opts.sender) : agents).emit('message:created', forAgents(message, opts.live))
    if (message.private) return
    const forVisitor: LiveMessage = opts.live ? { ...message, prevSeq: opts.live.prevPublicSeq } : message
    const visitors = this.visitors.to(rooms.visitor(visitorId))
    ;(opts.sender ? visitors.except(opts.sender) : visitors).emit('message:created', forVisitor)
  }

  /**
   * A message edited or unsent: its new state to the site's agents and (unless a private note) its
   * visitor, every socket, the sender's too (clients drop a repeat by its rev).
   */
  messageUpdated(siteId: string, visitorId: string, message: Message): void {
    this.agents.to(rooms.siteAgents(siteId)).emit('message:updated', message)
    if (!message.private) this.visitors.to(rooms.visitor(visitorId)).emit('message:updated', message)
  }

  /** A message its writer just appended (see appendMessage): announced with its live state. */
  appended(siteId: string, visitorId: string, message: AppendedMessage, opts: Omit<MessageOptions, 'live'> = {}): void {
    this.message(siteId, visitorId, toMessage(message), { ...opts, live: message.live })
  }

  conversationCreated(summary: ConversationSummary): void {
    this.agents.to(rooms.siteAgents(summary.siteId)).emit('conversation:created', summary)
    if (summary.status === 'pending' && !summary.offline) this.queueMoved(summary.siteId)
  }

  conversationUpdated(summary: ConversationSummary, visitorView: VisitorConversation): void {
    this.agents.to(rooms.siteAgents(summary.siteId)).emit('conversation:updated', summary)
    this.visitors.to(rooms.visitor(summary.visitor.id)).emit('conversation:updated', visitorView)
  }

  /** Marked missed by the sweep: agents see it as an update (the visitor's view does not change). */
  conversationMissed(summary: ConversationSummary): void {
    this.agents.to(rooms.siteAgents(summary.siteId)).emit('conversation:updated', summary)
  }

  /** An SLA clock breached (announced by the one process that marked it): the site's agents see the clock and are told. */
  slaBreached(summary: ConversationSummary, kind: SlaKind): void {
    this.agents.to(rooms.siteAgents(summary.siteId)).emit('conversation:updated', summary)
    this.agents.to(rooms.siteAgents(summary.siteId)).emit('sla:breached', { conversation: summary, kind })
  }

  /** Who views a conversation now, to the site's agents (every process). */
  viewers(siteId: string, state: ConversationViewers): void {
    this.agents.to(rooms.siteAgents(siteId)).emit('viewers:changed', state)
  }

  /** Typing goes to the other side, and to the other agents (never back to the typing socket); `toVisitor` false: agents only. */
  typing(siteId: string, visitorId: string, state: TypingState, exceptSocketId: string, toVisitor = true): void {
    this.agents.to(rooms.siteAgents(siteId)).except(exceptSocketId).emit('typing:changed', state)
    if (state.side === 'agent' && toVisitor) {
      const { agentId: _, ...forVisitor } = state
      this.visitors.to(rooms.visitor(visitorId)).emit('typing:changed', forVisitor)
    }
  }

  receipt(siteId: string, visitorId: string, state: ReceiptState): void {
    this.agents.to(rooms.siteAgents(siteId)).emit('receipt:updated', state)
    this.visitors.to(rooms.visitor(visitorId)).emit('receipt:updated', state)
  }

  agentUpdated(agent: AgentSummary): void {
    this.agents.to(rooms.siteAgents(agent.siteId)).emit('agent:updated', agent)
    this.queueMoved(agent.siteId)
  }

  /** The site's teams, to its agents (every process). */
  teamsChanged(siteId: string, teams: Team[]): void {
    this.agents.to(rooms.siteAgents(siteId)).emit('teams:changed', teams)
  }

  /** A mention or whisper, to the mentioned agent's sockets only (every process). */
  mention(mention: Mention): void {
    this.agents.to(rooms.agent(mention.agentId)).emit('mention:created', mention)
  }

  /** One of an agent's mentions was read: their other tabs and devices clear it. */
  mentionRead(mention: Mention): void {
    this.agents.to(rooms.agent(mention.agentId)).emit('mention:read', mention)
  }

  visitorUpdated(siteId: string, presence: VisitorPresence): void {
    this.agents.to(rooms.siteAgents(siteId)).emit('visitor:updated', presence)
  }

  /** New widget settings, to every open widget of the site. */
  widgetConfig(config: WidgetConfig): void {
    this.visitors.to(rooms.siteVisitors(config.siteId)).emit('config:changed', config)
  }

  /** Whether the site can chat and who is online, to every open widget of the site (on every process). */
  availability(siteId: string, state: Availability): void {
    this.visitors.to(rooms.siteVisitors(siteId)).emit('availability:changed', state)
  }

  /** A waiting conversation's place in the queue, to its visitor only (queue/service.ts). */
  queuePosition(visitorId: string, position: QueuePosition): void {
    this.visitors.to(rooms.visitor(visitorId)).emit('queue:position', position)
  }

  /** Availability to the site's visitors connected to this process only (every process tells its own). */
  availabilityHere(siteId: string, state: Availability): void {
    this.visitors.local.to(rooms.siteVisitors(siteId)).emit('availability:changed', state)
  }

  /** The sites that have visitors connected to this process. */
  sitesWithLocalVisitors(): string[] {
    const sites: string[] = []
    for (const room of this.visitors.adapter.rooms.keys()) {
      const siteId = rooms.siteOfVisitorsRoom(room)
      if (siteId) sites.push(siteId)
    }
    return sites
  }
}
