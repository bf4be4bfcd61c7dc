import { LitElement, css, html, nothing } from 'lit'
import type { AgentClient, AgentProfile } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fieldMessage, focusFirst, PASSWORD_HINT, problem } from './util.js'
import { accountSectionStyles } from './styles.js'
import type { LcdAccountSessions } from './sessions.js'
import './two-factor.js'
import './sessions.js'

/**
 * "Your account" (`#account`): who is signed in, changing the password (every other session
 * ends), two-factor sign-in, and the devices signed in with "Sign out" for each other one.
 */
export class LcdAccount extends LitElement {
  static override styles = [
    base,
    accountSectionStyles,
    css`
      :host {
        display: block;
        min-height: 0;
        overflow-y: auto;
        background: var(--bg);
      }
      .top {
        padding: 16px 24px;
        border-bottom: 1px solid var(--line);
        display: grid;
        gap: 4px;
      }
      .sections {
        display: grid;
        gap: 28px;
        padding: 20px 24px 32px;
        max-width: 860px;
      }
      section {
        display: grid;
        gap: 12px;
      }
      @media (max-width: 600px) {
        .top,
        .sections {
          padding-left: 16px;
          padding-right: 16px;
        }
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    _profile: { state: true },
    _pwError: { state: true },
    _pwDone: { state: true },
    _pwBusy: { state: true },
  }

  client: AgentClient | null = null
  /** @internal */ _profile: AgentProfile | null = null
  /** @internal */ _pwError = ''
  /** @internal */ _pwDone = ''
  /** @internal */ _pwBusy = false

  override firstUpdated(): void {
    void this.#loadProfile()
  }

  override render() {
    const p = this._profile
    return html`<div class="top">
        <h2>Your account</h2>
        ${p ? html`<p class="muted">${[p.user.name, p.user.email, p.agency && `${p.agency.role} of ${p.agency.name}`].filter(Boolean).join(' · ')}</p>` : nothing}
      </div>
      <div class="sections">
        <section aria-labelledby="pw-h">
          <h3 id="pw-h">Password</h3>
          <form @submit=${this.#changePassword}>
            <label>Current password <input name="currentPassword" type="password" autocomplete="current-password" required /></label>
            <label
              >New password <input name="newPassword" type="password" autocomplete="new-password" required minlength="10" aria-describedby="pw-hint" />
              <span class="hint muted" id="pw-hint">${PASSWORD_HINT} Your other devices are signed out.</span></label
            >
            ${this._pwError ? html`<p class="err" role="alert">${this._pwError}</p>` : nothing}
            <p class="ok" role="status">${this._pwDone}</p>
            <div class="row"><button class="primary" type="submit" ?disabled=${this._pwBusy}>${this._pwBusy ? 'Saving…' : 'Change password'}</button></div>
          </form>
        </section>
        <section aria-labelledby="tf-h">
          <h3 id="tf-h">Two-factor sign-in</h3>
          ${p
            ? html`<lcd-account-two-factor
                .client=${this.client}
                ?enabled=${p.user.twoFactorEnabled}
                ?required=${p.agency?.requireTwoFactor ?? false}
                @lcd-two-factor-change=${() => void this.#loadProfile()}
              ></lcd-account-two-factor>`
            : html`<p class="muted">Loading…</p>`}
        </section>
        <section aria-labelledby="s-h">
          <h3 id="s-h">Where you are signed in</h3>
          <lcd-account-sessions .client=${this.client}></lcd-account-sessions>
        </section>
      </div>`
  }

  async #loadProfile(): Promise<void> {
    try {
      this._profile = (await this.client?.me()) ?? null
    } catch {
      // The page still works without the summary line; two-factor waits for the next load.
    }
  }

  #changePassword = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    if (!this.client || this._pwBusy) return
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    this._pwBusy = true
    this._pwError = ''
    this._pwDone = ''
    try {
      await this.client.account.changePassword(String(data.get('currentPassword') ?? ''), String(data.get('newPassword') ?? ''))
      form.reset()
      this._pwDone = 'Password changed. Your other devices were signed out.'
      await this.renderRoot.querySelector<LcdAccountSessions>('lcd-account-sessions')?.reload()
    } catch (error) {
      const weak = fieldMessage(error, 'newPassword')
      this._pwError = fieldMessage(error, 'currentPassword')
        ? 'The current password is not right.'
        : weak
          ? `The new password ${weak}.`
          : problem(error, {}, 'Could not change the password; try again.')
      void focusFirst(this)
    } finally {
      this._pwBusy = false
    }
  }
}
define('lcd-account', LcdAccount)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-account': LcdAccount
  }
}
