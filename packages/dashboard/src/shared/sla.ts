// A conversation's SLA clock where agents look: a pill saying which target is next and how long is
// left ("First reply in 4m"), amber in its last 10 minutes, red once overdue. It re-renders by
// itself every 15 seconds. The due time comes from the server (counted in business hours there).
import { LitElement, css, html, nothing } from 'lit'
import type { SlaClock, SlaKind } from '@live-chat/sdk'
import { define } from './define.js'
import { fullTime } from './util.js'
import { formatDuration } from '../analytics/model.js'

export const SLA_KIND_LABELS: Record<SlaKind, string> = {
  first_response: 'First reply',
  next_response: 'Next reply',
  resolution: 'Resolution',
}

export type SlaState = 'ok' | 'soon' | 'overdue'

/** Where a clock stands at `now`: its state and its words. */
export function slaStatus(clock: SlaClock, now: number): { state: SlaState; text: string; short: string; title: string } | null {
  if (!clock.dueAt) return null
  const left = Date.parse(clock.dueAt) - now
  const what = SLA_KIND_LABELS[clock.kind]
  const title = `${what} due ${fullTime(clock.dueAt)} (SLA)`
  if (left <= 0 || clock.breachedAt) {
    const late = formatDuration(Math.max(0, -left) / 1000)
    return { state: 'overdue', text: `${what} overdue ${late}`, short: `${late} late`, title: `${what} overdue by ${late}: was due ${fullTime(clock.dueAt)} (SLA)` }
  }
  const inTime = formatDuration(left / 1000)
  return { state: left <= 10 * 60_000 ? 'soon' : 'ok', text: `${what} in ${inTime}`, short: inTime, title: `${what} due in ${inTime}, ${fullTime(clock.dueAt)} (SLA)` }
}

/**
 * `<lcd-sla-clock .clock=${conversation.sla}>`: the pill. With `compact` (the inbox list) it shows
 * only a clock that is due within the hour or overdue.
 */
export class LcdSlaClock extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
    }
    span {
      font-size: 11px;
      font-weight: 700;
      padding: 0 6px;
      border-radius: 999px;
      white-space: nowrap;
      background: #e2e8f0;
      color: #334155;
    }
    .soon {
      background: #fef3c7;
      color: #92400e;
    }
    .overdue {
      background: #fee2e2;
      color: #b91c1c;
    }
  `

  static override properties = {
    clock: { attribute: false },
    compact: { type: Boolean },
    _now: { state: true },
  }

  clock: SlaClock | null = null
  /** Only a clock due within the hour or overdue, in short (the inbox list: "⏱ 5m", "⏱ 7m late"). */
  compact = false
  /** @internal */ _now = Date.now()
  #timer: ReturnType<typeof setInterval> | undefined

  override connectedCallback(): void {
    super.connectedCallback()
    this.#timer = setInterval(() => (this._now = Date.now()), 15_000)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.#timer)
  }

  override render() {
    const s = this.clock ? slaStatus(this.clock, this._now) : null
    if (!s || (this.compact && s.state === 'ok' && Date.parse(this.clock!.dueAt!) - this._now > 3_600_000)) return nothing
    return html`<span class=${s.state} role="timer" title=${s.title} aria-label=${s.title}>⏱ ${this.compact ? s.short : s.text}</span>`
  }
}
define('lcd-sla-clock', LcdSlaClock)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-sla-clock': LcdSlaClock
  }
}
