import type { enEdit } from './en-edit.js'

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
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
  retry: 'Retry',
  typing: '{name} is typing…',
  agent: 'Support',
  start: 'Start chat',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  message: 'Message',
  required: 'Required',
  invalidEmail: 'Enter a valid email address',
  invalidPhone: 'Enter a valid phone number',
  leaveMessage: 'Send message',
  offlineThanks: 'Thanks! We will reply by email as soon as we can.',
  offlineKept: 'Thanks! The team will reply here: come back to this page to read the answer.',
  rate: 'How was this conversation?',
  stars: '{n} of 5',
  comment: 'Anything to add? (optional)',
  submitRating: 'Send rating',
  thanks: 'Thank you for your feedback!',
  newChat: 'New conversation',
  history: 'Your conversations',
  back: 'Back',
  resolved: 'Resolved',
  noHistory: 'No conversations yet',
  tooLarge: '{name} is larger than {size}',
  badType: '{name}: this kind of file cannot be sent',
  error: 'Something went wrong. Please try again.',
  reconnecting: 'Reconnecting…',
  queue: 'You are number {n} in line',
  wait: 'about {m} min',
  replies: 'Usually replies in {m} min',
  s_assigned: '{name} joined the conversation',
  s_resolved: 'The conversation was resolved',
  s_reopened: 'The conversation was reopened',
  s_closed: 'The conversation was closed',
  unread: '{n} unread',
  // edit and unsend
  edited: 'edited',
  removed: 'Message removed',
  options: 'Message options',
  // proactive messages (triggers)
  dismiss: 'Dismiss',
  from: 'Message from {name}',
  // The header's online team and the emoji picker
  team1: '{name} is online',
  team: '{names} are online',
  others: '{n} others',
  emoji: 'Emoji',
  emojiSearch: 'Search emoji',
  noEmoji: 'No emoji found',
}

/** Every string of a language: the core's (en) and those of the chunks that bring their English with them (see en-edit.ts). */
export type Strings = typeof en & typeof enEdit
export type StringKey = keyof Strings
