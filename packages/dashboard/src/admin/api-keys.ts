import { css, html, nothing } from 'lit'
import { LiveChatError, type AgencySite, type ApiKey, type ApiKeyCreated, type ApiKeyScope, type CreateApiKey } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fullTime } from '../shared/util.js'
import { copyText } from '../shared/clipboard.js'
import { FieldErrors } from '../shared/form.js'
import { formStyles } from '../shared/form-styles.js'
import { adminStyles } from './styles.js'
import { AdminView } from './view.js'

/** Every scope with what it allows, in one line (the type makes sure none is missing). */
export const SCOPES: Record<ApiKeyScope, string> = {
  'sites:read': 'Read sites and their settings',
  'sites:write': 'Create, change and delete sites; read and rotate identity secrets',
  'agents:read': 'List agents and the agency’s people',
  'agents:write': 'Add, change and remove agents',
  'conversations:read': 'Read conversations, messages, transcripts and exports',
  'conversations:write': 'Assign, resolve, reopen and change conversations',
  'messages:write': 'Post messages as an agent',
  'webhooks:read': 'List webhooks and their deliveries',
  'webhooks:write': 'Add, change and delete webhooks',
  'analytics:read': 'Read analytics reports',
  'audit:read': 'Read and export the audit log',
  'visitors:erase': 'Erase visitors and everything about them',
  'contacts:write': 'Edit contacts (profile, attributes) and write notes on them',
}

/**
 * API keys (agency owners and admins): create one (name, one site or all, scopes, optional
 * expiry) and see its secret once; the list with prefix, scopes, site, who made it, last use and
 * expiry; revoke (confirmed).
 */
export class LcdAdminApiKeys extends AdminView {
  static override styles = [
    base,
    formStyles,
    adminStyles,
    css`
      .scopes {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
        gap: 6px 16px;
      }
      .scopes label.check {
        align-items: flex-start;
      }
      .scopes label.check input {
        margin-top: 3px;
        flex: none;
      }
      .scope {
        display: grid;
      }
      .scope .muted {
        font-size: 13px;
      }
      tr.revoked th,
      tr.revoked td {
        color: var(--muted);
      }
    `,
  ]
  static override properties = {
    _keys: { state: true },
    _sites: { state: true },
    _loaded: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _errors: { state: true },
    _formProblem: { state: true },
    _creating: { state: true },
    _created: { state: true },
    _copied: { state: true },
    _revoking: { state: true },
  }

  /** @internal */ _keys: ApiKey[] = []
  /** @internal */ _sites: AgencySite[] = []
  /** @internal */ _loaded = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal */ _errors = new FieldErrors()
  /** @internal */ _formProblem = ''
  /** @internal */ _creating = false
  /** @internal The key just made, with its secret (shown this once). */ _created: ApiKeyCreated | null = null
  /** @internal */ _copied = ''
  /** @internal */ _revoking: ApiKey | null = null

  protected async load(): Promise<void> {
    try {
      const [keys, sites] = await Promise.all([this.client!.apiKeys.list(), this.client!.sites.list()])
      this._keys = keys
      this._sites = sites
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the API keys: ${LiveChatError.from(error).message}`
    } finally {
      this._loaded = true
    }
  }

  override render() {
    return html`<p class="muted hint">
        API keys let your own servers use the REST API without a person signing in: send <code>Authorization: Bearer &lt;key&gt;</code>. A key may do only what its
        scopes allow, on one site or on all of them.
      </p>
      ${this.#createForm()}
      <section aria-labelledby="keys-h">
        <h3 id="keys-h">Keys (${this._keys.filter((k) => !k.revokedAt).length} active)</h3>
        <p role="status" class="muted">${this._status}</p>
        ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
        ${!this._loaded ? html`<p class="muted">Loading…</p>` : this._keys.length ? this.#table() : html`<p class="muted">No API keys yet.</p>`}
        <lcd-confirm-dialog heading="Revoke the key “${this._revoking?.name ?? ''}”?" confirm-label="Revoke key">
          <p>Anything still using it is refused at once. This cannot be undone: make a new key if you need one again.</p>
        </lcd-confirm-dialog>
      </section>`
  }

  #createForm() {
    const e = this._errors
    e.begin()
    const name = e.aria('name')
    const expiry = e.aria('expiresAt')
    return html`<section aria-labelledby="new-key-h">
      <h3 id="new-key-h">Create a key</h3>
      ${this.#createdNote()}
      <form novalidate @submit=${this.#create}>
        <fieldset class="all" ?disabled=${this._creating}>
          <div class="row">
            <label class="f-220"
              >Name <input name="name" required autocomplete="off" placeholder="e.g. CRM sync" aria-invalid=${name.invalid} aria-describedby=${name.describedby} />${e.text('name')}</label
            >
            <label
              >Site
              <select name="siteId">
                <option value="">All sites (and the agency)</option>
                ${this._sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
              </select></label
            >
            <label
              >Expires on (optional)
              <input name="expires" type="date" min=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)} aria-invalid=${expiry.invalid} aria-describedby=${expiry.describedby} />${e.text('expiresAt')}</label
            >
          </div>
          <fieldset aria-describedby=${e.aria('scopes').describedby}>
            <legend>Scopes</legend>
            <div class="scopes">
              ${(Object.keys(SCOPES) as ApiKeyScope[]).map(
                (s) =>
                  html`<label class="check"
                    ><input type="checkbox" name="scopes" value=${s} />
                    <span class="scope"><code>${s}</code><span class="muted">${SCOPES[s]}</span></span></label
                  >`,
              )}
            </div>
            ${e.text('scopes')}
          </fieldset>
          <div class="row"><button class="primary" type="submit">${this._creating ? 'Creating…' : 'Create key'}</button></div>
        </fieldset>
        ${this._formProblem || e.unclaimed().length ? html`<p class="err" role="alert">${this._formProblem} ${e.unclaimed().join('; ')}</p>` : nothing}
      </form>
    </section>`
  }

  #createdNote() {
    const c = this._created
    if (!c) return nothing
    return html`<div class="box ok created" role="status" tabindex="-1">
      <strong>The key “${c.key.name}” was created. Copy it now: you will not see it again.</strong>
      <span>Only a hash of it is kept; if it is lost, revoke it and make a new one.</span>
      <div class="copy">
        <code class="secret" aria-label="The new API key">${c.secret}</code>
        <button type="button" @click=${this.#copy}>Copy key</button>
        <span class="muted">${this._copied}</span>
      </div>
      <div><button type="button" class="link" @click=${this.#done}>I have copied it</button></div>
    </div>`
  }

  #table() {
    const siteName = (id: string | null) => (id ? (this._sites.find((s) => s.id === id)?.name ?? 'A deleted site') : 'All sites')
    return html`<div class="scroll">
      <table class="keys">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Scopes</th>
            <th scope="col">Site</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${this._keys.map((k) => {
            const expired = k.expiresAt !== null && Date.parse(k.expiresAt) <= Date.now()
            return html`<tr data-key=${k.id} class=${k.revokedAt ? 'revoked' : ''}>
              <th scope="row">${k.name}</th>
              <td><code>${k.prefix}…</code></td>
              <td><span class="tags">${k.scopes.map((s) => html`<span class="tag" title=${SCOPES[s] ?? ''}>${s}</span>`)}</span></td>
              <td>${siteName(k.siteId)}</td>
              <td><span class="who"><span class="nowrap">${fullTime(k.createdAt)}</span><span class="muted">${k.createdBy ? `by ${k.createdBy}` : ''}</span></span></td>
              <td class="nowrap">${k.lastUsedAt ? fullTime(k.lastUsedAt) : html`<span class="muted">Never</span>`}</td>
              <td class="nowrap">${k.expiresAt ? html`${expired ? 'Expired ' : ''}${fullTime(k.expiresAt)}` : html`<span class="muted">Never</span>`}</td>
              <td class="actions">
                ${k.revokedAt
                  ? html`<span class="nowrap">Revoked ${fullTime(k.revokedAt)}</span>`
                  : html`<button class="danger" data-revoke=${k.id} aria-label="Revoke the key ${k.name}" @click=${() => void this.#revoke(k)}>Revoke</button>`}
              </td>
            </tr>`
          })}
        </tbody>
      </table>
    </div>`
  }

  #create = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const client = this.client
    if (!client || this._creating) return
    const form = ev.target as HTMLFormElement
    const data = new FormData(form)
    const expires = String(data.get('expires') ?? '')
    const input: CreateApiKey = {
      name: String(data.get('name') ?? '').trim(),
      siteId: String(data.get('siteId') ?? '') || null,
      scopes: data.getAll('scopes').map(String) as ApiKeyScope[],
      // The end of the chosen day, where the admin is.
      ...(expires ? { expiresAt: new Date(`${expires}T23:59:59.999`).toISOString() } : {}),
    }
    this._errors = new FieldErrors()
    this._formProblem = ''
    this._created = null
    this._copied = ''
    this._creating = true
    try {
      const created = await client.apiKeys.create(input)
      this._created = created
      this._keys = [created.key, ...this._keys]
      form.reset()
      await this.updateComplete
      this.renderRoot.querySelector<HTMLElement>('.created')?.focus()
    } catch (error) {
      const err = LiveChatError.from(error)
      this._errors = new FieldErrors(err.details ?? [])
      this._formProblem = err.details?.length ? 'Not created: correct the marked fields.' : `Not created: ${err.message}`
    } finally {
      this._creating = false
    }
  }

  #copy = async (): Promise<void> => {
    const secret = this._created?.secret
    if (!secret) return
    const ok = await copyText(secret, this.renderRoot.querySelector<HTMLElement>('.created code.secret'))
    this._copied = ok ? 'Copied' : 'Selected: press Ctrl+C (⌘C) to copy'
  }

  #done = async (): Promise<void> => {
    this._created = null
    this._copied = ''
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>('input[name="name"]')?.focus()
  }

  async #revoke(k: ApiKey): Promise<void> {
    const client = this.client
    if (!client) return
    this._revoking = k
    const done = await this.confirm(() => client.apiKeys.revoke(k.id))
    this._revoking = null
    if (!done) return
    this._keys = this._keys.map((x) => (x.id === k.id ? { ...x, revokedAt: new Date().toISOString() } : x))
    this._status = `Revoked the key ${k.name}.`
    if (this._created?.key.id === k.id) this._created = null
    await this.focusOn('#keys-h')
  }
}
define('lcd-admin-api-keys', LcdAdminApiKeys)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-admin-api-keys': LcdAdminApiKeys
  }
}
