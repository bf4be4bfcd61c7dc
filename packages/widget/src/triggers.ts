/**
 * Proactive messages, a chunk loaded only when the site has enabled triggers
 * (`config.triggers`): evaluates their rules in the page (URL pattern, time on the page, scroll
 * depth, returning visitor, a named event from the host), shows the first that holds as a
 * bubble beside the closed launcher (with an unread badge and a polite announcement), and
 * offers it as the first message of the conversation the visitor's reply starts.
 *
 * Privacy: until the visitor replies nothing is stored and no session or socket is opened. The
 * caps and the "returning" mark live in memory for the page, or in the browser's storage under
 * the widget's `live-chat:` prefix only when the site opted in (`triggersMayStore`). A showing
 * is counted by an anonymous request carrying nothing but the trigger's id (no cookie, no token).
 */
import { css, html, nothing, type TemplateResult } from 'lit'
import type { PublicTrigger } from '@live-chat/sdk'
import { closeIcon } from './icons.js'
import type { LiveChat } from './live-chat.js'
import { sayWith } from './i18n/say.js'
import { enTriggers } from './i18n/en-triggers.js'

// Strings in the visitor's language, else this chunk's English (the core does not hold it).
const say = sayWith(enTriggers)

interface State {
  /** The trigger on show (until the reply, a dismissal, or the page's end). */
  shown: PublicTrigger | null
  dismissed: boolean
  /** When the current URL began (time on the page restarts with an SPA's navigation). */
  since: number
  url: string
  /** The deepest scroll seen on this URL, in percent. */
  depth: number
  timers: ReturnType<typeof setTimeout>[]
  stop: () => void
}

const states = new WeakMap<LiveChat, State>()
/** Triggers shown in this page view (the cap kept in memory for every cap). */
const seenHere = new Set<string>()
const PREFIX = 'live-chat:'
/** Whether this page view is a return (read once, before this visit is recorded). */
let returning: boolean | undefined

/** Storage the site allows (null without consent, or where the browser refuses it). */
function store(w: LiveChat, kind: 'local' | 'session'): Storage | null {
  if (!w._config?.triggersMayStore) return null
  try {
    return kind === 'local' ? localStorage : sessionStorage
  } catch {
    return null
  }
}

/** A glob (`*` is anything) against the path and query, or against the whole URL when it starts with http. */
export function urlMatches(pattern: string, href: string): boolean {
  const url = new URL(href)
  const target = /^https?:/i.test(pattern) ? url.href : url.pathname + url.search
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i')
  return re.test(target) || (!pattern.includes('?') && re.test(url.pathname))
}

function isReturning(w: LiveChat): boolean {
  const local = store(w, 'local')
  const session = store(w, 'session')
  if (!local || !session) return false
  if (returning === undefined) {
    // A visit is a browser session: a return is a first-visit mark from another session.
    const visit = session.getItem(`${PREFIX}visit`)
    const first = local.getItem(`${PREFIX}visited`)
    returning = first !== null && first !== visit
    const mark = visit ?? String(Date.now())
    session.setItem(`${PREFIX}visit`, mark)
    if (!first) local.setItem(`${PREFIX}visited`, mark)
  }
  return returning
}

/** Whether the cap lets `t` show again to this visitor. */
function capAllows(w: LiveChat, t: PublicTrigger): boolean {
  if (seenHere.has(t.id)) return false
  if (t.cap === 'page') return true
  const s = store(w, t.cap === 'session' ? 'session' : 'local')
  const at = Number(s?.getItem(`${PREFIX}trigger:${t.id}`) ?? 0)
  return t.cap === 'session' ? !at : Date.now() - at >= t.capDays * 86_400_000
}

function remember(w: LiveChat, t: PublicTrigger): void {
  seenHere.add(t.id)
  if (t.cap !== 'page') store(w, t.cap === 'session' ? 'session' : 'local')?.setItem(`${PREFIX}trigger:${t.id}`, String(Date.now()))
}

function holds(w: LiveChat, st: State, t: PublicTrigger): boolean {
  const r = t.rules
  if (r.url && !urlMatches(r.url, location.href)) return false
  if (r.seconds && performance.now() - st.since < r.seconds * 1000) return false
  if (r.scroll && st.depth < r.scroll) return false
  if (r.event && !w._named.has(r.event)) return false
  if (r.returning && !isReturning(w)) return false
  return capAllows(w, t)
}

/** Evaluates the rules now (and sets timers for the time-on-page ones still to come). */
export function check(w: LiveChat): void {
  const st = states.get(w)
  const config = w._config
  if (!st || !config) return
  if (location.href !== st.url) {
    st.url = location.href
    st.since = performance.now()
    st.depth = 0
    scrolled(st)
  }
  for (const id of st.timers.splice(0)) clearTimeout(id)
  // Not while the visitor is in a conversation, or once one trigger is on show.
  if (st.shown || w._conv || w._open) return
  for (const t of config.triggers ?? []) {
    if (holds(w, st, t)) return show(w, st, t)
    const wait = t.rules.seconds ? t.rules.seconds * 1000 - (performance.now() - st.since) : 0
    if (wait > 0) st.timers.push(setTimeout(() => check(w), wait + 50))
  }
}

function show(w: LiveChat, st: State, t: PublicTrigger): void {
  st.shown = t
  st.dismissed = false
  remember(w, t)
  // Counted anonymously: the trigger's id, nothing else (no cookie, no token, no body).
  const base = w.server || location.origin
  void fetch(`${base}/api/sites/${encodeURIComponent(w.siteId)}/triggers/${t.id}/shown`, { method: 'POST', keepalive: true, credentials: 'omit', mode: 'cors' }).catch(() => {})
  w.requestUpdate()
}

function scrolled(st: State): void {
  const doc = document.documentElement
  const depth = Math.round(((scrollY + innerHeight) / Math.max(doc.scrollHeight, 1)) * 100)
  st.depth = Math.max(st.depth, Math.min(depth, 100))
}

/** Starts (or, with new settings, re-evaluates) the triggers of `w`: called by the core when its config has triggers. */
export function start(w: LiveChat, module: typeof import('./triggers.js')): void {
  if (!w._tr) {
    const root = w.renderRoot as ShadowRoot
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet!]
    w._tr = module
  }
  if (!states.has(w)) {
    const st: State = { shown: null, dismissed: false, since: 0, url: location.href, depth: 0, timers: [], stop: () => {} }
    const onScroll = (): void => {
      if (!w.isConnected) return st.stop()
      const before = st.depth
      scrolled(st)
      if (st.depth > before && !st.shown) check(w)
    }
    // SPAs: pushState and replaceState fire nothing, so look after each; back and forward fire popstate.
    const onNav = (): void => void setTimeout(() => (w.isConnected ? check(w) : st.stop()))
    const started = (): void => {
      if (st.shown) st.dismissed = true
      w.requestUpdate()
    }
    const { pushState, replaceState } = history
    history.pushState = function (...a: Parameters<History['pushState']>) {
      pushState.apply(this, a)
      onNav()
    }
    history.replaceState = function (...a: Parameters<History['replaceState']>) {
      replaceState.apply(this, a)
      onNav()
    }
    addEventListener('scroll', onScroll, { passive: true })
    addEventListener('popstate', onNav)
    w.addEventListener('lc-conversation-start', started)
    st.stop = () => {
      removeEventListener('scroll', onScroll)
      removeEventListener('popstate', onNav)
      w.removeEventListener('lc-conversation-start', started)
    }
    scrolled(st)
    states.set(w, st)
  }
  // A trigger on show that the site disabled or deleted goes away.
  const st = states.get(w)!
  if (st.shown && !w._config?.triggers?.some((t) => t.id === st.shown!.id)) st.shown = null
  check(w)
  w.requestUpdate()
}

/** The trigger on show that the visitor has not answered yet, if any. */
function current(w: LiveChat): PublicTrigger | null {
  const st = states.get(w)
  return st?.shown && !w._conv ? st.shown : null
}

/** The trigger the visitor's first message answers (its id goes with the conversation's start). */
export function replyTo(w: LiveChat): string | undefined {
  return current(w)?.id
}

/** The launcher's badge: one unread message while the bubble is on show. */
export function unread(w: LiveChat): number {
  return current(w) && !states.get(w)!.dismissed ? 1 : 0
}

function avatar(t: PublicTrigger): TemplateResult {
  return t.sender.avatarUrl
    ? html`<img class="avatar" src=${t.sender.avatarUrl} alt="" />`
    : html`<span class="avatar" aria-hidden="true">${t.sender.name.slice(0, 1).toUpperCase()}</span>`
}

/** The bubble beside the closed launcher: the sender and the message; a click opens the chat, × dismisses it. */
export function bubble(w: LiveChat): TemplateResult | typeof nothing {
  const t = current(w)
  const st = states.get(w)
  if (!t || !st || st.dismissed) return nothing
  return html`<div class="tb" part="trigger" role="status" aria-live="polite" aria-label=${say(w, 'from', { name: t.sender.name })}>
    <button class="tb-x" aria-label=${say(w, 'dismiss')} @click=${() => ((st.dismissed = true), w.requestUpdate())}>${closeIcon}</button>
    <button class="tb-m" @click=${() => w.open()}>
      ${avatar(t)}
      <span><span class="who">${t.sender.name}</span><span class="tb-t">${t.text}</span></span>
    </button>
  </div>`
}

/** In the chat window before the reply: the trigger's message, as the first of the conversation to be. */
export function opener(w: LiveChat): TemplateResult | typeof nothing {
  const t = current(w)
  if (!t) return nothing
  return html`<div class="msg" part="message">
    ${w._config?.showAgentAvatar === false ? nothing : avatar(t)}
    <div>
      <div class="who">${t.sender.name}</div>
      <div class="bubble">${t.text}</div>
    </div>
  </div>`
}

export const styles = css`
  .tb {
    position: relative;
    width: 300px;
    max-width: calc(100vw - 40px);
    margin-left: auto;
  }
  /* Physical sides, like the launcher: the site's corner, whatever the language's direction. */
  :host([data-left]) .tb {
    margin: 0 auto 0 0;
  }
  .tb-m {
    display: flex;
    align-items: flex-start;
    gap: 10px;
    width: 100%;
    padding: 14px 16px;
    padding-inline-end: 34px;
    background: var(--bg);
    color: var(--fg);
    border-radius: var(--r);
    box-shadow: 0 4px 24px #0003;
    text-align: start;
  }
  .tb-m .who {
    display: block;
  }
  .tb-t {
    display: -webkit-box;
    -webkit-line-clamp: 4;
    -webkit-box-orient: vertical;
    overflow: hidden;
    overflow-wrap: anywhere;
  }
  .tb-x {
    position: absolute;
    top: 6px;
    inset-inline-end: 6px;
    width: 24px;
    height: 24px;
    border-radius: 50%;
    color: var(--muted);
    z-index: 1;
  }
  .tb-x svg {
    width: 16px;
    height: 16px;
  }
`
