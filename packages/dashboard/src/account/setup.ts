import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type AgentSession, type CompleteSetup, type SetupDone } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { FieldErrors } from '../shared/form.js'
import { domainsOf } from '../shared/domains.js'
import { cardStyles, focusFirst, PASSWORD_HINT, problem } from './util.js'
import '../settings/embed.js'

type State = 'checking' | 'ready' | 'invalid' | 'done'


/**
 * First-run setup ("Create your workspace", from the link the server logs while it has no
 * account): the owner's name, email and password, the agency and its first site with the
 * site's domains. Done, it shows the site's embed snippet and a way into the inbox.
 *
 * @fires {CustomEvent<AgentSession>} lcd-login - The owner goes to the inbox (signed in).
 * @fires {CustomEvent<{}>} lcd-cancel - Leave for the sign-in form.
 */
export class LcdSetup extends LitElement {
  static override styles = [
    base,
    cardStyles,
    css`
      textarea {
        resize: vertical;
        font: inherit;
      }
      lcd-settings-embed {
        max-width: none;
      }
      .done-head {
        display: grid;
        gap: 6px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    token: {},
    server: {},
    _state: { state: true },
    _problem: { state: true },
    _errors: { state: true },
    _busy: { state: true },
    _done: { state: true },
  }

  client: AgentClient | null = null
  /** The setup token from the link (never put back in a URL). */
  token = ''
  /** The chat server's public URL (for the snippet). */
  server = ''
  /** @internal */ _state: State = 'checking'
  /** @internal */ _problem = ''
  /** @internal */ _errors = new FieldErrors()
  /** @internal */ _busy = false
  /** @internal */ _done: SetupDone | null = null

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('token') || changed.has('client')) && this._state !== 'done') void this.#check()
  }

  override render() {
    if (this._state === 'checking') return html`<p class="card muted" role="status">Checking the setup link…</p>`
    if (this._state === 'invalid') {
      return html`<section class="card" aria-labelledby="t">
        <h2 id="t">Create your workspace</h2>
        <p class="err" role="alert">${this._problem}</p>
        <div class="actions"><button type="button" class="primary" @click=${() => fire(this, 'lcd-cancel', {})}>Go to sign in</button></div>
      </section>`
    }
    if (this._state === 'done' && this._done) {
      const { site } = this._done
      return html`<section class="card wide" aria-labelledby="t">
        <div class="done-head">
          <h2 id="t" tabindex="-1">Your workspace is ready</h2>
          <p>You are signed in as the owner of ${this._done.session.agency?.name ?? 'your agency'}. Put the chat on ${site.name} with the snippet below.</p>
        </div>
        <lcd-settings-embed .server=${this.server} .siteId=${site.id} .client=${this.client} ?admin=${true}></lcd-settings-embed>
        <div class="actions"><button type="button" class="primary" @click=${this.#toInbox}>Go to the inbox</button></div>
      </section>`
    }
    const e = this._errors
    e.begin()
    const field = (path: string, label: unknown, input: (aria: ReturnType<FieldErrors['aria']>) => unknown, hint?: string) =>
      html`<label>${label} ${input(e.aria(path))} ${hint ? html`<span class="hint muted">${hint}</span>` : nothing} ${e.text(path)}</label>`
    return html`<form class="card wide" @submit=${this.#submit} aria-labelledby="t" novalidate>
      <h2 id="t">Create your workspace</h2>
      <p>This server has no account yet. Set up yours: you will be the owner of the agency and an admin of its sites.</p>
      <fieldset>
        <legend>You</legend>
        ${field('name', 'Your name', (a) => html`<input name="name" autocomplete="name" required maxlength="100" aria-invalid=${a.invalid} aria-describedby=${a.describedby} />`)}
        ${field('email', 'Email', (a) => html`<input name="email" type="email" autocomplete="username" required aria-invalid=${a.invalid} aria-describedby=${a.describedby} />`)}
        ${field('password', 'Password', (a) => html`<input name="password" type="password" autocomplete="new-password" required minlength="10" aria-invalid=${a.invalid} aria-describedby=${a.describedby} />`, PASSWORD_HINT)}
      </fieldset>
      <fieldset>
        <legend>Your workspace</legend>
        ${field('agencyName', 'Agency or company name', (a) => html`<input name="agencyName" autocomplete="organization" required maxlength="200" aria-invalid=${a.invalid} aria-describedby=${a.describedby} />`)}
        ${field('siteName', 'First site', (a) => html`<input name="siteName" required maxlength="200" placeholder="e.g. Acme shop" aria-invalid=${a.invalid} aria-describedby=${a.describedby} />`, 'The website the chat goes on; you can add more sites later.')}
        ${field(
          'domains',
          'Its domains',
          (a) => html`<textarea name="domains" rows="2" placeholder="shop.example.com" autocapitalize="off" spellcheck="false" aria-invalid=${a.invalid} aria-describedby=${a.describedby}></textarea>`,
          'Where the chat may run, one per line (https:// is assumed). Leave empty to allow any site for now.',
        )}
      </fieldset>
      ${this._problem || e.unclaimed().length ? html`<p class="err" role="alert">${this._problem} ${e.unclaimed().join('; ')}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Creating…' : 'Create workspace'}</button>
    </form>`
  }

  async #check(): Promise<void> {
    const { client, token } = this
    if (!client) return
    this._state = 'checking'
    if (!token) return this.#invalid('Open the setup link from the server’s log to create your workspace. (It is printed at each start until the workspace exists.)')
    try {
      await client.setup.verify(token)
      if (this.token !== token) return
      this._state = 'ready'
      void focusFirst(this)
    } catch (error) {
      if (this.token !== token) return
      this.#invalid(
        problem(
          error,
          {
            not_found: 'This setup link is not valid. Use the latest link from the server’s log: a new one is printed at each start until the workspace exists.',
            invalid_payload: 'This setup link is not valid. Copy the whole link from the server’s log.',
            invalid_state: 'This server is set up already. Sign in instead.',
          },
          'Could not check the setup link; reload the page to try again.',
        ),
      )
    }
  }

  #invalid(message: string): void {
    this._problem = message
    this._state = 'invalid'
  }

  #submit = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const { client, token } = this
    if (!client || this._busy) return
    const data = new FormData(ev.target as HTMLFormElement)
    const get = (k: string) => String(data.get(k) ?? '').trim()
    const input: CompleteSetup = {
      token,
      name: get('name'),
      email: get('email'),
      password: String(data.get('password') ?? ''),
      agencyName: get('agencyName'),
      siteName: get('siteName'),
      domains: domainsOf(get('domains')),
    }
    this._busy = true
    this._problem = ''
    this._errors = new FieldErrors()
    try {
      this._done = await client.setup.complete(input)
      this._state = 'done'
      void focusFirst(this, 'h2')
    } catch (error) {
      const err = LiveChatError.from(error)
      if (err.code === 'invalid_payload' && err.details?.length) {
        this._errors = new FieldErrors(err.details)
        this._problem = 'Check the fields marked below.'
      } else if (err.code === 'not_found' || err.code === 'invalid_state') {
        this.#invalid(err.code === 'invalid_state' ? 'This server is set up already (or this link was used). Sign in instead.' : 'This setup link is not valid any more. Use the latest link from the server’s log.')
      } else {
        this._problem = problem(err, { conflict: 'An account with this email exists already.' }, 'Could not create the workspace; try again.')
      }
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid=true]')?.focus()
    } finally {
      this._busy = false
    }
  }

  #toInbox = (): void => {
    if (this._done) fire<AgentSession>(this, 'lcd-login', this._done.session)
  }
}
define('lcd-setup', LcdSetup)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-setup': LcdSetup
  }
}
