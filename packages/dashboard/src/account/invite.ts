import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type AgentSession, type InvitationPreview } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire, fullTime, siteRoleName } from '../shared/util.js'
import { FieldErrors } from '../shared/form.js'
import { cardStyles, focusFirst, PASSWORD_HINT, problem } from './util.js'

const ROLE_TEXT = { admin: 'an agency admin (every site of the agency)', member: 'a member' } as const

/**
 * Accepting an invitation (the link from the invitation email): who invited whom, to which agency,
 * sites and roles; the invitee sets their name and password and lands signed in.
 *
 * @fires {CustomEvent<AgentSession>} lcd-login - The new member is signed in.
 * @fires {CustomEvent<{}>} lcd-cancel - Leave for the sign-in form.
 */
export class LcdInvite extends LitElement {
  static override styles = [
    base,
    cardStyles,
    css`
      ul.sites {
        margin: 0;
        padding-left: 20px;
      }
      .who {
        display: grid;
        gap: 6px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    token: {},
    _preview: { state: true },
    _invalid: { state: true },
    _problem: { state: true },
    _errors: { state: true },
    _busy: { state: true },
  }

  client: AgentClient | null = null
  /** The invitation token from the link (never put back in a URL). */
  token = ''
  /** @internal */ _preview: InvitationPreview | null = null
  /** @internal Why the link cannot be used (then no form). */ _invalid = ''
  /** @internal */ _problem = ''
  /** @internal */ _errors = new FieldErrors()
  /** @internal */ _busy = false

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('token') || changed.has('client')) void this.#lookup()
  }

  override render() {
    if (this._invalid) {
      return html`<section class="card" aria-labelledby="t">
        <h2 id="t">Join Live Chat</h2>
        <p class="err" role="alert">${this._invalid}</p>
        <div class="actions"><button type="button" class="primary" @click=${() => fire(this, 'lcd-cancel', {})}>Go to sign in</button></div>
      </section>`
    }
    const p = this._preview
    if (!p) return html`<p class="card muted" role="status">Opening the invitation…</p>`
    const e = this._errors
    e.begin()
    const name = e.aria('name')
    const password = e.aria('password')
    return html`<form class="card" @submit=${this.#accept} aria-labelledby="t" novalidate>
      <h2 id="t">Join ${p.agencyName} on Live Chat</h2>
      <div class="who">
        <p>${p.invitedBy ? html`<strong>${p.invitedBy}</strong> invited you` : 'You are invited'} to answer chats as ${ROLE_TEXT[p.role]}.</p>
        ${p.sites.length
          ? html`<ul class="sites" aria-label="Sites">
              ${p.sites.map((s) => html`<li>${s.siteName} <span class="muted">(${s.role === 'admin' ? 'site admin' : siteRoleName(s.role).toLowerCase()})</span></li>`)}
            </ul>`
          : nothing}
        <p class="muted hint">The invitation expires ${fullTime(p.expiresAt)}.</p>
      </div>
      <label>Email <input name="email" type="email" autocomplete="username" readonly .value=${p.email} /></label>
      <label
        >Your name <input name="name" autocomplete="name" required maxlength="100" aria-invalid=${name.invalid} aria-describedby=${name.describedby} />${e.text('name')}</label
      >
      <label
        >Choose a password
        <input name="password" type="password" autocomplete="new-password" required minlength="10" aria-invalid=${password.invalid} aria-describedby=${password.describedby} />
        <span class="hint muted">${PASSWORD_HINT}</span>${e.text('password')}</label
      >
      ${this._problem || e.unclaimed().length ? html`<p class="err" role="alert">${this._problem} ${e.unclaimed().join('; ')}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Joining…' : `Join ${p.agencyName}`}</button>
    </form>`
  }

  async #lookup(): Promise<void> {
    const { client, token } = this
    if (!client) return
    this._preview = null
    this._invalid = ''
    if (!token) {
      this._invalid = 'Open the invitation link from your email again: this page no longer has it.'
      return
    }
    try {
      const preview = await client.invitations.lookup(token)
      if (this.token !== token) return
      this._preview = preview
      void focusFirst(this)
    } catch (error) {
      if (this.token !== token) return
      this._invalid = problem(
        error,
        {
          not_found: 'This invitation link is not valid. Check that you opened the whole link from the email.',
          invalid_payload: 'This invitation link is not valid. Check that you opened the whole link from the email.',
          invalid_state: 'This invitation was used already, was withdrawn or has expired. Ask whoever invited you to send a new one.',
        },
        'Could not open the invitation; reload the page to try again.',
      )
    }
  }

  #accept = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const { client, token } = this
    if (!client || this._busy) return
    const data = new FormData(ev.target as HTMLFormElement)
    this._busy = true
    this._problem = ''
    this._errors = new FieldErrors()
    try {
      const session = await client.invitations.accept({ token, name: String(data.get('name') ?? '').trim(), password: String(data.get('password') ?? '') })
      fire<AgentSession>(this, 'lcd-login', session)
    } catch (error) {
      const err = LiveChatError.from(error)
      if (err.code === 'invalid_payload' && err.details?.length) {
        this._errors = new FieldErrors(err.details)
      } else if (err.code === 'invalid_state' || err.code === 'not_found') {
        this._invalid = 'This invitation was used already, was withdrawn or has expired. Ask whoever invited you to send a new one.'
      } else {
        this._problem = problem(err, { conflict: 'This email has a Live Chat account already: sign in with it instead.' }, 'Could not accept the invitation; try again.')
      }
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid=true]')?.focus()
    } finally {
      this._busy = false
    }
  }
}
define('lcd-invite', LcdInvite)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-invite': LcdInvite
  }
}
