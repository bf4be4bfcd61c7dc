// Editing and unsending in the agent's timeline: an agent's own messages (replies and notes) can
// be edited or unsent within the site's edit window (the server decides; the buttons only show
// while it would say yes); an edited message says so, and a click on "edited" shows its earlier
// texts (agents keep the history, visitors do not); an unsent one is a "Message removed" line.
import { css, html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit'
import { LiveChatError, type AgentClient, type Message, type MessageEdit } from '@live-chat/sdk'
import { clock, fullTime } from '../shared/util.js'

/** The inline editor of one message. */
interface Editing {
  id: string
  text: string
  busy: boolean
  error: string
}

/** A message's earlier texts, as far as loaded. */
type History = { edits: MessageEdit[] } | { error: string } | 'loading'

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment }

/**
 * The edit and unsend state of one conversation view. `unsend` asks the view to confirm first
 * (it resolves once the message is unsent, or throws, which the confirmation shows).
 */
export class MessageChanges {
  /** Seconds after sending within which the site lets a message be changed (0: never). */
  windowSeconds = 0
  /** The agent's id on the site (their messages are the ones they may change). */
  me = ''
  client: AgentClient | null = null

  #editing: Editing | null = null
  #history = new Map<string, History>()

  constructor(
    private readonly host: Host,
    private readonly confirmUnsend: (m: Message, unsend: () => Promise<void>) => void,
  ) {}

  /** Forgets the editor and the loaded histories (another conversation is shown). */
  reset(): void {
    this.#editing = null
    this.#history.clear()
  }

  /** A message whose text changed: its loaded history is stale, and an editor on it closes if it was removed. */
  changed(m: Message): void {
    this.#history.delete(m.id)
    if (m.deletedAt && this.#editing?.id === m.id) this.#editing = null
  }

  /** Whether the agent may still change `m` (their own, not removed, within the window). */
  mayChange(m: Message, now = Date.now()): boolean {
    return (
      m.senderType === 'agent' &&
      m.senderId === this.me &&
      !m.deletedAt &&
      !m.answer &&
      this.windowSeconds > 0 &&
      now - Date.parse(m.createdAt) < this.windowSeconds * 1000
    )
  }

  /** The message's body while it is being edited, else null. */
  editor(m: Message): TemplateResult | null {
    const e = this.#editing
    if (e?.id !== m.id) return null
    const label = m.private ? 'Edit the note' : 'Edit the message'
    return html`<form class="edit" @submit=${(ev: Event) => (ev.preventDefault(), void this.#save(m))}>
      <textarea
        aria-label=${label}
        .value=${e.text}
        ?disabled=${e.busy}
        rows=${Math.min(8, Math.max(2, e.text.split('\n').length))}
        @input=${(ev: Event) => (e.text = (ev.target as HTMLTextAreaElement).value)}
        @keydown=${(ev: KeyboardEvent) => this.#key(ev, m)}
      ></textarea>
      ${e.error ? html`<p class="err" role="alert">${e.error}</p>` : nothing}
      <div class="edit-buttons">
        <button type="button" class="link" @click=${() => this.#cancel()}>Cancel</button>
        <button type="submit" ?disabled=${e.busy || !e.text.trim()}>${e.busy ? 'Saving…' : 'Save'}</button>
      </div>
    </form>`
  }

  /** The meta line's "edited" (a button showing the history) and the agent's Edit and Unsend. */
  meta(m: Message): TemplateResult {
    const edited = m.editedAt && !m.deletedAt
    const open = this.#history.has(m.id)
    return html`${edited
      ? html`<span class="sep">·</span><button class="link edited" aria-expanded=${open ? 'true' : 'false'} title=${`Edited ${fullTime(m.editedAt!)}`} @click=${() => void this.#toggleHistory(m)}>
            edited
          </button>`
      : nothing}${this.mayChange(m) && this.#editing?.id !== m.id
      ? html`<span class="changes"
          ><button class="link" aria-label=${m.private ? 'Edit this note' : 'Edit this message'} @click=${() => this.#edit(m)}>Edit</button
          ><button class="link" aria-label=${m.private ? 'Unsend this note' : 'Unsend this message'} @click=${() => this.#unsend(m)}>Unsend</button></span
        >`
      : nothing}`
  }

  /** The earlier texts under an edited message, once asked for. */
  history(m: Message): TemplateResult | typeof nothing {
    const h = this.#history.get(m.id)
    if (!h) return nothing
    if (h === 'loading') return html`<p class="history muted" role="status">Loading the earlier texts…</p>`
    if ('error' in h) return html`<p class="history err" role="alert">${h.error}</p>`
    if (!h.edits.length) return html`<p class="history muted">No earlier texts.</p>`
    return html`<ol class="history" aria-label="Earlier texts, oldest first">
      ${h.edits.map(
        (e) =>
          html`<li>
            <span class="was">${e.text ?? ''}</span>
            <span class="muted">replaced ${html`<time datetime=${e.editedAt} title=${fullTime(e.editedAt)}>${clock(e.editedAt)}</time>`}${e.editorName ? ` by ${e.editorName}` : ''}</span>
          </li>`,
      )}
    </ol>`
  }

  #edit(m: Message): void {
    this.#editing = { id: m.id, text: m.text ?? '', busy: false, error: '' }
    this.host.requestUpdate()
    void this.host.updateComplete.then(() => {
      const area = this.host.renderRoot.querySelector<HTMLTextAreaElement>('form.edit textarea')
      area?.focus()
      area?.setSelectionRange(area.value.length, area.value.length)
    })
  }

  #cancel(): void {
    const id = this.#editing?.id
    this.#editing = null
    this.host.requestUpdate()
    // Back to the message's own Edit button, where the agent was.
    if (id) void this.host.updateComplete.then(() => this.host.renderRoot.querySelector<HTMLElement>(`[data-id="${id}"] .changes button`)?.focus())
  }

  #key(ev: KeyboardEvent, m: Message): void {
    if (ev.key === 'Escape') {
      ev.preventDefault()
      this.#cancel()
    } else if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault()
      void this.#save(m)
    }
  }

  async #save(m: Message): Promise<void> {
    const e = this.#editing
    const client = this.client
    if (!e || e.id !== m.id || e.busy || !client) return
    const text = e.text.trim()
    if (!text) return
    if (text === (m.text ?? '')) return this.#cancel()
    e.busy = true
    e.error = ''
    this.host.requestUpdate()
    try {
      await client.editMessage(m.conversationId, m.id, text) // the new text comes back as message:updated
      if (this.#editing === e) this.#cancel()
    } catch (error) {
      const err = LiveChatError.from(error)
      e.error = err.code === 'edit_window_passed' ? 'Too late to edit: the site’s edit window has passed.' : `Could not save the edit: ${err.message}`
    } finally {
      e.busy = false
      this.host.requestUpdate()
    }
  }

  #unsend(m: Message): void {
    const client = this.client
    if (!client) return
    this.confirmUnsend(m, async () => {
      try {
        await client.unsendMessage(m.conversationId, m.id)
      } catch (error) {
        const err = LiveChatError.from(error)
        if (err.code === 'edit_window_passed') throw new Error('Too late to unsend: the site’s edit window has passed.')
        throw err
      }
    })
  }

  async #toggleHistory(m: Message): Promise<void> {
    const client = this.client
    if (this.#history.has(m.id) || !client) {
      this.#history.delete(m.id)
      return this.host.requestUpdate()
    }
    this.#history.set(m.id, 'loading')
    this.host.requestUpdate()
    try {
      const edits = await client.messageHistory(m.conversationId, m.id)
      if (this.#history.get(m.id) === 'loading') this.#history.set(m.id, { edits })
    } catch (error) {
      if (this.#history.get(m.id) === 'loading') this.#history.set(m.id, { error: `Could not load the earlier texts: ${LiveChatError.from(error).message}` })
    }
    this.host.requestUpdate()
  }
}

export const changeStyles = css`
  .removed {
    font-style: italic;
    color: var(--muted);
  }
  .msg {
    position: relative;
  }
  .changes {
    margin-left: 0.5em;
    display: inline-flex;
    gap: 0.8em;
  }
  /* Where a pointer can hover, the agent's Edit and Unsend float over the message pointed at (or focused); on a touch screen they stay in its line. */
  @media (hover: hover) {
    .changes {
      position: absolute;
      top: -12px;
      right: 8px;
      margin: 0;
      padding: 2px 10px;
      background: var(--bg);
      border: 1px solid var(--line);
      border-radius: 999px;
      box-shadow: 0 1px 3px rgb(0 0 0 / 0.12);
    }
    .msg:not(:hover):not(:focus-within) .changes {
      opacity: 0;
      pointer-events: none;
    }
  }
  .meta button.link {
    font-size: inherit;
  }
  /* (A template's leading space does not survive the build's minifier.) */
  .meta .sep {
    margin: 0 0.3em;
  }
  /* Dark enough on a reply's tinted bubble too. */
  .msg button.link {
    color: #1d4ed8;
  }
  form.edit {
    display: grid;
    gap: 6px;
    min-width: min(420px, 70vw);
  }
  form.edit textarea {
    font: inherit;
    resize: vertical;
  }
  .edit-buttons {
    display: flex;
    gap: 10px;
    justify-content: flex-end;
    align-items: center;
  }
  .history {
    margin: 2px 0 0;
    padding: 6px 10px 6px 28px;
    font-size: 13px;
    border-left: 3px solid var(--line);
    display: grid;
    gap: 4px;
  }
  p.history {
    padding-left: 10px;
  }
  .history .was {
    white-space: pre-wrap;
  }
  .history li .muted {
    display: block;
    font-size: 12px;
  }
`
