import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { LiveChatError, type AgentClient, type Ban, type CreateBan } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { formStyles } from '../shared/form-styles.js'
import { fullTime, shortTime } from '../shared/util.js'
import { BAN_DURATIONS, banExpiry, banTarget } from '../shared/bans.js'

/**
 * Bans: who may not chat on the site (a visitor, an email address, an IP address or range), with
 * the reason, until when and who banned; lift one, or ban an email or a range by hand (visitors
 * are banned from their conversation's panel). Admins see every ban, agents their own.
 */
export class LcdSettingsBans extends LitElement {
  static override styles = [
    base,
    formStyles,
    css`
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th,
      td {
        text-align: start;
        padding: 8px;
        border-bottom: 1px solid var(--line, #e5e7eb);
        vertical-align: top;
      }
      th.what {
        overflow-wrap: anywhere;
      }
      /* The reason under what is banned, who banned under until when. */
      th .muted,
      td .muted {
        display: block;
        font-weight: 400;
      }
      td:last-child {
        text-align: end;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
        gap: 10px 16px;
        align-items: end;
        margin-top: 12px;
      }
      /* One height for the row's fields and button, so their labels line up too. */
      form :is(input, select, button) {
        height: 36px;
      }
      h3 {
        margin-top: 16px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    admin: { type: Boolean },
    _items: { state: true },
    _loaded: { state: true },
    _problem: { state: true },
    _status: { state: true },
  }

  client: AgentClient | null = null
  admin = false

  /** @internal */ _items: Ban[] = []
  /** @internal */ _loaded = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''

  #loadedFor = ''

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const site = this.client?.siteId
    if (site && site !== this.#loadedFor) {
      this.#loadedFor = site
      void this.reload()
    }
  }

  /** Reads the list again (the settings page calls it when the tab is opened: a ban may have been made from a conversation). */
  async reload(): Promise<void> {
    try {
      this._items = await this.client!.bans.list()
      this._loaded = true
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the bans: ${LiveChatError.from(error).message}`
    }
  }

  override render() {
    return html`<p class="muted hint">
        A banned visitor, email address or IP range cannot chat on this site: they are only told that chat is not available right now. ${this.admin
          ? 'You see every ban of the site.'
          : 'You see the bans you made; admins see them all.'}
        Ban a visitor from their conversation’s visitor panel.
      </p>
      <p role="status" class="muted">${this._status}</p>
      ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
      <section aria-labelledby="bans-h">
        <h3 id="bans-h">Bans in force (${this._items.length})</h3>
        ${this._items.length ? this.#table() : this._loaded ? html`<p class="muted">No bans.</p>` : html`<p class="muted">Loading…</p>`}
      </section>
      <section aria-labelledby="add-ban-h">
        <h3 id="add-ban-h">Ban an email address or an IP range</h3>
        <form novalidate aria-labelledby="add-ban-h" @submit=${this.#add}>
          <label
            >What
            <select name="kind">
              <option value="email">Email address</option>
              <option value="ip">IP address or range</option>
            </select></label
          >
          <label>Email, address or range <input name="value" required maxlength="320" placeholder="203.0.113.0/24" autocomplete="off" spellcheck="false" /></label>
          <label>Reason (for the team) <input name="reason" maxlength="500" /></label>
          <label
            >For
            <select name="duration">
              ${BAN_DURATIONS.map(([k, label]) => html`<option value=${k} ?selected=${k === 'forever'}>${label}</option>`)}
            </select></label
          >
          <div class="row"><button class="primary" type="submit">Ban</button></div>
        </form>
      </section>`
  }

  #table() {
    return html`<div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Banned</th>
            <th scope="col">Until</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this._items,
            (b) => b.id,
            (b) => html`<tr data-ban=${b.id}>
              <th scope="row" class="what">${banTarget(b)} ${b.reason ? html`<span class="muted small">${b.reason}</span>` : nothing}</th>
              <td>
                ${b.expiresAt ? html`<time datetime=${b.expiresAt}>${fullTime(b.expiresAt)}</time>` : 'Until lifted'}
                <span class="muted small">by ${b.createdBy.name}, <time datetime=${b.createdAt} title=${fullTime(b.createdAt)}>${shortTime(b.createdAt)}</time></span>
              </td>
              <td><button aria-label="Lift the ban of ${banTarget(b)}" @click=${() => void this.#lift(b)}>Lift</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  }

  #add = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const f = new FormData(form)
    const value = String(f.get('value') ?? '').trim()
    const common = { ...(String(f.get('reason') ?? '').trim() ? { reason: String(f.get('reason')).trim() } : {}), ...banExpiry(f.get('duration')) }
    const input: CreateBan = f.get('kind') === 'ip' ? { kind: 'ip', network: value, ...common } : { kind: 'email', email: value, ...common }
    try {
      const ban = await this.client!.bans.create(input)
      this._items = [ban, ...this._items]
      this._problem = ''
      this._status = `Banned: ${banTarget(ban)}.`
      form.reset()
    } catch (error) {
      this._problem = `Not banned: ${LiveChatError.from(error).message}`
    }
  }

  async #lift(b: Ban): Promise<void> {
    try {
      await this.client!.bans.lift(b.id)
      this._items = this._items.filter((x) => x.id !== b.id)
      this._problem = ''
      this._status = `Lifted the ban of ${banTarget(b)}.`
    } catch (error) {
      this._problem = `Not lifted: ${LiveChatError.from(error).message}`
    }
  }
}
define('lcd-settings-bans', LcdSettingsBans)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-bans': LcdSettingsBans
  }
}
