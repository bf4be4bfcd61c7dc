import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type AgentSummary, type CannedResponse, type ConversationSummary, type RichContent, type UploadedFile } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { composerStyles } from './composer.styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { TypingNotifier } from './typing.js'
import { parseRich } from './rich.js'
import { CANNED_CHANGE, countUse, fillVariables, loadCanned, matchCanned, slashQuery } from '../canned/canned.js'

/** A send that failed for good: kept, with its error, until retried or discarded. */
interface Failed {
  key: number
  conversationId: string
  text: string
  /** Buttons or a choice written in the reply's shorthand (see rich.ts). */
  content?: RichContent
  private: boolean
  attachments: UploadedFile[]
  error: string
  /** The collision guard it was sent with (see AgentSendOptions.unlessRepliedAfter). */
  guard?: number
  /** Refused because someone else replied meanwhile: the agent decides (Send anyway, Edit, Discard). */
  meanwhile?: boolean
}

/** A file being attached: uploading, uploaded or failed. */
interface Upload {
  key: number
  file: File
  loaded: number
  total: number
  done: UploadedFile | null
  error: string
  abort: AbortController
}

/** Unsent text per conversation, kept while the agent looks at other conversations. */
const drafts = new Map<string, string>()
/** Per conversation with a draft: the last seq the agent had seen when they began it (the collision guard). */
const since = new Map<string, number>()
let keys = 0

/**
 * The reply box of a conversation: replies and private notes, file attachments, typing news for
 * the visitor, and canned responses picked by typing `/` (with `{{visitor.name}}`-style
 * variables filled in). Messages go through the SDK outbox; one that fails for good stays here
 * with its error and a Retry button.
 *
 * @fires {CustomEvent<{message: Message}>} lcd-sent - A message or note was stored by the server.
 * @fires {CustomEvent<{response: CannedResponse}>} lcd-canned-insert - A canned response was inserted.
 */
export class LcdComposer extends LitElement {
  static override styles = [base, composerStyles]
  static override properties = {
    client: { attribute: false },
    conversation: { attribute: false },
    me: { attribute: false },
    _note: { state: true },
    _text: { state: true },
    _status: { state: true },
    _canned: { state: true },
    _pick: { state: true },
    _active: { state: true },
    _uploads: { state: true },
    _failed: { state: true },
    _busy: { state: true },
    _error: { state: true },
  }

  /** The connected agent client. */
  client: AgentClient | null = null
  /** The conversation replies go to. */
  conversation: ConversationSummary | null = null
  /** The signed-in agent (for `{{agent.name}}`). */
  me: AgentSummary | null = null

  /** @internal Writing a private note instead of a reply. */ _note = false
  /** @internal */ _text = ''
  /** @internal The conversation's status as last heard from the server (null: the property's). */ _status: ConversationSummary['status'] | null = null
  /** @internal */ _canned: CannedResponse[] = []
  /** @internal The `/query` being typed, while the picker is open. */ _pick: { start: number; query: string } | null = null
  /** @internal */ _active = 0
  /** @internal */ _uploads: Upload[] = []
  /** @internal */ _failed: Failed[] = []
  /** @internal A reopen is in flight. */ _busy = false
  /** @internal Why the last reopen failed. */ _error = ''

  #off: (() => void)[] = []
  readonly #typing = new TypingNotifier(() => this.client)
  /** The slash (its index) whose picker the agent closed with Escape. */
  #dismissed = -1

  /** The reply box's textarea (for focusing it from outside). */
  get textarea(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea')
  }

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener(CANNED_CHANGE, this.#onCannedChange)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener(CANNED_CHANGE, this.#onCannedChange)
    this.#stopTyping()
    this.#unbind()
    if (this.conversation) drafts.set(this.conversation.id, this._text)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversation')) {
      const before = changed.get('conversation')
      if (before?.id !== this.conversation?.id) {
        if (before) drafts.set(before.id, this._text)
        this.#stopTyping()
        this._text = this.conversation ? (drafts.get(this.conversation.id) ?? '') : ''
        this._pick = null
        this._note = false
        for (const u of this._uploads) u.abort.abort()
        this._uploads = []
        this._error = ''
      }
      this._status = null
    }
    // A reply begins: remember what the agent had seen (someone else's reply after it asks first).
    const id = this.conversation?.id
    if (id && !this._text.trim()) since.delete(id)
    else if (id && !since.has(id)) since.set(id, this.#seen())
    if (changed.has('client')) {
      this.#unbind()
      const client = this.client
      if (client) {
        this.#off.push(
          client.on('conversation:updated', (c) => {
            if (c.id === this.conversation?.id) this._status = c.status
          }),
          client.on('disconnected', () => this.#stopTyping()),
        )
        void this.#loadCanned()
      }
    }
  }

  protected override updated(): void {
    // The chosen option stays in view while arrowing through a long list.
    this.renderRoot.querySelector('[role="option"][aria-selected="true"]')?.scrollIntoView({ block: 'nearest' })
  }

  override render() {
    const c = this.conversation
    if (!c) return nothing
    const status = this._status ?? c.status
    const finished = status === 'resolved' || status === 'closed'
    const watching = this.#watching
    const note = this._note || watching
    const locked = finished && !note
    const matches = this.#matches()
    const open = !locked && matches.length > 0
    const uploading = this._uploads.some((u) => !u.done && !u.error)
    const ready = this._uploads.filter((u) => u.done)
    const canSend = !locked && !uploading && (this._text.trim() !== '' || ready.length > 0)
    const failed = this._failed.filter((f) => f.conversationId === c.id)
    const label = note ? 'Private note' : 'Reply'
    return html`<div class="box ${note ? 'note' : ''}">
      ${failed.length
        ? html`<ul class="failed" aria-label="Messages not sent">
            ${failed.map(
              (f) => html`<li>
                <span role="alert">
                  ${f.meanwhile
                    ? html`<span class="err">Not sent yet. ${f.error} Send yours anyway?</span>`
                    : html`<span class="err">${f.private ? 'Note' : 'Message'} not sent: ${f.error}</span>`}
                  <q>${f.text || f.attachments.map((a) => a.name).join(', ')}</q>
                </span>
                ${f.meanwhile
                  ? html`<button @click=${() => this.#retry({ ...f, guard: undefined })}>Send anyway</button>`
                  : html`<button @click=${() => this.#retry(f)}>Retry</button>`}
                <button class="link" @click=${() => this.#edit(f)}>Edit</button>
                <button class="link" @click=${() => this.#discard(f)}>Discard</button>
              </li>`,
            )}
          </ul>`
        : nothing}
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing} ${open ? this.#renderPicker(matches) : nothing}
      ${this._uploads.length
        ? html`<ul class="files" aria-label="Attachments">
            ${this._uploads.map((u) => this.#renderUpload(u))}
          </ul>`
        : nothing}
      <textarea
        aria-label=${label}
        aria-autocomplete="list"
        aria-haspopup="listbox"
        aria-controls=${open ? 'canned-list' : nothing}
        aria-activedescendant=${open ? `canned-${this._active}` : nothing}
        aria-describedby="hint"
        placeholder=${locked ? '' : watching ? 'Whisper to the assigned agent (only agents see it)…' : note ? 'Write a note only agents see… (@Name notifies a teammate)' : 'Write a reply… (type / for canned responses)'}
        ?disabled=${locked}
        .value=${this._text}
        @input=${this.#onInput}
        @keydown=${this.#onKeydown}
        @keyup=${this.#onKeyup}
        @click=${this.#refreshPick}
        @blur=${this.#onBlur}
      ></textarea>
      <div class="row">
        <div class="modes" role="group" aria-label="Message type">
          <button aria-pressed=${String(!note)} ?disabled=${watching} @click=${() => this.#setNote(false)}>Reply</button>
          <button class="note" aria-pressed=${String(note)} @click=${() => this.#setNote(true)}>Private note</button>
        </div>
        <button ?disabled=${locked} @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')?.click()}>Attach files</button>
        <input type="file" multiple hidden aria-label="Attach files" @change=${this.#onFiles} />
        <p class="hint muted ${note ? 'mode' : ''}" id="hint">
          ${watching
            ? html`You supervise this conversation: a note whispers to ${c.assignedAgentId ? 'the assigned agent' : 'nobody yet (it is unassigned)'}.
                <button class="link" ?disabled=${this._busy} @click=${this.#takeOver}>Take over</button> to reply to the visitor.`
            : locked
            ? html`This conversation is ${status}. Reopen to reply, or write a private note.
                <button class="link" ?disabled=${this._busy} @click=${this.#reopen}>Reopen</button>`
            : this._pick && !matches.length
              ? `No canned response matches “/${this._pick.query}”.`
              : this._note
              ? 'Only agents see private notes. @Name (or @[Full Name]) notifies that teammate.'
              : html`Enter sends, Shift+Enter starts a new line, / picks a canned response. Buttons: a line
                  <code>[[Option]]</code> (a choice, answered once), <code>[Label]</code> (a quick reply) or
                  <code>[Label](https://…)</code> (a link).`}
        </p>
        <span class="spacer"></span>
        <button class="primary" ?disabled=${!canSend} @click=${() => void this.#send()}>Send</button>
      </div>
    </div>`
  }

  #renderPicker(matches: CannedResponse[]) {
    const ctx = { visitor: this.conversation?.visitor ?? null, agent: this.me }
    return html`<ul role="listbox" id="canned-list" aria-label="Canned responses">
      ${matches.map(
        (r, i) => html`<li
          role="option"
          id="canned-${i}"
          aria-selected=${String(i === this._active)}
          @mousedown=${(e: Event) => e.preventDefault()}
          @click=${() => this.#insert(r)}
        >
          <span class="sc">${r.shortcut ? `/${r.shortcut}` : ''}</span><span class="title">${r.title}</span>
          <span class="preview">${fillVariables(r.content, ctx).slice(0, 160)}</span>
        </li>`,
      )}
    </ul>`
  }

  #renderUpload(u: Upload) {
    return html`<li>
      <span>${u.file.name}</span>
      ${u.error
        ? html`<span class="err" role="alert">${u.error}</span><button @click=${() => this.#upload(u)}>Retry</button>`
        : u.done
          ? html`<span class="muted">ready</span>`
          : html`<progress aria-label="Uploading ${u.file.name}" max=${u.total || 1} value=${u.loaded}></progress>`}
      <button class="link" aria-label="Remove ${u.file.name}" @click=${() => this.#removeUpload(u)}>Remove</button>
    </li>`
  }

  // ------------------------------------------------------------------ canned responses

  #matches(): CannedResponse[] {
    return this._pick ? matchCanned(this._canned, this._pick.query) : []
  }

  async #loadCanned(): Promise<void> {
    const client = this.client
    if (!client?.siteId) return
    try {
      const list = await loadCanned(client)
      if (this.client === client) this._canned = list
    } catch {
      // Not fatal: the picker stays empty and the next `/` tries again.
    }
  }

  #onCannedChange = (): void => {
    void this.#loadCanned()
  }

  /** Opens, filters or closes the picker from the text before the caret. */
  #refreshPick = (): void => {
    const ta = this.textarea
    if (!ta) return
    const pick = slashQuery(ta.value, ta.selectionStart ?? ta.value.length)
    if (!pick) this.#dismissed = -1
    const next = pick && pick.start !== this.#dismissed ? pick : null
    if (next && (!this._pick || this._pick.query !== next.query)) this._active = 0
    if (next && !this._pick) void this.#loadCanned()
    this._pick = next
  }

  #insert(r: CannedResponse): void {
    const ta = this.textarea
    const pick = this._pick
    if (!ta || !pick) return
    const filled = fillVariables(r.content, { visitor: this.conversation?.visitor ?? null, agent: this.me })
    const end = ta.selectionStart ?? ta.value.length
    const text = ta.value.slice(0, pick.start) + filled + ta.value.slice(end)
    ta.value = text
    this._text = text
    const caret = pick.start + filled.length
    ta.setSelectionRange(caret, caret)
    ta.focus()
    this._pick = null
    this.#typed()
    fire(this, 'lcd-canned-insert', { response: r })
    if (this.client) void countUse(this.client, r.id)
  }

  // ------------------------------------------------------------------ typing and keys

  #onInput = (e: Event): void => {
    this._text = (e.target as HTMLTextAreaElement).value
    this.#refreshPick()
    if (this._text.trim()) this.#typed()
    else this.#stopTyping()
  }

  #onKeydown = (e: KeyboardEvent): void => {
    const matches = this.#matches()
    if (this._pick && matches.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault()
        const step = e.key === 'ArrowDown' ? 1 : -1
        this._active = (this._active + step + matches.length) % matches.length
        return
      }
      if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
        e.preventDefault()
        this.#insert(matches[Math.min(this._active, matches.length - 1)]!)
        return
      }
      if (e.key === 'Escape') {
        e.preventDefault()
        e.stopPropagation()
        this.#dismissed = this._pick.start
        this._pick = null
        return
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      void this.#send()
      return
    }
  }

  /** Moving the caret (arrows, Home, End) may enter or leave a `/query`. */
  #onKeyup = (e: KeyboardEvent): void => {
    if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key) || (!this._pick && e.key.startsWith('Arrow'))) this.#refreshPick()
  }

  #onBlur = (): void => {
    this._pick = null
  }

  /** The agent typed a reply (never for notes): the visitor hears of it. */
  #typed(): void {
    if (this.conversation && !this._note && !this.#watching) this.#typing.typed(this.conversation.id)
  }

  #stopTyping(): void {
    this.#typing.stop()
  }

  #setNote(note: boolean): void {
    if (note) this.#stopTyping()
    this._note = note
    void this.updateComplete.then(() => this.textarea?.focus())
  }

  // ------------------------------------------------------------------ sending

  async #send(): Promise<void> {
    const c = this.conversation
    const client = this.client
    if (!c || !client) return
    const status = this._status ?? c.status
    if (!this._note && (status === 'resolved' || status === 'closed')) return
    if (this._uploads.some((u) => !u.done && !u.error)) return
    const attachments = this._uploads.flatMap((u) => (u.done ? [u.done] : []))
    const text = this._text
    if (!text.trim() && !attachments.length) return
    this.#stopTyping()
    this._text = ''
    this._pick = null
    this._uploads = this._uploads.filter((u) => !u.done)
    drafts.delete(c.id)
    const rich = parseRich(text)
    const note = this._note || this.#watching
    const guard = note ? undefined : (since.get(c.id) ?? this.#seen())
    since.delete(c.id)
    await this.#deliver({ key: ++keys, conversationId: c.id, ...rich, private: note, attachments, error: '', ...(guard === undefined ? {} : { guard }) })
  }

  /** The last seq of the open conversation this agent has (seen on screen). */
  #seen(): number {
    const c = this.conversation
    if (!c) return 0
    return Math.max(c.lastSeq, this.client?.lastSeq(c.id) ?? 0)
  }

  /** Who replied to the visitor after `guard`, and what, for the question. */
  #meanwhile(job: Failed): string {
    const m = this.client
      ?.getMessages(job.conversationId)
      .find((x) => x.seq > (job.guard ?? 0) && !x.private && (x.senderType === 'agent' || x.senderType === 'bot') && x.senderId !== this.me?.id && !x.deletedAt)
    if (!m) return 'Someone else replied while you were writing.'
    return `${m.senderName ?? 'Someone'} replied while you were writing${m.text ? `: “${m.text.length > 120 ? `${m.text.slice(0, 119)}…` : m.text}”` : '.'}`
  }

  /** Hands a message to the outbox; a send that fails for good is kept with its error. */
  async #deliver(job: Failed): Promise<void> {
    const client = this.client
    if (!client) return
    try {
      const message = await client.send(job.conversationId, job.text, {
        ...(job.private ? { private: true } : {}),
        ...(job.attachments.length ? { attachments: job.attachments } : {}),
        ...(job.content ? { content: job.content } : {}),
        ...(job.guard === undefined ? {} : { unlessRepliedAfter: job.guard }),
      })
      fire(this, 'lcd-sent', { message })
    } catch (error) {
      const e = LiveChatError.from(error)
      const meanwhile = e.code === 'replied_meanwhile'
      this._failed = [...this._failed, { ...job, error: meanwhile ? this.#meanwhile(job) : e.message, meanwhile }]
    }
  }

  #retry(f: Failed): void {
    this._failed = this._failed.filter((x) => x.key !== f.key)
    const { meanwhile: _, guard, ...job } = f
    void this.#deliver({ ...job, key: ++keys, error: '', ...(guard === undefined ? {} : { guard }) })
  }

  #edit(f: Failed): void {
    this._failed = this._failed.filter((x) => x !== f)
    this._text = this._text ? `${this._text}\n${f.text}` : f.text
    this._note = f.private
    this._uploads = [
      ...this._uploads,
      ...f.attachments.map((a) => ({ key: ++keys, file: new File([], a.name), loaded: 1, total: 1, done: a, error: '', abort: new AbortController() })),
    ]
    void this.updateComplete.then(() => this.textarea?.focus())
  }

  #discard(f: Failed): void {
    this._failed = this._failed.filter((x) => x !== f)
  }

  /** A supervisor in a conversation not assigned to them: they write notes (whispers), not replies. */
  get #watching(): boolean {
    return this.me?.role === 'supervisor' && this.conversation?.assignedAgentId !== this.me.id
  }

  /** A supervisor takes the conversation over (assigned to them, with the usual line); then they reply. */
  #takeOver = async (): Promise<void> => {
    const c = this.conversation
    if (!c || !this.client || !this.me) return
    this._busy = true
    this._error = ''
    try {
      this.conversation = await this.client.conversations.assign(c.id, this.me.id)
      this._note = false
      void this.updateComplete.then(() => this.textarea?.focus())
    } catch (error) {
      this._error = `Could not take over: ${LiveChatError.from(error).message}`
    } finally {
      this._busy = false
    }
  }

  async #reopen(): Promise<void> {
    const c = this.conversation
    if (!c || !this.client) return
    this._busy = true
    this._error = ''
    try {
      this._status = (await this.client.conversations.reopen(c.id)).status
      void this.updateComplete.then(() => this.textarea?.focus())
    } catch (error) {
      this._error = `Could not reopen: ${LiveChatError.from(error).message}`
    } finally {
      this._busy = false
    }
  }

  // ------------------------------------------------------------------ attachments

  #onFiles = (e: Event): void => {
    const input = e.target as HTMLInputElement
    const files = [...(input.files ?? [])]
    input.value = ''
    for (const file of files) {
      const u: Upload = { key: ++keys, file, loaded: 0, total: file.size, done: null, error: '', abort: new AbortController() }
      this._uploads = [...this._uploads, u]
      void this.#upload(u)
    }
  }

  async #upload(u: Upload): Promise<void> {
    const client = this.client
    if (!client) return
    const set = (changes: Partial<Upload>) => {
      Object.assign(u, changes)
      this._uploads = [...this._uploads]
    }
    if (u.abort.signal.aborted) u.abort = new AbortController()
    set({ error: '', loaded: 0 })
    try {
      const done = await client.upload(u.file, { signal: u.abort.signal, onProgress: (loaded, total) => set({ loaded, total }) })
      set({ done })
    } catch (error) {
      if (!this._uploads.includes(u)) return
      set({ error: `Upload failed: ${LiveChatError.from(error).message}` })
    }
  }

  #removeUpload(u: Upload): void {
    u.abort.abort()
    this._uploads = this._uploads.filter((x) => x !== u)
  }

  #unbind(): void {
    for (const off of this.#off.splice(0)) off()
  }
}
define('lcd-composer', LcdComposer)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-composer': LcdComposer
  }
}
