import { LitElement, css, html } from 'lit'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { copyText } from '../shared/clipboard.js'
import { saveBlob } from '../shared/download.js'

/**
 * Recovery codes, shown once: the list, with Copy and Download (a text file). Each code signs the
 * user in once when the authenticator app is not at hand.
 */
export class LcdRecoveryCodes extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: 10px;
        padding: 14px 16px;
        border: 1px solid var(--note-line);
        background: var(--note-bg);
        border-radius: var(--radius);
      }
      p {
        margin: 0;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(12ch, 1fr));
        gap: 6px 16px;
      }
      code {
        font: 15px ui-monospace, SFMono-Regular, Menlo, monospace;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
    `,
  ]
  static override properties = {
    codes: { attribute: false },
    _copied: { state: true },
  }

  /** The codes to show. */
  codes: string[] = []
  /** @internal */ _copied = ''

  override render() {
    return html`<p><strong>Save your recovery codes.</strong> If your phone is lost, each code signs you in once instead of the app's code. They are shown only now: keep them somewhere safe, such as a password manager.</p>
      <ul aria-label="Recovery codes">
        ${this.codes.map((c) => html`<li><code>${c}</code></li>`)}
      </ul>
      <div class="actions">
        <button type="button" @click=${this.#copy}>Copy codes</button>
        <button type="button" @click=${this.#download}>Download</button>
        <span role="status" class="muted">${this._copied}</span>
      </div>`
  }

  #text(): string {
    return `Live Chat recovery codes (each works once)\n\n${this.codes.join('\n')}\n`
  }

  #copy = async (): Promise<void> => {
    const ok = await copyText(this.#text(), this.renderRoot.querySelector<HTMLElement>('ul'))
    this._copied = ok ? 'Copied to the clipboard' : 'Selected: press Ctrl+C (⌘C) to copy'
  }

  #download = (): void => {
    saveBlob(new Blob([this.#text()], { type: 'text/plain;charset=utf-8' }), 'live-chat-recovery-codes.txt')
    this._copied = 'Downloaded live-chat-recovery-codes.txt'
  }
}
define('lcd-recovery-codes', LcdRecoveryCodes)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-recovery-codes': LcdRecoveryCodes
  }
}
