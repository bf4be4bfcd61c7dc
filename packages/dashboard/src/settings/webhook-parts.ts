// Parts of <lcd-settings-webhooks>: the words for webhook events, the form fields (URL, events),
// the note that shows a new secret once, and a webhook's delivery log as a table.
import { css, html, nothing } from 'lit'
import type { Webhook, WebhookDelivery, WebhookEvent } from '@live-chat/sdk'
import type { FieldErrors } from '../shared/form.js'
import { fullTime } from '../shared/util.js'

/**
 * The events a webhook may subscribe to, in the order shown, with words for people. A Record, so
 * a WebhookEvent added to the protocol does not compile until it is listed here. (The dashboard
 * imports types only from @live-chat/protocol: WEBHOOK_EVENTS would bring its zod schemas along.)
 */
export const EVENT_WORDS: Record<WebhookEvent, string> = {
  'conversation.created': 'A conversation starts',
  'message.created': 'A message is sent (visitor or agent; not private notes)',
  'message.updated': 'A message is edited by its sender (not private notes)',
  'message.deleted': 'A message is unsent by its sender (not private notes)',
  'conversation.assigned': 'A conversation is assigned or transferred',
  'conversation.resolved': 'A conversation is resolved',
  'conversation.missed': 'A conversation is marked missed (no agent replied in time)',
  'conversation.sla_breached': 'An SLA target (first reply, next reply, resolution) was missed',
  'offline_message.created': 'An offline message arrives',
  'visitor.erased': 'A visitor is erased (ids only: erase your copies too)',
}

export const EVENTS = Object.keys(EVENT_WORDS) as WebhookEvent[]

/** The events as checkboxes (`name="events"`), `checked` ticked; the server's error for `events` below them. */
export function eventBoxes(checked: readonly WebhookEvent[], errors: FieldErrors) {
  const a = errors.aria('events')
  return html`<fieldset aria-describedby=${a.describedby}>
    <legend>Events</legend>
    ${EVENTS.map(
      (e) => html`<label class="check"
        ><input type="checkbox" name="events" value=${e} .checked=${checked.includes(e)} /> ${EVENT_WORDS[e]} <code class="muted">${e}</code></label
      >`,
    )}
    ${errors.text('events')}
  </fieldset>`
}

/** The webhook's secret, shown once: after it was added, or rotated (then until when the old one still signs). */
export function secretNote(w: Webhook, rotated: boolean, copied: string, onCopy: () => void, onDone: () => void) {
  const until = w.previousSecretValidUntil
  return html`<div class="created" role="status">
    <strong>${rotated ? `The webhook to ${w.url} has a new secret.` : `The webhook to ${w.url} was added.`}</strong>
    <span>Its signing secret is shown only this once. Keep it with your receiver, which uses it to check the signature of each delivery.</span>
    ${rotated && until ? html`<span>Until <time datetime=${until}>${fullTime(until)}</time>, each delivery is also signed with the previous secret, so your receiver keeps working while you update it.</span>` : nothing}
    <div class="add">
      <code class="secret" aria-label="Signing secret">${w.secret}</code>
      <button type="button" @click=${onCopy}>Copy secret</button>
      <span class="muted">${copied}</span>
    </div>
    <div><button type="button" class="link" @click=${onDone}>Done</button></div>
  </div>`
}

/** The URL field (`name="url"`) with the server's error for `url`. */
export function urlField(value: string, errors: FieldErrors) {
  const a = errors.aria('url')
  return html`<label
    >URL
    <input name="url" type="url" required placeholder="https://example.com/hooks/live-chat" autocomplete="off" .value=${value} aria-invalid=${a.invalid} aria-describedby=${a.describedby} />
    ${errors.text('url')}</label
  >`
}

const STATUS_WORDS: Record<WebhookDelivery['status'], string> = { pending: 'Pending', delivered: 'Delivered', failed: 'Failed' }

export const deliveryStyles = css`
  table.log {
    width: 100%;
    border-collapse: collapse;
    font-size: 13px;
  }
  table.log th,
  table.log td {
    text-align: left;
    padding: 4px 8px;
    border-bottom: 1px solid var(--line);
    vertical-align: top;
  }
  table.log .num {
    text-align: right;
  }
  .state {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    white-space: nowrap;
  }
  .state.delivered .dot {
    background: var(--ok);
  }
  .state.pending .dot {
    background: var(--warn);
  }
  .state.failed .dot {
    background: var(--danger);
  }
  .why {
    overflow-wrap: anywhere;
  }
  /* Phones: each delivery is a small block of labelled lines instead of a row of seven cells. */
  @media (max-width: 600px) {
    table.log thead {
      display: none;
    }
    table.log tr,
    table.log td {
      display: block;
    }
    table.log tr {
      padding: 6px 0;
      border-bottom: 1px solid var(--line);
    }
    table.log td,
    table.log .num {
      border: 0;
      padding: 1px 0;
      text-align: left;
    }
    table.log td[data-label]::before {
      content: attr(data-label) ': ';
      color: var(--muted);
    }
  }
  .health {
    display: block;
    margin-top: 4px;
    font-weight: normal;
    font-size: 13px;
    overflow-wrap: anywhere;
  }
  .health.paused {
    color: var(--danger);
  }
  .health.failing {
    color: var(--muted);
  }
`

/** What the receiver answered on the last try. */
function response(d: WebhookDelivery) {
  if (d.lastStatus !== null) return html`HTTP ${d.lastStatus}${d.lastError && !d.lastError.startsWith('HTTP') ? html` <span class="muted why">${d.lastError}</span>` : nothing}`
  if (d.lastError) return html`<span class="why">No answer: ${d.lastError}</span>`
  return html`<span class="muted">—</span>`
}

/** When the next try is due (pending deliveries only). */
function nextTry(d: WebhookDelivery) {
  if (d.status !== 'pending') return html`<span class="muted">—</span>`
  return d.attempts === 0 ? 'Queued' : html`<time datetime=${d.nextAttemptAt}>${fullTime(d.nextAttemptAt)}</time>`
}

/**
 * How the receiver is doing, under its URL: nothing while deliveries flow; the failures in a row;
 * or, once it kept failing, that nothing is sent to it until a time (then one delivery is tried).
 */
export function health(w: Webhook) {
  if (w.pausedUntil) {
    return html`<span class="health paused" role="note"
      >Paused after ${w.consecutiveFailures} failed tries in a row: nothing is sent until <time datetime=${w.pausedUntil}>${fullTime(w.pausedUntil)}</time>, then one delivery is tried. “Redeliver” tries at once.</span
    >`
  }
  if (w.consecutiveFailures > 0) return html`<span class="health failing">${w.consecutiveFailures} failed ${w.consecutiveFailures === 1 ? 'try' : 'tries'} in a row</span>`
  return nothing
}

/** The delivery log table, newest first, captioned with the webhook's URL; each delivery can be sent again. */
export function deliveryLog(url: string, deliveries: readonly WebhookDelivery[], onRedeliver: (d: WebhookDelivery) => void) {
  if (!deliveries.length) return html`<p class="muted">Nothing sent yet. “Send test” sends a ping.</p>`
  return html`<table class="log">
    <caption class="sr-only">Deliveries to ${url}, newest first</caption>
    <thead>
      <tr>
        <th scope="col">Event</th>
        <th scope="col">Status</th>
        <th scope="col" class="num">Attempts</th>
        <th scope="col">Response</th>
        <th scope="col">Next retry</th>
        <th scope="col">Time</th>
        <th scope="col"><span class="sr-only">Actions</span></th>
      </tr>
    </thead>
    <tbody>
      ${deliveries.map(
        (d) => html`<tr data-delivery=${d.id} data-status=${d.status}>
          <td data-label="Event"><code>${d.event}</code></td>
          <td data-label="Status"><span class="state ${d.status}"><span class="dot" aria-hidden="true"></span>${STATUS_WORDS[d.status]}</span></td>
          <td class="num" data-label="Attempts">${d.attempts}</td>
          <td data-label="Response">${response(d)}</td>
          <td data-label="Next retry">${nextTry(d)}</td>
          <td data-label="Time"><time datetime=${d.createdAt}>${fullTime(d.createdAt)}</time></td>
          <td>
            ${d.status === 'pending' && d.attempts === 0
              ? nothing
              : html`<button class="link" data-redeliver=${d.id} aria-label="Redeliver ${d.event} of ${fullTime(d.createdAt)}" @click=${() => onRedeliver(d)}>Redeliver</button>`}
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`
}
