import type { VisitPage } from '@live-chat/protocol'
import { LiveChatError } from './errors.js'

/** Mirrors the protocol's LIMITS (kept here so the SDK never imports zod at runtime). */
export const MESSAGE_TEXT_MAX = 10_000

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
  if (text.length > MESSAGE_TEXT_MAX) throw invalidMessage('text', `is longer than ${MESSAGE_TEXT_MAX} characters`)
  return text
}

/** A page visit trimmed to the lengths the server accepts (URL 2 048, title 300 characters). */
export function pageInfo(url: string, title?: string): VisitPage {
  const page: VisitPage = { url: url.trim().slice(0, 2_048) }
  const t = title?.trim().slice(0, 300)
  if (t) page.title = t
  return page
}
