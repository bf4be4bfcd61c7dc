/** The English strings of the more chunk (more.ts), kept out of the core: the chunk teaches them to the widget when it loads (see chunkEnglish in index.ts); every other language file translates them. */
export const enMore = {
  start: 'Start chat',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  message: 'Message',
  required: 'Required',
  invalidEmail: 'Enter a valid email address',
  invalidPhone: 'Enter a valid phone number',
  leaveMessage: 'Send message',
  rate: 'How was this conversation?',
  stars: '{n} of 5',
  comment: 'Anything to add? (optional)',
  submitRating: 'Send rating',
  thanks: 'Thank you for your feedback!',
  newChat: 'New conversation',
  noHistory: 'No conversations yet',
  resolved: 'Resolved',
  /** A choice's buttons, when its message has no text to name them. */
  choose: 'Choose an answer',
  /** The link beside a consent field's wording. */
  policy: 'Privacy policy',
}
