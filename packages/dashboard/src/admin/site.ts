import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgencySite, type AgentClient, type SiteSettings, type UpdateSiteSettings } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { FieldErrors } from '../shared/form.js'
import { formStyles } from '../shared/form-styles.js'
import { adminStyles } from './styles.js'
import { domainsOf } from '../shared/domains.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'
import '../settings/embed.js'

/**
 * One site of the agency (agency owners and admins): its name and domains, the embed snippet and
 * identity secret, and deleting it (its name typed to confirm).
 *
 * @fires {CustomEvent<{ path: string }>} lcd-admin-navigate - Back to the list after a delete, or by the back link.
 * @fires {CustomEvent<{ site?: AgencySite; deleted?: string }>} lcd-sites-change - The site was renamed or deleted.
 */
export class LcdAdminSite extends LitElement {
  static override styles = [
    base,
    formStyles,
    adminStyles,
    css`
      .back {
        color: var(--accent);
      }
      #site-h {
        font-size: 18px;
      }
      lcd-settings-embed {
        max-width: none;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    server: {},
    siteId: { attribute: 'site-id' },
    site: { attribute: false },
    _settings: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _errors: { state: true },
    _saving: { state: true },
  }

  client: AgentClient | null = null
  /** The chat server's public URL (for the embed snippet). */
  server = ''
  siteId = ''
  /** The site as the list has it (its agents' count), if known. */
  site: AgencySite | null = null

  /** @internal */ _settings: SiteSettings | null = null
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal */ _errors = new FieldErrors()
  /** @internal */ _saving = false

  #loaded = ''

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const key = this.client && this.siteId ? this.siteId : ''
    if (key && key !== this.#loaded) {
      this.#loaded = key
      this._settings = null
      this._status = ''
      this._errors = new FieldErrors()
      void this.#load()
    }
  }

  async #load(): Promise<void> {
    const id = this.siteId
    try {
      const settings = await this.client!.settings.get(id)
      if (id === this.siteId) this._settings = settings
      this._problem = ''
    } catch (error) {
      const err = LiveChatError.from(error)
      this._problem = err.code === 'not_found' || err.code === 'forbidden' ? 'This site does not exist (any more), or is not yours to manage.' : `Could not load the site: ${err.message}`
    }
  }

  override render() {
    const s = this._settings
    const name = s?.name ?? this.site?.name ?? 'Site'
    return html`<a class="back" href="#admin/sites" @click=${this.#back}>← All sites</a>
      <h3 id="site-h">${name}</h3>
      ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
      ${s ? this.#form(s) : this._problem ? nothing : html`<p class="muted">Loading…</p>`}
      ${s
        ? html`<section aria-labelledby="embed-h">
              <h3 id="embed-h" class="sr-only">Embed</h3>
              <lcd-settings-embed .server=${this.server} .siteId=${this.siteId} .client=${this.client} admin></lcd-settings-embed>
            </section>
            ${this.#danger(s)}`
        : nothing}`
  }

  #form(s: SiteSettings) {
    const e = this._errors
    e.begin()
    const name = e.aria('name')
    const domains = e.aria('allowedOrigins')
    return html`<section aria-labelledby="name-h">
      <h3 id="name-h">Name and domains</h3>
      <form novalidate @submit=${this.#save}>
        <fieldset class="all" ?disabled=${this._saving}>
          <div class="row top">
            <label class="f-220">Name <input name="name" required autocomplete="off" .value=${s.name} aria-invalid=${name.invalid} aria-describedby=${name.describedby} />${e.text('name')}</label>
            <label class="f-280"
              >Domains
              <textarea
                name="domains"
                rows=${Math.max(2, s.allowedOrigins.length + 1)}
                placeholder="shop.example.com"
                .value=${s.allowedOrigins.join('\n')}
                aria-invalid=${domains.invalid}
                aria-describedby="site-domains-hint ${domains.describedby === nothing ? '' : domains.describedby}"
              ></textarea
              >${e.text('allowedOrigins')}</label
            >
          </div>
          <p class="muted hint" id="site-domains-hint">The chat works only on these websites, one a line (https:// is assumed). None: any website.</p>
          <div class="row">
            <button class="primary" type="submit">${this._saving ? 'Saving…' : 'Save'}</button>
            <span role="status" class="muted">${this._status}</span>
          </div>
        </fieldset>
        ${e.unclaimed().length ? html`<p class="err" role="alert">Not saved: ${e.unclaimed().join('; ')}</p>` : nothing}
      </form>
    </section>`
  }

  #danger(s: SiteSettings) {
    return html`<section aria-labelledby="delete-h" class="danger-zone">
      <h3 id="delete-h">Delete this site</h3>
      <p>Deletes the site and everything in it at once: every conversation, message, visitor and file, its analytics, webhooks, canned responses, team and API keys. This cannot be undone.</p>
      <div><button type="button" class="danger" id="delete" @click=${() => void this.#askDelete(s)}>Delete site…</button></div>
      <lcd-confirm-dialog heading="Delete ${s.name}?" confirm-label="Delete site" confirm-text=${s.name}>
        <p><strong>Every conversation, visitor and file of ${s.name} is deleted at once</strong>, with its messages, analytics, webhooks, canned responses, team and API keys.</p>
        <p>The chat stops working on its websites. The audit log keeps a record that the site was deleted. This cannot be undone.</p>
      </lcd-confirm-dialog>
    </section>`
  }

  #save = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const s = this._settings
    if (!this.client || !s || this._saving) return
    const data = new FormData(ev.target as HTMLFormElement)
    const name = String(data.get('name') ?? '').trim()
    const origins = domainsOf(String(data.get('domains') ?? ''))
    const changes: UpdateSiteSettings = {
      ...(name !== s.name ? { name } : {}),
      ...(origins.join('\n') !== s.allowedOrigins.join('\n') ? { allowedOrigins: origins } : {}),
    }
    this._errors = new FieldErrors()
    if (!Object.keys(changes).length) {
      this._status = 'Nothing to save.'
      return
    }
    this._saving = true
    this._status = ''
    try {
      this._settings = await this.client.settings.update(changes, this.siteId)
      this._status = 'Saved'
      const site = this.site ? { ...this.site, name: this._settings.name, domains: this._settings.allowedOrigins } : undefined
      fire(this, 'lcd-sites-change', site ? { site } : {})
    } catch (error) {
      const err = LiveChatError.from(error)
      const details = (err.details ?? []).map((d) => {
        const m = /^allowedOrigins\.(\d+)$/.exec(d.path)
        return m ? { path: 'allowedOrigins', message: `${origins[Number(m[1])] ?? ''}: ${d.message}` } : d
      })
      this._errors = new FieldErrors(details.length ? details : [{ path: '(root)', message: err.message }])
    } finally {
      this._saving = false
    }
  }

  async #askDelete(s: SiteSettings): Promise<void> {
    const client = this.client
    if (!client) return
    const dialog = this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog')!
    const id = this.siteId
    const deleted = await dialog.open(() => client.sites.delete(id, s.name))
    if (!deleted) return
    fire(this, 'lcd-sites-change', { deleted: id, site: { ...(this.site ?? {}), id, name: s.name } })
    fire(this, 'lcd-admin-navigate', { path: 'sites' })
  }

  #back = (e: Event): void => {
    e.preventDefault()
    fire(this, 'lcd-admin-navigate', { path: 'sites' })
  }
}
define('lcd-admin-site', LcdAdminSite)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-admin-site': LcdAdminSite
  }
}
