import { LitElement, css, html, nothing } from 'lit'
import type { AgentClient, TwoFactorSetup } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { focusFirst, problem, WRONG_CODE, WRONG_PASSWORD } from './util.js'
import { accountSectionStyles } from './styles.js'
import { enrolment, enrolmentStyles } from './two-factor-parts.js'
import './recovery-codes.js'

/** What the section shows besides its status line. */
type Step = 'idle' | 'enrol' | 'confirm-off' | 'confirm-codes' | 'codes'

/**
 * "Your account" → Two-factor sign-in: turn it on (QR code or key, then the app's first code; the
 * recovery codes shown once), make new recovery codes, turn it off (the password confirms both;
 * not allowed when the agency requires it).
 *
 * @fires {CustomEvent<{enabled: boolean}>} lcd-two-factor-change - Two-factor sign-in was turned on or off.
 */
export class LcdAccountTwoFactor extends LitElement {
  static override styles = [
    base,
    accountSectionStyles,
    enrolmentStyles,
    css`
      .status {
        display: flex;
        gap: 8px;
        align-items: center;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    enabled: { type: Boolean },
    required: { type: Boolean },
    _step: { state: true },
    _setup: { state: true },
    _codes: { state: true },
    _error: { state: true },
    _busy: { state: true },
  }

  client: AgentClient | null = null
  /** The account signs in with a second factor. */
  enabled = false
  /** The agency requires two-factor sign-in (it cannot be turned off). */
  required = false
  /** @internal */ _step: Step = 'idle'
  /** @internal */ _setup: TwoFactorSetup | null = null
  /** @internal Fresh recovery codes, shown once. */ _codes: string[] = []
  /** @internal */ _error = ''
  /** @internal */ _busy = false

  override render() {
    return html`<p class="status">
        <span class="dot ${this.enabled ? 'online' : ''}" aria-hidden="true"></span>
        ${this.enabled
          ? 'On: signing in asks for a code from your authenticator app after the password.'
          : 'Off: signing in needs only your password. Turn it on so a stolen password is not enough.'}
      </p>
      ${this.required ? html`<p class="muted hint">Your agency requires two-factor sign-in for everyone.</p>` : nothing} ${this.#body()}`
  }

  #body() {
    const error = this._error ? html`<p class="err" id="tf-err" role="alert">${this._error}</p>` : nothing
    switch (this._step) {
      case 'enrol':
        return this._setup
          ? enrolment(this._setup, { busy: this._busy, error: this._error, submit: 'Turn on', onSubmit: this.#enable, onInvalid: (m) => (this._error = m), onCancel: this.#reset })
          : html`<p class="muted" role="status">Preparing…</p>`
      case 'codes':
        return html`<lcd-recovery-codes .codes=${this._codes}></lcd-recovery-codes>
          <div class="row"><button type="button" class="primary" @click=${this.#reset}>I have saved them</button></div>`
      case 'confirm-off':
      case 'confirm-codes': {
        const off = this._step === 'confirm-off'
        return html`<form @submit=${off ? this.#disable : this.#regenerate}>
          <label
            >Your password, to confirm
            <input name="password" type="password" autocomplete="current-password" required aria-invalid=${this._error ? 'true' : 'false'} aria-describedby=${this._error ? 'tf-err' : nothing}
          /></label>
          ${off ? nothing : html`<p class="hint muted">Your current recovery codes stop working.</p>`} ${error}
          <div class="row">
            <button class=${off ? 'danger' : 'primary'} type="submit" ?disabled=${this._busy}>${off ? 'Turn off two-factor sign-in' : 'Make new recovery codes'}</button>
            <button type="button" @click=${this.#reset}>Cancel</button>
          </div>
        </form>`
      }
      default:
        return html`${error}
          <div class="row">
            ${this.enabled
              ? html`<button type="button" @click=${() => this.#go('confirm-codes')}>New recovery codes</button>
                  ${this.required ? nothing : html`<button type="button" class="danger" @click=${() => this.#go('confirm-off')}>Turn off</button>`}`
              : html`<button type="button" class="primary" @click=${this.#startEnrol} ?disabled=${this._busy}>Turn on two-factor sign-in</button>`}
          </div>`
    }
  }

  #go(step: Step): void {
    this._step = step
    this._error = ''
    void focusFirst(this)
  }

  #reset = (): void => {
    this._setup = null
    this._codes = []
    this.#go('idle')
    void focusFirst(this, 'button')
  }

  #startEnrol = async (): Promise<void> => {
    if (!this.client || this._busy) return
    this._busy = true
    this._error = ''
    try {
      this._setup = await this.client.account.twoFactorSetup()
      this.#go('enrol')
    } catch (error) {
      this._error = problem(error, {}, 'Could not start; try again.')
    } finally {
      this._busy = false
    }
  }

  #enable = async (code: string): Promise<void> => {
    if (!this.client || this._busy) return
    this._busy = true
    this._error = ''
    try {
      const { recoveryCodes } = await this.client.account.twoFactorEnable(code)
      this._codes = recoveryCodes
      this._setup = null
      this._step = 'codes'
      fire(this, 'lcd-two-factor-change', { enabled: true })
      void focusFirst(this, 'lcd-recovery-codes, button')
    } catch (error) {
      // A wrong code is a form error on `code`.
      this._error = problem(error, { invalid_payload: WRONG_CODE, invalid_state: 'This key is no longer being set up: cancel and start again.' }, 'Could not turn it on; try again.')
      void focusFirst(this, 'input.code')
    } finally {
      this._busy = false
    }
  }

  #disable = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    if (!this.client || this._busy) return
    this._busy = true
    this._error = ''
    try {
      await this.client.account.twoFactorDisable(String(new FormData(e.target as HTMLFormElement).get('password') ?? ''))
      fire(this, 'lcd-two-factor-change', { enabled: false })
      this.#reset()
    } catch (error) {
      this._error = problem(error, { invalid_payload: WRONG_PASSWORD, invalid_state: 'Your agency requires two-factor sign-in: it cannot be turned off.' }, 'Could not turn it off; try again.')
      void focusFirst(this)
    } finally {
      this._busy = false
    }
  }

  #regenerate = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    if (!this.client || this._busy) return
    this._busy = true
    this._error = ''
    try {
      const { recoveryCodes } = await this.client.account.regenerateRecoveryCodes(String(new FormData(e.target as HTMLFormElement).get('password') ?? ''))
      this._codes = recoveryCodes
      this._step = 'codes'
      void focusFirst(this, 'button')
    } catch (error) {
      this._error = problem(error, { invalid_payload: WRONG_PASSWORD }, 'Could not make new codes; try again.')
      void focusFirst(this)
    } finally {
      this._busy = false
    }
  }
}
define('lcd-account-two-factor', LcdAccountTwoFactor)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-account-two-factor': LcdAccountTwoFactor
  }
}
