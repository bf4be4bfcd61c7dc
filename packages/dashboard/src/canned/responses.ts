import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { LiveChatError, type AgentClient, type AgentSummary, type CannedResponse } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { announceCannedChange } from './canned.js'
import './form.js'

const NO_CATEGORY = 'Uncategorised'

/**
 * The canned responses page: the site's shared responses and the agent's personal ones, grouped
 * by category, with search, and create, edit (in place) and delete. Admins manage shared
 * responses; every agent manages their own personal ones (others' controls are disabled, with
 * the reason given). Changes are announced with `lcd-canned-change` on window, so composers
 * reload their `/` lists.
 */
export class LcdCannedResponses extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        overflow: auto;
        padding: 16px 24px;
      }
      header {
        display: flex;
        align-items: center;
        gap: 12px;
        flex-wrap: wrap;
        margin-bottom: 12px;
      }
      header input {
        flex: 1;
        max-width: 320px;
      }
      section {
        margin-top: 20px;
      }
      h3 .muted {
        font-weight: 400;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        margin-top: 6px;
        background: var(--bg);
        border: 1px solid var(--line);
        border-radius: var(--radius);
      }
      th,
      td {
        text-align: left;
        padding: 6px 10px;
        border-bottom: 1px solid var(--line);
        vertical-align: top;
      }
      th {
        font-size: 12px;
        font-weight: 600;
        color: var(--muted);
        text-transform: uppercase;
      }
      td.preview {
        max-width: 40ch;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        color: var(--muted);
      }
      td.num {
        text-align: right;
      }
      code {
        color: var(--accent);
      }
      .badge {
        font-size: 12px;
        padding: 1px 6px;
        border-radius: 10px;
        background: var(--bg-soft);
        border: 1px solid var(--line);
      }
      .badge.personal {
        background: var(--note-bg);
        border-color: var(--note-line);
      }
      .actions {
        white-space: nowrap;
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .new {
        margin-bottom: 12px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    me: { attribute: false },
    _items: { state: true },
    _loaded: { state: true },
    _error: { state: true },
    _q: { state: true },
    _editing: { state: true },
    _confirm: { state: true },
    _status: { state: true },
  }

  /** The connected agent client (its current site). */
  client: AgentClient | null = null
  /** The signed-in agent: admins manage shared responses. */
  me: AgentSummary | null = null

  /** @internal */ _items: CannedResponse[] = []
  /** @internal */ _loaded = false
  /** @internal */ _error = ''
  /** @internal The search box. */ _q = ''
  /** @internal The id being edited, 'new' while adding, or null. */ _editing: string | null = null
  /** @internal The id whose delete awaits confirmation. */ _confirm: string | null = null
  /** @internal What the last action did, for the live region. */ _status = ''

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') && this.client) void this.reload()
  }

  /** Loads the list again from the server (with fresh usage counts). */
  async reload(): Promise<void> {
    const client = this.client
    if (!client?.siteId) return
    try {
      const items = await client.cannedResponses.list()
      if (client !== this.client) return
      this._items = items
      this._error = ''
    } catch (error) {
      this._error = `Could not load canned responses: ${LiveChatError.from(error).message}`
    } finally {
      this._loaded = true
    }
  }

  #canEdit(r: CannedResponse): boolean {
    return r.isPersonal ? r.createdById === this.me?.id : this.me?.role === 'admin'
  }

  #categories(): string[] {
    return [...new Set(this._items.flatMap((r) => (r.category ? [r.category] : [])))].sort((a, b) => a.localeCompare(b))
  }

  /** The responses matching the search, grouped by category (alphabetically; uncategorised last). */
  #groups(): [string, CannedResponse[]][] {
    const q = this._q.trim().toLowerCase()
    const shown = q
      ? this._items.filter((r) => [r.title, r.shortcut ?? '', r.content, r.category ?? ''].some((s) => s.toLowerCase().includes(q)))
      : this._items
    const groups = new Map<string, CannedResponse[]>()
    for (const r of shown) {
      const key = r.category ?? ''
      groups.set(key, [...(groups.get(key) ?? []), r])
    }
    return [...groups].sort(([a], [b]) => (!a ? 1 : !b ? -1 : a.localeCompare(b)))
  }

  override render() {
    const admin = this.me?.role === 'admin'
    const groups = this.#groups()
    return html`<header>
        <h2>Canned responses</h2>
        <input type="search" aria-label="Search canned responses" placeholder="Search…" .value=${this._q} @input=${(e: Event) => (this._q = (e.target as HTMLInputElement).value)} />
        <button class="primary" ?disabled=${this._editing === 'new'} @click=${() => this.#edit('new')}>New response</button>
      </header>
      ${admin ? nothing : html`<p class="muted" id="perm">Shared responses are managed by admins. You can add and change your personal ones.</p>`}
      <p class="sr-only" role="status">${this._status}</p>
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}
      ${this._editing === 'new'
        ? html`<lcd-canned-form class="new" .client=${this.client} .me=${this.me} .categories=${this.#categories()} @lcd-canned-saved=${this.#onSaved} @lcd-cancel=${this.#onCancel}></lcd-canned-form>`
        : nothing}
      ${!this._loaded
        ? html`<p class="muted">Loading…</p>`
        : groups.length
          ? groups.map(([category, items], i) => this.#renderGroup(category, items, i))
          : html`<p class="muted">${this._q ? 'No canned response matches your search.' : 'No canned responses yet. Add one to answer common questions in a few keystrokes.'}</p>`}`
  }

  #renderGroup(category: string, items: CannedResponse[], i: number) {
    return html`<section aria-labelledby="group-${i}">
      <h3 id="group-${i}">${category || NO_CATEGORY} <span class="muted">(${items.length})</span></h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Shortcut</th>
            <th scope="col">Title</th>
            <th scope="col">Content</th>
            <th scope="col">Visibility</th>
            <th scope="col">Uses</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${items.map((r) => this.#renderRow(r))}
        </tbody>
      </table>
    </section>`
  }

  #renderRow(r: CannedResponse) {
    if (this._editing === r.id) {
      return html`<tr>
        <td colspan="6">
          <lcd-canned-form .client=${this.client} .me=${this.me} .response=${r} .categories=${this.#categories()} @lcd-canned-saved=${this.#onSaved} @lcd-cancel=${this.#onCancel}></lcd-canned-form>
        </td>
      </tr>`
    }
    const editable = this.#canEdit(r)
    const why = editable ? nothing : 'perm'
    return html`<tr data-id=${r.id}>
      <td>${r.shortcut ? html`<code>/${r.shortcut}</code>` : html`<span class="muted">—</span>`}</td>
      <td>${r.title}</td>
      <td class="preview" title=${r.content}>${r.content}</td>
      <td><span class="badge ${r.isPersonal ? 'personal' : ''}">${r.isPersonal ? 'Personal' : 'Shared'}</span></td>
      <td class="num">${r.usageCount}</td>
      <td>
        ${this._confirm === r.id
          ? html`<span class="actions" role="group" aria-label="Confirm deleting ${r.title}">
              <span>Delete?</span>
              <button class="danger" id="confirm-delete" @click=${() => void this.#delete(r)}>Yes, delete</button>
              <button @click=${() => this.#cancelDelete(r)}>Keep</button>
            </span>`
          : html`<span class="actions">
              <button aria-label="Edit ${r.title}" data-edit=${r.id} ?disabled=${!editable} aria-describedby=${why} @click=${() => this.#edit(r.id)}>Edit</button>
              <button class="danger" aria-label="Delete ${r.title}" ?disabled=${!editable} aria-describedby=${why} @click=${() => this.#askDelete(r)}>Delete</button>
            </span>`}
      </td>
    </tr>`
  }

  #edit(id: string): void {
    this._editing = id
    this._confirm = null
  }

  #onCancel = (): void => {
    const id = this._editing
    this._editing = null
    void this.#focusRow(id)
  }

  #onSaved = (e: CustomEvent<{ response: CannedResponse }>): void => {
    const saved = e.detail.response
    const known = this._items.some((r) => r.id === saved.id)
    this._items = known ? this._items.map((r) => (r.id === saved.id ? saved : r)) : [...this._items, saved].sort(byShortcut)
    this._editing = null
    this._status = `${known ? 'Saved' : 'Added'} “${saved.title}”.`
    announceCannedChange()
    void this.#focusRow(saved.id)
  }

  #askDelete(r: CannedResponse): void {
    this._confirm = r.id
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#confirm-delete')?.focus())
  }

  #cancelDelete(r: CannedResponse): void {
    this._confirm = null
    void this.#focusRow(r.id)
  }

  async #delete(r: CannedResponse): Promise<void> {
    if (!this.client) return
    try {
      await this.client.cannedResponses.delete(r.id)
      this._items = this._items.filter((x) => x.id !== r.id)
      this._status = `Deleted “${r.title}”.`
      this._error = ''
      announceCannedChange()
    } catch (error) {
      this._error = `Could not delete “${r.title}”: ${LiveChatError.from(error).message}`
    } finally {
      this._confirm = null
    }
  }

  /** Puts focus back on a row's Edit button (or the New button) after a form or a confirm closes. */
  async #focusRow(id: string | null): Promise<void> {
    await this.updateComplete
    const target = id && id !== 'new' ? this.renderRoot.querySelector<HTMLElement>(`[data-edit="${id}"]`) : null
    ;(target ?? this.renderRoot.querySelector<HTMLElement>('header button.primary'))?.focus()
  }
}

/** The server's order: by shortcut (responses without one last), then title. */
function byShortcut(a: CannedResponse, b: CannedResponse): number {
  if (a.shortcut !== b.shortcut) return a.shortcut === null ? 1 : b.shortcut === null ? -1 : a.shortcut < b.shortcut ? -1 : 1
  return a.title.localeCompare(b.title)
}
define('lcd-canned-responses', LcdCannedResponses)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-canned-responses': LcdCannedResponses
  }
}
