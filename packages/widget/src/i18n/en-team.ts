/** The English strings of the team chunk (team.ts), kept out of the core: the chunk teaches them to the widget when it loads (see chunkEnglish in index.ts); every other language file translates them. */
export const enTeam = {
  team: '{names} are online',
  team1: '{name} is online',
  others: '{n} others',
}
