/** The English strings of the chat chunk (chat.ts: the conversation's messages), kept out of the core: the chunk falls back to them when the language in use has none (English; every other language file translates them). */
export const enChat = {
  sent: 'Sent',
  read: 'Read',
  typing: '{name} is typing…',
  offlineThanks: 'Thanks! We will reply by email as soon as we can.',
  offlineKept: 'Thanks! The team will reply here: come back to this page to read the answer.',
  reconnecting: 'Reconnecting…',
  tooLarge: '{name} is larger than {size}',
  badType: '{name}: this kind of file cannot be sent',
  queue: 'You are number {n} in line',
  wait: 'about {m} min',
  s_assigned: '{name} joined the conversation',
  s_resolved: 'The conversation was resolved',
  s_reopened: 'The conversation was reopened',
  s_closed: 'The conversation was closed',
  // edit and unsend: what the core's messages show (the edit chunk brings the rest)
  edited: 'edited',
  removed: 'Message removed',
  options: 'Message options',
}
