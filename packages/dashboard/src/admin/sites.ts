import { html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgencySite } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { fire } from '../shared/util.js'
import { FieldErrors } from '../shared/form.js'
import { formStyles } from '../shared/form-styles.js'
import { adminStyles } from './styles.js'
import { domainsOf } from '../shared/domains.js'
import { AdminView } from './view.js'
import './site.js'

/**
 * Agency → Sites (agency owners and admins): every site of the agency with its domains and
 * number of agents, a form to add one, and one site's page (`site-id`: rename, domains, the embed
 * snippet, the identity secret, delete).
 *
 * @fires {CustomEvent<{ path: string }>} lcd-admin-navigate - Open `sites/<id>` or `sites` (the shell puts it in the URL).
 * @fires {CustomEvent<{ deleted?: string }>} lcd-sites-change - A site was added, renamed or deleted.
 */
export class LcdAdminSites extends AdminView {
  static override styles = [base, formStyles, adminStyles]
  static override properties = {
    server: {},
    siteId: { attribute: 'site-id' },
    _sites: { state: true },
    _loaded: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _errors: { state: true },
    _createProblem: { state: true },
    _creating: { state: true },
  }

  /** The chat server's public URL (for the embed snippet). */
  server = ''
  /** The open site; empty: the list. */
  siteId = ''

  /** @internal */ _sites: AgencySite[] = []
  /** @internal */ _loaded = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal */ _errors = new FieldErrors()
  /** @internal */ _createProblem = ''
  /** @internal */ _creating = false

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed)
    // Back to the list: it may have changed on the site's page.
    if (changed.has('siteId') && changed.get('siteId') && !this.siteId && this.client) void this.load()
  }

  protected async load(): Promise<void> {
    try {
      this._sites = await this.client!.sites.list()
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the sites: ${LiveChatError.from(error).message}`
    } finally {
      this._loaded = true
    }
  }

  override render() {
    if (this.siteId) {
      return html`<lcd-admin-site
        .client=${this.client}
        .server=${this.server}
        .siteId=${this.siteId}
        .site=${this._sites.find((s) => s.id === this.siteId) ?? null}
        @lcd-sites-change=${this.#changed}
      ></lcd-admin-site>`
    }
    return html`<section aria-labelledby="sites-h">
        <h3 id="sites-h">Sites (${this._sites.length})</h3>
        <p role="status" class="muted">${this._status}</p>
        ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
        ${!this._loaded ? html`<p class="muted">Loading…</p>` : this._sites.length ? this.#table() : html`<p class="muted">No sites yet. Add one below.</p>`}
      </section>
      ${this.#createForm()}`
  }

  #table() {
    return html`<div class="scroll">
      <table class="sites">
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Domains</th>
            <th scope="col" class="num">Agents</th>
          </tr>
        </thead>
        <tbody>
          ${this._sites.map(
            (s) => html`<tr data-site=${s.id}>
              <th scope="row"><a href="#admin/sites/${encodeURIComponent(s.id)}" data-open=${s.id} @click=${(e: Event) => this.#open(e, s.id)}>${s.name}</a></th>
              <td>${s.domains.length ? html`<span class="tags">${s.domains.map((d) => html`<span class="tag">${d}</span>`)}</span>` : html`<span class="muted">Any website</span>`}</td>
              <td class="num">${s.agents}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  }

  #createForm() {
    const e = this._errors
    e.begin()
    const name = e.aria('name')
    const domains = e.aria('domains')
    return html`<section aria-labelledby="add-site-h">
      <h3 id="add-site-h">Add a site</h3>
      <form novalidate @submit=${this.#create}>
        <fieldset class="all" ?disabled=${this._creating}>
          <div class="row top">
            <label class="f-220"
              >Name <input name="name" required autocomplete="off" placeholder="e.g. Acme shop" aria-invalid=${name.invalid} aria-describedby=${name.describedby} />${e.text('name')}</label
            >
            <label class="f-280"
              >Domains
              <textarea
                name="domains"
                rows="2"
                placeholder="shop.example.com"
                aria-invalid=${domains.invalid}
                aria-describedby="domains-hint ${domains.describedby === nothing ? '' : domains.describedby}"
              ></textarea
              >${e.text('domains')}</label
            >
          </div>
          <p class="muted hint" id="domains-hint">Where the chat will run: one domain a line (https:// is assumed). None: any website, which you can narrow later.</p>
          <div class="row"><button class="primary" type="submit">${this._creating ? 'Adding…' : 'Add site'}</button></div>
        </fieldset>
        ${this._createProblem || e.unclaimed().length ? html`<p class="err" role="alert">${this._createProblem} ${e.unclaimed().join('; ')}</p>` : nothing}
      </form>
    </section>`
  }

  #create = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const client = this.client
    if (!client || this._creating) return
    const form = ev.target as HTMLFormElement
    const data = new FormData(form)
    const input = { name: String(data.get('name') ?? '').trim(), domains: domainsOf(String(data.get('domains') ?? '')) }
    this._creating = true
    this._errors = new FieldErrors()
    this._createProblem = ''
    try {
      const site = await client.sites.create(input)
      this._sites = [...this._sites, site]
      form.reset()
      fire(this, 'lcd-sites-change', {})
      this.#navigate(`sites/${site.id}`)
    } catch (error) {
      const err = LiveChatError.from(error)
      // The server names a domain by its index: show it by the text that was typed.
      const details = (err.details ?? []).map((d) => {
        const m = /^domains\.(\d+)$/.exec(d.path)
        return m ? { path: 'domains', message: `${input.domains[Number(m[1])] ?? ''}: ${d.message}` } : d
      })
      this._errors = new FieldErrors(details)
      this._createProblem = details.length ? 'Not added: correct the marked fields.' : `Not added: ${err.message}`
    } finally {
      this._creating = false
    }
  }

  #open(e: Event, id: string): void {
    e.preventDefault()
    this.#navigate(`sites/${id}`)
  }

  #navigate(path: string): void {
    fire(this, 'lcd-admin-navigate', { path })
  }

  #changed = (e: CustomEvent<{ deleted?: string; site?: AgencySite }>): void => {
    const { deleted, site } = e.detail
    if (deleted) {
      this._sites = this._sites.filter((s) => s.id !== deleted)
      this._status = `Deleted the site ${e.detail.site?.name ?? ''}.`.replace(' .', '.')
    } else if (site) {
      this._sites = this._sites.map((s) => (s.id === site.id ? site : s))
    }
  }
}
define('lcd-admin-sites', LcdAdminSites)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-admin-sites': LcdAdminSites
  }
}
