import { html, nothing, type TemplateResult } from 'lit'
import type { Attachment, Message, OnlineTeam } from '@live-chat/sdk'
import { attachIcon, backIcon, chatIcon, closeIcon, listIcon, sendIcon } from './icons.js'
import type { Draft, LiveChat } from './live-chat.js'
import type { StringKey } from './i18n/index.js'

/** The widget's templates; state and actions live on the element. Text is always bound as text. */
export function renderWidget(w: LiveChat): TemplateResult {
  const unread = w.unreadCount || (w._tr?.unread(w) ?? 0)
  w.toggleAttribute('data-open', w._open)
  // In the widget's language and its direction (the window mirrored in Arabic and Hebrew; the
  // launcher keeps the site's corner).
  return html`<div class="root" lang=${w._lang} dir=${w._t.dir}>
    ${w._open ? windowView(w) : (w._tr?.bubble(w) ?? nothing)}
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

/**
 * The header's status: the visitor's place in the queue while they wait, else who is online (from
 * the `team` chunk) or that the team is, with "usually replies in …", or away.
 */
function status(w: LiveChat, team: OnlineTeam | undefined): string {
  const q = w._conv?.status === 'pending' && w.client?.getQueuePosition(w._conv.id)
  if (q) {
    const wait = q.estimatedWaitSeconds
    return w._s('queue', { n: q.position }) + (wait === null ? '' : ' · ' + w._s('wait', { m: min(wait) }))
  }
  const reply = w._config?.typicalReplySeconds
  if (!w._online) return w._s('away')
  const who = team && w._team ? w._team.names(w, team) : ''
  return reply != null ? (who ? who + ' · ' : '') + w._s('replies', { m: min(reply) }) : who || w._s('online')
}

function windowView(w: LiveChat): TemplateResult {
  const title = w._site('widgetTitle', 'title')
  const history = w._view === 'history'
  const team = w._online && w.client?.team?.count ? w.client.team : undefined
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
        : team ? (w._team?.avatars(w, team) ?? w._need('team')) : nothing}
      <div class="t">
        <h2>${history ? w._s('history') : title}</h2>
        <div class="status ${w._online ? 'on' : ''}" role="status">${status(w, team)}</div>
      </div>
      ${history ? nothing : html`<button aria-label=${w._s('history')} @click=${() => w._history()}>${listIcon}</button>`}
      <button aria-label=${w._s('close')} @click=${() => w.close()}>${closeIcon}</button>
    </header>
    ${history ? (w._more?.historyView(w) ?? w._need()) : w._conv ? chatView(w) : startView(w)}
  </div>`
}

/** No conversation yet: the welcome text and composer, or (from the `more` chunk) the pre-chat or offline form. */
function startView(w: LiveChat): TemplateResult {
  const c = w._config
  if (!c) return html`<div class="body"></div>`
  const forms = !w._online || c.requireEmail || (c.preChatEnabled && c.preChatFields.length > 0)
  if (forms) return w._more ? w._more.formsView(w) : html`<div class="body">${w._need()}</div>`
  return html`<div class="body" part="messages" role="log">
      <p class="note">${w._site('welcomeMessage', 'online')}</p>
      ${w._tr?.opener(w)} ${w._drafts.map((d) => draft(w, d))}
    </div>
    ${w._errors.form ? html`<p class="err" role="alert">${w._errors.form}</p>` : nothing} ${composer(w)}`
}

function chatView(w: LiveChat): TemplateResult {
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
      ${w._view === 'sent' ? html`<p class="note">${w._s(w._config?.emailReplies ? 'offlineThanks' : 'offlineKept')}</p>` : nothing}
      ${w._msgs.map((m) => message(w, m, m.seq === lastOwn))}
      ${w._outbox().map((o) => own(o.clientId, o.text, w._s('sending')))}
      ${w._drafts.map((d) => draft(w, d))}
      ${done ? (w._more?.doneView(w) ?? w._need()) : nothing}
    </div>
    ${w._typing ? html`<div class="typing" aria-live="polite">${w._s('typing', { name: w._typing })}</div>` : nothing}
    ${w._down ? html`<div class="banner" role="status">${w._s('reconnecting')}</div>` : nothing}
    ${conv.status === 'closed' ? nothing : composer(w)}`
}

function message(w: LiveChat, m: Message, lastOwn: boolean): TemplateResult {
  if (m.senderType === 'system') return html`<div class="system" role="note">${systemText(w, m)}</div>`
  const mine = m.senderType === 'visitor'
  const conv = w._conv!
  const state = mine && lastOwn ? ` · ${w._s(conv.agentReadSeq >= m.seq ? 'read' : 'sent')}` : ''
  const gone = m.deletedAt
  const body = gone ? html`<i>${w._s('removed')}</i>` : html`${m.text ?? ''}${m.attachments.map(file, w)}`
  // The visitor's own message, within the site's edit window: a button opens the edit chunk's menu.
  const win = w._config?.editWindowSeconds ?? 0
  const opts =
    mine && !gone && Date.now() - Date.parse(m.createdAt) < win * 1e3
      ? html` <button class="link" aria-label=${w._s('options')} aria-haspopup="menu" @click=${() => w._editMenu(m.id)}>…</button>`
      : nothing
  const meta = html`${time(w, m.createdAt)}${m.editedAt && !gone ? ` · ${w._s('edited')}` : ''}${state}${opts}`
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
  return e && key in w._t ? w._s(key, { name: 'agentName' in e ? e.agentName : '' }) : (m.text ?? '')
}

/** One of the visitor's own messages: stored, waiting in the outbox, or a draft being uploaded or failed. */
export function own(key: string, body: unknown, meta: unknown, failed = false): TemplateResult {
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
      @input=${(e: Event) => w._input((e.target as HTMLTextAreaElement).value)}
      @paste=${(e: ClipboardEvent) => e.clipboardData?.files.length && (e.preventDefault(), w._attach(e.clipboardData.files))}
    ></textarea>
    <button class="icon emo-b" aria-label=${w._s('emoji')} aria-expanded=${w._picker} @click=${() => (w._picker = !w._picker)}>🙂</button>
    ${w._picker ? (w._emoji?.picker(w) ?? w._need('emoji')) : nothing}
    <button class="icon go" part="send" aria-label=${w._s('send')} @click=${() => w._send()}>${sendIcon}</button>
  </div>`
}
