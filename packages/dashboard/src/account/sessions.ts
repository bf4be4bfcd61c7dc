import { LitElement, css, html, nothing } from 'lit'
import type { AgentClient, UserSession } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fullTime } from '../shared/util.js'
import { problem } from './util.js'
import { accountSectionStyles } from './styles.js'
import { tableStyles } from '../shared/form-styles.js'

/**
 * "Your account" → Where you are signed in: each session's device, IP address, sign-in and last
 * use, this one marked; "Sign out" ends another device's session at once.
 */
export class LcdAccountSessions extends LitElement {
  static override styles = [
    base,
    accountSectionStyles,
    tableStyles,
    css`
      th,
      td {
        padding: 8px;
      }
      th {
        font-weight: 600;
        white-space: nowrap;
      }
      .this {
        display: inline-block;
        margin-left: 6px;
        padding: 0 8px;
        border-radius: 10px;
        background: var(--accent-weak);
        color: var(--accent-ink);
        font-size: 12px;
        font-weight: 600;
        white-space: nowrap;
      }
      td.act {
        text-align: right;
      }
      /* Phones: each session is a small block instead of a row of five cells. */
      @media (max-width: 600px) {
        thead {
          display: none;
        }
        tr,
        td {
          display: block;
        }
        tr {
          padding: 8px 0;
          border-bottom: 1px solid var(--line);
        }
        td {
          border: 0;
          padding: 2px 0;
        }
        td[data-label]::before {
          content: attr(data-label) ': ';
          color: var(--muted);
        }
        td.act {
          text-align: left;
        }
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    _sessions: { state: true },
    _error: { state: true },
    _status: { state: true },
    _ending: { state: true },
  }

  client: AgentClient | null = null
  /** @internal */ _sessions: UserSession[] | null = null
  /** @internal */ _error = ''
  /** @internal What the last action did (announced). */ _status = ''
  /** @internal The session being ended. */ _ending = ''

  override firstUpdated(): void {
    void this.reload()
  }

  /** Reads the list again (e.g. after a password change ended the other sessions). */
  async reload(): Promise<void> {
    if (!this.client) return
    try {
      const list = await this.client.account.sessions()
      // This device first, then the most recently used.
      this._sessions = list.sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt))
      this._error = ''
    } catch (error) {
      this._error = problem(error, {}, 'Could not load your sessions.')
    }
  }

  override render() {
    const list = this._sessions
    if (!list) return this._error ? html`<p class="err" role="alert">${this._error}</p>` : html`<p class="muted" role="status">Loading…</p>`
    return html`<div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">IP address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${list.map(
              (s) => html`<tr data-session=${s.id} aria-current=${s.current ? 'true' : nothing}>
                <td>${s.device || 'Unknown device'}${s.current ? html`<span class="this">This device</span>` : nothing}</td>
                <td data-label="IP address">${s.ip ?? '—'}</td>
                <td data-label="Signed in">${fullTime(s.createdAt)}</td>
                <td data-label="Last active">${s.current ? 'Now' : fullTime(s.lastSeenAt)}</td>
                <td class="act">
                  ${s.current
                    ? nothing
                    : html`<button type="button" @click=${() => this.#end(s)} ?disabled=${this._ending === s.id} aria-label="Sign out ${s.device || 'this device'}, last active ${fullTime(s.lastSeenAt)}">Sign out</button>`}
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${list.length === 1 ? html`<p class="muted hint">You are not signed in anywhere else.</p>` : nothing}
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}
      <p class="sr-only" role="status">${this._status}</p>`
  }

  async #end(s: UserSession): Promise<void> {
    if (!this.client || this._ending) return
    this._ending = s.id
    this._error = ''
    try {
      await this.client.account.endSession(s.id)
      this._status = `Signed out ${s.device || 'the device'}.`
      await this.reload()
      await this.updateComplete
      // The row (and its button) is gone: keep the keyboard in the table.
      this.renderRoot.querySelector<HTMLElement>('td.act button')?.focus()
    } catch (error) {
      this._error = problem(error, { not_found: 'That session had ended already.' }, 'Could not sign that device out; try again.')
      await this.reload()
    } finally {
      this._ending = ''
    }
  }
}
define('lcd-account-sessions', LcdAccountSessions)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-account-sessions': LcdAccountSessions
  }
}
