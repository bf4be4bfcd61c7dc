// Writes packages/widget/src/emoji-data.ts, the emoji picker's list, from the `unicode-emoji-json`
// package (MIT; Unicode's emoji-test.txt as JSON): every emoji up to EMOJI_VERSION (older systems
// draw newer ones as empty boxes), in Unicode's order, without the flags (Windows has no flag glyphs)
// and the components, with its English name for the search. Run again after updating the package:
//   node scripts/emoji-data.mjs
import fs from 'node:fs'
import { createRequire } from 'node:module'

const EMOJI_VERSION = 13.0
const require = createRequire(import.meta.url)
const groups = require('unicode-emoji-json/data-by-group.json')
const { version } = require('unicode-emoji-json/package.json')

const lines = []
for (const group of groups) {
  if (group.slug === 'flags' || group.slug === 'component') continue
  for (const e of group.emojis) if (Number(e.emoji_version) <= EMOJI_VERSION) lines.push(`${e.emoji} ${e.name.replace(/[|\n]/g, ' ')}`)
}
const out = `// Made by scripts/emoji-data.mjs from unicode-emoji-json ${version} (MIT): do not edit.
/** The emoji the picker offers, "<emoji> <english name>" separated by "|", in Unicode's order. */
export const EMOJI = ${JSON.stringify(lines.join('|'))}
`
fs.writeFileSync(new URL('../packages/widget/src/emoji-data.ts', import.meta.url), out)
console.log(`${lines.length} emoji, ${out.length} characters`)
