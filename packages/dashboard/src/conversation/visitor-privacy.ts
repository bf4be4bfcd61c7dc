import { LitElement, css, html, nothing } from 'lit'
import { LiveChatError, type AgentClient, type VisitorDetail } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { saveBlob } from '../shared/download.js'
import { fire, visitorName } from '../shared/util.js'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'

/** What the admin types to confirm an erasure. */
export const ERASE_WORD = 'erase'

/**
 * The visitor panel's privacy actions (site admins, under the panel's “Privacy”): download everything the site holds about the
 * visitor (a .zip built by the server), and erase them — confirmed by typing “erase”.
 *
 * @fires {CustomEvent<{visitorId: string}>} lcd-visitor-erased - The visitor was erased (their conversations are gone).
 */
export class LcdVisitorPrivacy extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: 6px;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      button {
        padding: 3px 10px;
        font-size: 13px;
      }
      p {
        margin: 0;
        font-size: 12px;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    visitor: { attribute: false },
    conversations: { type: Number },
    _exporting: { state: true },
    _error: { state: true },
  }

  client: AgentClient | null = null
  visitor: VisitorDetail | null = null
  /** How many conversations the visitor has (said in the confirmation); -1 while unknown. */
  conversations = -1

  /** @internal */ _exporting = false
  /** @internal */ _error = ''

  override render() {
    const v = this.visitor
    if (!v) return nothing
    const name = visitorName(v)
    const count = this.conversations < 0 ? 'every conversation' : this.conversations === 1 ? 'their conversation' : `all ${this.conversations} conversations`
    return html`<div class="actions" role="group" aria-label="Privacy actions">
        <button type="button" ?disabled=${this._exporting} @click=${this.#export}>${this._exporting ? 'Preparing…' : 'Export data'}</button>
        <button type="button" class="danger" @click=${this.#askErase}>Erase visitor…</button>
      </div>
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}
      <lcd-confirm-dialog heading="Erase ${name}?" confirm-label="Erase for good" confirm-text=${ERASE_WORD}>
        <p><strong>${name} and ${count} are deleted at once</strong>: messages and their earlier versions, files, ratings, pages seen, consents and contact details, wherever the site keeps them.</p>
        <p>Analytics keep only anonymous counts. The audit log records the erasure by the visitor’s id. This cannot be undone: export their data first if they asked for a copy.</p>
      </lcd-confirm-dialog>`
  }

  #export = async (): Promise<void> => {
    const { client, visitor: v } = this
    if (!client || !v || this._exporting) return
    this._exporting = true
    this._error = ''
    try {
      saveBlob(await client.visitors.export(v.id), `visitor-${v.id}.zip`)
    } catch (error) {
      this._error = `Could not export the visitor’s data: ${LiveChatError.from(error).message}`
    } finally {
      this._exporting = false
    }
  }

  #askErase = async (): Promise<void> => {
    const { client, visitor: v } = this
    if (!client || !v) return
    this._error = ''
    const dialog = this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog')!
    if (await dialog.open(() => client.visitors.erase(v.id).then(() => undefined))) fire(this, 'lcd-visitor-erased', { visitorId: v.id })
  }
}
define('lcd-visitor-privacy', LcdVisitorPrivacy)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-visitor-privacy': LcdVisitorPrivacy
  }
  interface GlobalEventHandlersEventMap {
    'lcd-visitor-erased': CustomEvent<{ visitorId: string }>
  }
}
