/**
 * The widget's less travelled screens, a chunk loaded on demand (see LiveChat._need): the pre-chat
 * and offline forms, the rating form once a conversation is resolved, and the list of the
 * visitor's conversations. Most visitors never see one, so their bytes stay out of the core.
 */
import { css, html, nothing, type TemplateResult } from 'lit'
import type { VisitorFields } from '@live-chat/sdk'
import { preChatFields, type Field, type Say } from './forms.js'
import { icon } from './icons.js'
import type { LiveChat } from './live-chat.js'
import { time } from './chat.js'
import { richStyles, safe } from './rich.js'
import { sayWith } from './i18n/say.js'
import { enMore } from './i18n/en-more.js'

// Strings in the visitor's language, else this chunk's English (the core does not hold it).
const say = sayWith(enMore)

const starIcon = icon('m12 17.3 6.2 3.7-1.6-7 5.4-4.7-7.2-.6L12 2 9.2 8.7 2 9.3l5.4 4.7-1.6 7z')

export { richView } from './rich.js'

/** The pre-chat form (with the welcome text) or, when nobody is online, the offline form. */
export function formsView(w: LiveChat): TemplateResult {
  const said = (k: Parameters<Say>[0]) => say(w, k)
  if (!w._online) {
    return html`<div class="body">
      <p class="note">${w._site('offlineMessage', 'away')}</p>
      ${form(w, offlineFields(said), true)}
    </div>`
  }
  return html`<div class="body">
    <p class="note">${w._site('welcomeMessage', 'online')}</p>
    ${form(w, [...preChatFields(w._config, said), { name: 'message', label: say(w, 'message'), type: 'textarea', required: false }], false)}
  </div>`
}

/** The offline form: an email to answer to is required. */
export function offlineFields(say: Say): Field[] {
  return [
    { name: 'name', label: say('name'), type: 'text', required: false },
    { name: 'email', label: say('email'), type: 'email', required: true },
    { name: 'message', label: say('message'), type: 'textarea', required: true },
  ]
}

function form(w: LiveChat, fields: Field[], offline: boolean): TemplateResult {
  const e = w._errors
  return html`<form novalidate @submit=${(ev: SubmitEvent) => submitForm(w, ev, fields, offline)}>
    ${fields.map((f) => {
      const id = `f-${f.name}`
      const err = e[f.name]
      const common = { id, name: f.name, invalid: err ? 'true' : 'false', described: err ? `${id}-e` : undefined }
      const errText = err ? html`<span class="err" id=${`${id}-e`}>${err}</span>` : nothing
      // A consent: a tick before the site's wording, and its policy link (https only) beside it.
      if (f.type === 'consent') {
        return html`<div class="consent">
          <label for=${id}
            ><input id=${id} name=${f.name} type="checkbox" value="yes" ?required=${f.required} aria-invalid=${common.invalid} aria-describedby=${common.described ?? nothing} />
            <span>${f.label}${f.required ? ' *' : ''}</span></label
          >
          ${f.url && safe(f.url) ? html`<a href=${f.url} target="_blank" rel="noopener noreferrer">${say(w, 'policy')}</a>` : nothing} ${errText}
        </div>`
      }
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
      return html`<label for=${id}>${f.label}${f.required ? ' *' : ''} ${control} ${errText}</label>`
    })}
    ${e.form ? html`<p class="err" role="alert">${e.form}</p>` : nothing}
    <button class="primary" type="submit">${say(w, offline ? 'leaveMessage' : 'start')}</button>
  </form>`
}

/** Validates and submits the pre-chat or offline form. */
async function submitForm(w: LiveChat, event: SubmitEvent, fields: Field[], offline: boolean): Promise<void> {
  event.preventDefault()
  const { errors, fields: values, message } = readForm(fields, new FormData(event.target as HTMLFormElement), (k) => say(w, k))
  w._errors = errors
  if (Object.keys(errors).length) {
    await w.updateComplete
    w.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
    return
  }
  if ((await w._start({ fields: values, message, offline })) && offline) w._view = 'sent'
}

export interface FormResult {
  /** Field name → error text; empty when the form is valid. */
  errors: Record<string, string>
  /** `name`, `email` and `phone` go to the visitor's profile; other fields are custom data. */
  fields: VisitorFields
  message: string | undefined
}

/** Checks a submitted form against its fields. */
export function readForm(fields: Field[], data: FormData, say: Say): FormResult {
  const errors: Record<string, string> = {}
  const out: VisitorFields = {}
  const custom: Record<string, string | boolean> = {}
  let message: string | undefined
  for (const f of fields) {
    const v = String(data.get(f.name) ?? '').trim()
    if (!v) {
      if (f.required) errors[f.name] = say('required')
      continue
    }
    if (f.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) errors[f.name] = say('invalidEmail')
    else if (f.type === 'phone' && !/^\+?[\d\s().-]{5,}$/.test(v)) errors[f.name] = say('invalidPhone')
    else if (f.name === 'message') message = v
    else if (f.name === 'name' || f.name === 'email' || f.name === 'phone') out[f.name] = v
    else custom[f.name] = f.type === 'consent' || v
  }
  if (Object.keys(custom).length) out.custom = custom
  return { errors, fields: out, message }
}

export function doneView(w: LiveChat): TemplateResult {
  const conv = w._conv!
  const rated = conv.rating !== null || w._view === 'rated'
  return html`${rated
      ? html`<p class="note" role="status">${say(w, 'thanks')}</p>`
      : html`<form class="note" @submit=${(e: SubmitEvent) => rate(w, e)}>
          <span id="rate-q">${say(w, 'rate')}</span>
          <div class="stars" role="radiogroup" aria-labelledby="rate-q">
            ${[1, 2, 3, 4, 5].map(
              (n) =>
                html`<button
                  type="button"
                  role="radio"
                  aria-checked=${n <= w._stars}
                  aria-label=${say(w, 'stars', { n })}
                  @click=${() => (w._stars = n)}
                >
                  ${starIcon}
                </button>`,
            )}
          </div>
          <textarea name="comment" rows="2" aria-label=${say(w, 'comment')} placeholder=${say(w, 'comment')}></textarea>
          ${w._errors.rating ? html`<p class="err" role="alert">${w._errors.rating}</p>` : nothing}
          <button class="primary" type="submit" ?disabled=${!w._stars}>${say(w, 'submitRating')}</button>
        </form>`}
    <button class="link" @click=${() => w._newChat()}>${say(w, 'newChat')}</button>`
}

/** Rates the current conversation. */
async function rate(w: LiveChat, event: SubmitEvent): Promise<void> {
  event.preventDefault()
  const conv = w._conv
  const client = w.client
  if (!conv || !w._stars || !client) return
  const comment = String(new FormData(event.target as HTMLFormElement).get('comment') ?? '').trim()
  try {
    w._conv = await client.rate(conv.id, w._stars, comment || undefined)
    w._view = 'rated'
  } catch {
    w._errors = { rating: say(w, 'error') }
  }
}

export function historyView(w: LiveChat): TemplateResult {
  return html`<div class="body">
    ${w._convs.length
      ? w._convs.map(
          (c) => html`<button class="item" @click=${() => w._pick(c)}>
            <span>${c.agent?.name ?? say(w, 'agent')}</span>
            <span class="meta">${c.status === 'resolved' || c.status === 'closed' ? say(w, 'resolved') : time(w, c.lastActivityAt)}</span>
          </button>`,
        )
      : html`<p class="banner">${say(w, 'noHistory')}</p>`}
    <button class="primary" @click=${() => w._newChat()}>${say(w, 'newChat')}</button>
  </div>`
}

/** The look of these screens (and of rich messages), added to the widget's shadow root with the chunk. */
export const styles = css`
  ${richStyles}
  .primary {
    background: var(--a);
    color: var(--on);
    border-radius: 10px;
    padding: 11px 16px;
    font-weight: 600;
  }
  form {
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 14px;
    font-weight: 600;
  }
  .consent {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 13px;
  }
  .consent label {
    flex-direction: row;
    align-items: flex-start;
    gap: 8px;
    font-size: 13px;
    font-weight: 400;
  }
  .consent input {
    width: 18px;
    height: 18px;
    margin: 1px 0 0;
    flex: none;
  }
  .stars {
    display: flex;
    gap: 4px;
  }
  .stars button {
    width: 40px;
    height: 40px;
    color: #d1d5db;
  }
  .stars button[aria-checked='true'] {
    color: #f59e0b;
  }
  .stars svg {
    width: 32px;
    height: 32px;
  }
  .item {
    width: 100%;
    justify-content: space-between;
    gap: 8px;
    padding: 12px;
    border-radius: 10px;
    background: var(--agent-bg);
  }
  .item span {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
`
