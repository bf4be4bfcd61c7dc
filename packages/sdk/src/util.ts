import type { VisitPage } from '@live-chat/protocol'
import { LiveChatError } from './errors.js'

/** Mirrors the protocol's LIMITS (kept here so the SDK never imports zod at runtime). */
export const MESSAGE_TEXT_MAX = 10_000
const URL_MAX = 2_048
const TITLE_MAX = 300

/**
 * Rejects a message text the server would refuse anyway (empty or too long), so it never sits in
 * the outbox. @returns The text unchanged.
 */
export function checkText(text: string): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new LiveChatError('invalid_payload', 'The message text must not be empty', { details: [{ path: 'text', message: 'must not be empty' }] })
  }
  if (text.length > MESSAGE_TEXT_MAX) {
    throw new LiveChatError('invalid_payload', `The message text is longer than ${MESSAGE_TEXT_MAX} characters`, {
      details: [{ path: 'text', message: `at most ${MESSAGE_TEXT_MAX} characters` }],
    })
  }
  return text
}

/** A page visit trimmed to the lengths the server accepts. */
export function pageInfo(url: string, title?: string): VisitPage {
  const page: VisitPage = { url: url.trim().slice(0, URL_MAX) }
  const t = title?.trim().slice(0, TITLE_MAX)
  if (t) page.title = t
  return page
}
