import { html, nothing, type TemplateResult } from 'lit'
import type { Attachment, Message } from '@live-chat/sdk'
import { attachIcon, backIcon, chatIcon, closeIcon, listIcon, sendIcon, starIcon } from './icons.js'
import { offlineFields, preChatFields, type Field } from './forms.js'
import type { Draft, LiveChat } from './live-chat.js'

/** The widget's templates; state and actions live on the element. Text is always bound as text. */
export function renderWidget(w: LiveChat): TemplateResult {
  const unread = w.unreadCount
  w.toggleAttribute('data-open', w._open)
  return html`<div class="root">
    ${w._open ? windowView(w) : nothing}
    <button
      class="launcher"
      part="launcher"
      aria-label=${w._s(w._open ? 'close' : 'open') + (unread ? `, ${w._s('unread', { n: unread })}` : '')}
      aria-expanded=${w._open}
      @click=${() => w.toggle()}
    >
      ${w._open ? closeIcon : chatIcon}
      ${unread && !w._open ? html`<span class="badge" part="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
    </button>
  </div>`
}

/** Minutes, at least 1, of seconds. */
const min = (s: number) => Math.max(1, Math.round(s / 60))

/** The header's status: the visitor's place in the queue while they wait, else online ("usually replies in …") or away. */
function status(w: LiveChat): string {
  const q = w._q
  if (q && w._conv?.status === 'pending' && q.conversationId === w._conv.id) {
    const wait = q.estimatedWaitSeconds
    return w._s('queue', { n: q.position }) + (wait === null ? '' : ' · ' + w._s('wait', { m: min(wait) }))
  }
  const reply = w._config?.typicalReplySeconds
  return w._online && reply != null ? w._s('replies', { m: min(reply) }) : w._s(w._online ? 'online' : 'away')
}

function windowView(w: LiveChat): TemplateResult {
  const title = w._site('widgetTitle', 'title')
  const history = w._view === 'history'
  return html`<div
    class="window"
    part="window"
    role="dialog"
    aria-label=${title}
    @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && w.close()}
  >
    <header part="header">
      ${history
        ? html`<button aria-label=${w._s('back')} @click=${() => (w._view = '')}>${backIcon}</button>`
        : nothing}
      <div class="t">
        <h2>${history ? w._s('history') : title}</h2>
        <div class="status ${w._online ? 'on' : ''}" role="status">${status(w)}</div>
      </div>
      ${history ? nothing : html`<button aria-label=${w._s('history')} @click=${() => w._history()}>${listIcon}</button>`}
      <button aria-label=${w._s('close')} @click=${() => w.close()}>${closeIcon}</button>
    </header>
    ${history ? historyView(w) : w._conv ? chatView(w) : startView(w)}
  </div>`
}

/** No conversation yet: the welcome text and composer, the pre-chat form, or the offline form. */
function startView(w: LiveChat): TemplateResult {
  const c = w._config
  if (!c) return html`<div class="body"></div>`
  if (!w._online) {
    return html`<div class="body">
      <p class="note">${w._site('offlineMessage', 'away')}</p>
      ${form(w, offlineFields((k) => w._s(k)), true)}
    </div>`
  }
  const fields = preChatFields(c, (k) => w._s(k))
  if (fields.length) {
    return html`<div class="body">
      <p class="note">${w._site('welcomeMessage', 'online')}</p>
      ${form(w, [...fields, { name: 'message', label: w._s('message'), type: 'textarea', required: false }], false)}
    </div>`
  }
  return html`<div class="body" part="messages" role="log">
      <p class="note">${w._site('welcomeMessage', 'online')}</p>
      ${w._drafts.map((d) => draft(w, d))}
    </div>
    ${w._errors.form ? html`<p class="err" role="alert">${w._errors.form}</p>` : nothing} ${composer(w)}`
}

function form(w: LiveChat, fields: Field[], offline: boolean): TemplateResult {
  const e = w._errors
  return html`<form novalidate @submit=${(ev: SubmitEvent) => w._submitForm(ev, fields, offline)}>
    ${fields.map((f) => {
      const id = `f-${f.name}`
      const err = e[f.name]
      const common = { id, name: f.name, invalid: err ? 'true' : 'false', described: err ? `${id}-e` : undefined }
      const control =
        f.type === 'textarea'
          ? html`<textarea id=${common.id} name=${f.name} rows="3" ?required=${f.required} aria-invalid=${common.invalid} aria-describedby=${common.described ?? nothing}></textarea>`
          : f.type === 'select'
            ? html`<select id=${common.id} name=${f.name} ?required=${f.required} aria-invalid=${common.invalid} aria-describedby=${common.described ?? nothing}>
                <option value=""></option>
                ${(f.options ?? []).map((o) => html`<option>${o}</option>`)}
              </select>`
            : html`<input
                id=${common.id}
                name=${f.name}
                type=${f.type === 'phone' ? 'tel' : f.type}
                autocomplete=${f.type === 'phone' ? 'tel' : f.name === 'name' || f.name === 'email' ? f.name : 'off'}
                ?required=${f.required}
                aria-invalid=${common.invalid}
                aria-describedby=${common.described ?? nothing}
              />`
      return html`<label for=${id}>${f.label}${f.required ? ' *' : ''} ${control}
        ${err ? html`<span class="err" id=${`${id}-e`}>${err}</span>` : nothing}</label>`
    })}
    ${e.form ? html`<p class="err" role="alert">${e.form}</p>` : nothing}
    <button class="primary" type="submit">${w._s(offline ? 'leaveMessage' : 'start')}</button>
  </form>`
}

function chatView(w: LiveChat): TemplateResult {
  const conv = w._conv!
  const done = conv.status === 'resolved' || conv.status === 'closed'
  const lastOwn = w._msgs.findLast((m) => m.senderType === 'visitor')?.seq
  return html`<div class="body" part="messages" role="log" aria-live="polite">
      ${w._view === 'sent' ? html`<p class="note">${w._s('offlineThanks')}</p>` : nothing}
      ${w._msgs.map((m) => message(w, m, m.seq === lastOwn))}
      ${w._outbox().map((o) => own(o.clientId, o.text, w._s('sending')))}
      ${w._drafts.map((d) => draft(w, d))}
      ${done ? doneView(w) : nothing}
    </div>
    ${w._typing ? html`<div class="typing" aria-live="polite">${w._s('typing', { name: w._typing })}</div>` : nothing}
    ${w._down ? html`<div class="banner" role="status">${w._s('reconnecting')}</div>` : nothing}
    ${conv.status === 'closed' ? nothing : composer(w)}`
}

function doneView(w: LiveChat): TemplateResult {
  const conv = w._conv!
  const rated = conv.rating !== null || w._view === 'rated'
  return html`<div class="system">${w._s('resolved')}</div>
    ${rated
      ? html`<p class="note" role="status">${w._s('thanks')}</p>`
      : html`<form class="note" @submit=${(e: SubmitEvent) => w._rate(e)}>
          <span id="rate-q">${w._s('rate')}</span>
          <div class="stars" role="radiogroup" aria-labelledby="rate-q">
            ${[1, 2, 3, 4, 5].map(
              (n) =>
                html`<button
                  type="button"
                  role="radio"
                  aria-checked=${n <= w._stars}
                  aria-label=${w._s('stars', { n })}
                  @click=${() => (w._stars = n)}
                >
                  ${starIcon}
                </button>`,
            )}
          </div>
          <textarea name="comment" rows="2" aria-label=${w._s('comment')} placeholder=${w._s('comment')}></textarea>
          ${w._errors.rating ? html`<p class="err" role="alert">${w._errors.rating}</p>` : nothing}
          <button class="primary" type="submit" ?disabled=${!w._stars}>${w._s('submitRating')}</button>
        </form>`}
    <button class="link" @click=${() => w._newChat()}>${w._s('newChat')}</button>`
}

function message(w: LiveChat, m: Message, lastOwn: boolean): TemplateResult {
  if (m.senderType === 'system') return html`<div class="system" role="note">${m.text}</div>`
  const mine = m.senderType === 'visitor'
  const conv = w._conv!
  const state = mine && lastOwn ? ` · ${w._s(conv.agentReadSeq >= m.seq ? 'read' : 'sent')}` : ''
  const meta = html`${time(w, m.createdAt)}${state}`
  if (mine) return own(m.id, html`${m.text ?? ''}${m.attachments.map(file, w)}`, meta)
  const name = m.senderName || w._s('agent')
  const avatar = w._config?.showAgentAvatar === false ? nothing : avatarOf(w, m, name)
  return html`<div class="msg" part="message">
    ${avatar}
    <div>
      <div class="who">${name}</div>
      <div class="bubble">${m.text ?? ''}${m.attachments.map(file, w)}</div>
      <div class="meta">${meta}</div>
    </div>
  </div>`
}

function avatarOf(w: LiveChat, m: Message, name: string): TemplateResult {
  const url = w._conv?.agent?.id === m.senderId ? w._conv?.agent?.avatarUrl : null
  return url ? html`<img class="avatar" src=${url} alt="" />` : html`<span class="avatar" aria-hidden="true">${name.slice(0, 1).toUpperCase()}</span>`
}

/** One of the visitor's own messages: stored, waiting in the outbox, or a draft being uploaded or failed. */
function own(key: string, body: unknown, meta: unknown, failed = false): TemplateResult {
  return html`<div class="msg own ${failed ? 'failed' : ''}" part="message" data-key=${key}>
    <div>
      <div class="bubble">${body}</div>
      <div class="meta">${meta}</div>
    </div>
  </div>`
}

function draft(w: LiveChat, d: Draft): TemplateResult {
  const body = html`${d.text}${d.file
    ? html`<span class="file">${d.preview ? html`<img src=${d.preview} alt=${d.file.name} />` : d.file.name}</span>`
    : nothing}${d.file && d.failed === undefined ? html`<progress max="1" .value=${d.progress ?? 0} aria-label=${d.file.name}></progress>` : nothing}`
  const meta = d.failed === undefined
    ? w._s('sending')
    : html`<span role="alert">${w._s('failed')}: ${d.failed}</span> <button class="link" @click=${() => w._retry(d)}>${w._s('retry')}</button>`
  return own(d.key, body, meta, d.failed !== undefined)
}

function file(this: LiveChat, a: Attachment): TemplateResult {
  // Stored URLs may be relative to the chat server (when it has no PUBLIC_URL).
  const url = new URL(a.url, this.server || location.href).href
  return html`<a class="file" href=${url} target="_blank" rel="noopener noreferrer"
    >${a.type.startsWith('image/') ? html`<img src=${url} alt=${a.name} loading="lazy" />` : `${a.name} (${Math.ceil(a.size / 1024)} KB)`}</a
  >`
}

const formats = new Map<string, Intl.DateTimeFormat>()
function time(w: LiveChat, iso: string): string {
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

function historyView(w: LiveChat): TemplateResult {
  return html`<div class="body">
    ${w._convs.length
      ? w._convs.map(
          (c) => html`<button class="item" @click=${() => w._pick(c)}>
            <span>${c.agent?.name ?? w._s('agent')}</span>
            <span class="meta">${c.status === 'resolved' || c.status === 'closed' ? w._s('resolved') : time(w, c.lastActivityAt)}</span>
          </button>`,
        )
      : html`<p class="banner">${w._s('noHistory')}</p>`}
    <button class="primary" @click=${() => w._newChat()}>${w._s('newChat')}</button>
  </div>`
}

function composer(w: LiveChat): TemplateResult {
  const accept = w._config?.upload?.types.join(',') ?? ''
  return html`<div class="composer" part="composer">
    <label class="icon" title=${w._s('attach')}>
      ${attachIcon}
      <input
        type="file"
        multiple
        accept=${accept}
        aria-label=${w._s('attach')}
        @change=${(e: Event) => {
          const input = e.target as HTMLInputElement
          void w._attach(input.files).finally(() => (input.value = ''))
        }}
      />
    </label>
    <textarea
      part="input"
      rows="1"
      aria-label=${w._s('placeholder')}
      placeholder=${w._s('placeholder')}
      @keydown=${(e: KeyboardEvent) => w._keydown(e)}
      @input=${() => w._input()}
    ></textarea>
    <button class="icon go" part="send" aria-label=${w._s('send')} @click=${() => w._send()}>${sendIcon}</button>
  </div>`
}
