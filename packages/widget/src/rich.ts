/**
 * Rich messages (an agent's or a bot's `content`): quick-reply and link buttons, cards, and a
 * choice the visitor answers once. Part of the `more` chunk (see LiveChat._need): the core only
 * asks for it when a message carries content.
 *
 * Every text is bound as text. Links are https only (the server refuses others; checked again
 * here) and open in a new tab without an opener or a referrer. A choice is a group of buttons:
 * the one picked is `aria-pressed`, and all are disabled once the visitor has answered; the
 * answer itself is the visitor's own message (the server stores it once, see `message:choose`).
 */
import { css, html, nothing, type TemplateResult } from 'lit'
import type { Message, RichButton } from '@live-chat/sdk'
import type { LiveChat } from './live-chat.js'
import { sayWith } from './i18n/say.js'
import { enMore } from './i18n/en-more.js'

const say = sayWith(enMore)

/** Per widget, the choices whose answer is on its way (its clicks meanwhile do nothing). */
const pending = new WeakMap<LiveChat, Set<string>>()
const choosing = (w: LiveChat): Set<string> => pending.get(w) ?? pending.set(w, new Set()).get(w)!

export function richView(w: LiveChat, m: Message): TemplateResult | typeof nothing {
  const c = m.content
  if (!c) return nothing
  if (c.kind === 'buttons') return buttons(w, m, c.buttons)
  if (c.kind === 'card') {
    return html`<div class="card" part="card">
      ${c.imageUrl && safe(c.imageUrl) ? html`<img src=${c.imageUrl} alt=${c.imageAlt || c.title} loading="lazy" />` : nothing}
      <div class="card-body">
        <strong>${c.title}</strong>
        ${c.text ? html`<p>${c.text}</p>` : nothing}
      </div>
      ${c.buttons ? buttons(w, m, c.buttons) : nothing}
    </div>`
  }
  const picked = w._msgs.find((x) => x.answer?.messageId === m.id)?.answer?.optionId
  const off = picked !== undefined || choosing(w).has(m.id) || w._conv?.status === 'closed'
  // The buttons are named by the question, or say what they are for when there is none.
  return html`<div class="actions" role="group" aria-label=${m.text || say(w, 'choose')}>
    ${c.options.map(
      (o) => html`<button
        class="action"
        aria-pressed=${o.id === picked ? 'true' : 'false'}
        ?disabled=${off}
        @click=${() => void choose(w, m, o.id)}
      >
        ${o.label}
      </button>`,
    )}
  </div>`
}

function buttons(w: LiveChat, m: Message, list: RichButton[]): TemplateResult {
  // Quick replies are for the moment they are asked: once the visitor has written after them, they go.
  const answered = w._msgs.some((x) => x.senderType === 'visitor' && x.seq > m.seq)
  return html`<div class="actions" role="group">
    ${list.map((b) =>
      b.type === 'link'
        ? safe(b.url)
          ? html`<a class="action" href=${b.url} target="_blank" rel="noopener noreferrer">${b.label}</a>`
          : nothing
        : answered
          ? nothing
          : html`<button class="action" @click=${() => reply(w, b.value || b.label)}>${b.label}</button>`,
    )}
  </div>`
}

/** Links and images are https only (the server refuses others; checked again here). */
export const safe = (url: string) => /^https:\/\//i.test(url)

function reply(w: LiveChat, text: string): void {
  const conv = w._conv
  if (conv) w.client?.send(conv.id, text).catch(() => {})
}

async function choose(w: LiveChat, m: Message, optionId: string): Promise<void> {
  const busy = choosing(w)
  if (busy.has(m.id)) return
  busy.add(m.id)
  w.requestUpdate()
  try {
    await w.client?.choose(m.conversationId, m.id, optionId)
  } catch {
    // Refused or not sent: the buttons come back, the visitor may try again.
  } finally {
    busy.delete(m.id)
    w.requestUpdate()
  }
}

export const richStyles = css`
  /* A message of rich content alone (a card without text) has no bubble. */
  .bubble:empty {
    display: none;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-top: 6px;
  }
  .action {
    border: 1px solid var(--a);
    color: var(--a);
    background: var(--bg);
    border-radius: 999px;
    padding: 6px 12px;
    font-size: 14px;
    text-decoration: none;
  }
  .action:disabled {
    opacity: 0.6;
  }
  .action[aria-pressed='true'] {
    background: var(--a);
    color: var(--on);
    opacity: 1;
  }
  .card {
    margin-top: 6px;
    border-radius: 12px;
    overflow: hidden;
    background: var(--agent-bg);
    max-width: 260px;
  }
  .card img {
    display: block;
    width: 100%;
    max-height: 160px;
    object-fit: cover;
  }
  .card-body {
    padding: 8px 12px;
  }
  .card .actions {
    padding: 0 12px 10px;
  }
`
