import { LitElement, css, html } from 'lit'
import { AgentClient, LiveChatError, type AgentSession } from '@live-chat/sdk'
import { base } from './styles.js'
import { fire } from './util.js'
import { define } from './define.js'

/**
 * The sign-in form. Logs in through the given AgentClient and fires `lcd-login` with the session.
 *
 * @fires {CustomEvent<AgentSession>} lcd-login - The agent signed in.
 */
export class LcdLogin extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 100%;
        background: var(--bg-soft);
      }
      form {
        display: grid;
        gap: 14px;
        width: min(360px, 92vw);
        padding: 28px;
        background: var(--bg);
        border: 1px solid var(--line);
        border-radius: 12px;
      }
      input {
        padding: 9px 10px;
      }
      button.primary {
        padding: 9px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    _error: { state: true },
    _busy: { state: true },
  }

  client: AgentClient | null = null
  /** @internal */ _error = ''
  /** @internal */ _busy = false

  override render() {
    return html`<form @submit=${this.#submit} aria-labelledby="t">
      <h2 id="t">Sign in to Live Chat</h2>
      <label>Email <input name="email" type="email" autocomplete="username" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : null}
      <button class="primary" type="submit" ?disabled=${this._busy}>Sign in</button>
    </form>`
  }

  async #submit(e: SubmitEvent): Promise<void> {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    if (!this.client) return
    this._busy = true
    this._error = ''
    try {
      const session = await this.client.login(String(data.get('email') ?? ''), String(data.get('password') ?? ''))
      fire<AgentSession>(this, 'lcd-login', session)
    } catch (error) {
      const err = LiveChatError.from(error)
      this._error = err.code === 'unauthorized' ? 'Wrong email or password.' : err.code === 'rate_limited' ? 'Too many attempts; wait a minute.' : 'Could not sign in; try again.'
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
