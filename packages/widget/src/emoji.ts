/**
 * The composer's emoji picker: a chunk loaded the first time the visitor opens it (see
 * LiveChat._need), with its list (emoji-data.ts, made from unicode-emoji-json; about 12 KB gzip)
 * inside, so nothing is fetched from anywhere else and nothing is stored. A search box (by English
 * name) over a grid of buttons: arrow keys move (mirrored right to left), Enter or a click inserts
 * the emoji at the caret, Escape closes and gives focus back to the button that opened it, and a
 * press anywhere outside it closes it.
 */
import { css, html, nothing, type TemplateResult } from 'lit'
import { ref } from 'lit/directives/ref.js'
import { EMOJI } from './emoji-data.js'
import type { LiveChat } from './live-chat.js'
import { sayWith } from './i18n/say.js'
import { enEmoji } from './i18n/en-emoji.js'

// Strings in the visitor's language, else this chunk's English (the core does not hold it).
const say = sayWith(enEmoji)

interface Emoji {
  char: string
  name: string
}

const all: Emoji[] = EMOJI.split('|').map((line) => {
  const space = line.indexOf(' ')
  return { char: line.slice(0, space), name: line.slice(space + 1) }
})

/** Each widget's search and the button that has the grid's tab stop. */
const state = new WeakMap<LiveChat, { q: string; at: number; list: Emoji[] }>()

function of(w: LiveChat) {
  let s = state.get(w)
  if (!s) state.set(w, (s = { q: '', at: 0, list: all }))
  return s
}

/** The picker, above the composer. */
export function picker(w: LiveChat): TemplateResult {
  const s = of(w)
  return html`<div class="emo" part="emoji-picker" role="dialog" aria-label=${say(w, 'emoji')} @keydown=${(e: KeyboardEvent) => key(w, e)} ${ref((el) => away(w, el))}>
    <input
      type="search"
      aria-label=${say(w, 'emojiSearch')}
      placeholder=${say(w, 'emojiSearch')}
      .value=${s.q}
      ${ref(focusOnce)}
      @input=${(e: Event) => search(w, (e.target as HTMLInputElement).value)}
    />
    <div class="grid" role="group" aria-label=${say(w, 'emoji')}>
      ${s.list.map(
        (e, i) =>
          html`<button type="button" tabindex=${i === s.at ? 0 : -1} title=${e.name} aria-label=${e.name} @click=${() => insert(w, e.char)}>
            ${e.char}
          </button>`,
      )}
    </div>
    ${s.list.length ? nothing : html`<p class="none" role="status">${say(w, 'noEmoji')}</p>`}
  </div>`
}

/** Each open picker's element and its way to stop listening for presses outside it. */
const stops = new WeakMap<LiveChat, { el: Element; stop: () => void }>()

/**
 * A press outside the picker (elsewhere in the widget or on the page) closes it, as a popup
 * closes; its own button toggles it as before. Listens from when it opens until it closes.
 */
function away(w: LiveChat, el?: Element): void {
  if (!el || stops.get(w)?.el === el) return
  // (A picker its button closed left its listener: that one is done.)
  stops.get(w)?.stop()
  const press = (e: Event): void => {
    const path = e.composedPath()
    if (el.isConnected && (path.includes(el) || path.some((n) => (n as Element).classList?.contains('emo-b')))) return
    stop()
    if (el.isConnected && w._picker) close(w)
  }
  const stop = (): void => {
    document.removeEventListener('pointerdown', press, true)
    stops.delete(w)
  }
  document.addEventListener('pointerdown', press, true)
  stops.set(w, { el, stop })
}

/** The search box takes focus when the picker opens (once: not again on every render). */
function focusOnce(el?: Element): void {
  if (!(el instanceof HTMLElement) || el.dataset.f) return
  el.dataset.f = '1'
  setTimeout(() => el.focus())
}

function search(w: LiveChat, q: string): void {
  const s = of(w)
  const words = q.toLowerCase().trim().split(/\s+/)
  s.q = q
  s.at = 0
  s.list = q.trim() ? all.filter((e) => e.char === q.trim() || words.every((word) => e.name.includes(word))) : all
  w.requestUpdate()
}

/** Inserts at the composer's caret (replacing a selection), closes the picker and puts the caret after it. */
function insert(w: LiveChat, char: string): void {
  const box = w.renderRoot.querySelector<HTMLTextAreaElement>('.composer textarea')
  close(w)
  if (!box) return
  box.setRangeText(char, box.selectionStart, box.selectionEnd, 'end')
  box.focus()
  w._input(box.value)
}

/** Closes the picker; `back` gives focus back to its button. */
function close(w: LiveChat, back = false): void {
  stops.get(w)?.stop()
  state.delete(w)
  w._picker = false
  if (back) void w.updateComplete.then(() => w.renderRoot.querySelector<HTMLElement>('.emo-b')?.focus())
}

function key(w: LiveChat, e: KeyboardEvent): void {
  const s = of(w)
  const root = w.renderRoot
  const grid = root.querySelector<HTMLElement>('.emo .grid')
  const inSearch = (e.target as HTMLElement).localName === 'input'
  if (e.key === 'Escape') {
    // Not the window's Escape (which closes the chat): only the picker.
    e.stopPropagation()
    return close(w, true)
  }
  if (inSearch) {
    if (e.key === 'Enter' && s.list[0]) {
      e.preventDefault()
      insert(w, s.list[0].char)
    } else if (e.key === 'ArrowDown' && s.list.length) {
      e.preventDefault()
      move(w, grid, 0)
    }
    return
  }
  const cols = grid ? getComputedStyle(grid).gridTemplateColumns.split(' ').length : 8
  const rtl = w._t.dir === 'rtl'
  const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1, ArrowDown: cols, ArrowUp: -cols, Home: -s.at, End: s.list.length - 1 - s.at }[e.key]
  if (step === undefined) return
  e.preventDefault()
  const to = s.at + step
  if (to < 0) return root.querySelector<HTMLElement>('.emo input')?.focus()
  move(w, grid, Math.min(to, s.list.length - 1))
}

/** Moves the grid's tab stop and focus to the emoji at `i`. */
function move(w: LiveChat, grid: HTMLElement | null, i: number): void {
  of(w).at = i
  const buttons = grid?.children
  for (let b = 0; b < (buttons?.length ?? 0); b++) buttons![b]!.setAttribute('tabindex', b === i ? '0' : '-1')
  const target = buttons?.[i] as HTMLElement | undefined
  target?.focus()
  target?.scrollIntoView({ block: 'nearest' })
}

export const styles = css`
  .composer {
    position: relative;
  }
  .emo {
    position: absolute;
    bottom: 100%;
    inset-inline: 8px;
    height: min(280px, 50vh);
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 8px;
    background: var(--bg);
    border: 1px solid #e5e7eb;
    border-radius: 12px;
    box-shadow: 0 4px 20px #0002;
    z-index: 1;
  }
  .emo input {
    font-size: 16px;
    padding: 6px 10px;
  }
  .emo .grid {
    flex: 1;
    overflow-y: auto;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(36px, 1fr));
    grid-auto-rows: 36px;
  }
  .emo .grid button {
    font-size: 22px;
    border-radius: 8px;
    font-family: 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', sans-serif;
  }
  .emo .grid button:hover,
  .emo .grid button:focus-visible {
    background: #8882;
  }
  .none {
    color: var(--muted);
    font-size: 13px;
    text-align: center;
  }
`
