// The /agent namespace: an agent's sockets for one site, authenticated by access token + membership.
import {
  AgentSendMessage,
  AssignConversation,
  ConversationRef,
  Empty,
  MarkSeq,
  SetAgentStatus,
  SetTyping,
  SyncMessages,
  UpdateConversation,
} from '@live-chat/protocol'
import type { Services } from '../services.js'
import type { Logger } from '../shared/logger.js'
import { authenticateSockets, command } from './command.js'
import { rooms, type AgentNamespace } from './types.js'

export function setupAgentNamespace(ns: AgentNamespace, s: Services, log: Logger): void {
  authenticateSockets(ns, (auth) => s.agents.authenticate(auth['token'], auth['siteId']))

  ns.on('connection', (socket) => {
    const actor = socket.data.actor
    void socket.join(rooms.siteAgents(actor.siteId))
    // Presence: the row is written before it can be deleted, whatever order the events come in.
    const present = s.presence.track(s.agents.connected(actor, socket.id))
    socket.on('disconnect', () => {
      void s.presence.track(present.then(() => s.agents.disconnected(actor, socket.id)))
    })

    command(socket, 'message:send', AgentSendMessage, async (i) => (await s.messages.send(actor, i)).message, log)
    command(socket, 'messages:sync', SyncMessages, (i) => s.messages.sync(actor, i.conversationId, i.afterSeq, i.limit), log)
    command(socket, 'typing:set', SetTyping, async (i) => {
      const visitorId = await s.messages.typing(actor, i.conversationId, i.typing, socket.id, socket.data.conversations.get(i.conversationId))
      socket.data.conversations.set(i.conversationId, visitorId)
      return null
    }, log)
    command(socket, 'conversation:delivered', MarkSeq, (i) => s.messages.mark(actor, i.conversationId, i.seq, 'delivered'), log)
    command(socket, 'conversation:read', MarkSeq, (i) => s.messages.mark(actor, i.conversationId, i.seq, 'read'), log)
    command(socket, 'conversation:assign', AssignConversation, (i) => s.conversations.assign(actor, i.conversationId, i.agentId), log)
    command(socket, 'conversation:resolve', ConversationRef, (i) => s.conversations.resolve(actor, i.conversationId), log)
    command(socket, 'conversation:reopen', ConversationRef, (i) => s.conversations.reopen(actor, i.conversationId), log)
    command(socket, 'conversation:update', UpdateConversation, (i) => s.conversations.update(actor, i), log)
    command(socket, 'agent:status', SetAgentStatus, (i) => s.agents.setStatus(actor, i.status), log)
    command(socket, 'presence:list', Empty, () => s.agents.presenceList(actor), log)
  })
}
