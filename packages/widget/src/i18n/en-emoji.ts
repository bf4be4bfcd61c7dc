/** The English strings of the emoji chunk (emoji.ts), kept out of the core: the chunk teaches them to the widget when it loads (see chunkEnglish in index.ts); every other language file translates them. */
export const enEmoji = {
  emojiSearch: 'Search emoji',
  noEmoji: 'No emoji found',
}
