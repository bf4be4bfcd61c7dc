import { LitElement, html, nothing } from 'lit'
import { LiveChatError, type AgentClient, type AgentSession, type TwoFactorRequired } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { cardStyles, fieldMessage, focusFirst, PASSWORD_HINT, problem } from './util.js'
import './second-factor.js'

const USED = 'This link does not work any more: a reset link works once, for 30 minutes. Ask for a new one from the sign-in form (“Forgot password?”).'

/**
 * Choosing a new password from a reset link (the email of "Forgot password?"). Every session of
 * the account ends; the user is then signed in with the new password (and their second step,
 * if they have two-factor sign-in).
 *
 * @fires {CustomEvent<AgentSession>} lcd-login - Signed in with the new password.
 * @fires {CustomEvent<{}>} lcd-cancel - Leave for the sign-in form.
 */
export class LcdReset extends LitElement {
  static override styles = [base, cardStyles]
  static override properties = {
    client: { attribute: false },
    token: {},
    _invalid: { state: true },
    _problem: { state: true },
    _challenge: { state: true },
    _busy: { state: true },
  }

  client: AgentClient | null = null
  /** The reset token from the link (never put back in a URL). */
  token = ''
  /** @internal Why the link cannot be used (then no form). */ _invalid = ''
  /** @internal */ _problem = ''
  /** @internal The new password is set; the second step is on screen. */ _challenge: TwoFactorRequired | null = null
  /** @internal */ _busy = false

  override firstUpdated(): void {
    void focusFirst(this)
  }

  override render() {
    if (this._challenge) {
      return html`<lcd-second-factor .client=${this.client} .challenge=${this._challenge} @lcd-cancel=${this.#cancel}></lcd-second-factor>`
    }
    const invalid = this._invalid || (this.token ? '' : 'Open the link from the password-reset email again: this page no longer has it.')
    if (invalid) {
      return html`<section class="card" aria-labelledby="t">
        <h2 id="t">Choose a new password</h2>
        <p class="err" role="alert">${invalid}</p>
        <div class="actions"><button type="button" class="primary" @click=${this.#cancel}>Go to sign in</button></div>
      </section>`
    }
    return html`<form class="card" @submit=${this.#reset} aria-labelledby="t">
      <h2 id="t">Choose a new password</h2>
      <p>You will be signed out everywhere else, then signed in here with the new password.</p>
      <label
        >New password
        <input name="password" type="password" autocomplete="new-password" required minlength="10" aria-invalid=${this._problem ? 'true' : 'false'} aria-describedby="hint${this._problem ? ' err' : ''}" />
        <span class="hint muted" id="hint">${PASSWORD_HINT}</span></label
      >
      ${this._problem ? html`<p class="err" id="err" role="alert">${this._problem}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Saving…' : 'Set password and sign in'}</button>
      <div class="actions"><button type="button" class="link" @click=${this.#cancel}>Back to sign in</button></div>
    </form>`
  }

  #cancel = (): void => fire(this, 'lcd-cancel', {})

  #reset = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const { client, token } = this
    if (!client || this._busy) return
    const password = String(new FormData(ev.target as HTMLFormElement).get('password') ?? '')
    this._busy = true
    this._problem = ''
    let email: string
    try {
      ;({ email } = await client.account.resetPassword(token, password))
    } catch (error) {
      const err = LiveChatError.from(error)
      const weak = fieldMessage(err, 'password')
      if (weak) this._problem = `The password ${weak}.`
      else if (err.code === 'not_found' || err.code === 'invalid_state' || err.code === 'invalid_payload') this._invalid = USED
      else this._problem = problem(err, {}, 'Could not set the password; try again.')
      this._busy = false
      void focusFirst(this, this._invalid ? 'button' : 'input')
      return
    }
    try {
      const result = await client.login(email, password)
      if ('twoFactor' in result) this._challenge = result
      else fire<AgentSession>(this, 'lcd-login', result)
    } catch (error) {
      // The password is set; only the sign-in failed: the sign-in form can finish it.
      this._invalid = `Your new password is set, but signing in failed: ${problem(error, {}, 'try again from the sign-in form.')}`
    } finally {
      this._busy = false
    }
  }
}
define('lcd-reset', LcdReset)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-reset': LcdReset
  }
}
