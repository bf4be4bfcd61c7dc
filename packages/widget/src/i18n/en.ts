import type { enChat } from './en-chat.js'
import type { enEdit } from './en-edit.js'
import type { enMore } from './en-more.js'
import type { enTeam } from './en-team.js'
import type { enEmoji } from './en-emoji.js'
import type { enTriggers } from './en-triggers.js'

/** English strings: the built-in default and the shape every translation fills in. */
export const en = {
  /**
   * The writing direction: `rtl` lays the chat window out mirrored (Arabic, Hebrew). A site that
   * translates a right-to-left language itself sets it in its customTranslations too.
   */
  dir: 'ltr',
  open: 'Open chat',
  close: 'Close chat',
  title: 'Chat with us',
  online: 'We are online',
  away: 'We are away',
  placeholder: 'Write a message…',
  send: 'Send',
  attach: 'Attach a file',
  sending: 'Sending',
  failed: 'Not sent',
  retry: 'Retry',
  agent: 'Support',
  history: 'Your conversations',
  back: 'Back',
  error: 'Something went wrong. Please try again.',
  replies: 'Usually replies in {m} min',
  unread: '{n} unread',
  // the emoji picker's button
  emoji: 'Emoji',
}

/** Every string of a language: the core's (en) and those of the chunks that bring their English with them (see en-edit.ts). */
export type Strings = typeof en & typeof enChat & typeof enEdit & typeof enMore & typeof enTeam & typeof enEmoji & typeof enTriggers
export type StringKey = keyof Strings
