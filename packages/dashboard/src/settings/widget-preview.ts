import { LitElement, css, html, nothing, svg } from 'lit'
import type { PreChatField, SiteSettings } from '@live-chat/sdk'
// The widget's own contrast rule (host.js is a leaf module: none of the widget comes with it).
import { onColour } from '@live-chat/widget/host'
// The widget's own strings (its languages and the site's overrides), so the preview says what the widget will.
import { english, loadStrings, type Strings } from '@live-chat/widget/i18n'
import { define } from '../shared/define.js'

/** The widget settings the preview draws (a site's `widget` settings, possibly unsaved). */
export type WidgetLook = SiteSettings['widget']


const chatIcon = svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>`
const closeIcon = svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6z"/></svg>`
const sendIcon = svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 20V4l19 8zm2-3 11.9-5L5 7v3.5l6 1.5-6 1.5z"/></svg>`

/**
 * A static picture of the visitor widget with the given settings: the launcher in the accent
 * colour on the chosen side, and the open window (header with title and status, the welcome or
 * offline text, the pre-chat or offline form, the composer). Nothing in it is interactive; it
 * is redrawn whenever `config` changes, so an admin sees edits before saving them.
 *
 * @csspart window - The mock chat window.
 */
export class LcdWidgetPreview extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
      color: #1f2937;
    }
    figure {
      margin: 0;
    }
    figcaption {
      font-weight: 600;
      margin-bottom: 8px;
    }
    .page {
      background: repeating-linear-gradient(135deg, #f6f7f9 0 12px, #eef0f3 12px 24px);
      border: 1px solid #e3e6eb;
      border-radius: 8px;
      padding: 16px;
      display: flex;
      flex-direction: column;
      align-items: flex-end;
      gap: 12px;
    }
    .page.left {
      align-items: flex-start;
    }
    .window {
      width: min(300px, 100%);
      background: #fff;
      border-radius: 16px;
      box-shadow: 0 8px 30px #0003;
      overflow: hidden;
      display: flex;
      flex-direction: column;
    }
    header {
      background: var(--a);
      color: var(--on);
      padding: 12px;
      padding-inline-start: 16px;
      display: flex;
      align-items: center;
      gap: 8px;
    }
    header .t {
      flex: 1;
      min-width: 0;
    }
    .title {
      font-size: 16px;
      font-weight: 700;
      overflow-wrap: anywhere;
    }
    .status::before {
      content: '';
      display: inline-block;
      width: 8px;
      height: 8px;
      border-radius: 50%;
      margin-inline-end: 6px;
      background: #9ca3af;
    }
    .status.on::before {
      background: #22c55e;
    }
    svg {
      width: 20px;
      height: 20px;
      fill: currentColor;
      display: block;
    }
    .body {
      padding: 12px;
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-height: 140px;
    }
    .note {
      background: #f1f3f6;
      border-radius: 12px;
      padding: 10px 12px;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin: 0;
    }
    .field {
      display: grid;
      gap: 2px;
      font-size: 13px;
    }
    .box {
      border: 1px solid #d1d5db;
      border-radius: 8px;
      height: 30px;
    }
    .box.tall {
      height: 52px;
    }
    .box.select::after {
      content: '▾';
      float: inline-end;
      padding: 5px 8px;
      color: #4b5563;
    }
    .button {
      background: var(--a);
      color: var(--on);
      border-radius: 8px;
      padding: 7px 12px;
      text-align: center;
      font-weight: 600;
    }
    .composer {
      display: flex;
      gap: 8px;
      align-items: center;
      border-top: 1px solid #e5e7eb;
      padding: 8px 10px;
      color: #4b5563;
    }
    .composer .input {
      flex: 1;
    }
    .composer .go {
      color: var(--a);
    }
    [dir='rtl'] .go svg {
      transform: scaleX(-1);
    }
    .launcher {
      width: 52px;
      height: 52px;
      border-radius: 50%;
      background: var(--a);
      color: var(--on);
      display: grid;
      place-items: center;
      box-shadow: 0 4px 16px #0003;
    }
    .launcher svg {
      width: 26px;
      height: 26px;
    }
    .mobile {
      font-size: 12px;
      color: #4b5563;
    }
  `
  static override properties = {
    config: { attribute: false },
    online: { type: Boolean },
    _strings: { state: true },
  }

  /** The widget settings to draw. */
  config: WidgetLook | null = null
  /** Draw the widget as when an agent is available (else the offline form). */
  online = true
  /** The widget's strings for the configured language, with the site's own wording on top. */
  protected _strings: Strings = english()
  /** Their language tag (automatic: this browser's, as a visitor with it would see). */
  protected _lang = 'en'
  /** Which language and overrides _strings are (being) loaded for. */
  #stringsFor = ''

  protected override willUpdate(): void {
    const c = this.config
    if (!c) return
    const key = JSON.stringify([c.language, c.customTranslations])
    if (key === this.#stringsFor) return
    this.#stringsFor = key
    const lang = c.language || navigator.language
    void loadStrings(lang, c.customTranslations).then((strings) => {
      if (this.#stringsFor === key) (this._lang = lang), (this._strings = strings)
    })
  }

  /**
   * The colours go in through CSSOM (style.setProperty), not a style attribute: the dashboard's
   * Content-Security-Policy (style-src without 'unsafe-inline') refuses style attributes.
   */
  protected override updated(): void {
    const page = this.renderRoot.querySelector<HTMLElement>('.page')
    const c = this.config
    if (!page || !c) return
    const colour = /^#[\da-f]{6}$/i.test(c.primaryColor) ? c.primaryColor : '#0066ff'
    page.style.setProperty('--a', colour)
    page.style.setProperty('--on', onColour(colour))
  }

  override render() {
    const c = this.config
    if (!c) return nothing
    const t = this._strings
    const left = c.position === 'bottom-left'
    return html`<figure>
      <figcaption>Preview</figcaption>
      <div class="page ${left ? 'left' : ''}" data-position=${c.position}>
        <div class="window" part="window" lang=${this._lang} dir=${t.dir}>
          <header>
            <div class="t">
              <div class="title">${c.widgetTitle || t.title}</div>
              <div class="status ${this.online ? 'on' : ''}">${this.online ? t.online : t.away}</div>
            </div>
            ${closeIcon}
          </header>
          ${this.online ? this.#online(c, t) : this.#offline(c, t)}
        </div>
        <div class="launcher" role="img" aria-label="Launcher button">${chatIcon}</div>
        ${c.showOnMobile ? nothing : html`<div class="mobile">Hidden on phones</div>`}
      </div>
    </figure>`
  }

  #online(c: WidgetLook, t: Strings) {
    const fields: PreChatField[] = c.preChatEnabled ? [...c.preChatFields] : []
    if (c.requireEmail && !fields.some((f) => f.name === 'email')) fields.unshift({ name: 'email', label: t.email, type: 'email', required: true })
    if (fields.length) {
      return html`<div class="body">
        <p class="note welcome">${c.welcomeMessage || t.online}</p>
        ${fields.map((f) => field(f.label || f.name, f.required, f.type))}
        ${field(t.message, false, 'textarea')}
        <div class="button">${t.start}</div>
      </div>`
    }
    return html`<div class="body"><p class="note welcome">${c.welcomeMessage || t.online}</p></div>
      <div class="composer">
        <span class="input">${t.placeholder}</span>
        <span class="go">${sendIcon}</span>
      </div>`
  }

  #offline(c: WidgetLook, t: Strings) {
    return html`<div class="body">
      <p class="note offline">${c.offlineMessage || t.away}</p>
      ${field(t.name, false, 'text')} ${field(t.email, true, 'email')} ${field(t.message, true, 'textarea')}
      <div class="button">${t.leaveMessage}</div>
    </div>`
  }
}

function field(label: string, required: boolean, type: PreChatField['type']) {
  return html`<div class="field" data-field-type=${type}>
    <span>${label}${required ? ' *' : ''}</span>
    <span class="box ${type === 'textarea' ? 'tall' : type === 'select' ? 'select' : ''}"></span>
  </div>`
}

define('lcd-widget-preview', LcdWidgetPreview)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-widget-preview': LcdWidgetPreview
  }
}
