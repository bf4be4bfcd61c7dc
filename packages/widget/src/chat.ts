/**
 * The conversation's view: its messages (the team's, the visitor's own, system lines, files),
 * the typing line, the reconnect banner, the place in the queue, and the checks of the files the
 * visitor attaches. A chunk the widget loads (see LiveChat._need) when the
 * window first opens, or a conversation is picked or started: a page view whose visitor never
 * opens the chat does not carry it. The core keeps the drafts (the first message is on screen at
 * once, before any chunk) and the start view.
 */
import { css, html, nothing, type TemplateResult } from 'lit'
import type { Attachment, Message } from '@live-chat/sdk'
import type { Draft, LiveChat } from './live-chat.js'
import type { StringKey } from './i18n/index.js'
import { drafts, min, own } from './views.js'
import { sayWith } from './i18n/say.js'
import { enChat } from './i18n/en-chat.js'

// Strings in the visitor's language, else this chunk's English (the core does not hold it).
const say = sayWith(enChat)

export function chatView(w: LiveChat, composer: TemplateResult | typeof nothing): TemplateResult {
  const conv = w._conv!
  const done = conv.status === 'resolved' || conv.status === 'closed'
  const lastOwn = w._msgs.findLast((m) => m.senderType === 'visitor')?.seq
  return html`<div
      class="body"
      part="messages"
      role="log"
      aria-live="polite"
      @scroll=${() => w._follow()}
      @load=${{ handleEvent: () => w._follow('load'), capture: true }}
    >
      ${w._view === 'sent' ? html`<p class="note">${say(w, w._config?.emailReplies ? 'offlineThanks' : 'offlineKept')}</p>` : nothing}
      ${w._msgs.map((m) => message(w, m, m.seq === lastOwn))}
      ${outbox(w).map((o) => own(o.clientId, o.text, w._s('sending')))}
      ${drafts(w)}
      ${done ? (w._more?.doneView(w) ?? w._need()) : nothing}
    </div>
    ${w._typing ? html`<div class="typing" aria-live="polite">${say(w, 'typing', { name: w._typing })}</div>` : nothing}
    ${w._down ? html`<div class="banner" role="status">${say(w, 'reconnecting')}</div>` : nothing}
    ${conv.status === 'closed' ? nothing : composer}`
}

/** The header's status while the visitor waits in the queue: their place and the estimated wait; undefined once they no longer wait. */
export function queue(w: LiveChat): string | undefined {
  const q = w._conv?.status === 'pending' && w.client?.getQueuePosition(w._conv.id)
  if (!q) return
  const wait = q.estimatedWaitSeconds
  return say(w, 'queue', { n: q.position }) + (wait === null ? '' : ' · ' + say(w, 'wait', { m: min(wait) }))
}

/** Pending sends the SDK's outbox holds for the current conversation (kept across reloads). */
function outbox(w: LiveChat): { clientId: string; text: string }[] {
  const conv = w._conv
  const client = w.client
  if (!conv || !client) return []
  // An entry whose message is already stored (its ack is still on the way) is shown once, as stored.
  const stored = new Set(w._msgs.map((m) => m.clientId))
  return client
    .pendingMessages(conv.id)
    .filter((e) => !stored.has(e.clientId))
    .map((e) => ({ clientId: e.clientId, text: e.payload.text ?? '' }))
}

let files = 0

/**
 * Sends the files the visitor chose (or pasted), each as its own message: one larger than the
 * server takes, or of a type it refuses, fails at once as a draft that says why; images are previewed.
 */
export function attach(w: LiveChat, chosen: File[]): void {
  const limits = w._config?.upload
  for (const file of chosen) {
    const draft: Draft = { key: `f${++files}`, text: '', file }
    if (limits && file.size > limits.maxBytes) draft.failed = say(w, 'tooLarge', { name: file.name, size: `${Math.round(limits.maxBytes / 1048576)} MB` })
    else if (limits && file.type && !limits.types.includes(file.type)) draft.failed = say(w, 'badType', { name: file.name })
    if (file.type.startsWith('image/')) draft.preview = URL.createObjectURL(file)
    if (draft.failed) w._drafts = [...w._drafts, draft]
    else void w._deliver(draft)
  }
}

/** Opens the edit menu of the visitor's message `id` (loading the `edit` chunk the first time; its styles come with its template). */
function editMenu(w: LiveChat, id: string): void {
  w._edId = id
  void import('./edit.js').then((m) => ((w._ed = m), w.requestUpdate()))
}

function message(w: LiveChat, m: Message, lastOwn: boolean): TemplateResult {
  if (m.senderType === 'system') return html`<div class="system" role="note">${systemText(w, m)}</div>`
  const mine = m.senderType === 'visitor'
  const conv = w._conv!
  const state = mine && lastOwn ? ` · ${say(w, conv.agentReadSeq >= m.seq ? 'read' : 'sent')}` : ''
  const gone = m.deletedAt
  const body = gone ? html`<i>${say(w, 'removed')}</i>` : html`${m.text ?? ''}${m.attachments.map(file, w)}`
  // The visitor's own message, within the site's edit window: a button opens the edit chunk's menu.
  const win = w._config?.editWindowSeconds ?? 0
  const opts =
    mine && !gone && Date.now() - Date.parse(m.createdAt) < win * 1e3
      ? html` <button class="link" aria-label=${say(w, 'options')} aria-haspopup="menu" @click=${() => editMenu(w, m.id)}>…</button>`
      : nothing
  const meta = html`${time(w, m.createdAt)}${m.editedAt && !gone ? ` · ${say(w, 'edited')}` : ''}${state}${opts}`
  if (mine) return w._edId === m.id && w._ed ? w._ed.editView(w, m) : own(m.id, body, meta)
  const name = m.senderName || w._s('agent')
  const avatar = w._config?.showAgentAvatar === false ? nothing : avatarOf(w, m, name)
  return html`<div class="msg" part="message">
    ${avatar}
    <div>
      <div class="who">${name}</div>
      <div class="bubble">${body}</div>
      ${m.content ? (w._more?.richView(w, m) ?? w._need()) : nothing}
      <div class="meta">${meta}</div>
    </div>
  </div>`
}

function avatarOf(w: LiveChat, m: Message, name: string): TemplateResult {
  const url = w._conv?.agent?.id === m.senderId ? w._conv?.agent?.avatarUrl : null
  return url ? html`<img class="avatar" src=${url} alt="" />` : html`<span class="avatar" aria-hidden="true">${name.slice(0, 1).toUpperCase()}</span>`
}

/** A system line in the visitor's language (`s_<event>` strings), else as the server wrote it. */
function systemText(w: LiveChat, m: Message): string {
  const e = m.system
  const key = `s_${e?.event}` as StringKey
  return e && (key in w._t || key in enChat) ? say(w, key, { name: 'agentName' in e ? e.agentName : '' }) : (m.text ?? '')
}

function file(this: LiveChat, a: Attachment): TemplateResult {
  // Stored URLs may be relative to the chat server (when it has no PUBLIC_URL).
  const url = new URL(a.url, this.server || location.href).href
  return html`<a class="file" href=${url} target="_blank" rel="noopener noreferrer"
    >${a.type.startsWith('image/') ? html`<img src=${url} alt=${a.name} loading="lazy" />` : `${a.name} (${Math.ceil(a.size / 1024)} KB)`}</a
  >`
}

const formats = new Map<string, Intl.DateTimeFormat>()
export function time(w: LiveChat, iso: string): string {
  const tag = w._lang
  let f = formats.get(tag)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(tag, { hour: 'numeric', minute: '2-digit' })
    } catch {
      f = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })
    }
    formats.set(tag, f)
  }
  return f.format(new Date(iso))
}

/**
 * The look of what only a conversation shows, added to the widget's shadow root with the chunk.
 * The core keeps the rules that the drafts, proactive messages (.msg, .who, .bubble, .avatar)
 * and the other chunks' screens (.meta, .banner, .link) share.
 */
export const styles = css`
  .system {
    align-self: center;
    font-size: 12px;
    color: var(--muted);
    text-align: center;
  }
  .typing {
    font-size: 13px;
    color: var(--muted);
    font-style: italic;
    padding: 0 16px 6px;
  }
`
