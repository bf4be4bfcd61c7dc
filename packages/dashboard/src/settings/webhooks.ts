import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { live } from 'lit/directives/live.js'
import { LiveChatError, type AgentClient, type UpdateWebhook, type Webhook, type WebhookDelivery, type WebhookEvent } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { copyText } from '../shared/clipboard.js'
import { FieldErrors } from '../shared/form.js'
import { formStyles } from '../shared/form-styles.js'
import { webhooksStyles } from './webhooks.styles.js'
import { deliveryLog, deliveryStyles, eventBoxes, health, secretNote, urlField } from './webhook-parts.js'

/** How often an open delivery log is re-read while something in it is still pending. */
const POLL_MS = 2_000

/**
 * The site's webhooks (admins only): the list with the events each gets and whether it is
 * enabled; add one (its signing secret is shown once, right after), change its URL, events or
 * enabled flag, rotate its secret (the new one shown once; the old one still signs for 24 hours),
 * delete it, send it a test ping, and read its delivery log (kept up to date while deliveries are
 * pending).
 */
export class LcdSettingsWebhooks extends LitElement {
  static override styles = [base, formStyles, deliveryStyles, webhooksStyles]
  static override properties = {
    client: { attribute: false },
    admin: { type: Boolean },
    _hooks: { state: true },
    _loaded: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _busy: { state: true },
    _editing: { state: true },
    _editErrors: { state: true },
    _confirm: { state: true },
    _open: { state: true },
    _log: { state: true },
    _logError: { state: true },
    _createErrors: { state: true },
    _createProblem: { state: true },
    _creating: { state: true },
    _created: { state: true },
    _rotated: { state: true },
    _copied: { state: true },
  }

  client: AgentClient | null = null
  /** The viewer is a site admin (the only ones who may see webhooks). */
  admin = false

  /** @internal */ _hooks: Webhook[] = []
  /** @internal */ _loaded = false
  /** @internal */ _problem = ''
  /** @internal */ _status = ''
  /** @internal Webhooks with a change on its way. */ _busy = new Set<string>()
  /** @internal The webhook whose URL and events are being edited. */ _editing: string | null = null
  /** @internal */ _editErrors = new FieldErrors()
  /** @internal The webhook whose delete awaits confirmation. */ _confirm: string | null = null
  /** @internal The webhook whose delivery log is shown. */ _open: string | null = null
  /** @internal */ _log: WebhookDelivery[] = []
  /** @internal */ _logError = ''
  /** @internal */ _createErrors = new FieldErrors()
  /** @internal */ _createProblem = ''
  /** @internal */ _creating = false
  /** @internal The webhook just added or given a new secret, with its secret (shown this once). */ _created: Webhook | null = null
  /** @internal Whether _created's secret comes from a rotation. */ _rotated = false
  /** @internal */ _copied = ''

  #loadedFor = ''
  #poll: ReturnType<typeof setTimeout> | undefined

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this.#poll)
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const key = `${this.client?.siteId ?? ''}|${this.admin}`
    if (this.client?.siteId && this.admin && key !== this.#loadedFor) {
      this.#loadedFor = key
      void this.#load()
    }
  }

  async #load(): Promise<void> {
    try {
      this._hooks = await this.client!.webhooks.list()
      this._problem = ''
    } catch (error) {
      this._problem = `Could not load the webhooks: ${LiveChatError.from(error).message}`
    } finally {
      this._loaded = true
    }
  }

  override render() {
    if (!this.admin) return html`<p class="note" role="note">Only site admins can see and change webhooks.</p>`
    return html`<p class="muted hint">
        Webhooks send this site’s events to your URLs as JSON POSTs signed with the webhook’s secret per
        <a href="https://www.standardwebhooks.com" target="_blank" rel="noopener">Standard Webhooks</a> (<code>webhook-id</code>, <code>webhook-timestamp</code>,
        <code>webhook-signature</code>); <code>verifyWebhook</code> from <code>@live-chat/sdk/webhooks</code> checks them. Failed deliveries are retried with growing waits; a receiver that keeps failing is paused, then tried again.
      </p>
      <section aria-labelledby="hooks-h">
        <h3 id="hooks-h">Webhooks (${this._hooks.length})</h3>
        <p role="status" class="muted">${this._status}</p>
        ${this._problem ? html`<p class="err" role="alert">${this._problem}</p>` : nothing}
        ${this._created && this._rotated ? this.#secretNote(this._created) : nothing}
        ${!this._loaded ? html`<p class="muted">Loading…</p>` : this._hooks.length ? this.#table() : html`<p class="muted">No webhooks yet. Add one below.</p>`}
      </section>
      ${this.#createForm()}`
  }

  #table() {
    return html`<div class="scroll">
      <table class="hooks">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Events</th>
            <th scope="col">Enabled</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${this._hooks.map((w) => this.#row(w))}
        </tbody>
      </table>
    </div>`
  }

  #row(w: Webhook) {
    const busy = this._busy.has(w.id)
    const open = this._open === w.id
    const main =
      this._editing === w.id
        ? html`<tr data-webhook=${w.id}>
            <td colspan="4">${this.#editForm(w)}</td>
          </tr>`
        : html`<tr data-webhook=${w.id}>
            <th scope="row" class="url"><span class="address">${w.url}</span>${health(w)}</th>
            <td class="events">${w.events.map((e) => html`<code>${e}</code>`)}</td>
            <td data-label="Enabled">
              <input type="checkbox" name="active" aria-label="Enabled: ${w.url}" ?disabled=${busy} .checked=${live(w.active)} @change=${(e: Event) => this.#update(w, { active: (e.target as HTMLInputElement).checked })} />
            </td>
            <td>
              ${this._confirm === w.id
                ? html`<span class="actions" role="group" aria-label="Confirm deleting the webhook to ${w.url}">
                    <span>Delete it and its log?</span>
                    <button class="danger" id="confirm-delete" @click=${() => void this.#delete(w)}>Yes, delete</button>
                    <button @click=${() => this.#focusAfter(() => (this._confirm = null), `[data-delete="${w.id}"]`)}>Keep</button>
                  </span>`
                : html`<span class="actions">
                    <button data-edit=${w.id} aria-label="Edit the webhook to ${w.url}" ?disabled=${busy} @click=${() => this.#edit(w)}>Edit</button>
                    <button data-test=${w.id} aria-label="Send test to ${w.url}" ?disabled=${busy} @click=${() => void this.#test(w)}>Send test</button>
                    <button data-rotate=${w.id} aria-label="Rotate secret of the webhook to ${w.url}" ?disabled=${busy} @click=${() => void this.#rotate(w)}>Rotate secret</button>
                    <button data-log=${w.id} aria-expanded=${open ? 'true' : 'false'} aria-controls="log-${w.id}" @click=${() => this.#toggleLog(w)}>Delivery log</button>
                    <button data-delete=${w.id} class="danger" aria-label="Delete the webhook to ${w.url}" ?disabled=${busy} @click=${() => this.#askDelete(w)}>Delete</button>
                  </span>`}
            </td>
          </tr>`
    return html`${main}
      ${open
        ? html`<tr>
            <td colspan="4" class="panel" id="log-${w.id}">
              <div class="log-head">
                <h4>Delivery log</h4>
                <button class="link" @click=${() => void this.#refreshLog()}>Refresh</button>
              </div>
              ${this._logError ? html`<p class="err" role="alert">${this._logError}</p>` : nothing} ${deliveryLog(w.url, this._log, (d) => void this.#redeliver(w, d))}
            </td>
          </tr>`
        : nothing}`
  }

  #editForm(w: Webhook) {
    const e = this._editErrors
    e.begin()
    return html`<form novalidate aria-label="Edit the webhook to ${w.url}" @submit=${(ev: SubmitEvent) => void this.#saveEdit(ev, w)}>
      <fieldset class="all" ?disabled=${this._busy.has(w.id)}>
        ${urlField(w.url, e)} ${eventBoxes(w.events, e)}
        <div class="row">
          <button class="primary" type="submit">Save</button>
          <button type="button" @click=${() => this.#focusAfter(() => (this._editing = null), `[data-edit="${w.id}"]`)}>Cancel</button>
        </div>
      </fieldset>
      ${e.unclaimed().length ? html`<p class="err" role="alert">Not saved: ${e.unclaimed().join('; ')}</p>` : nothing}
    </form>`
  }

  /** The secret shown once: by the list after a rotation, by the form after an add. */
  #secretNote(w: Webhook) {
    return secretNote(w, this._rotated, this._copied, this.#copySecret, this.#doneCreated)
  }

  #createForm() {
    const e = this._createErrors
    e.begin()
    return html`<section aria-labelledby="add-hook-h">
      <h3 id="add-hook-h">Add a webhook</h3>
      ${this._created && !this._rotated ? this.#secretNote(this._created) : nothing}
      <form novalidate @submit=${this.#create}>
        <fieldset class="all" ?disabled=${this._creating}>
          ${urlField('', e)} ${eventBoxes([], e)}
          <div class="row"><button class="primary" type="submit">${this._creating ? 'Adding…' : 'Add webhook'}</button></div>
        </fieldset>
        ${this._createProblem || e.unclaimed().length ? html`<p class="err" role="alert">${this._createProblem} ${e.unclaimed().join('; ')}</p>` : nothing}
      </form>
    </section>`
  }

  // ------------------------------------------------------------------ actions

  /** The URL and checked events of a webhook form. */
  #read(form: HTMLFormElement): { url: string; events: WebhookEvent[] } {
    const data = new FormData(form)
    return { url: String(data.get('url') ?? '').trim(), events: data.getAll('events').map(String) as WebhookEvent[] }
  }

  #create = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault()
    const client = this.client
    if (!client || this._creating) return
    const form = ev.target as HTMLFormElement
    const input = this.#read(form)
    this._creating = true
    this._createErrors = new FieldErrors()
    this._createProblem = ''
    this._created = null
    this._copied = ''
    try {
      const hook = await client.webhooks.create(input)
      this._hooks = [...this._hooks, hook]
      this._created = hook
      this._rotated = false
      form.reset()
    } catch (error) {
      const err = LiveChatError.from(error)
      this._createErrors = new FieldErrors(err.details ?? [])
      this._createProblem = err.details?.length ? 'Not added: correct the marked fields.' : `Not added: ${err.message}`
    } finally {
      this._creating = false
    }
  }

  /** A new secret; the replaced one keeps signing too for 24 hours, so the receiver can switch over. */
  async #rotate(w: Webhook): Promise<void> {
    if (!this.client) return
    this._busy = new Set(this._busy).add(w.id)
    try {
      const hook = await this.client.webhooks.rotateSecret(w.id, 24)
      this._hooks = this._hooks.map((h) => (h.id === hook.id ? hook : h))
      this._created = hook
      this._rotated = true
      this._copied = ''
      this._problem = ''
      this._status = `New secret for the webhook to ${w.url}.`
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.created button')?.focus())
    } catch (error) {
      this._problem = `Could not rotate the secret of the webhook to ${w.url}: ${LiveChatError.from(error).message}`
    } finally {
      const busy = new Set(this._busy)
      busy.delete(w.id)
      this._busy = busy
    }
  }

  #doneCreated = (): void => {
    this._created = null
    this._copied = ''
  }

  #copySecret = async (): Promise<void> => {
    const secret = this._created?.secret
    if (!secret) return
    const ok = await copyText(secret, this.renderRoot.querySelector<HTMLElement>('code.secret'))
    this._copied = ok ? 'Copied' : 'Selected: press Ctrl+C (⌘C) to copy'
  }

  #edit(w: Webhook): void {
    this.#focusAfter(() => {
      this._editing = w.id
      this._editErrors = new FieldErrors()
      this._confirm = null
    }, `tr[data-webhook="${w.id}"] input[name="url"]`)
  }

  async #saveEdit(ev: SubmitEvent, w: Webhook): Promise<void> {
    ev.preventDefault()
    const input = this.#read(ev.target as HTMLFormElement)
    const changes: UpdateWebhook = {
      ...(input.url !== w.url ? { url: input.url } : {}),
      ...(input.events.join() !== w.events.join() ? { events: input.events } : {}),
    }
    if (!Object.keys(changes).length) {
      this.#focusAfter(() => (this._editing = null), `[data-edit="${w.id}"]`)
      return
    }
    this._editErrors = new FieldErrors()
    if (await this.#update(w, changes, (err) => (this._editErrors = new FieldErrors(err.details?.length ? err.details : [{ path: '(root)', message: err.message }])))) {
      this.#focusAfter(() => (this._editing = null), `[data-edit="${w.id}"]`)
    }
  }

  /** Sends a change; true when the server took it. Errors go to `onError`, else to the list's alert. */
  async #update(w: Webhook, changes: UpdateWebhook, onError?: (err: LiveChatError) => void): Promise<boolean> {
    if (!this.client) return false
    this._busy = new Set(this._busy).add(w.id)
    this._problem = ''
    try {
      const saved = await this.client.webhooks.update(w.id, changes)
      this._hooks = this._hooks.map((h) => (h.id === saved.id ? saved : h))
      this._status = `Saved the webhook to ${saved.url}${'active' in changes ? (saved.active ? ': enabled' : ': disabled') : ''}.`
      return true
    } catch (error) {
      const err = LiveChatError.from(error)
      if (onError) onError(err)
      else this._problem = `Not changed: ${err.message}`
      this.requestUpdate() // the checkbox shows what the server still has
      return false
    } finally {
      const busy = new Set(this._busy)
      busy.delete(w.id)
      this._busy = busy
    }
  }

  #askDelete(w: Webhook): void {
    this.#focusAfter(() => (this._confirm = w.id), '#confirm-delete')
  }

  async #delete(w: Webhook): Promise<void> {
    if (!this.client) return
    try {
      await this.client.webhooks.delete(w.id)
      this._hooks = this._hooks.filter((h) => h.id !== w.id)
      if (this._open === w.id) this.#closeLog()
      this._status = `Deleted the webhook to ${w.url}.`
      this._problem = ''
    } catch (error) {
      this._problem = `Could not delete the webhook to ${w.url}: ${LiveChatError.from(error).message}`
    } finally {
      this._confirm = null
    }
  }

  async #test(w: Webhook): Promise<void> {
    if (!this.client) return
    try {
      const delivery = await this.client.webhooks.test(w.id)
      this._status = `Test ping queued for ${w.url}.`
      this._problem = ''
      if (this._open !== w.id) this._log = []
      this._open = w.id
      this._log = [delivery, ...this._log.filter((d) => d.id !== delivery.id)]
      void this.#refreshLog()
    } catch (error) {
      this._problem = `Could not send a test to ${w.url}: ${LiveChatError.from(error).message}`
    }
  }

  /** Sends a delivery again (same id, a full set of tries); a paused receiver is tried at once. */
  async #redeliver(w: Webhook, d: WebhookDelivery): Promise<void> {
    if (!this.client) return
    try {
      const again = await this.client.webhooks.redeliver(w.id, d.id)
      this._status = `${d.event} queued again for ${w.url}.`
      this._problem = ''
      this._log = this._log.map((x) => (x.id === again.id ? again : x))
      // Its pause (if any) is over: the list says so.
      this._hooks = this._hooks.map((h) => (h.id === w.id ? { ...h, pausedUntil: null } : h))
      void this.#refreshLog()
    } catch (error) {
      this._problem = `Could not send it again to ${w.url}: ${LiveChatError.from(error).message}`
    }
  }

  #toggleLog(w: Webhook): void {
    if (this._open === w.id) {
      this.#closeLog()
      return
    }
    this._open = w.id
    this._log = []
    void this.#refreshLog()
  }

  #closeLog(): void {
    clearTimeout(this.#poll)
    this._open = null
    this._log = []
    this._logError = ''
  }

  /** Re-reads the open log; while a delivery in it is pending, again in a moment. */
  async #refreshLog(): Promise<void> {
    clearTimeout(this.#poll)
    const id = this._open
    if (!id || !this.client) return
    try {
      const log = await this.client.webhooks.deliveries(id)
      if (this._open !== id) return
      this._log = log
      this._logError = ''
    } catch (error) {
      if (this._open === id) this._logError = `Could not load the delivery log: ${LiveChatError.from(error).message}`
    }
    if (this._open === id && this.isConnected && this._log.some((d) => d.status === 'pending')) {
      this.#poll = setTimeout(() => void this.#refreshLog(), POLL_MS)
    }
  }

  /** Runs `change`, then puts focus on `selector` once it is drawn. */
  #focusAfter(change: () => void, selector: string): void {
    change()
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(selector)?.focus())
  }
}
define('lcd-settings-webhooks', LcdSettingsWebhooks)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-webhooks': LcdSettingsWebhooks
  }
}
