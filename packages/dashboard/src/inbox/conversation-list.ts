import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import type { AgentSummary, ContactAttribute, ConversationSummary, Priority, Team } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire, shortTime, fullTime, initials, visitorName } from '../shared/util.js'
import { ALL, PRIORITIES, TABS, moreFilters, preview, type ListView } from './model.js'
import { ratingBadge, ratingStyles } from '../shared/rating.js'
import '../shared/sla.js'
import { herePill, hereStyles, type Colleague } from './colleagues.js'

const SEARCH_DELAY_MS = 300

/**
 * The inbox's conversation list: filter tabs, priority/tag filters, search, more filters (dates,
 * agent, rating, missed), CSV export, and the conversations as a listbox (ArrowUp/ArrowDown or
 * k/j move, Enter or a click opens).
 *
 * @fires {CustomEvent<{id: string}>} lcd-open - The agent opened a conversation.
 * @fires {CustomEvent<Partial<ListView>>} lcd-view-change - The agent changed a filter or the search (debounced).
 * @fires {CustomEvent<{}>} lcd-load-more - The agent asked for (or scrolled to) the next page.
 * @fires {CustomEvent<{}>} lcd-mentions-open - The agent asked for their Mentions.
 * @fires {CustomEvent<{}>} lcd-export - The agent asked for the filtered list as CSV.
 */
export class LcdConversationList extends LitElement {
  static override styles = [
    base,
    ratingStyles,
    hereStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--bg);
        border-right: 1px solid var(--line);
      }
      .filters {
        display: grid;
        gap: 8px;
        padding: 10px 12px;
        border-bottom: 1px solid var(--line);
      }
      .tabs {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .tabs button {
        padding: 3px 9px;
        border-radius: 999px;
        font-size: 13px;
      }
      .tabs button[aria-pressed='true'] {
        background: var(--accent-weak);
        border-color: var(--accent);
        color: #1e40af;
        font-weight: 600;
      }
      .row {
        display: flex;
        gap: 6px;
      }
      .row > * {
        flex: 1;
        width: 0;
      }
      input[type='search'],
      select.team {
        width: 100%;
      }
      [role='listbox'] {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      [role='option'] {
        display: grid;
        grid-template-columns: 36px minmax(0, 1fr) auto;
        gap: 2px 10px;
        padding: 10px 12px;
        border-bottom: 1px solid var(--line);
        cursor: pointer;
      }
      [role='option']:hover {
        background: var(--bg-soft);
      }
      [role='option'][aria-selected='true'] {
        background: var(--accent-weak);
        box-shadow: inset 3px 0 var(--accent);
      }
      [role='option']:focus-visible {
        outline-offset: -2px;
      }
      .avatar {
        grid-row: span 2;
        position: relative;
        width: 36px;
        height: 36px;
        border-radius: 50%;
        background: var(--bg-soft);
        border: 1px solid var(--line);
        display: grid;
        place-items: center;
        font-size: 12px;
        font-weight: 600;
      }
      .avatar .dot {
        position: absolute;
        right: -1px;
        bottom: -1px;
        width: 10px;
        height: 10px;
        border: 2px solid var(--bg);
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .unread .name,
      .unread .preview {
        color: var(--fg);
        font-weight: 700;
      }
      time {
        font-size: 12px;
        color: var(--muted);
        justify-self: end;
      }
      .preview {
        color: var(--muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-size: 13px;
      }
      .badges {
        display: flex;
        gap: 4px;
        justify-self: end;
        align-items: center;
      }
      .prio {
        font-size: 11px;
        font-weight: 700;
        text-transform: uppercase;
        color: var(--danger);
      }
      .tools {
        display: flex;
        gap: 6px;
        justify-content: space-between;
      }
      .tools button {
        padding: 3px 9px;
        font-size: 13px;
      }
      .more {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 6px;
        font-size: 13px;
      }
      .more label {
        font-weight: 500;
      }
      .more .wide {
        grid-column: span 2;
      }
      .more label.check {
        display: flex;
        gap: 6px;
        align-items: center;
        font-weight: 400;
      }
      .foot {
        padding: 10px;
        text-align: center;
      }
      .empty {
        padding: 24px 12px;
        text-align: center;
      }
    `,
  ]
  static override properties = {
    conversations: { attribute: false },
    unread: { attribute: false },
    selectedId: { attribute: false },
    view: { attribute: false },
    hasMore: { attribute: false },
    loading: { attribute: false },
    error: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    contactAttributes: { attribute: false },
    exporting: { attribute: false },
    viewers: { attribute: false },
    writing: { attribute: false },
    mentions: { attribute: false },
    _active: { state: true },
    _more: { state: true },
  }

  /** Per conversation: the other agents viewing it. */
  viewers: ReadonlyMap<string, Colleague[]> = new Map()
  /** Per conversation: the other agents writing a reply in it. */
  writing: ReadonlyMap<string, Colleague[]> = new Map()
  /** The conversations to show, in order. */
  conversations: ConversationSummary[] = []
  /** Unread visitor messages per conversation id. */
  unread: ReadonlyMap<string, number> = new Map()
  /** The open conversation. */
  selectedId = ''
  /** The filters shown as chosen. */
  view: ListView = ALL
  /** Another page exists. */
  hasMore = false
  /** A page is being loaded. */
  loading = false
  /** Why the list could not be loaded. */
  error = ''
  /** The site's agents (the agent filter). */
  agents: AgentSummary[] = []
  /** The site's teams (the team filter, shown when there are any). */
  teams: Team[] = []
  /** The site's contact attributes (the attribute filter, shown when there are any). */
  contactAttributes: ContactAttribute[] = []
  /** An export is being prepared. */
  exporting = false
  /** The agent's unread mentions (the Mentions button's count). */
  mentions = 0

  /** @internal The option that has (or gets) the keyboard focus. */
  _active = ''
  /** @internal The more filters are shown. */
  _more = false

  #search: ReturnType<typeof setTimeout> | undefined

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this.#search)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('selectedId') && this.selectedId) this._active = this.selectedId
    if (!this.conversations.some((c) => c.id === this._active)) this._active = this.selectedId || this.conversations[0]?.id || ''
  }

  override render() {
    const v = this.view
    return html`<div class="filters">
        <div class="tabs" role="group" aria-label="Show">
          ${TABS.map((t) => html`<button aria-pressed=${v.tab === t.id ? 'true' : 'false'} @click=${() => this.#change({ tab: t.id })}>${t.label}</button>`)}
          <button class="mentions" aria-pressed="false" @click=${() => fire(this, 'lcd-mentions-open', {})}>
            Mentions${this.mentions ? html` <span class="count">${this.mentions > 99 ? '99+' : this.mentions}<span class="sr-only"> unread</span></span>` : nothing}
          </button>
        </div>
        <input type="search" aria-label="Search conversations" placeholder="Search name, email, messages…" .value=${v.q} @input=${this.#onSearch} />
        <div class="row">
          <select aria-label="Filter by priority" .value=${v.priority} @change=${(e: Event) => this.#change({ priority: (e.target as HTMLSelectElement).value as Priority | '' })}>
            <option value="" ?selected=${v.priority === ''}>Any priority</option>
            ${PRIORITIES.map((p) => html`<option value=${p} ?selected=${v.priority === p}>${p[0]!.toUpperCase() + p.slice(1)}</option>`)}
          </select>
          <input aria-label="Filter by tag" placeholder="Tag" .value=${v.tag} @change=${(e: Event) => this.#change({ tag: (e.target as HTMLInputElement).value })} />
        </div>
        ${this.teams.length || v.teamId
          ? html`<select class="team" aria-label="Filter by team" .value=${v.teamId} @change=${(e: Event) => this.#change({ teamId: (e.target as HTMLSelectElement).value })}>
              <option value="" ?selected=${!v.teamId}>Any team</option>
              ${this.teams.map((t) => html`<option value=${t.id} ?selected=${t.id === v.teamId}>${t.name} team</option>`)}
            </select>`
          : nothing}
        <div class="tools">
          <button aria-expanded=${this._more ? 'true' : 'false'} aria-controls="more" @click=${() => (this._more = !this._more)}>
            More filters${moreFilters(v) ? ` (${moreFilters(v)})` : ''}
          </button>
          <button ?disabled=${this.exporting} @click=${() => fire(this, 'lcd-export', {})}>${this.exporting ? 'Exporting…' : 'Export CSV'}</button>
        </div>
        ${this.#more(v)}
      </div>
      <ul role="listbox" aria-label="Conversations" aria-busy=${this.loading ? 'true' : 'false'} @keydown=${this.#onKey} @scroll=${this.#onScroll}>
        ${this.conversations.map((c) => this.#item(c))}
      </ul>
      ${this.error ? html`<p class="err foot" role="alert">${this.error}</p>` : nothing}
      ${!this.loading && !this.error && this.conversations.length === 0 ? html`<p class="muted empty">No conversations here.</p>` : nothing}
      ${this.hasMore ? html`<div class="foot"><button ?disabled=${this.loading} @click=${() => fire(this, 'lcd-load-more', {})}>${this.loading ? 'Loading…' : 'Load more'}</button></div>` : nothing}
      ${this.loading && !this.hasMore ? html`<p class="muted foot" role="status">Loading…</p>` : nothing}`
  }

  #more(v: ListView) {
    const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value
    return html`<div class="more" id="more" role="group" aria-label="More filters" ?hidden=${!this._more}>
      <label>From <input type="date" name="from" .value=${v.from} max=${v.to || nothing} @change=${(e: Event) => this.#change({ from: value(e) })} /></label>
      <label>To <input type="date" name="to" .value=${v.to} min=${v.from || nothing} @change=${(e: Event) => this.#change({ to: value(e) })} /></label>
      <label
        >Agent
        <select name="agent" .value=${v.agentId} @change=${(e: Event) => this.#change({ agentId: value(e) })}>
          <option value="" ?selected=${!v.agentId}>Any agent</option>
          ${this.agents.map((a) => html`<option value=${a.id} ?selected=${a.id === v.agentId}>${a.name}</option>`)}
        </select></label
      >
      <label
        >Rating
        <select name="rating" .value=${String(v.rating || '')} @change=${(e: Event) => this.#change({ rating: Number(value(e)) })}>
          <option value="" ?selected=${!v.rating}>Any rating</option>
          ${[5, 4, 3, 2, 1].map((n) => html`<option value=${n} ?selected=${n === v.rating}>${n} ${n === 1 ? 'star' : 'stars'}</option>`)}
        </select></label
      >
      <label class="check"><input type="checkbox" name="missed" .checked=${v.missed} @change=${(e: Event) => this.#change({ missed: (e.target as HTMLInputElement).checked })} /> Missed only</label>
      ${this.#attributeFilter(v)}
      <button class="link" ?disabled=${!moreFilters(v)} @click=${() => this.#change({ from: '', to: '', agentId: '', rating: 0, missed: false, attribute: '', attributeValue: '' })}>Clear these</button>
    </div>`
  }

  /** A contact attribute and its value (a list's options and yes / no are chosen; other types typed, applied on change). */
  #attributeFilter(v: ListView) {
    if (!this.contactAttributes.length && !v.attribute) return nothing
    const def = this.contactAttributes.find((a) => a.key === v.attribute)
    const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value
    const valueControl = !def
      ? nothing
      : def.type === 'list' || def.type === 'boolean'
        ? html`<label
            >${def.label} is
            <select name="attributeValue" .value=${v.attributeValue} @change=${(e: Event) => this.#change({ attributeValue: value(e) })}>
              <option value="" ?selected=${!v.attributeValue}>Any value</option>
              ${(def.type === 'list' ? def.options.map((o) => [o, o]) : [['true', 'Yes'], ['false', 'No']]).map(
                ([o, label]) => html`<option value=${o!} ?selected=${o === v.attributeValue}>${label}</option>`,
              )}
            </select></label
          >`
        : html`<label
            >${def.label} is
            <input
              name="attributeValue"
              type=${def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : 'text'}
              step=${def.type === 'number' ? 'any' : nothing}
              .value=${v.attributeValue}
              placeholder="Any value"
              @change=${(e: Event) => this.#change({ attributeValue: value(e) })}
          /></label>`
    return html`<label
        >Contact attribute
        <select name="attribute" .value=${v.attribute} @change=${(e: Event) => this.#change({ attribute: value(e), attributeValue: '' })}>
          <option value="" ?selected=${!v.attribute}>Any contact</option>
          ${this.contactAttributes.map((a) => html`<option value=${a.key} ?selected=${a.key === v.attribute}>${a.label}</option>`)}
        </select></label
      >
      ${valueControl}`
  }

  #item(c: ConversationSummary) {
    const unread = this.unread.get(c.id) ?? 0
    const name = visitorName(c.visitor)
    const prio = c.priority === 'high' || c.priority === 'urgent'
    return html`<li
      role="option"
      id="c-${c.id}"
      data-id=${c.id}
      class=${unread ? 'unread' : ''}
      aria-selected=${c.id === this.selectedId ? 'true' : 'false'}
      tabindex=${c.id === this._active ? 0 : -1}
      @click=${() => this.#open(c.id)}
      @focus=${() => (this._active = c.id)}
    >
      <span class="avatar" aria-hidden="true">${initials(name)}<span class="dot ${c.visitor.online ? 'online' : ''}"></span></span>
      <span class="name">${name}</span>
      <time datetime=${c.lastActivityAt} title=${fullTime(c.lastActivityAt)}>${shortTime(c.lastActivityAt)}</time>
      <span class="preview">${preview(c)}</span>
      <span class="badges">
        ${herePill(this.viewers.get(c.id), this.writing.get(c.id))} ${ratingBadge(c)}
        ${c.sla ? html`<lcd-sla-clock compact .clock=${c.sla}></lcd-sla-clock>` : nothing}
        ${c.missedAt ? html`<span class="pill missed" title="No agent replied in time (${fullTime(c.missedAt)})">Missed</span>` : nothing}
        ${prio ? html`<span class="prio">${c.priority}</span>` : nothing}
        ${unread ? html`<span class="count">${unread > 99 ? '99+' : unread}<span class="sr-only"> unread</span></span>` : nothing}
      </span>
    </li>`
  }

  #open(id: string): void {
    this._active = id
    fire(this, 'lcd-open', { id })
  }

  #change(change: Partial<ListView>): void {
    fire(this, 'lcd-view-change', change)
  }

  #onSearch(e: Event): void {
    const q = (e.target as HTMLInputElement).value
    clearTimeout(this.#search)
    this.#search = setTimeout(() => this.#change({ q }), SEARCH_DELAY_MS)
  }

  #onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return
    const ids = this.conversations.map((c) => c.id)
    const at = ids.indexOf(this._active)
    let next: string | undefined
    if (e.key === 'ArrowDown' || e.key === 'j') next = ids[Math.min(at + 1, ids.length - 1)]
    else if (e.key === 'ArrowUp' || e.key === 'k') next = ids[Math.max(at - 1, 0)]
    else if (e.key === 'Home') next = ids[0]
    else if (e.key === 'End') next = ids.at(-1)
    else if ((e.key === 'Enter' || e.key === ' ') && this._active) {
      e.preventDefault()
      this.#open(this._active)
      return
    } else return
    e.preventDefault()
    if (!next) return
    this._active = next
    this.shadowRoot?.querySelector<HTMLElement>(`[data-id="${next}"]`)?.focus()
    if (next === ids.at(-1) && this.hasMore && !this.loading) fire(this, 'lcd-load-more', {})
  }

  #onScroll(e: Event): void {
    const ul = e.currentTarget as HTMLElement
    if (this.hasMore && !this.loading && ul.scrollTop + ul.clientHeight >= ul.scrollHeight - 80) fire(this, 'lcd-load-more', {})
  }
}
define('lcd-conversation-list', LcdConversationList)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-conversation-list': LcdConversationList
  }
}
