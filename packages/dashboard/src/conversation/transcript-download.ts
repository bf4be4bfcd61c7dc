import { LitElement, css, html, nothing } from 'lit'
import { LiveChatError, type AgentClient, type ConversationSummary, type TranscriptFormat } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { saveBlob } from '../shared/download.js'

const FORMATS: [TranscriptFormat, string][] = [
  ['txt', 'Plain text'],
  ['csv', 'CSV'],
  ['json', 'JSON'],
]

/** A conversation's transcript as a download, in the format the agent picks (built by the server). */
export class LcdTranscriptDownload extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
      }
      select,
      button {
        padding: 3px 8px;
        font-size: 13px;
      }
      [role='alert'] {
        margin: 0;
        flex-basis: 100%;
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    conversation: { attribute: false },
    _format: { state: true },
    _busy: { state: true },
    _error: { state: true },
  }

  client: AgentClient | null = null
  conversation: ConversationSummary | null = null

  /** @internal */ _format: TranscriptFormat = 'txt'
  /** @internal */ _busy = false
  /** @internal */ _error = ''

  override render() {
    return html`<select aria-label="Transcript format" .value=${this._format} @change=${(e: Event) => (this._format = (e.target as HTMLSelectElement).value as TranscriptFormat)}>
        ${FORMATS.map(([f, label]) => html`<option value=${f} ?selected=${f === this._format}>${label}</option>`)}
      </select>
      <button ?disabled=${this._busy || !this.conversation} @click=${this.#download}>${this._busy ? 'Preparing…' : 'Download transcript'}</button>
      ${this._error ? html`<p class="err" role="alert">${this._error}</p>` : nothing}`
  }

  #download = async (): Promise<void> => {
    const { client, conversation: c } = this
    const format = this._format
    if (!client || !c || this._busy) return
    this._busy = true
    this._error = ''
    try {
      saveBlob(await client.conversations.transcript(c.id, format), `conversation-${c.id}.${format}`)
    } catch (error) {
      this._error = `Could not download the transcript: ${LiveChatError.from(error).message}`
    } finally {
      this._busy = false
    }
  }
}
define('lcd-transcript-download', LcdTranscriptDownload)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-transcript-download': LcdTranscriptDownload
  }
}
