import { LitElement, css, html, nothing } from 'lit'
import type { AgentClient, AgentSession, TwoFactorRequired } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { fire } from '../shared/util.js'
import { define } from '../shared/define.js'
import { cardStyles, focusFirst, problem } from './util.js'
import './second-factor.js'

type Step = 'password' | 'forgot' | 'sent'

/**
 * The sign-in form: email and password, then the second step when the account has two-factor
 * sign-in (see <lcd-second-factor>); "Forgot password?" asks for a reset link by email. Fires
 * `lcd-login` with the session.
 *
 * @fires {CustomEvent<AgentSession>} lcd-login - The agent signed in.
 */
export class LcdLogin extends LitElement {
  static override styles = [
    base,
    cardStyles,
    css`
      .note {
        padding: 8px 12px;
        background: var(--note-bg);
        border: 1px solid var(--note-line);
        border-radius: var(--radius);
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    notice: {},
    _step: { state: true },
    _challenge: { state: true },
    _email: { state: true },
    _setupNeeded: { state: true },
    _error: { state: true },
    _busy: { state: true },
  }

  client: AgentClient | null = null
  /** Why the agent is here (e.g. "your session was ended"), shown above the form. */
  notice = ''
  /** @internal */ _step: Step = 'password'
  /** @internal The password was right; the second step is on screen. */ _challenge: TwoFactorRequired | null = null
  /** @internal The email typed so far (kept between the steps). */ _email = ''
  /** @internal The server has no account yet (first run). */ _setupNeeded = false
  /** @internal */ _error = ''
  /** @internal */ _busy = false

  override firstUpdated(): void {
    // On a server with no account yet, point to the setup link instead of a form nobody can use.
    this.client
      ?.setup.state()
      .then((s) => (this._setupNeeded = s.needed))
      .catch(() => undefined)
  }

  override render() {
    if (this._challenge) {
      return html`<lcd-second-factor .client=${this.client} .challenge=${this._challenge} @lcd-cancel=${() => this.#go('password')}></lcd-second-factor>`
    }
    const error = this._error ? html`<p class="err" id="err" role="alert">${this._error}</p>` : nothing
    const describedBy = this._error ? 'err' : nothing
    if (this._step === 'sent') {
      return html`<section class="card" aria-labelledby="t">
        <h2 id="t" tabindex="-1">Check your email</h2>
        <p role="status">If <strong>${this._email}</strong> has a Live Chat account, we have sent it a link to choose a new password. The link works once, for 30 minutes.</p>
        <button type="button" class="primary" @click=${() => this.#go('password')}>Back to sign in</button>
      </section>`
    }
    if (this._step === 'forgot') {
      return html`<form class="card" @submit=${this.#forgot} aria-labelledby="t">
        <h2 id="t">Reset your password</h2>
        <p>Enter the email you sign in with. We will send you a link to choose a new password.</p>
        <label>Email <input name="email" type="email" autocomplete="username" required .value=${this._email} aria-describedby=${describedBy} /></label>
        ${error}
        <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Sending…' : 'Send reset link'}</button>
        <div class="actions"><button type="button" class="link" @click=${() => this.#go('password')}>Back to sign in</button></div>
      </form>`
    }
    return html`<form class="card" @submit=${this.#submit} aria-labelledby="t">
      <h2 id="t">Sign in to Live Chat</h2>
      ${this.notice ? html`<p class="note" role="alert">${this.notice}</p>` : nothing}
      ${this._setupNeeded
        ? html`<p class="note">This server has no account yet. Open the setup link from the server's log (<code>#setup/…</code>) to create your workspace.</p>`
        : nothing}
      <label>Email <input name="email" type="email" autocomplete="username" required .value=${this._email} aria-describedby=${describedBy} /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required aria-describedby=${describedBy} /></label>
      ${error}
      <button class="primary" type="submit" ?disabled=${this._busy}>Sign in</button>
      <div class="actions"><button type="button" class="link" @click=${this.#toForgot}>Forgot password?</button></div>
    </form>`
  }

  /** Shows a step (the password form by default), its first field focused. */
  #go(step: Step): void {
    this._challenge = null
    this._step = step
    this._error = ''
    void focusFirst(this, step === 'sent' ? 'h2' : undefined)
  }

  #toForgot = (): void => {
    this._email = this.renderRoot.querySelector<HTMLInputElement>('input[name=email]')?.value.trim() ?? this._email
    this.#go('forgot')
  }

  #submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    if (!this.client || this._busy) return
    this._email = String(data.get('email') ?? '').trim()
    this._busy = true
    this._error = ''
    try {
      const result = await this.client.login(this._email, String(data.get('password') ?? ''))
      if ('twoFactor' in result) this._challenge = result
      else fire<AgentSession>(this, 'lcd-login', result)
    } catch (error) {
      this._error = problem(error, { unauthorized: 'Wrong email or password.' }, 'Could not sign in; try again.')
    } finally {
      this._busy = false
    }
  }

  #forgot = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    if (!this.client || this._busy) return
    this._email = String(new FormData(e.target as HTMLFormElement).get('email') ?? '').trim()
    this._busy = true
    this._error = ''
    try {
      await this.client.account.forgotPassword(this._email)
      this.#go('sent')
    } catch (error) {
      this._error = problem(error, { invalid_payload: 'Enter a valid email address.' }, 'Could not send the link; try again.')
    } finally {
      this._busy = false
    }
  }
}
define('lcd-login', LcdLogin)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-login': LcdLogin
  }
}
