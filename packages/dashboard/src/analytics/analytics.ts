import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentAnalytics, type AgentClient, type AnalyticsReport, type SlaKind, type SlaReport } from '@live-chat/sdk'
import { SLA_KIND_LABELS } from '../shared/sla.js'
import { base } from '../shared/styles.js'
import { analyticsStyles } from './analytics.styles.js'
import { define } from '../shared/define.js'
import { saveBlob } from '../shared/download.js'
import {
  PRESETS,
  WEEKDAYS,
  busiest,
  csatSummary,
  csvName,
  dayLabel,
  daysSummary,
  formatCount,
  formatDuration,
  formatMean,
  formatRate,
  heatLevel,
  hourSpan,
  isEmpty,
  presetRange,
  rangeLabel,
  rangeProblem,
  stars,
  type DateRange,
  type Preset,
} from './model.js'
import './chart.js'

const HOURS = Array.from({ length: 24 }, (_, h) => h)

/**
 * The site's analytics over a range of days in the site's time zone: figures (conversations,
 * messages, first response and resolution times, CSAT, missed, offline), conversations per day,
 * ratings, busiest hours and per-agent figures, and the same as CSV. Admins only.
 */
export class LcdAnalytics extends LitElement {
  static override styles = [base, analyticsStyles]
  static override properties = {
    client: { attribute: false },
    admin: { type: Boolean },
    _timezone: { state: true },
    _preset: { state: true },
    _range: { state: true },
    _report: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _downloading: { state: true },
    _downloadError: { state: true },
  }

  client: AgentClient | null = null
  /** The viewer is an admin of the site (only admins see analytics). */
  admin = false

  /** @internal The site's time zone (its widget settings). */ _timezone = ''
  /** @internal The chosen preset, or null for custom dates. */ _preset: Preset | null = 30
  /** @internal */ _range: DateRange = { from: '', to: '' }
  /** @internal */ _report: AnalyticsReport | null = null
  /** @internal */ _loading = false
  /** @internal */ _error = ''
  /** @internal */ _downloading = false
  /** @internal */ _downloadError = ''

  #loadedFor = ''
  /** Bumped by each load: answers to older ones are dropped. */
  #generation = 0

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const key = `${this.client?.siteId ?? ''}|${this.admin}`
    if (this.client?.siteId && this.admin && key !== this.#loadedFor) {
      this.#loadedFor = key
      void this.#start()
    }
  }

  async #start(): Promise<void> {
    const client = this.client!
    this._error = ''
    try {
      this._timezone = (await client.settings.get()).widget.timezone
    } catch (error) {
      this._error = `Could not load the site’s settings: ${LiveChatError.from(error).message}`
      return
    }
    this.#choose(this._preset ?? 30)
  }

  #choose(days: Preset): void {
    this._preset = days
    this._range = presetRange(days, this._timezone)
    void this.#load()
  }

  #setDate(which: 'from' | 'to', value: string): void {
    this._preset = null
    this._range = { ...this._range, [which]: value }
    if (!rangeProblem(this._range)) void this.#load()
  }

  async #load(): Promise<void> {
    const client = this.client
    if (!client) return
    const generation = ++this.#generation
    const range = this._range
    this._loading = true
    this._error = ''
    try {
      const report = await client.analytics.report(range)
      if (generation === this.#generation) this._report = report
    } catch (error) {
      if (generation === this.#generation) this._error = `Could not load the analytics: ${LiveChatError.from(error).message}`
    } finally {
      if (generation === this.#generation) this._loading = false
    }
  }

  #download = async (): Promise<void> => {
    const client = this.client
    const range = this._range
    if (!client || this._downloading || rangeProblem(range)) return
    this._downloading = true
    this._downloadError = ''
    try {
      saveBlob(await client.analytics.csv(range), csvName('analytics', range))
    } catch (error) {
      this._downloadError = `Could not download the CSV: ${LiveChatError.from(error).message}`
    } finally {
      this._downloading = false
    }
  }

  override render() {
    if (!this.admin) {
      return html`<div class="page"><h2>Analytics</h2><p class="muted" role="note">Only site admins can see analytics.</p></div>`
    }
    const problem = this._range.from && this._range.to ? rangeProblem(this._range) : ''
    const r = this._report
    return html`<div class="page">
      <div class="top">
        <h2>Analytics</h2>
        ${this._timezone ? html`<span class="muted">Days and hours in ${this._timezone}</span>` : nothing}
        <span class="spacer"></span>
        <button ?disabled=${this._downloading || !!problem || !this._range.from} @click=${this.#download}>${this._downloading ? 'Preparing…' : 'Download CSV'}</button>
      </div>
      ${this._downloadError ? html`<p class="err" role="alert">${this._downloadError}</p>` : nothing}
      <fieldset>
        <legend>Period</legend>
        <div class="presets" role="group" aria-label="Presets">
          ${PRESETS.map(
            (days) =>
              html`<button type="button" aria-pressed=${this._preset === days ? 'true' : 'false'} ?disabled=${!this._timezone} @click=${() => this.#choose(days)}>Last ${days} days</button>`,
          )}
        </div>
        <label
          >From
          <input type="date" name="from" .value=${this._range.from} max=${this._range.to || nothing} aria-invalid=${problem ? 'true' : 'false'} aria-describedby=${problem ? 'range-err' : nothing} @change=${(e: Event) => this.#setDate('from', (e.target as HTMLInputElement).value)}
        /></label>
        <label
          >To
          <input type="date" name="to" .value=${this._range.to} min=${this._range.from || nothing} aria-invalid=${problem ? 'true' : 'false'} aria-describedby=${problem ? 'range-err' : nothing} @change=${(e: Event) => this.#setDate('to', (e.target as HTMLInputElement).value)}
        /></label>
        ${problem ? html`<p class="err" id="range-err">${problem}</p>` : nothing}
      </fieldset>
      <p class="muted" role="status">${this._loading ? 'Loading…' : r ? `Showing ${rangeLabel(r)}.` : ''}</p>
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}
      ${r ? (isEmpty(r) ? this.#empty(r) : this.#report(r)) : nothing}
    </div>`
  }

  #empty(r: AnalyticsReport) {
    return html`<div class="empty">
      <h3>No conversations in this period</h3>
      <p class="muted">Nothing happened between ${rangeLabel(r)}. Pick a longer period, or come back once visitors have chatted.</p>
    </div>`
  }

  #report(r: AnalyticsReport) {
    const fr = r.firstResponse
    const tile = (id: string, label: string, value: string, sub: string) =>
      html`<div class="tile" data-kpi=${id}>
        <dt>${label}</dt>
        <dd class="value">${value}</dd>
        <dd class="sub muted">${sub}</dd>
      </div>`
    return html`<section aria-label="Key figures">
        <dl class="tiles">
          ${tile('conversations', 'Conversations', formatCount(r.conversations), `${formatCount(r.resolved)} resolved`)}
          ${tile('messages', 'Messages', formatCount(r.messages.total), `${formatCount(r.messages.visitor)} from visitors, ${formatCount(r.messages.agent)} from agents`)}
          ${tile('first-response-median', 'First response (median)', formatDuration(fr.median), `mean ${formatDuration(fr.mean)}, ${formatCount(fr.count)} answered`)}
          ${tile('first-response-p90', 'First response (90th percentile)', formatDuration(fr.p90), '9 in 10 first replies came sooner')}
          ${tile('resolution-median', 'Resolution (median)', formatDuration(r.resolution.median), `${formatCount(r.resolution.count)} resolved`)}
          ${tile('csat', 'CSAT', r.csat.mean === null ? '—' : `${formatMean(r.csat.mean)} / 5`, `${formatCount(r.csat.count)} ${r.csat.count === 1 ? 'rating' : 'ratings'}`)}
          ${tile('missed', 'Missed', formatCount(r.missed), 'waited with no reply')}
          ${tile('offline', 'Offline messages', formatCount(r.offline), 'left while nobody was online')}
        </dl>
      </section>
      <div class="cards">
        <section class="card" aria-labelledby="days-h">
          <h3 id="days-h">Conversations per day</h3>
          <lcd-chart
            type="line"
            label-header="Day"
            caption="Conversations, missed and offline messages per day"
            .summary=${daysSummary(r)}
            .labels=${r.days.map((d) => dayLabel(d.date))}
            .series=${[
              { label: 'Conversations', data: r.days.map((d) => d.conversations), color: '#2563eb' },
              { label: 'Missed', data: r.days.map((d) => d.missed), color: '#d97706' },
              { label: 'Offline', data: r.days.map((d) => d.offline), color: '#6b7280' },
            ]}
          ></lcd-chart>
        </section>
        <section class="card" aria-labelledby="csat-h">
          <h3 id="csat-h">Customer satisfaction</h3>
          <lcd-chart
            type="bar"
            label-header="Rating"
            caption="Ratings by score"
            .summary=${csatSummary(r.csat)}
            .labels=${[1, 2, 3, 4, 5].map(stars)}
            .series=${[{ label: 'Ratings', data: [...r.csat.distribution], color: '#2563eb' }]}
          ></lcd-chart>
        </section>
      </div>
      ${this.#heat(r)} ${this.#agents(r.agents)} ${this.#sla(r.sla)}`
  }

  #heat(r: AnalyticsReport) {
    const max = Math.max(0, ...r.busiestHours.flat())
    const top = busiest(r.busiestHours)
    return html`<section class="card" aria-labelledby="heat-h">
      <h3 id="heat-h">Busiest hours</h3>
      <p class="muted">
        ${top
          ? `Busiest: ${top.weekday} ${hourSpan(top.hour)}, ${formatCount(top.count)} ${top.count === 1 ? 'conversation' : 'conversations'} started.`
          : 'No conversations started in this period.'}
      </p>
      <div class="scroll">
        <table class="heat">
          <caption class="sr-only">Conversations started by weekday and hour (${r.timezone})</caption>
          <thead>
            <tr>
              <td></td>
              ${HOURS.map((h) => html`<th scope="col"><span aria-hidden="true">${h}</span><span class="sr-only">${hourSpan(h)}</span></th>`)}
            </tr>
          </thead>
          <tbody>
            ${WEEKDAYS.map(
              (day, d) => html`<tr>
                <th scope="row"><span aria-hidden="true">${day.slice(0, 3)}</span><span class="sr-only">${day}</span></th>
                ${HOURS.map((h) => {
                  const n = r.busiestHours[d]?.[h] ?? 0
                  return html`<td class="h${heatLevel(n, max)}" title="${day} ${hourSpan(h)}: ${n}">${n ? formatCount(n) : html`<span class="sr-only">0</span>`}</td>`
                })}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="legend muted" aria-hidden="true">
        Fewer <span class="swatch"></span><span class="swatch h1"></span><span class="swatch h2"></span><span class="swatch h3"></span><span class="swatch h4"></span> More
      </div>
    </section>`
  }

  /** `agents` come from the server busiest first (handled, then messages, then name). */
  #agents(rows: AgentAnalytics[]) {
    return html`<section class="card" aria-labelledby="agents-h">
      <h3 id="agents-h">Agents</h3>
      ${rows.length
        ? html`<div class="scroll">
            <table class="agents">
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col" class="num">Handled</th>
                  <th scope="col" class="num">Messages</th>
                  <th scope="col" class="num">First response (median)</th>
                  <th scope="col" class="num">CSAT</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (a) => html`<tr data-agent=${a.agentId}>
                    <th scope="row">${a.name}</th>
                    <td class="num">${formatCount(a.handled)}</td>
                    <td class="num">${formatCount(a.messages)}</td>
                    <td class="num">${formatDuration(a.firstResponse.median)}</td>
                    <td class="num">${formatMean(a.csat.mean)} <span class="muted">(${formatCount(a.csat.count)} ${a.csat.count === 1 ? 'rating' : 'ratings'})</span></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p class="muted">No agent handled a conversation in this period.</p>`}
    </section>`
  }

  /** SLA targets met in time, overall (per kind), per agent and per team: clocks started in the range that are settled. */
  #sla(s: SlaReport) {
    const rows = (label: string, list: SlaRow[]) =>
      list.map(
        (x) => html`<tr data-sla=${label}:${x.key}>
          <th scope="row">${x.name}</th>
          <td class="num">${formatRate(x.rate)}</td>
          <td class="num">${formatCount(x.met)}</td>
          <td class="num">${formatCount(x.breached)}</td>
        </tr>`,
      )
    const table = (caption: string, list: SlaRow[]) => html`<table class="agents">
      <caption class="sr-only">${caption}</caption>
      <thead>
        <tr>
          <th scope="col">${caption}</th>
          <th scope="col" class="num">Met</th>
          <th scope="col" class="num">In time</th>
          <th scope="col" class="num">Breached</th>
        </tr>
      </thead>
      <tbody>
        ${rows(caption, list)}
      </tbody>
    </table>`
    const kinds = (Object.keys(SLA_KIND_LABELS) as SlaKind[]).map((k) => ({
      key: k,
      name: SLA_KIND_LABELS[k],
      ...s.byKind[k],
      rate: s.byKind[k].met + s.byKind[k].breached ? s.byKind[k].met / (s.byKind[k].met + s.byKind[k].breached) : null,
    }))
    return html`<section class="card" aria-labelledby="sla-h">
      <h3 id="sla-h">SLA targets met: ${formatRate(s.rate)}</h3>
      ${s.met + s.breached
        ? html`<div class="scroll">
            ${table('Target', kinds)} ${table('Agent', s.agents.map((a) => ({ ...a, key: a.agentId })))}
            ${table('Team', s.teams.map((t) => ({ ...t, key: t.teamId ?? 'none' })))}
          </div>`
        : html`<p class="muted">No SLA target came due in this period (Settings → SLA sets them).</p>`}
    </section>`
  }
}
define('lcd-analytics', LcdAnalytics)

/** A row of the SLA tables: a target, an agent or a team. */
type SlaRow = { key: string; name: string; met: number; breached: number; rate: number | null }

declare global {
  interface HTMLElementTagNameMap {
    'lcd-analytics': LcdAnalytics
  }
}
