/**
 * The CDN loader (`live-chat.js`, under 2 KB gzipped): what site owners paste.
 *
 *     <script src="https://chat.example.com/live-chat.js" async></script>
 *     <live-chat site-id="…"></live-chat>
 *
 * It defines `<live-chat>` as a light shell that draws the launcher in the site's colour and keeps
 * every call made to it (and to `window.LiveChat`), and loads the full widget
 * (`live-chat.full.js`, next to this file) when the browser is idle or the visitor reaches for
 * the launcher. The full widget then lives inside the shell; calls made meanwhile are replayed.
 * Nothing is written to storage or cookies by the loader.
 */
import { drainQueue, installQueue } from './api.js'

type App = HTMLElement & Record<string, unknown>

const script = document.currentScript as HTMLScriptElement | null
const src = script?.src || location.href
const FULL = new URL('live-chat.full.js', src).href
const ORIGIN = new URL(src).origin
const ATTRS = ['site-id', 'server', 'locale', 'team']

let full: Promise<unknown> | undefined
const loadFull = (): Promise<unknown> => (full ??= import(/* @vite-ignore */ FULL))

class LiveChatShell extends HTMLElement {
  static shell = true
  static observedAttributes = ATTRS
  #app: App | undefined
  #calls: [string, unknown[], (value: unknown) => void][] = []

  connectedCallback(): void {
    // Above anything the page stacks with z-index (see raise() in host.ts). The style below keeps
    // the browser's look for popovers (and the page's ::backdrop rules) off the shell.
    if ('showPopover' in this) {
      this.setAttribute('popover', 'manual')
      try {
        this.showPopover()
      } catch {
        // Already shown.
      }
    }
    if (!this.shadowRoot) {
      const root = this.attachShadow({ mode: 'open' })
      root.innerHTML =
        '<style>:host{all:initial!important;position:fixed!important;z-index:2147483000!important;inset:auto 20px 20px auto!important;overflow:visible!important}' +
        ':host([data-left]){inset:auto auto 20px 20px!important}:host::backdrop{display:none!important}' +
        'button{all:initial;width:56px;height:56px;border-radius:50%;background:var(--lc-accent,var(--_accent,#2563eb));box-shadow:0 4px 16px #0003;cursor:pointer;display:flex;align-items:center;justify-content:center}' +
        'button:focus-visible{outline:2px solid var(--lc-accent,#2563eb);outline-offset:2px}svg{width:28px;height:28px;fill:#fff}</style>' +
        '<button part="launcher" aria-label="Open chat" aria-expanded="false"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg></button>'
      const button = root.querySelector('button')!
      button.onclick = () => this.open()
      for (const type of ['pointerenter', 'focus', 'touchstart']) button.addEventListener(type, () => this.#load(), { once: true, passive: true })
      this.#style()
    }
    const idle = (): void => {
      if ('requestIdleCallback' in window) requestIdleCallback(() => this.#load(), { timeout: 4000 })
      else setTimeout(() => this.#load(), 1500)
    }
    if (document.readyState === 'complete') idle()
    else addEventListener('load', idle, { once: true })
    drainQueue(this)
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (!this.#app) return
    if (value === null) this.#app.removeAttribute(name)
    else this.#app.setAttribute(name, value)
  }

  /** The full widget's getters, once it is loaded. */
  get isOpen(): boolean {
    return !!this.#app?.isOpen
  }

  get unreadCount(): number {
    return (this.#app?.unreadCount as number | undefined) ?? 0
  }

  get client(): unknown {
    return this.#app?.client ?? null
  }

  /** Applies the site's colour and side to the launcher before the full widget arrives. */
  #style(): void {
    const id = this.getAttribute('site-id')
    if (!id) return
    fetch(`${this.getAttribute('server') || ORIGIN}/api/sites/${encodeURIComponent(id)}/widget`)
      .then((r) => (r.ok ? r.json() : null))
      .then((c: { primaryColor?: string; position?: string } | null) => {
        if (!c || this.#app) return
        if (c.primaryColor) this.style.setProperty('--_accent', c.primaryColor)
        this.toggleAttribute('data-left', c.position === 'bottom-left')
      })
      .catch(() => {})
  }

  #load(): void {
    loadFull()
      .then(() => {
        if (this.#app || !customElements.get('live-chat-app')) return
        const app = document.createElement('live-chat-app') as App
        for (const name of ATTRS) {
          const value = this.getAttribute(name)
          if (value !== null) app.setAttribute(name, value)
        }
        if (!app.hasAttribute('server')) app.setAttribute('server', ORIGIN)
        this.#app = app
        this.removeAttribute('style')
        this.removeAttribute('data-left')
        // In the launcher's place: the shell's style stays, so the shell keeps its own box (fixed,
        // empty, so 0×0) and never falls back to the browser's look for popovers (a bordered
        // square in the middle of the page).
        this.shadowRoot!.querySelector('button')!.replaceWith(app)
        for (const [method, args, done] of this.#calls.splice(0)) done((app[method] as (...a: unknown[]) => unknown)(...args))
      })
      .catch((error: unknown) => {
        full = undefined
        console.warn('[live-chat] could not load the widget', error)
      })
  }

  /** Runs a call on the full widget, or keeps it until the widget is loaded. */
  #call(method: string, args: unknown[]): Promise<unknown> {
    if (this.#app) return Promise.resolve((this.#app[method] as (...a: unknown[]) => unknown)(...args))
    return new Promise((done) => {
      this.#calls.push([method, args, done])
      this.#load()
    })
  }

  open(): void {
    this.#call('open', [])
  }

  close(): void {
    this.#call('close', [])
  }

  toggle(): void {
    this.#call('toggle', [])
  }

  /** Signs the visitor in (see the full widget's `identify`); resolves once it is done. */
  identify(identity: unknown): Promise<void> {
    return this.#call('identify', [identity]) as Promise<void>
  }

  setLocale(locale: string): void {
    this.#call('setLocale', [locale])
  }

  reset(): void {
    this.#call('reset', [])
  }

  /** A named event for proactive messages (see the full widget's `trigger`). */
  trigger(name: string): void {
    this.#call('trigger', [name])
  }
}

if (customElements.get('live-chat')) {
  console.warn('[live-chat] <live-chat> is already defined by another copy of the widget; this copy is not used.')
} else {
  customElements.define('live-chat', LiveChatShell)
}
installQueue()
