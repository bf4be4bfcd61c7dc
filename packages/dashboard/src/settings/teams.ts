import { LitElement, css, html, nothing } from 'lit'
import { live } from 'lit/directives/live.js'
import { LiveChatError, type AgentClient, type AgentSummary, type Team } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { formStyles } from '../shared/form-styles.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'

/**
 * Teams (departments): each with its name and members. Admins add, rename, staff and delete them;
 * agents read. The list comes from the shell (`teams`), which every change reaches as a `teams`
 * event, so it is never re-read here.
 */
export class LcdSettingsTeams extends LitElement {
  static override styles = [
    base,
    formStyles,
    css`
      :host {
        display: grid;
        gap: 16px;
      }
      p[role='status'] {
        margin: -8px 0;
      }
      ul.teams {
        display: grid;
        gap: 12px;
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li.team {
        display: grid;
        gap: 8px;
        padding: 12px;
        border: 1px solid var(--line);
        border-radius: var(--radius);
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .head input {
        flex: 1 1 200px;
        font-weight: 600;
      }
      .members {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
        border: 0;
        padding: 0;
        margin: 0;
      }
      .members legend {
        padding: 0;
        margin-bottom: 4px;
      }
      form.add {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: end;
      }
      form.add label {
        flex: 1 1 220px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    agents: { attribute: false },
    teams: { attribute: false },
    admin: { type: Boolean },
    _busy: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _deleting: { state: true },
  }

  client: AgentClient | null = null
  agents: AgentSummary[] = []
  teams: Team[] = []
  admin = false

  /** @internal */ _busy = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal The team whose deletion awaits confirmation. */ _deleting: Team | null = null

  override render() {
    return html`<p class="muted hint">
        A conversation for a team goes to that team’s agents, and waits in the team’s queue while they are all busy. When none of its agents is online, it goes to
        any agent instead. Conversations get a team from the page (<code>&lt;live-chat team="Sales"&gt;</code>), a “Team” pre-chat field, a proactive message, or a
        transfer.
      </p>
      <p role="status" class="muted">${this._status}</p>
      ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
      <section aria-labelledby="teams-h">
        <h3 id="teams-h" tabindex="-1">Teams (${this.teams.length})</h3>
        ${this.teams.length ? html`<ul class="teams">${this.teams.map((t) => this.#team(t))}</ul>` : html`<p class="muted">No teams yet: every conversation goes to any agent.</p>`}
      </section>
      ${this.admin
        ? html`<form class="add" novalidate aria-label="Add a team" @submit=${this.#add}>
            <label>New team <input name="name" required maxlength="50" placeholder="e.g. Sales" ?disabled=${this._busy} /></label>
            <button class="primary" type="submit" ?disabled=${this._busy}>Add team</button>
          </form>`
        : html`<p class="note" role="note">Only site admins can change teams.</p>`}
      <lcd-confirm-dialog heading="Delete the ${this._deleting?.name ?? ''} team?" confirm-label="Delete team">
        <p>Its conversations stay, for no team: the open ones go to any agent. Its agents stay on the site.</p>
      </lcd-confirm-dialog>`
  }

  #team(t: Team) {
    const off = !this.admin || this._busy
    return html`<li class="team" data-team=${t.id}>
      <div class="head">
        <input aria-label="Name of the ${t.name} team" maxlength="50" ?disabled=${off} .value=${live(t.name)} @change=${(e: Event) => void this.#save(t, { name: (e.target as HTMLInputElement).value.trim() })} />
        ${this.admin ? html`<button class="danger" ?disabled=${off} aria-label="Delete the ${t.name} team" @click=${() => void this.#delete(t)}>Delete</button>` : nothing}
      </div>
      <fieldset class="members">
        <legend class="muted">Members (${t.agentIds.length})</legend>
        ${this.agents.map(
          (a) => html`<label class="check"
            ><input
              type="checkbox"
              ?disabled=${off}
              .checked=${live(t.agentIds.includes(a.id))}
              @change=${(e: Event) => {
                const on = (e.target as HTMLInputElement).checked
                void this.#save(t, { agentIds: on ? [...t.agentIds, a.id] : t.agentIds.filter((id) => id !== a.id) })
              }}
            />
            ${a.name}</label
          >`,
        )}
      </fieldset>
    </li>`
  }

  async #run(what: string, action: () => Promise<string>): Promise<void> {
    this._busy = true
    this._problem = ''
    try {
      this._status = await action()
    } catch (error) {
      this._problem = `${what}: ${LiveChatError.from(error).message}`
      // The inputs show the server's state again (a refused rename keeps the old name).
      this.requestUpdate()
    } finally {
      this._busy = false
    }
  }

  #add = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const name = String(new FormData(form).get('name') ?? '').trim()
    await this.#run('Not added', async () => {
      const team = await this.client!.teams.create({ name })
      form.reset()
      return `Added the ${team.name} team.`
    })
  }

  #save(t: Team, changes: { name?: string; agentIds?: string[] }): Promise<void> {
    return this.#run('Not saved', async () => {
      const team = await this.client!.teams.update(t.id, changes)
      return `Saved the ${team.name} team.`
    })
  }

  async #delete(t: Team): Promise<void> {
    this._deleting = t
    const dialog = this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog')!
    const done = await dialog.open(() => this.client!.teams.delete(t.id))
    this._deleting = null
    if (!done) return
    this._status = `Deleted the ${t.name} team.`
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>('#teams-h')?.focus()
  }
}
define('lcd-settings-teams', LcdSettingsTeams)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-teams': LcdSettingsTeams
  }
}
