/** The English strings of the triggers chunk (triggers.ts), kept out of the core: the chunk teaches them to the widget when it loads (see chunkEnglish in index.ts); every other language file translates them. */
export const enTriggers = {
  dismiss: 'Dismiss',
  from: 'Message from {name}',
}
