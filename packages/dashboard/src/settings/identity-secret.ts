import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type IdentitySecret } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { copyText } from '../shared/clipboard.js'
import { fullTime } from '../shared/util.js'
import { formStyles } from '../shared/form-styles.js'
import { adminStyles } from '../admin/styles.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'

/** How long the old secret may stay valid after a rotation, in hours, with how it reads. */
const GRACE: [hours: number, label: string][] = [
  [0, 'Not at all: it stops working now'],
  [1, '1 hour'],
  [24, '24 hours'],
  [72, '3 days'],
  [168, '7 days'],
  [720, '30 days'],
]

/**
 * A site's identity secret (site admins): hidden until “Show” (each read is in the audit log),
 * copied with one click, and rotated with a grace period during which the old secret is still
 * accepted.
 */
export class LcdIdentitySecret extends LitElement {
  static override styles = [
    base,
    formStyles,
    adminStyles,
    css`
      :host {
        gap: 12px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    siteId: { attribute: 'site-id' },
    _secret: { state: true },
    _shown: { state: true },
    _loading: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _grace: { state: true },
  }

  client: AgentClient | null = null
  /** The site whose secret this is. */
  siteId = ''

  /** @internal */ _secret: IdentitySecret | null = null
  /** @internal */ _shown = false
  /** @internal */ _loading = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal */ _grace = 24

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('siteId') && changed.get('siteId') !== undefined) {
      this._secret = null
      this._shown = false
      this._status = ''
    }
  }

  override render() {
    const s = this._secret
    return html`<section aria-labelledby="secret-h">
      <h3 id="secret-h">Identity secret</h3>
      <p>Your server signs each signed-in user's id with this secret, so visitors cannot pretend to be someone else. Keep it on your server only.</p>
      ${this._shown && s
        ? html`<div class="copy">
              <code class="secret" aria-label="Identity secret">${s.secret}</code>
              <button type="button" @click=${this.#copy}>Copy</button>
              <button type="button" @click=${this.#hide}>Hide</button>
            </div>
            <p class="muted hint">
              Made ${fullTime(s.rotatedAt)}.
              ${s.previousValidUntil ? html`The previous secret is still accepted until ${fullTime(s.previousValidUntil)}.` : 'No previous secret is accepted.'}
            </p>`
        : html`<div class="copy">
            <code class="secret" aria-hidden="true">••••••••••••••••••••••••</code>
            <button type="button" class="show" ?disabled=${this._loading} @click=${this.#show}>${this._loading ? 'Loading…' : 'Show'}</button>
          </div>`}
      <p role="status" class="muted">${this._status}</p>
      ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
      <fieldset>
        <legend>Rotate the secret</legend>
        <p class="hint">
          A new secret is made at once. For the time you choose, the old secret is still accepted too, so your servers can switch to the new one without signed-in
          visitors losing their identity; after that only the new one works. Rotate at once (“not at all”) if the secret leaked.
        </p>
        <div class="row">
          <label
            >Keep accepting the old secret for
            <select name="grace" .value=${String(this._grace)} @change=${(e: Event) => (this._grace = Number((e.target as HTMLSelectElement).value))}>
              ${GRACE.map(([h, label]) => html`<option value=${h} ?selected=${h === this._grace}>${label}</option>`)}
            </select></label
          >
          <button type="button" class="rotate" @click=${this.#askRotate}>Rotate…</button>
        </div>
      </fieldset>
      <lcd-confirm-dialog heading="Rotate the identity secret?" confirm-label="Rotate">
        <p>A new secret is made now. Your server must sign users' ids with it.</p>
        <p>
          ${this._grace === 0
            ? 'The current secret stops working at once: signed-in visitors are treated as anonymous until your server uses the new one.'
            : `The current secret is still accepted for ${GRACE.find(([h]) => h === this._grace)?.[1] ?? `${this._grace} hours`}, then stops working.`}
        </p>
      </lcd-confirm-dialog>
    </section>`
  }

  #show = async (): Promise<void> => {
    if (!this.client || !this.siteId) return
    this._loading = true
    this._problem = ''
    try {
      this._secret = await this.client.settings.identitySecret(this.siteId)
      this._shown = true
      this._status = ''
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('code.secret')?.parentElement?.querySelector('button')?.focus()
    } catch (error) {
      this._problem = `Could not load the secret: ${LiveChatError.from(error).message}`
    } finally {
      this._loading = false
    }
  }

  #hide = async (): Promise<void> => {
    this._shown = false
    this._status = ''
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>('button.show')?.focus()
  }

  #copy = async (): Promise<void> => {
    if (!this._secret) return
    const ok = await copyText(this._secret.secret, this.renderRoot.querySelector<HTMLElement>('code.secret'))
    this._status = ok ? 'Copied to the clipboard' : 'Selected: press Ctrl+C (⌘C) to copy'
  }

  #askRotate = async (): Promise<void> => {
    const client = this.client
    if (!client || !this.siteId) return
    const grace = this._grace
    const dialog = this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog')!
    const done = await dialog.open(async () => {
      this._secret = await client.settings.rotateIdentitySecret(grace, this.siteId)
    })
    if (!done) return
    this._shown = true
    this._problem = ''
    this._status = grace === 0 ? 'Rotated: only the new secret works now.' : 'Rotated: the new secret is shown above.'
  }
}
define('lcd-identity-secret', LcdIdentitySecret)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-identity-secret': LcdIdentitySecret
  }
}
