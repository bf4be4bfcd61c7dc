import { LitElement, css, html, nothing } from 'lit'
import type { AgentClient, AgentSession, RecoveryCodes, SecondFactor, TwoFactorRequired, TwoFactorSetup } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { cardStyles, codeOf, focusFirst, isSixDigits, NOT_SIX_DIGITS, problem, WRONG_CODE } from './util.js'
import { enrolment, enrolmentStyles } from './two-factor-parts.js'
import './recovery-codes.js'

const TOO_SLOW = 'This sign-in took too long. Sign in again.'

/**
 * The second step of a sign-in, after the password: a code from the authenticator app or a
 * recovery code (`twoFactor: 'required'`), or — when the agency requires two-factor sign-in and
 * the account has none yet (`'setup_required'`) — enrolling an app, then the recovery codes once.
 *
 * @fires {CustomEvent<AgentSession>} lcd-login - Signed in.
 * @fires {CustomEvent<{}>} lcd-cancel - Back to the password form.
 */
export class LcdSecondFactor extends LitElement {
  static override styles = [
    base,
    cardStyles,
    enrolmentStyles,
    css`
      input.code {
        width: 100%;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    challenge: { attribute: false },
    _recovery: { state: true },
    _setup: { state: true },
    _done: { state: true },
    _error: { state: true },
    _busy: { state: true },
  }

  client: AgentClient | null = null
  /** What the password step answered. */
  challenge: TwoFactorRequired | null = null
  /** @internal Typing a recovery code instead of the app's code. */ _recovery = false
  /** @internal The secret to enrol (setup_required). */ _setup: TwoFactorSetup | null = null
  /** @internal Enrolled and signed in: the recovery codes are on screen. */ _done: (AgentSession & RecoveryCodes) | null = null
  /** @internal */ _error = ''
  /** @internal */ _busy = false

  override connectedCallback(): void {
    super.connectedCallback()
    if (this.challenge?.twoFactor === 'setup_required' && !this._setup) void this.#loadSetup()
    void focusFirst(this)
  }

  override render() {
    const c = this.challenge
    if (!c) return nothing
    if (this._done) {
      return html`<section class="card wide" aria-labelledby="t">
        <h2 id="t" tabindex="-1">Two-factor sign-in is on</h2>
        <lcd-recovery-codes .codes=${this._done.recoveryCodes}></lcd-recovery-codes>
        <div class="actions"><button class="primary" type="button" @click=${this.#finish}>Continue to Live Chat</button></div>
      </section>`
    }
    if (c.twoFactor === 'setup_required') {
      return html`<section class="card wide" aria-labelledby="t">
        <h2 id="t">Set up two-factor sign-in</h2>
        <p>Your agency asks everyone to sign in with a second step: a code from an authenticator app on your phone.</p>
        ${this._setup
          ? enrolment(this._setup, { busy: this._busy, error: this._error, submit: 'Turn on and sign in', onSubmit: this.#enrol, onInvalid: (m) => (this._error = m) })
          : this._error
            ? html`<p class="err" role="alert">${this._error}</p>`
            : html`<p class="muted" role="status">Preparing…</p>`}
        <div class="actions"><button type="button" class="link" @click=${this.#cancel}>Back to sign in</button></div>
      </section>`
    }
    const invalid = this._error ? 'true' : 'false'
    return html`<form class="card" @submit=${this.#verify} aria-labelledby="t" novalidate>
      <h2 id="t">Two-factor sign-in</h2>
      ${this._recovery
        ? html`<label
            >Recovery code
            <input name="recoveryCode" autocomplete="off" autocapitalize="off" spellcheck="false" required aria-invalid=${invalid} aria-describedby=${this._error ? 'err' : nothing} />
            <span class="hint muted">One of the codes you saved when you turned on two-factor sign-in. Each works once.</span>
          </label>`
        : html`<label
            >Code from your authenticator app
            <input name="code" class="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required aria-invalid=${invalid} aria-describedby=${this._error ? 'err' : nothing} />
          </label>`}
      ${this._error ? html`<p class="err" id="err" role="alert">${this._error}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Checking…' : 'Verify'}</button>
      <div class="actions">
        <button type="button" class="link" @click=${this.#toggleRecovery}>${this._recovery ? 'Use the app’s code instead' : 'Use a recovery code instead'}</button>
        <button type="button" class="link" @click=${this.#cancel}>Back to sign in</button>
      </div>
    </form>`
  }

  #toggleRecovery = (): void => {
    this._recovery = !this._recovery
    this._error = ''
    void focusFirst(this)
  }

  #cancel = (): void => fire(this, 'lcd-cancel', {})

  #verify = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    const { client, challenge } = this
    if (!client || !challenge || this._busy) return
    const data = new FormData(e.target as HTMLFormElement)
    const code = codeOf(String(data.get('code') ?? ''))
    const factor: SecondFactor = this._recovery ? { recoveryCode: String(data.get('recoveryCode') ?? '').trim() } : { code }
    if (!this._recovery && !isSixDigits(code)) {
      this._error = NOT_SIX_DIGITS
      return
    }
    this._busy = true
    this._error = ''
    try {
      fire<AgentSession>(this, 'lcd-login', await client.loginTwoFactor(challenge.challenge, factor))
    } catch (error) {
      // A wrong code is unauthorized; so is a challenge that has expired (then the code was not even checked).
      const wrong = this._recovery ? 'That recovery code is not right, or was used before.' : WRONG_CODE
      this._error = problem(error, { unauthorized: wrong, invalid_payload: this._recovery ? 'That is not a recovery code.' : NOT_SIX_DIGITS, token_expired: TOO_SLOW, invalid_state: TOO_SLOW }, 'Could not sign in; try again.')
      void focusFirst(this)
    } finally {
      this._busy = false
    }
  }

  async #loadSetup(): Promise<void> {
    const { client, challenge } = this
    if (!client || !challenge) return
    try {
      this._setup = await client.loginTwoFactorSetup(challenge.challenge)
      void focusFirst(this, 'input.code')
    } catch (error) {
      this._error = problem(error, { unauthorized: TOO_SLOW, token_expired: TOO_SLOW }, 'Could not start the setup; go back and sign in again.')
    }
  }

  #enrol = async (code: string): Promise<void> => {
    const { client, challenge } = this
    if (!client || !challenge || this._busy) return
    this._busy = true
    this._error = ''
    try {
      this._done = await client.loginTwoFactorEnable(challenge.challenge, code)
      void focusFirst(this, 'h2')
    } catch (error) {
      // A wrong code is a form error on `code`; an expired challenge is unauthorized.
      this._error = problem(error, { invalid_payload: WRONG_CODE, unauthorized: TOO_SLOW, token_expired: TOO_SLOW }, 'Could not turn on two-factor sign-in; try again.')
      void focusFirst(this, 'input.code')
    } finally {
      this._busy = false
    }
  }

  #finish = (): void => {
    const done = this._done
    if (!done) return
    const { recoveryCodes: _codes, ...session } = done
    fire<AgentSession>(this, 'lcd-login', session)
  }
}
define('lcd-second-factor', LcdSecondFactor)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-second-factor': LcdSecondFactor
  }
}
