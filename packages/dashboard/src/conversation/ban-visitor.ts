import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import type { AgentClient, CreateBan, VisitorDetail } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { formStyles } from '../shared/form-styles.js'
import { define } from '../shared/define.js'
import { fullTime, visitorName } from '../shared/util.js'
import { BAN_DURATIONS, banExpiry, banTarget } from '../shared/bans.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'

/**
 * "Ban visitor…": after a confirmation, bans the visitor (every tab and return visit), their
 * email, or their IP address or its network (which the agent never sees), with a reason and for
 * how long. In the visitor panel, and in the conversation's header where the panel is hidden.
 */
export class LcdBanVisitor extends LitElement {
  static override styles = [
    base,
    formStyles,
    css`
      :host {
        display: grid;
        gap: 6px;
      }
      label.check {
        overflow-wrap: anywhere;
      }
      button.danger {
        justify-self: start;
      }
      p {
        margin: 0;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    visitor: { attribute: false },
    _banned: { state: true },
  }

  client: AgentClient | null = null
  visitor: VisitorDetail | null = null

  /** @internal What was just banned ("Banned: …"), for this visitor. */ _banned = ''

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('visitor') && changed.get('visitor')?.id !== this.visitor?.id) this._banned = ''
  }

  override render() {
    const v = this.visitor
    if (!v) return nothing
    const choice = (value: string, label: unknown, checked = false) =>
      html`<label class="check"><input type="radio" name="what" value=${value} ?checked=${checked} /> <span>${label}</span></label>`
    return html`<button class="danger" @click=${() => void this.#open(v)}>Ban visitor…</button>
      ${this._banned ? html`<p class="small" role="status">${this._banned}</p>` : nothing}
      <lcd-confirm-dialog heading="Ban ${visitorName(v)}?" confirm-label="Ban">
        <fieldset>
          <legend>What to ban</legend>
          ${choice('visitor', 'This visitor (every tab and return visit)', true)}
          ${v.email ? choice('email', html`Their email, <strong>${v.email}</strong>`) : nothing}
          ${choice('address', 'Their IP address')}
          ${choice('subnet', 'Their network (the /24 of their address, /64 for IPv6)')}
        </fieldset>
        <label>Reason (for the team) <input name="reason" maxlength="500" /></label>
        <label
          >For
          <select name="duration">
            ${BAN_DURATIONS.map(([k, label]) => html`<option value=${k}>${label}</option>`)}
          </select></label
        >
        <p class="muted small">They will only be told that chat is not available right now. Lift the ban in Settings → Bans.</p>
      </lcd-confirm-dialog>`
  }

  async #open(v: VisitorDetail): Promise<void> {
    const root = this.renderRoot
    const field = <T extends Element>(selector: string) => root.querySelector<T>(selector)!
    // A fresh form each time: this visitor, no reason, until lifted.
    field<HTMLInputElement>('input[name="what"][value="visitor"]').checked = true
    field<HTMLInputElement>('input[name="reason"]').value = ''
    field<HTMLSelectElement>('select[name="duration"]').value = 'forever'
    await field<LcdConfirmDialog>('lcd-confirm-dialog').open(async () => {
      const what = field<HTMLInputElement>('input[name="what"]:checked').value
      const reason = field<HTMLInputElement>('input[name="reason"]').value.trim()
      const common = { ...(reason ? { reason } : {}), ...banExpiry(field<HTMLSelectElement>('select[name="duration"]').value) }
      const input: CreateBan =
        what === 'email' && v.email
          ? { kind: 'email', email: v.email, ...common }
          : what === 'address' || what === 'subnet'
            ? { kind: 'ip', visitorId: v.id, scope: what, ...common }
            : { kind: 'visitor', visitorId: v.id, ...common }
      const ban = await this.client!.bans.create(input)
      this._banned = `Banned: ${banTarget(ban)}${ban.expiresAt ? ` until ${fullTime(ban.expiresAt)}` : ''}.`
    })
  }
}
define('lcd-ban-visitor', LcdBanVisitor)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-ban-visitor': LcdBanVisitor
  }
}
