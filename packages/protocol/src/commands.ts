/**
 * The schema of every socket command's input, by namespace: what the server parses a payload
 * with before a command runs. Each map `satisfies` its event map (events.ts), so a command
 * without a schema, a schema for no command, or a schema of another shape fails to compile.
 */
import type { z } from 'zod'
import type { AgentClientToServer, CommandInput, VisitorClientToServer } from './events.js'
import * as S from './schemas.js'

/** For each command of an event map, a schema whose parsed value is the command's input. */
export type CommandSchemas<C2S> = { readonly [K in keyof C2S]: z.ZodType<CommandInput<C2S[K]>> }

export const VISITOR_COMMANDS = {
  'conversation:start': S.StartConversation,
  'message:send': S.SendMessage,
  'message:choose': S.ChooseOption,
  'messages:sync': S.SyncMessages,
  'message:edit': S.EditMessage,
  'message:unsend': S.MessageRef,
  'typing:set': S.SetTyping,
  'conversation:delivered': S.MarkSeq,
  'conversation:read': S.MarkSeq,
  'conversation:close': S.ConversationRef,
  'conversation:rate': S.RateConversation,
  'visitor:page': S.VisitPage,
  'visitor:update': S.VisitorFields,
} as const satisfies CommandSchemas<VisitorClientToServer>

export const AGENT_COMMANDS = {
  'message:send': S.AgentSendMessage,
  'messages:sync': S.SyncMessages,
  'message:edit': S.EditMessage,
  'message:unsend': S.MessageRef,
  'message:history': S.MessageRef,
  'typing:set': S.SetTyping,
  'conversation:delivered': S.MarkSeq,
  'conversation:read': S.MarkSeq,
  'conversation:assign': S.AssignConversation,
  'conversation:resolve': S.ConversationRef,
  'conversation:reopen': S.ConversationRef,
  'conversation:update': S.UpdateConversation,
  'agent:status': S.SetAgentStatus,
  'presence:list': S.Empty,
  'conversation:view': S.ViewConversation,
  'viewers:list': S.Empty,
  'auth:renew': S.RenewToken,
} as const satisfies CommandSchemas<AgentClientToServer>

/**
 * `satisfies` checks that each schema's output is assignable to its command's input, which a
 * schema with an extra optional field passes (AgentSendMessage, with `private`, for the visitor's
 * `message:send`). These check that they are the same type.
 */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Mismatched<M, C2S> = { [K in keyof C2S & keyof M]: Same<z.output<M[K]>, CommandInput<C2S[K]>> extends true ? never : K }[keyof C2S & keyof M]
type NoneOf<K extends never> = K
export type VisitorCommandsMatch = NoneOf<Mismatched<typeof VISITOR_COMMANDS, VisitorClientToServer>>
export type AgentCommandsMatch = NoneOf<Mismatched<typeof AGENT_COMMANDS, AgentClientToServer>>
