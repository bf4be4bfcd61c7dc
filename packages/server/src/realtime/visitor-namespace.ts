// The /visitor namespace: a visitor's sockets (one per tab), authenticated by their session token.
import { VISITOR_COMMANDS, type VisitorClientToServer } from '@live-chat/protocol'
import type { Services } from '../services.js'
import type { Logger } from '../shared/logger.js'
import { authenticateSockets, commands, dispatcher, listen, type Command, type NamespaceOptions } from './command.js'
import { rooms, type VisitorNamespace, type VisitorSocket } from './types.js'

export function setupVisitorNamespace(ns: VisitorNamespace, s: Services, log: Logger, opts: NamespaceOptions = {}): void {
  authenticateSockets(ns, (auth, origin, meta) => s.visitors.authenticate(auth['token'], origin, meta.ip), opts.clientIp)
  const dispatch = dispatcher(visitorCommands(s, log), opts.gate)

  ns.on('connection', (socket) => {
    const actor = socket.data.actor
    void socket.join([rooms.visitor(actor.visitorId), rooms.siteVisitors(actor.siteId)])
    // Presence: the row is written before it can be deleted, whatever order the events come in.
    const connected = s.visitors.connected(actor, socket.id)
    const present = s.presence.track(connected)
    // A waiting visitor learns their place at once (after a reload or a reconnect too).
    void connected.then(({ waiting }) => {
      if (waiting) void s.queue.tell(actor.siteId, actor.visitorId)
    }, () => undefined) // (a failure is logged by presence.track)
    socket.on('disconnect', () => {
      void s.presence.track(present.then(() => s.visitors.disconnected(actor, socket.id)))
    })
    listen(socket, dispatch)
  })
}

/** The socket may touch this conversation from now on (it is the visitor's). */
const allow = (socket: VisitorSocket, id: string) => (socket.data.conversations ??= new Map()).set(id, socket.data.actor.visitorId)

/** The visitor's commands, made once for every socket of the namespace (see command()). */
function visitorCommands(s: Services, log: Logger): Command<VisitorSocket>[] {
  const actorOf = (socket: VisitorSocket) => socket.data.actor
  return commands<VisitorClientToServer, VisitorSocket>(VISITOR_COMMANDS, {
    'conversation:start': async (socket, input) => {
      await s.limits.message(actorOf(socket))
      const started = await s.conversations.start(actorOf(socket), input)
      allow(socket, started.conversation.id)
      return started
    },
    'message:send': async (socket, input) => {
      await s.limits.message(actorOf(socket))
      const { message } = await s.messages.send(actorOf(socket), input, socket.id)
      allow(socket, input.conversationId)
      return message
    },
    'message:choose': async (socket, input) => {
      await s.limits.message(actorOf(socket))
      const { message } = await s.messages.choose(actorOf(socket), input, socket.id)
      allow(socket, input.conversationId)
      return message
    },
    'messages:sync': (socket, i) => s.messages.sync(actorOf(socket), i.conversationId, i.afterSeq, i.limit, i.afterRev),
    'message:edit': async (socket, i) => {
      await s.limits.message(actorOf(socket))
      return s.messages.edit(actorOf(socket), i)
    },
    'message:unsend': async (socket, i) => {
      await s.limits.message(actorOf(socket))
      return s.messages.unsend(actorOf(socket), i)
    },
    'typing:set': async (socket, i) => {
      await s.limits.event(actorOf(socket))
      await s.messages.typing(actorOf(socket), i.conversationId, i.typing, socket.id, socket.data.conversations?.get(i.conversationId))
      allow(socket, i.conversationId)
      return null
    },
    'conversation:delivered': (socket, i) => s.messages.mark(actorOf(socket), i.conversationId, i.seq, 'delivered'),
    'conversation:read': (socket, i) => s.messages.mark(actorOf(socket), i.conversationId, i.seq, 'read'),
    'conversation:close': (socket, i) => s.conversations.close(actorOf(socket), i.conversationId),
    'conversation:rate': (socket, i) => s.conversations.rate(actorOf(socket), i),
    'visitor:page': async (socket, i) => {
      await s.limits.event(actorOf(socket))
      return s.visitors.visitPage(actorOf(socket), i)
    },
    'visitor:update': async (socket, i) => {
      await s.limits.event(actorOf(socket))
      return s.visitors.update(actorOf(socket), i)
    },
  }, log, (socket) => s.bans.refuseCommand(actorOf(socket)))
}
