import { LitElement, css, html, nothing } from 'lit'
import { LiveChatError } from '@live-chat/sdk'
import { base } from './styles.js'
import { define } from './define.js'

/** The element that has the focus, through open shadow roots. */
function deepActive(): HTMLElement | null {
  let el = document.activeElement
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
  return el instanceof HTMLElement ? el : null
}

/**
 * A modal confirmation for what cannot be undone (a native `<dialog>`: focus stays inside, Escape
 * cancels, focus goes back where it was): a heading, what will happen (the slotted content), and
 * the confirm button. With `confirm-text`, the button works only once that text is typed.
 * `open(action)` runs `action` on confirm; while it fails the dialog stays open and says why.
 *
 * @slot - What will happen, in plain words.
 */
export class LcdConfirmDialog extends LitElement {
  static override styles = [
    base,
    css`
      dialog {
        border: 1px solid var(--line);
        border-radius: var(--radius);
        padding: 20px 24px;
        max-width: min(520px, calc(100vw - 32px));
        color: var(--fg);
        background: var(--bg);
        box-shadow: 0 12px 40px rgb(0 0 0 / 0.2);
      }
      dialog::backdrop {
        background: rgb(15 23 42 / 0.45);
      }
      form {
        display: grid;
        gap: 14px;
      }
      .body {
        display: grid;
        gap: 8px;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        justify-content: flex-end;
      }
      button.confirm {
        background: var(--danger);
        border-color: var(--danger);
        color: #fff;
      }
      input {
        font-weight: 400;
      }
    `,
  ]
  static override properties = {
    heading: {},
    confirmLabel: { attribute: 'confirm-label' },
    confirmText: { attribute: 'confirm-text' },
    _typed: { state: true },
    _busy: { state: true },
    _error: { state: true },
  }

  /** The dialog's title: a question (“Delete the site Shop?”). */
  heading = ''
  /** The confirm button's label. */
  confirmLabel = 'Confirm'
  /** Text the person must type before confirming (e.g. the site's name); empty: none. */
  confirmText = ''

  /** @internal */ _typed = ''
  /** @internal */ _busy = false
  /** @internal */ _error = ''

  #action: (() => Promise<void>) | null = null
  #settle: ((done: boolean) => void) | null = null
  #opener: HTMLElement | null = null

  /** Whether the dialog is showing. */
  get isOpen(): boolean {
    return this.renderRoot.querySelector('dialog')?.open ?? false
  }

  /** Shows the dialog; resolves true once `action` succeeded (the dialog closes), false if cancelled. */
  async open(action: () => Promise<void>): Promise<boolean> {
    this.#settle?.(false)
    this.#action = action
    this.#opener = deepActive()
    this._typed = ''
    this._error = ''
    this._busy = false
    await this.updateComplete
    const dialog = this.renderRoot.querySelector('dialog')!
    if (!dialog.open) dialog.showModal()
    return new Promise<boolean>((resolve) => (this.#settle = resolve))
  }

  override render() {
    const blocked = this._busy || (this.confirmText !== '' && this._typed !== this.confirmText)
    return html`<dialog aria-labelledby="h" aria-describedby="body" @close=${this.#closed}>
      <form method="dialog" novalidate @submit=${this.#confirm}>
        <h2 id="h">${this.heading}</h2>
        <div class="body" id="body"><slot></slot></div>
        ${this.confirmText
          ? html`<label
              >Type “${this.confirmText}” to confirm
              <input name="confirm" autocomplete="off" spellcheck="false" autofocus .value=${this._typed} @input=${(e: Event) => (this._typed = (e.target as HTMLInputElement).value)}
            /></label>`
          : nothing}
        ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}
        <div class="buttons">
          <button type="button" class="cancel" ?autofocus=${!this.confirmText} @click=${this.#cancel}>Cancel</button>
          <button type="submit" class="confirm" ?disabled=${blocked}>${this._busy ? 'Working…' : this.confirmLabel}</button>
        </div>
      </form>
    </dialog>`
  }

  #confirm = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault()
    if (!this.#action || this._busy || (this.confirmText && this._typed !== this.confirmText)) return
    this._busy = true
    this._error = ''
    try {
      await this.#action()
      this.#finish(true)
    } catch (error) {
      this._error = LiveChatError.from(error).message
    } finally {
      this._busy = false
    }
  }

  #cancel = (): void => this.#finish(false)

  /**
   * Closed by Escape (or by #finish). The close event comes a task later: if the dialog was
   * opened again meanwhile, it is about the earlier opening (already settled).
   */
  #closed = (): void => {
    if (!this.isOpen) this.#finish(false)
  }

  #finish(done: boolean): void {
    const dialog = this.renderRoot.querySelector('dialog')
    const settle = this.#settle
    this.#settle = null
    this.#action = null
    if (dialog?.open) dialog.close()
    const opener = this.#opener
    this.#opener = null
    // Back to where the person was; the opener may be gone (a removed row): then the caller moves focus.
    if (opener?.isConnected) opener.focus()
    settle?.(done)
  }
}
define('lcd-confirm-dialog', LcdConfirmDialog)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-confirm-dialog': LcdConfirmDialog
  }
}
