import type { VisitPage } from '@live-chat/protocol'
import { clipText, LIMITS, textLength } from '@live-chat/protocol/limits'
import { LiveChatError } from './errors.js'

/** The protocol's limit (from its zod-free `limits` entry, so the SDK never imports zod at runtime), in code points. */
export const MESSAGE_TEXT_MAX = LIMITS.messageText

/** An `invalid_payload` error about a message's `path` ("text", "attachments"): "The message <path> <problem>". */
export function invalidMessage(path: string, problem: string): LiveChatError {
  return new LiveChatError('invalid_payload', `The message ${path} ${problem}`, { details: [{ path, message: problem }] })
}

/**
 * Rejects a message text the server would refuse anyway (empty or too long), so it never sits in
 * the outbox. @returns The text unchanged.
 */
export function checkText(text: string): string {
  if (typeof text !== 'string' || !text.trim()) throw invalidMessage('text', 'must not be empty')
  if (textLength(text) > MESSAGE_TEXT_MAX) throw invalidMessage('text', `is longer than ${MESSAGE_TEXT_MAX} characters`)
  return text
}

/** A page visit cut to the lengths the server accepts (URL 2 048, title 300 code points; never inside a surrogate pair). */
export function pageInfo(url: string, title?: string): VisitPage {
  const page: VisitPage = { url: clipText(url.trim(), LIMITS.url) }
  const t = title && clipText(title.trim(), LIMITS.title)
  if (t) page.title = t
  return page
}
