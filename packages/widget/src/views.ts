import { html, nothing, type TemplateResult } from 'lit'
import type { OnlineTeam } from '@live-chat/sdk'
import { attachIcon, backIcon, chatIcon, closeIcon, listIcon, sendIcon } from './icons.js'
import type { Draft, LiveChat } from './live-chat.js'

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
export const min = (s: number) => Math.max(1, Math.round(s / 60))

/**
 * The header's status: the visitor's place in the queue while they wait (from the `chat` chunk),
 * else who is online (from the `team` chunk) or that the team is, with "usually replies in …", or away.
 */
function status(w: LiveChat, team: OnlineTeam | undefined): string {
  const q = w._chat?.queue(w)
  if (q) return q
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
    ${history ? (w._more?.historyView(w) ?? w._need()) : w._conv ? (w._chat?.chatView(w, composer(w)) ?? html`<div class="body">${w._need('chat')}</div>`) : startView(w)}
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
      ${w._tr?.opener(w)} ${drafts(w)}
    </div>
    ${w._errors.form ? html`<p class="err" role="alert">${w._errors.form}</p>` : nothing} ${composer(w)}`
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

/** The visitor's drafts: texts and files being sent (the first message too, while its conversation starts), and failed ones. */
export function drafts(w: LiveChat): TemplateResult[] {
  return w._drafts.map((d) => draft(w, d))
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
