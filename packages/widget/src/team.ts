/**
 * Who is online, in the window's header: a chunk loaded on demand (see LiveChat._need) the first
 * time the header has a team to show. Up to three round pictures (initials on a colour when an
 * agent has none) and their names: "Anna and Ben are online", "Anna, Ben and 2 others are online".
 */
import { css, html, type TemplateResult } from 'lit'
import type { OnlineTeam } from '@live-chat/sdk'
import type { LiveChat } from './live-chat.js'
import { sayWith } from './i18n/say.js'
import { enTeam } from './i18n/en-team.js'

// Strings in the visitor's language, else this chunk's English (the core does not hold it).
const say = sayWith(enTeam)

/** The pictures, overlapping; hidden from screen readers (the names are in the status line). */
export function avatars(w: LiveChat, team: OnlineTeam): TemplateResult {
  return html`<div class="team" part="team" aria-hidden="true">
    ${team.agents.map((a) =>
      a.avatarUrl
        ? html`<img class="tm" src=${new URL(a.avatarUrl, w.server || location.href).href} alt="" />`
        : html`<span class="tm c${hue(a.name)}">${initials(a.name)}</span>`,
    )}
  </div>`
}

/** "Anna is online", "Anna, Ben and Cleo are online", "Anna, Ben and 2 others are online", in the widget's language. */
export function names(w: LiveChat, team: OnlineTeam): string {
  const all = team.agents.map((a) => a.name)
  if (team.count === 1 && all[0]) return say(w, 'team1', { name: all[0] })
  const shown = team.count > all.length ? [...all.slice(0, 2), say(w, 'others', { n: team.count - 2 })] : all
  return say(w, 'team', { names: list(w._lang, shown) })
}

/** Names joined the way the language joins them ("A, B and C", "A、B、C"). */
function list(lang: string, items: string[]): string {
  try {
    return new Intl.ListFormat(lang, { type: 'conjunction' }).format(items)
  } catch {
    return items.join(', ')
  }
}

/** The first letters of the first and the last word ("Anna Berg" → "AB"), whole characters. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/)
  const first = (word = '') => [...word][0] ?? ''
  return (first(words[0]) + (words.length > 1 ? first(words.at(-1)) : '')).toUpperCase()
}

/** One of six colours, the same for a name every time. */
function hue(name: string): number {
  let h = 0
  for (const c of name) h = (h * 33 + c.codePointAt(0)!) | 0
  return Math.abs(h) % 6
}

export const styles = css`
  .team {
    display: flex;
    flex: none;
  }
  .tm {
    width: 32px;
    height: 32px;
    border-radius: 50%;
    border: 2px solid var(--a);
    object-fit: cover;
    font-size: 11px;
    font-weight: 700;
    color: #fff;
    display: flex;
    align-items: center;
    justify-content: center;
    background: #fff;
  }
  .tm + .tm {
    margin-inline-start: -6px;
  }
  .c0 {
    background: #2563eb;
  }
  .c1 {
    background: #7c3aed;
  }
  .c2 {
    background: #db2777;
  }
  .c3 {
    background: #0f766e;
  }
  .c4 {
    background: #b45309;
  }
  .c5 {
    background: #4d7c0f;
  }
`
