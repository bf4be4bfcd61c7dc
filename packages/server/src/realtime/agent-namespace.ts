// The /agent namespace: an agent's sockets for one site, authenticated by access token + membership.
import { AGENT_COMMANDS, type AgentClientToServer } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { AppError } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import { authenticateSockets, commands, dispatcher, listen, type Command, type NamespaceOptions } from './command.js'
import { revoked } from './revocations.js'
import { rooms, type AgentNamespace, type AgentSocket } from './types.js'
import { forAgents } from './publisher.js'

export function setupAgentNamespace(ns: AgentNamespace, s: Services, log: Logger, opts: NamespaceOptions = {}): void {
  authenticateSockets(ns, (auth, _origin, meta) => s.agents.authenticate(auth['token'], auth['siteId'], meta), opts.clientIp)
  const dispatch = dispatcher(agentCommands(s, log), opts.gate)

  ns.on('connection', (socket) => {
    const actor = socket.data.actor
    void socket.join(rooms.siteAgents(actor.siteId))
    void socket.join(rooms.agent(actor.agentId))
    // Presence: the row is written before it can be deleted, whatever order the events come in.
    const present = s.presence.track(
      s.agents.connected(actor, socket.id).then((access) => {
        if (access === 'ok') return
        if (access === 'revoked') return revoked(socket)
        socket.emit('session:changed', { reason: 'removed' })
        socket.disconnect(true)
      }),
    )
    socket.data.present = present
    socket.on('disconnect', () => {
      clearTimeout(socket.data.expiry)
      // Its viewer rows go with its connection row: then the site hears who still views what it showed.
      const viewing = socket.data.viewing ?? new Set<string>()
      void s.presence.track(present.then(() => s.agents.disconnected(actor, socket.id)).then(() => s.viewers.left(actor.siteId, viewing)))
    })
    endWithToken(socket, actor.tokenExpiresAt)
    listen(socket, dispatch)
  })
}

/** setTimeout's longest wait (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * An agent's socket lasts as long as the access token it connected (or was last renewed) with,
 * so a token that is no longer refreshed (signed out, password changed, session too old) stops
 * granting live access when it expires: `session:expired`, then a disconnect.
 */
function endWithToken(socket: AgentSocket, expiresAt: number | undefined): void {
  clearTimeout(socket.data.expiry)
  if (expiresAt === undefined) return
  const wait = expiresAt - Date.now()
  socket.data.expiry = setTimeout(() => {
    if (Date.now() < expiresAt) return endWithToken(socket, expiresAt)
    socket.emit('session:expired', { code: 'token_expired', message: 'the access token expired; refresh it and connect again' })
    socket.disconnect(true)
  }, Math.min(Math.max(wait, 0), MAX_TIMER_MS))
}

/** The agent's commands, made once for every socket of the namespace (see command()). */
function agentCommands(s: Services, log: Logger): Command<AgentSocket>[] {
  const actorOf = (socket: AgentSocket) => socket.data.actor
  return commands<AgentClientToServer, AgentSocket>(AGENT_COMMANDS, {
    'message:send': async (socket, i) => {
      const sent = await s.messages.send(actorOf(socket), i, socket.id)
      return forAgents(sent.message, sent.live)
    },
    'messages:sync': (socket, i) => s.messages.sync(actorOf(socket), i.conversationId, i.afterSeq, i.limit, i.afterRev),
    'message:edit': (socket, i) => s.messages.edit(actorOf(socket), i),
    'message:unsend': (socket, i) => s.messages.unsend(actorOf(socket), i),
    'message:history': (socket, i) => s.messages.history(actorOf(socket), i),
    'typing:set': async (socket, i) => {
      const visitorId = await s.messages.typing(actorOf(socket), i.conversationId, i.typing, socket.id, socket.data.conversations?.get(i.conversationId))
      socket.data.conversations ??= new Map()
      socket.data.conversations.set(i.conversationId, visitorId)
      return null
    },
    'conversation:delivered': (socket, i) => s.messages.mark(actorOf(socket), i.conversationId, i.seq, 'delivered'),
    'conversation:read': (socket, i) => s.messages.mark(actorOf(socket), i.conversationId, i.seq, 'read'),
    'conversation:assign': (socket, { conversationId, ...target }) => s.conversations.assign(actorOf(socket), conversationId, target),
    'conversation:resolve': (socket, i) => s.conversations.resolve(actorOf(socket), i.conversationId),
    'conversation:reopen': (socket, i) => s.conversations.reopen(actorOf(socket), i.conversationId),
    'conversation:update': (socket, i) => s.conversations.update(actorOf(socket), i),
    'agent:status': (socket, i) => s.agents.setStatus(actorOf(socket), i.status),
    'auth:renew': async (socket, i) => {
      const claims = await s.tokens.verifyAgent(i.token)
      if (claims.userId !== socket.data.actor.userId || claims.sessionId !== socket.data.actor.sessionId) throw new AppError('forbidden', 'the token is another session’s')
      await s.sessions.check(claims)
      endWithToken(socket, claims.expiresAt)
      return { expiresAt: new Date(claims.expiresAt ?? Date.now()).toISOString() }
    },
    'presence:list': (socket) => s.agents.presenceList(actorOf(socket)),
    'conversation:view': async (socket, i) => {
      await socket.data.present
      const state = await s.viewers.view(actorOf(socket), socket.id, i.conversationId, i.viewing)
      const viewing = (socket.data.viewing ??= new Set())
      if (i.viewing) viewing.add(i.conversationId)
      else viewing.delete(i.conversationId)
      return state
    },
    'viewers:list': (socket) => s.viewers.list(actorOf(socket)),
  }, log)
}
