// The typed socket contract, checked by `npm run typecheck` (tsc -b) and never run. Each
// `@ts-expect-error` marks a mistake that must not compile; should the typing of the protocol's
// command maps, the server's command registration or the SDK's sockets regress, the mistake
// compiles, its directive is unused, and tsc fails (TS2578).
import {
  AGENT_COMMANDS,
  MarkSeq,
  SendMessage,
  VISITOR_COMMANDS,
  type AgentClientToServer,
  type CommandSchemas,
  type Message,
  type VisitorClientToServer,
  type VisitorConversation,
} from '@live-chat/protocol'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { command, commands } from '../../src/realtime/command.js'
import type { AgentSocket } from '../../src/realtime/types.js'
import type { Logger } from '../../src/shared/logger.js'

declare const log: Logger
const id = '00000000-0000-4000-8000-000000000000'

// ------------------------------------------------------------ protocol: command → schema maps

export const visitorSchemas = {
  ...VISITOR_COMMANDS,
  // @ts-expect-error a schema of another input (MarkSeq has no clientKey)
  'conversation:start': MarkSeq,
} satisfies CommandSchemas<VisitorClientToServer>

export const agentExtra = {
  ...AGENT_COMMANDS,
  // @ts-expect-error an event the agent namespace does not have
  'agent:sleep': MarkSeq,
} satisfies CommandSchemas<AgentClientToServer>

const { 'auth:renew': _renew, ...agentWithoutRenew } = AGENT_COMMANDS
// @ts-expect-error a command of the event map without its schema
export const agentSchemas = agentWithoutRenew satisfies CommandSchemas<AgentClientToServer>

// ------------------------------------------------------------ server: registration by event name

// @ts-expect-error agent:status is acked with an AgentSummary, not a status
export const status = command<AgentClientToServer, 'agent:status', AgentSocket>('agent:status', AGENT_COMMANDS['agent:status'], async () => 'online', log)

// @ts-expect-error an event the agent namespace does not have
export const sleep = command<AgentClientToServer, 'agent:sleep', AgentSocket>('agent:sleep', AGENT_COMMANDS['agent:status'], async () => null, log)

// @ts-expect-error a schema of another input for the event
export const sync = command<AgentClientToServer, 'messages:sync', AgentSocket>('messages:sync', SendMessage, async () => ({ messages: [], hasMore: false }), log)

/** A full set of agent command runs, to vary one at a time. */
declare const runs: Parameters<typeof commands<AgentClientToServer, AgentSocket>>[1]
export const renamed = commands<AgentClientToServer, AgentSocket>(AGENT_COMMANDS, {
  ...runs,
  // @ts-expect-error a run for an event the map does not have
  'agent:sleep': async () => null,
}, log)
export const wrongResult = commands<AgentClientToServer, AgentSocket>(AGENT_COMMANDS, {
  ...runs,
  // @ts-expect-error conversation:resolve is acked with a ConversationSummary
  'conversation:resolve': async () => null,
}, log)
const { 'presence:list': _presence, ...runsWithoutPresence } = runs
// @ts-expect-error a command of the event map left without a run
export const incomplete = commands<AgentClientToServer, AgentSocket>(AGENT_COMMANDS, runsWithoutPresence, log)

// ------------------------------------------------------------ SDK: typed sockets and commands

export class VisitorProbe extends LiveChatClient {
  probe(): void {
    void this.command('typing:set', { conversationId: id, typing: true })
    // @ts-expect-error a wrong payload: `typing` is a boolean
    void this.command('typing:set', { conversationId: id, typing: 'yes' })
    // @ts-expect-error an agent's command on the visitor's socket
    void this.command('conversation:assign', { conversationId: id, agentId: null })
    const closed: Promise<VisitorConversation> = this.command('conversation:close', { conversationId: id })
    // @ts-expect-error conversation:close is acked with the conversation, not a message
    const message: Promise<Message> = this.command('conversation:close', { conversationId: id })
    void closed
    void message

    const socket = this.socket
    if (!socket) return
    socket.on('message:created', (m) => m.seq)
    // @ts-expect-error message:created carries a Message
    socket.on('message:created', (m: string) => m)
    // @ts-expect-error an event the server never sends to visitors
    socket.on('agent:updated', () => undefined)
    // @ts-expect-error a wrong payload on the raw socket
    socket.emit('typing:set', { conversationId: id, typing: 'yes' }, () => undefined)
  }
}

export async function publicCalls(chat: LiveChatClient, agent: AgentClient): Promise<void> {
  // @ts-expect-error a rating is a number
  await chat.rate(id, 'five')
  // @ts-expect-error not an agent status
  await agent.setStatus('asleep')
}
