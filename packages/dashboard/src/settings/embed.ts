import { LitElement, css, html, nothing } from 'lit'
import { embedSnippet } from '@live-chat/protocol/embed'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { copyText } from '../shared/clipboard.js'
import type { AgentClient } from '@live-chat/sdk'
import './identity-secret.js'

/**
 * How to put the widget on a website: the script snippet (with a Copy button), the npm
 * alternative, and how identity verification works (with the identity secret, for site admins).
 */
export class LcdSettingsEmbed extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: 20px;
        max-width: 760px;
      }
      section {
        display: grid;
        gap: 8px;
      }
      textarea,
      pre {
        font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace;
        width: 100%;
        resize: vertical;
        background: var(--bg-soft);
        margin: 0;
      }
      pre {
        border: 1px solid var(--line);
        border-radius: 6px;
        padding: 8px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .copy {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      p {
        margin: 0;
      }
    `,
  ]
  static override properties = {
    server: {},
    siteId: { attribute: 'site-id' },
    client: { attribute: false },
    admin: { type: Boolean },
    _copied: { state: true },
  }

  /** The chat server's public URL. */
  server = ''
  /** The site whose widget to embed. */
  siteId = ''
  /** For the identity secret (site admins). */
  client: AgentClient | null = null
  /** The viewer is an admin of the site: the identity secret is shown (on request) and can be rotated. */
  admin = false
  /** @internal */ _copied = ''

  override render() {
    const snippet = embedSnippet(this.server, this.siteId)
    const npm = `npm install @live-chat/widget\n\n// in your app\nimport '@live-chat/widget'\n// then, in your HTML:\n// <live-chat site-id="${this.siteId}" server="${this.server.replace(/\/$/, '')}"></live-chat>`
    return html`<section aria-labelledby="snippet-h">
        <h3 id="snippet-h">Add the chat to your website</h3>
        <p>Paste this before <code>&lt;/body&gt;</code> on every page where visitors should be able to chat:</p>
        <textarea id="snippet" readonly rows="3" aria-labelledby="snippet-h" .value=${snippet}></textarea>
        <div class="copy">
          <button type="button" class="primary" @click=${this.#copy}>Copy snippet</button>
          <span role="status" class="muted">${this._copied}</span>
        </div>
      </section>
      <section aria-labelledby="npm-h">
        <h3 id="npm-h">Or install it with npm</h3>
        <pre aria-labelledby="npm-h" tabindex="0">${npm}</pre>
      </section>
      <section aria-labelledby="id-h">
        <h3 id="id-h">Identify signed-in users (optional)</h3>
        <p>
          To show your users' names and keep their conversations across devices, your server signs each user id: the hash is the HMAC-SHA256 of the user id
          with the site's identity secret, in hex. Then call <code>document.querySelector('live-chat').identify({ userId, hash, name, email })</code>.
          Never compute the hash in the browser: the secret must stay on your server.
        </p>
        ${this.admin && this.client
          ? nothing
          : html`<p class="muted">Site admins see the identity secret here.</p>`}
      </section>
      ${this.admin && this.client && this.siteId ? html`<lcd-identity-secret .client=${this.client} .siteId=${this.siteId}></lcd-identity-secret>` : nothing}
      ${this.siteId ? nothing : html`<p class="err">No site is open.</p>`}`
  }

  #copy = async (): Promise<void> => {
    const ok = await copyText(embedSnippet(this.server, this.siteId), this.renderRoot.querySelector<HTMLTextAreaElement>('#snippet'))
    this._copied = ok ? 'Copied to the clipboard' : 'Selected: press Ctrl+C (⌘C) to copy'
  }
}
define('lcd-settings-embed', LcdSettingsEmbed)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-settings-embed': LcdSettingsEmbed
  }
}
