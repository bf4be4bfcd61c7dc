import { LitElement, css, html, nothing } from 'lit'
import { LiveChatError, type AgentClient, type AgentSummary, type ConversationSummary, type Priority, type Team } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { PRIORITIES, agentLabel } from '../inbox/model.js'

/** What an agent reads for the server's refusals. */
function explain(error: unknown): string {
  const e = LiveChatError.from(error)
  switch (e.code) {
    case 'forbidden':
      return `Not allowed: ${e.message}`
    case 'invalid_state':
      return `Not possible now: ${e.message}`
    case 'unavailable':
      return 'The chat server cannot be reached; try again in a moment.'
    default:
      return e.message
  }
}

/**
 * A conversation's actions: assign (to me or to an agent: a transfer when assigned), the team it
 * is for (a transfer to the team), resolve or reopen, priority and tags; a supervisor in a colleague's
 * conversation sees only Take over (assign to themselves). Shows the server's refusals (forbidden, capacity, ...) in an alert.
 *
 * @fires {CustomEvent<ConversationSummary>} lcd-conversation-change - The server changed the conversation.
 */
export class LcdConversationActions extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 8px;
      }
      .tags {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px;
        flex-basis: 100%;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 2px;
        padding: 1px 2px 1px 8px;
        border-radius: 999px;
        background: var(--bg-soft);
        border: 1px solid var(--line);
        font-size: 12px;
      }
      .chip button {
        border: 0;
        background: none;
        padding: 0 5px;
        line-height: 1.2;
        border-radius: 999px;
      }
      .tags input {
        width: 120px;
        padding: 2px 6px;
        font-size: 13px;
      }
      [role='alert'] {
        flex-basis: 100%;
        margin: 0;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    me: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    conversation: { attribute: false },
    _busy: { state: true },
    _error: { state: true },
  }

  client: AgentClient | null = null
  me: AgentSummary | null = null
  agents: AgentSummary[] = []
  /** The site's teams: the one the conversation is for, and a transfer to another. */
  teams: Team[] = []
  conversation: ConversationSummary | null = null

  /** @internal */ _busy = false
  /** @internal */ _error = ''

  override render() {
    const c = this.conversation
    if (!c) return nothing
    const done = c.status === 'resolved' || c.status === 'closed'
    const mine = c.assignedAgentId !== null && c.assignedAgentId === this.me?.id
    // A supervisor reads a colleague's conversation as it is, until they take it over.
    const watching = this.me?.role === 'supervisor' && !mine
    return html`
      ${watching
        ? html`<button class="primary" ?disabled=${this._busy || done} @click=${() => this.#run((cl) => cl.conversations.assign(c.id, this.me!.id))}>Take over</button>`
        : done
        ? html`<button class="primary" ?disabled=${this._busy} @click=${() => this.#run((cl) => cl.conversations.reopen(c.id))}>Reopen</button>`
        : html`${mine ? nothing : html`<button ?disabled=${this._busy || !this.me} @click=${() => this.#run((cl) => cl.conversations.assign(c.id, this.me!.id))}>Assign to me</button>`}
            <select aria-label="Assign to" ?disabled=${this._busy} @change=${this.#onAssign}>
              <option value="" ?selected=${!c.assignedAgentId}>Unassigned</option>
              ${this.agents.map((a) => html`<option value=${a.id} ?selected=${a.id === c.assignedAgentId}>${agentLabel(a)}</option>`)}
            </select>
            ${this.teams.length || c.teamId
              ? html`<select aria-label="Team" ?disabled=${this._busy} @change=${this.#onTeam}>
                  <option value="" ?selected=${!c.teamId}>No team</option>
                  ${this.teams.map((t) => html`<option value=${t.id} ?selected=${t.id === c.teamId}>${t.name} team</option>`)}
                </select>`
              : nothing}
            <button class="primary" ?disabled=${this._busy} @click=${() => this.#run((cl) => cl.conversations.resolve(c.id))}>Resolve</button>`}
      <select aria-label="Priority" ?disabled=${this._busy || watching} @change=${this.#onPriority}>
        ${PRIORITIES.map((p) => html`<option value=${p} ?selected=${p === c.priority}>${p[0]!.toUpperCase() + p.slice(1)} priority</option>`)}
      </select>
      <div class="tags" role="group" aria-label="Tags">
        ${c.tags.map(
          (t) => html`<span class="chip">${t}<button aria-label="Remove tag ${t}" ?disabled=${this._busy || watching} @click=${() => this.#setTags(c.tags.filter((x) => x !== t))}>×</button></span>`,
        )}
        ${watching ? nothing : html`<input aria-label="Add tag" placeholder="Add tag" ?disabled=${this._busy} @keydown=${this.#onTagKey} />`}
      </div>
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}
    `
  }

  /** Runs an action; false when the server refused it (the alert says why). */
  async #run(action: (client: AgentClient) => Promise<ConversationSummary>): Promise<boolean> {
    if (!this.client) return false
    this._busy = true
    this._error = ''
    try {
      fire(this, 'lcd-conversation-change', await action(this.client))
      return true
    } catch (error) {
      this._error = explain(error)
      return false
    } finally {
      this._busy = false
    }
  }

  #onAssign(e: Event): void {
    const select = e.target as HTMLSelectElement
    const c = this.conversation!
    const agentId = select.value || null
    if (agentId === c.assignedAgentId) return
    void this.#run((cl) => cl.conversations.assign(c.id, agentId)).then((ok) => {
      if (!ok) select.value = this.conversation?.assignedAgentId ?? '' // show the assignee the server still has
    })
  }

  /** A transfer to the team: the conversation leaves its agent for the team's queue (routed to one of its agents). */
  #onTeam(e: Event): void {
    const select = e.target as HTMLSelectElement
    const c = this.conversation!
    const teamId = select.value || null
    if (teamId === c.teamId) return
    void this.#run((cl) => cl.conversations.transfer(c.id, { teamId })).then((ok) => {
      if (!ok) select.value = this.conversation?.teamId ?? ''
    })
  }

  #onPriority(e: Event): void {
    const select = e.target as HTMLSelectElement
    const c = this.conversation!
    void this.#run((cl) => cl.conversations.update(c.id, { priority: select.value as Priority })).then((ok) => {
      if (!ok) select.value = this.conversation?.priority ?? select.value
    })
  }

  #onTagKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter') return
    e.preventDefault()
    const input = e.target as HTMLInputElement
    const tag = input.value.trim().toLowerCase()
    const c = this.conversation!
    if (!tag) return
    input.value = ''
    if (!c.tags.includes(tag)) void this.#setTags([...c.tags, tag]).then(() => input.focus())
  }

  #setTags(tags: string[]): Promise<boolean> {
    const c = this.conversation!
    return this.#run((cl) => cl.conversations.update(c.id, { tags }))
  }
}
define('lcd-conversation-actions', LcdConversationActions)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-conversation-actions': LcdConversationActions
  }
}
