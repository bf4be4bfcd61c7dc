/**
 * The page-level call queue: `LiveChat('open')`, `LiveChat('identify', { userId, hash })`,
 * `LiveChat('on', 'message', fn)`. Pages may define the stub below before the script loads;
 * calls made through it are kept and run once a `<live-chat>` element can take them:
 *
 *     window.LiveChat = window.LiveChat || function () { (LiveChat.q = LiveChat.q || []).push(arguments) }
 */
export interface LiveChatQueue {
  (method: string, ...args: unknown[]): unknown
  /** Calls waiting for an element. */
  q?: ArrayLike<unknown>[]
  /** Set once the real function is installed. */
  v?: 1
}

declare global {
  interface Window {
    LiveChat?: LiveChatQueue
  }
}

type Target = Record<string, unknown> & Element

/** Installs `window.LiveChat` (once per page) and returns it. */
export function installQueue(tag = 'live-chat'): LiveChatQueue {
  const existing = window.LiveChat
  if (existing?.v) return existing
  const queued = [...(existing?.q ?? [])]
  const handlers = new Map<unknown, EventListener>()
  const api: LiveChatQueue = (method, ...args) => {
    if (method === 'on' || method === 'off') {
      const [name, fn] = args as [string, (detail: unknown) => void]
      const type = name.startsWith('lc-') ? name : `lc-${name}`
      if (method === 'on') {
        const listener: EventListener = (e) => fn((e as CustomEvent).detail)
        handlers.set(fn, listener)
        document.addEventListener(type, listener)
      } else {
        const listener = handlers.get(fn)
        if (listener) document.removeEventListener(type, listener)
        handlers.delete(fn)
      }
      return
    }
    const el = document.querySelector(tag) as Target | null
    if (el && typeof el[method] === 'function') return (el[method] as (...a: unknown[]) => unknown)(...args)
    api.q!.push([method, ...args])
  }
  api.q = []
  api.v = 1
  window.LiveChat = api
  for (const call of queued) api(...(Array.from(call) as [string, ...unknown[]]))
  return api
}

/**
 * Runs the calls queued before `el` could take them (called when a widget element connects).
 * Installs the real `LiveChat` first, so queued `on`/`off` calls become listeners.
 */
export function drainQueue(el: Element): void {
  const calls = installQueue().q!.splice(0)
  for (const call of calls) {
    const [method, ...args] = Array.from(call) as [string, ...unknown[]]
    const fn = (el as Target)[method]
    if (typeof fn === 'function') fn.apply(el, args)
    else console.warn(`[live-chat] LiveChat('${method}') is not a known call`)
  }
}
