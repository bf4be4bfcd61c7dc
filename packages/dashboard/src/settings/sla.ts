import { LitElement, css, html, nothing } from 'lit'
import { live } from 'lit/directives/live.js'
import { LiveChatError, type AgentClient, type Priority, type SlaPolicy, type Team, type UpdateSlaPolicy } from '@live-chat/sdk'
import { PRIORITIES } from '@live-chat/protocol/enums'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { formStyles } from '../shared/form-styles.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'

const TARGETS = [
  ['firstResponseMinutes', 'First reply'],
  ['nextResponseMinutes', 'Next reply'],
  ['resolutionMinutes', 'Resolution'],
] as const

type Target = (typeof TARGETS)[number][0]

/** A number of minutes from an input: empty is no target. */
const minutes = (v: string): number | null => (v.trim() === '' ? null : Number(v))

/**
 * SLA policies: targets for the first reply, each next reply and the resolution, per team and
 * priority, counted in business hours or around the clock. Admins add, change and delete them;
 * agents read. Conversations show their running clock; a missed target is announced once.
 */
export class LcdSettingsSla extends LitElement {
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
      ul.policies {
        display: grid;
        gap: 12px;
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li.policy,
      form.add {
        display: grid;
        gap: 8px;
        padding: 12px;
        border: 1px solid var(--line);
        border-radius: var(--radius);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 12px;
        align-items: end;
      }
      .row label {
        flex: 1 1 140px;
      }
      .row label.name {
        flex: 2 1 200px;
      }
      .row input[type='number'] {
        width: 100%;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    teams: { attribute: false },
    admin: { type: Boolean },
    _policies: { state: true },
    _busy: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _deleting: { state: true },
  }

  client: AgentClient | null = null
  teams: Team[] = []
  admin = false

  /** @internal */ _policies: SlaPolicy[] | null = null
  /** @internal */ _busy = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal */ _deleting: SlaPolicy | null = null

  override connectedCallback(): void {
    super.connectedCallback()
    void this.#load()
  }

  async #load(): Promise<void> {
    try {
      this._policies = await this.client!.slaPolicies.list()
    } catch (error) {
      this._problem = `Could not load the SLA policies: ${LiveChatError.from(error).message}`
    }
  }

  override render() {
    const policies = this._policies
    return html`<p class="muted hint">
        Targets in minutes (480 = 8 hours) for a conversation’s first reply, each next reply after the visitor writes again, and its resolution. The most specific
        policy applies: team and priority, then team, then priority, then the default. With “Business hours” checked, only the site’s opening hours count (Widget →
        Business hours). Each conversation shows its clock; a missed target is flagged once, to the dashboard and to webhooks (<code>conversation.sla_breached</code>).
      </p>
      <p role="status" class="muted">${this._status}</p>
      ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
      <section aria-labelledby="sla-h">
        <h3 id="sla-h" tabindex="-1">SLA policies${policies ? ` (${policies.length})` : ''}</h3>
        ${!policies
          ? html`<p class="muted" role="status">Loading…</p>`
          : policies.length
            ? html`<ul class="policies">${policies.map((p) => this.#policy(p))}</ul>`
            : html`<p class="muted">No SLA policies yet: conversations have no clock.</p>`}
      </section>
      ${this.admin
        ? html`<form class="add" novalidate aria-label="Add an SLA policy" @submit=${this.#add}>
            <div class="row">
              <label class="name">New policy <input name="name" required maxlength="100" placeholder="e.g. Standard" ?disabled=${this._busy} /></label>
              ${this.#scope(null, null, !this._busy)}
            </div>
            <div class="row">
              ${TARGETS.map(([k, label]) => html`<label>${label} (min) <input name=${k} type="number" min="1" step="1" inputmode="numeric" ?disabled=${this._busy} /></label>`)}
              <label class="check"><input name="businessHours" type="checkbox" checked ?disabled=${this._busy} /> Business hours</label>
              <button class="primary" type="submit" ?disabled=${this._busy}>Add policy</button>
            </div>
          </form>`
        : html`<p class="note" role="note">Only site admins can change SLA policies.</p>`}
      <lcd-confirm-dialog heading="Delete the ${this._deleting?.name ?? ''} SLA policy?" confirm-label="Delete policy">
        <p>Running clocks it set take the policy that applies now, or stop.</p>
      </lcd-confirm-dialog>`
  }

  /** The team and priority selects (of a policy, or of the new one when `policy` is null). */
  #scope(policy: SlaPolicy | null, onChange: ((c: UpdateSlaPolicy) => void) | null, enabled: boolean) {
    const of = policy ? ` of ${policy.name}` : ''
    return html`<label
        >Team${of ? html`<span class="sr-only">${of}</span>` : nothing}
        <select name="teamId" ?disabled=${!enabled} @change=${(e: Event) => onChange?.({ teamId: (e.target as HTMLSelectElement).value || null })}>
          <option value="" ?selected=${!policy?.teamId}>Any team</option>
          ${this.teams.map((t) => html`<option value=${t.id} ?selected=${policy?.teamId === t.id}>${t.name}</option>`)}
        </select></label
      >
      <label
        >Priority${of ? html`<span class="sr-only">${of}</span>` : nothing}
        <select name="priority" ?disabled=${!enabled} @change=${(e: Event) => onChange?.({ priority: ((e.target as HTMLSelectElement).value || null) as Priority | null })}>
          <option value="" ?selected=${!policy?.priority}>Any priority</option>
          ${PRIORITIES.map((p) => html`<option value=${p} ?selected=${policy?.priority === p}>${p[0]!.toUpperCase() + p.slice(1)}</option>`)}
        </select></label
      >`
  }

  #policy(p: SlaPolicy) {
    const on = this.admin && !this._busy
    const save = (changes: UpdateSlaPolicy) => void this.#save(p, changes)
    return html`<li class="policy" data-policy=${p.id}>
      <div class="row">
        <label class="name"
          >Name <input maxlength="100" ?disabled=${!on} .value=${live(p.name)} @change=${(e: Event) => save({ name: (e.target as HTMLInputElement).value.trim() })}
        /></label>
        ${this.#scope(p, save, on)}
      </div>
      <div class="row">
        ${TARGETS.map(
          ([k, label]) =>
            html`<label
              >${label} (min)<span class="sr-only"> of ${p.name}</span>
              <input
                type="number"
                min="1"
                step="1"
                inputmode="numeric"
                placeholder="none"
                ?disabled=${!on}
                .value=${live(p[k] === null ? '' : String(p[k]))}
                @change=${(e: Event) => save({ [k]: minutes((e.target as HTMLInputElement).value) } as Record<Target, number | null>)}
            /></label>`,
        )}
        <label class="check"
          ><input type="checkbox" ?disabled=${!on} .checked=${live(p.businessHours)} @change=${(e: Event) => save({ businessHours: (e.target as HTMLInputElement).checked })} />
          Business hours<span class="sr-only"> for ${p.name}</span></label
        >
        ${this.admin ? html`<button class="danger" ?disabled=${!on} aria-label="Delete the ${p.name} SLA policy" @click=${() => void this.#delete(p)}>Delete</button>` : nothing}
      </div>
    </li>`
  }

  async #run(what: string, action: () => Promise<string>): Promise<void> {
    this._busy = true
    this._problem = ''
    try {
      this._status = await action()
      await this.#load()
    } catch (error) {
      this._problem = `${what}: ${LiveChatError.from(error).message}`
      this.requestUpdate()
    } finally {
      this._busy = false
    }
  }

  #add = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    const text = (k: string) => String(data.get(k) ?? '')
    await this.#run('Not added', async () => {
      const p = await this.client!.slaPolicies.create({
        name: text('name').trim(),
        teamId: text('teamId') || null,
        priority: (text('priority') || null) as Priority | null,
        firstResponseMinutes: minutes(text('firstResponseMinutes')),
        nextResponseMinutes: minutes(text('nextResponseMinutes')),
        resolutionMinutes: minutes(text('resolutionMinutes')),
        businessHours: data.get('businessHours') !== null,
      })
      form.reset()
      return `Added the ${p.name} SLA policy.`
    })
  }

  #save(p: SlaPolicy, changes: UpdateSlaPolicy): Promise<void> {
    return this.#run('Not saved', async () => `Saved the ${(await this.client!.slaPolicies.update(p.id, changes)).name} SLA policy.`)
  }

  async #delete(p: SlaPolicy): Promise<void> {
    this._deleting = p
    const dialog = this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog')!
    const done = await dialog.open(() => this.client!.slaPolicies.delete(p.id))
    this._deleting = null
    if (!done) return
    this._status = `Deleted the ${p.name} SLA policy.`
    await this.#load()
    this.renderRoot.querySelector<HTMLElement>('#sla-h')?.focus()
  }
}
define('lcd-settings-sla', LcdSettingsSla)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-sla': LcdSettingsSla
  }
}
