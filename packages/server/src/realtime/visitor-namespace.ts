// The /visitor namespace: a visitor's sockets (one per tab), authenticated by their session token.
import {
  ConversationRef,
  MarkSeq,
  RateConversation,
  SendMessage,
  SetTyping,
  StartConversation,
  SyncMessages,
  VisitorFields,
  VisitPage,
} from '@live-chat/protocol'
import type { Services } from '../services.js'
import type { Logger } from '../shared/logger.js'
import { authenticateSockets, command } from './command.js'
import { rooms, type VisitorNamespace } from './types.js'

export function setupVisitorNamespace(ns: VisitorNamespace, s: Services, log: Logger): void {
  authenticateSockets(ns, (auth, origin) => s.visitors.authenticate(auth['token'], origin))

  ns.on('connection', (socket) => {
    const actor = socket.data.actor
    void socket.join([rooms.visitor(actor.visitorId), rooms.siteVisitors(actor.siteId)])
    // Presence: the row is written before it can be deleted, whatever order the events come in.
    const present = s.presence.track(s.visitors.connected(actor, socket.id))
    socket.on('disconnect', () => {
      void s.presence.track(present.then(() => s.visitors.disconnected(actor, socket.id)))
    })
    const allow = (id: string) => socket.data.conversations.set(id, actor.visitorId)

    command(socket, 'conversation:start', StartConversation, async (input) => {
      await s.limits.message(actor)
      const started = await s.conversations.start(actor, input)
      allow(started.conversation.id)
      return started
    }, log)
    command(socket, 'message:send', SendMessage, async (input) => {
      await s.limits.message(actor)
      const { message } = await s.messages.send(actor, input)
      allow(input.conversationId)
      return message
    }, log)
    command(socket, 'messages:sync', SyncMessages, (i) => s.messages.sync(actor, i.conversationId, i.afterSeq, i.limit), log)
    command(socket, 'typing:set', SetTyping, async (i) => {
      await s.messages.typing(actor, i.conversationId, i.typing, socket.id, socket.data.conversations.get(i.conversationId))
      allow(i.conversationId)
      return null
    }, log)
    command(socket, 'conversation:delivered', MarkSeq, (i) => s.messages.mark(actor, i.conversationId, i.seq, 'delivered'), log)
    command(socket, 'conversation:read', MarkSeq, (i) => s.messages.mark(actor, i.conversationId, i.seq, 'read'), log)
    command(socket, 'conversation:close', ConversationRef, (i) => s.conversations.close(actor, i.conversationId), log)
    command(socket, 'conversation:rate', RateConversation, (i) => s.conversations.rate(actor, i), log)
    command(socket, 'visitor:page', VisitPage, (i) => s.visitors.visitPage(actor, i), log)
    command(socket, 'visitor:update', VisitorFields, (i) => s.visitors.update(actor, i), log)
  })
}
