import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import Bowser from 'bowser'
import { LiveChatError, type AgentClient, type AgentSummary, type Contact, type ConversationSummary, type VisitorDetail } from '@live-chat/sdk'
import { base } from '../shared/styles.js'
import { ratingBadge, ratingStyles } from '../shared/rating.js'
import { define } from '../shared/define.js'
import { fire, fullTime, shortTime, visitorName } from '../shared/util.js'
import { statusLabel } from '../inbox/model.js'
import './visitor-privacy.js'
import './ban-visitor.js'
import './contact.js'
import { detailStyles } from './details.styles.js'

/** "Chrome 120 on macOS Sonoma (desktop)" from a user agent; null when there is none. */
export function describeAgent(userAgent: string | null): string | null {
  if (!userAgent) return null
  const p = Bowser.parse(userAgent)
  const browser = [p.browser.name, p.browser.version?.split('.')[0]].filter(Boolean).join(' ')
  const os = [p.os.name, p.os.versionName ?? p.os.version].filter(Boolean).join(' ')
  const text = [browser, os].filter(Boolean).join(' on ')
  if (!text) return null
  return p.platform.type ? `${text} (${p.platform.type})` : text
}

function place(v: VisitorDetail): string | null {
  let country = v.countryCode
  if (country) {
    try {
      country = new Intl.DisplayNames(undefined, { type: 'region' }).of(country.toUpperCase()) ?? country
    } catch {
      // an unknown code stays as it is
    }
  }
  return [v.city, country].filter(Boolean).join(', ') || null
}

/** How many of the visitor's conversations are listed. */
const HISTORY_PAGE = 20

function value(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/** Only http(s) links are made clickable (a page URL is what the visitor's browser reported). */
function safeHref(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined
}

/**
 * Who the open conversation's visitor is: contact details, location, browser, the page they are
 * on and the pages they saw, pre-chat data, a verified badge, the contact (company, custom
 * attributes, notes; editable: contact.ts), and their past conversations; for admins, exporting
 * and erasing their data (visitor-privacy.ts); and "Ban visitor…" (ban-visitor.ts).
 *
 * @fires {CustomEvent<{id: string}>} lcd-open - The agent opened one of the visitor's past conversations.
 * @fires {CustomEvent<{visitorId: string}>} lcd-visitor-erased - An admin erased the visitor.
 * @fires {CustomEvent<{open: boolean}>} lcd-visitor-details - The agent asked for the conversation back (narrow screens show one or the other).
 */
export class LcdVisitorPanel extends LitElement {
  static override styles = [
    base,
    ratingStyles,
    detailStyles,
    css`
      :host {
        display: block;
        min-height: 0;
        overflow-y: auto;
        background: var(--bg);
        border-left: 1px solid var(--line);
      }
      .panel {
        display: grid;
        gap: 16px;
        padding: 14px 16px;
      }
      /* Where the inbox shows the panel instead of the conversation (narrow screens): the way back. */
      .back {
        display: none;
        margin: 12px 16px 0;
      }
      @media (max-width: 1100px) {
        .back {
          display: inline-block;
        }
      }
      section {
        display: grid;
        gap: 6px;
      }
      .who {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
      }
      .badge {
        font-size: 12px;
        padding: 1px 8px;
        border-radius: 999px;
        background: #dcfce7;
        color: #14532d;
        font-weight: 600;
      }
      ol,
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
        display: grid;
        gap: 6px;
      }
      .page {
        display: grid;
      }
      .page a,
      .page span:first-child {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      a {
        color: var(--accent);
      }
      .small {
        font-size: 12px;
      }
      .consents ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      .consents q {
        display: block;
        font-size: 13px;
      }
      .past button {
        width: 100%;
        text-align: left;
        display: grid;
        gap: 2px;
      }
      .past button[aria-current='true'] {
        border-color: var(--accent);
      }
    `,
  ]
  static override properties = {
    client: { attribute: false },
    conversation: { attribute: false },
    admin: { type: Boolean },
    me: { attribute: false },
    _edited: { state: true },
    _history: { state: true },
    _historyError: { state: true },
  }

  client: AgentClient | null = null
  /** The open conversation (its visitor is shown). */
  conversation: ConversationSummary | null = null
  /** The agent is an admin of the site: the visitor's data may be exported and erased. */
  admin = false
  /** The agent looking (the notes they wrote are theirs to change). */
  me: AgentSummary | null = null

  /** @internal The contact as last edited here (shown over the conversation's copy of the visitor). */ _edited: Contact | null = null
  /** @internal The visitor's conversations, newest first (null while loading). */ _history: ConversationSummary[] | null = null
  /** @internal */ _historyError = ''

  #loadedFor = ''

  protected override willUpdate(changed: PropertyValues<this>): void {
    const c = this.conversation
    if (!c) return
    // Reload when another visitor is shown, and when this conversation's status changed.
    const key = `${c.visitor.id}:${c.id}:${c.status}`
    if (key !== this.#loadedFor || changed.has('client')) {
      const sameVisitor = this.#loadedFor.startsWith(`${c.visitor.id}:`)
      this.#loadedFor = key
      if (!sameVisitor) this._history = null
      void this.#loadHistory(c.visitor.id, key)
    }
  }

  override render() {
    const c = this.conversation
    if (!c) return nothing
    const e = this._edited?.id === c.visitor.id ? this._edited : null
    const v: VisitorDetail = e ? { ...c.visitor, name: e.name, email: e.email, phone: e.phone, company: e.company } : c.visitor
    const where = place(v)
    const browser = describeAgent(v.userAgent)
    const custom = Object.entries(v.customData ?? {})
    const pages = [...(v.pages ?? [])].reverse()
    return html`<button class="back link" @click=${() => fire(this, 'lcd-visitor-details', { open: false })}>‹ Conversation</button>
      <section class="panel" aria-label="Visitor">
        <section>
          <div class="who">
            <h2>${visitorName(v)}</h2>
            ${v.verified ? html`<span class="badge" title=${v.externalId ? `Verified by the site as user ${v.externalId}` : 'Verified by the site'}>✓ Verified</span>` : nothing}
          </div>
          <span class="muted small"><span class="dot ${v.online ? 'online' : ''}" aria-hidden="true"></span> ${v.online ? 'Online now' : `Last seen ${shortTime(v.lastSeenAt)}`}</span>
          <dl>
            ${v.email ? html`<dt>Email</dt><dd><a href="mailto:${v.email}">${v.email}</a></dd>` : nothing}
            ${v.phone ? html`<dt>Phone</dt><dd><a href="tel:${v.phone}">${v.phone}</a></dd>` : nothing}
            ${v.verified && v.externalId ? html`<dt>User id</dt><dd>${v.externalId}</dd>` : nothing}
            ${where ? html`<dt>Location</dt><dd>${where}</dd>` : nothing}
            ${browser ? html`<dt>Browser</dt><dd>${browser}</dd>` : nothing}
            <dt>First seen</dt><dd>${fullTime(v.createdAt)}</dd>
          </dl>
        </section>
        <lcd-contact
          .client=${this.client}
          .visitorId=${v.id}
          .agentId=${this.me?.id ?? ''}
          ?admin=${this.admin}
          @lcd-contact-change=${(ev: CustomEvent<{ contact: Contact }>) => (this._edited = ev.detail.contact)}
        ></lcd-contact>
        ${v.currentUrl
          ? html`<section>
              <h3>Current page</h3>
              <a href=${safeHref(v.currentUrl) ?? nothing} target="_blank" rel="noopener noreferrer">${v.currentTitle || v.currentUrl}</a>
            </section>`
          : nothing}
        ${pages.length
          ? html`<section>
              <h3>Pages seen</h3>
              <ol aria-label="Pages seen, newest first">
                ${pages.map(
                  (p) => html`<li class="page">
                    ${safeHref(p.url) ? html`<a href=${p.url} target="_blank" rel="noopener noreferrer" title=${p.url}>${p.title || p.url}</a>` : html`<span>${p.title || p.url}</span>`}
                    <time class="muted small" datetime=${p.at} title=${fullTime(p.at)}>${shortTime(p.at)}</time>
                  </li>`,
                )}
              </ol>
            </section>`
          : nothing}
        ${v.referrerUrl ? html`<section><h3>Came from</h3><span class="small">${v.referrerUrl}</span></section>` : nothing}
        ${custom.length
          ? html`<section>
              <h3>Details</h3>
              <dl>${custom.map(([k, val]) => html`<dt>${k}</dt><dd>${value(val)}</dd>`)}</dl>
            </section>`
          : nothing}
        ${v.consents?.length
          ? html`<section class="consents">
              <h3>Consent</h3>
              <ul>
                ${v.consents.map(
                  (c) => html`<li>
                    <q>${c.text}</q>
                    <span class="muted small"
                      >Given <time datetime=${c.givenAt} title=${fullTime(c.givenAt)}>${fullTime(c.givenAt)}</time>${c.url
                        ? html` · <a href=${c.url} target="_blank" rel="noopener noreferrer">policy</a>`
                        : nothing}</span
                    >
                  </li>`,
                )}
              </ul>
            </section>`
          : nothing}
        <section class="past">
          <h3>Conversations</h3>
          ${this._historyError ? html`<p class="err small" role="alert">${this._historyError}</p>` : nothing}
          ${this._history === null && !this._historyError ? html`<p class="muted small">Loading…</p>` : nothing}
          ${this._history
            ? html`<ul aria-label="Conversations of this visitor">
                ${this._history.map((past) => {
                  // The open one as it is now (rated, resolved, ... since the list was loaded).
                  const h = past.id === c.id ? c : past
                  return html`<li>
                    <button aria-current=${h.id === c.id ? 'true' : 'false'} @click=${() => fire(this, 'lcd-open', { id: h.id })}>
                      <span><strong>${statusLabel(h.status)}</strong> · <time datetime=${h.createdAt}>${shortTime(h.createdAt)}</time> ${ratingBadge(h)}</span>
                      <span class="muted small">${h.lastMessage?.text || h.subject || 'No messages'}</span>
                    </button>
                  </li>`
                })}
              </ul>`
            : nothing}
        </section>
        ${this.admin
          ? html`<section>
              <h3>Privacy</h3>
              <lcd-visitor-privacy
                .client=${this.client}
                .visitor=${v}
                .conversations=${this._history && this._history.length < HISTORY_PAGE ? this._history.length : -1}
              ></lcd-visitor-privacy>
            </section>`
          : nothing}
        <section><lcd-ban-visitor .client=${this.client} .visitor=${v}></lcd-ban-visitor></section>
      </section>`
  }

  async #loadHistory(visitorId: string, key: string): Promise<void> {
    const client = this.client
    if (!client) return
    try {
      const page = await client.conversations.list({ visitorId, limit: HISTORY_PAGE })
      if (this.#loadedFor !== key) return
      this._history = page.items
      this._historyError = ''
    } catch (error) {
      if (this.#loadedFor === key) this._historyError = `Could not load past conversations: ${LiveChatError.from(error).message}`
    }
  }
}
define('lcd-visitor-panel', LcdVisitorPanel)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-visitor-panel': LcdVisitorPanel
  }
}
