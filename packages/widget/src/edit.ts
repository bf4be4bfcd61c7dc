/**
 * Editing and unsending the visitor's own message, a chunk loaded the first time the visitor opens
 * a message's menu (see editMenu in chat.ts): the menu (Edit, Unsend), then the inline editor
 * (Enter or Save keeps the new text, Escape or Cancel leaves it). The core only shows "edited" and
 * "Message removed"; the server checks the window and the sender again.
 */
import { html, nothing, type TemplateResult } from 'lit'
import type { Message } from '@live-chat/sdk'
import type { LiveChat } from './live-chat.js'
import { own } from './views.js'
import { time } from './chat.js'
import { enChat } from './i18n/en-chat.js'
import { enEdit } from './i18n/en-edit.js'

/** A string of this chunk in the widget's language (English from here when the language has none). */
const say = (w: LiveChat, key: keyof typeof enEdit): string => w._t[key] ?? enEdit[key]

/** The chunk's look, in its own template (the core adopts no style sheet for it). */
const look = html`<style>
  .ed {display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px;} .ed button {font: inherit; font-size: 13px; padding: 4px 10px; border-radius: 12px; border: 1px solid currentColor; background: transparent; color: inherit; cursor: pointer;} .ed textarea {flex: 1 1 100%; min-width: 12em; font: inherit; font-size: 16px; color: #111; background: #fff; border-radius: 8px;}
</style>`

/** Per widget: editing (else the menu is shown), the text being edited, the last failure, and whether focus should move in. */
interface State {
  editing: boolean
  text: string
  error: string
  focus: boolean
}
const state = new WeakMap<LiveChat, State>()

const close = (w: LiveChat): void => {
  state.delete(w)
  w._edId = ''
  w.requestUpdate()
  // Back to the composer, where the visitor was before.
  void w.updateComplete.then(() => w.renderRoot.querySelector<HTMLElement>('.composer textarea')?.focus())
}

async function run(w: LiveChat, task: Promise<unknown> | undefined): Promise<void> {
  try {
    await task
    close(w)
  } catch (e) {
    const s = state.get(w)
    if (s) s.error = (e as { code?: string }).code === 'edit_window_passed' ? say(w, 'late') : w._s('error')
    w.requestUpdate()
  }
}

/** Keys inside the menu and the editor stay there (the window closes on a stray Escape). */
function keys(w: LiveChat, e: KeyboardEvent, save?: () => void): void {
  if (e.key === 'Escape') {
    e.stopPropagation()
    close(w)
  } else if (save && e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault()
    save()
  }
}

/** The visitor's message `m` with its menu, or as an editor. */
export function editView(w: LiveChat, m: Message): TemplateResult {
  let s = state.get(w)
  if (!s) state.set(w, (s = { editing: false, text: m.text ?? '', error: '', focus: true }))
  const cur = s
  const err = cur.error ? html`<span role="alert">${cur.error}</span>` : nothing
  // Focus moves into what just opened (the first item, or the text), once.
  if (cur.focus) {
    cur.focus = false
    void w.updateComplete.then(() => w.renderRoot.querySelector<HTMLElement>('.ed [autofocus]')?.focus())
  }
  if (cur.editing) {
    const save = (): void => {
      if (cur.text.trim() === '') return
      void run(w, w.client?.editMessage(m.conversationId, m.id, cur.text))
    }
    return own(
      m.id,
      html`${look}<div class="ed">
        <textarea
          rows="2"
          autofocus
          aria-label=${say(w, 'edit')}
          .value=${cur.text}
          @input=${(e: Event) => (cur.text = (e.target as HTMLTextAreaElement).value)}
          @keydown=${(e: KeyboardEvent) => keys(w, e, save)}
        ></textarea>
        <div><button @click=${() => close(w)}>${say(w, 'cancel')}</button> <button @click=${save}>${say(w, 'save')}</button></div>
      </div>`,
      html`${time(w, m.createdAt)} ${err}`,
    )
  }
  const item = (label: string, act: () => void, first = false) =>
    html`<button role="menuitem" ?autofocus=${first} @click=${act}>${label}</button>`
  return own(
    m.id,
    html`${m.text ?? ''}${look}
      <div class="ed" role="menu" aria-label=${w._t.options ?? enChat.options} @keydown=${(e: KeyboardEvent) => keys(w, e)}>
        ${m.text !== null && !m.attachments.length
          ? item(say(w, 'edit'), () => (Object.assign(cur, { editing: true, error: '', focus: true }), w.requestUpdate()), true)
          : nothing}
        ${item(say(w, 'unsend'), () => void run(w, w.client?.unsendMessage(m.conversationId, m.id)), m.text === null || m.attachments.length > 0)}
        ${item(say(w, 'cancel'), () => close(w))}
      </div>`,
    html`${time(w, m.createdAt)} ${err}`,
  )
}
