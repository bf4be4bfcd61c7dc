import type { CreateVisitorSession } from '@live-chat/protocol'
import { LiveChatError } from './errors.js'
import { pageInfo } from './util.js'

/** The socket.io URL for a namespace: the origin of `url` (relative URLs resolve against the page). */
export function socketUrl(url: string, namespace: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href
  let parsed: URL
  try {
    parsed = new URL(url, base)
  } catch (error) {
    throw new LiveChatError('invalid_payload', `Cannot use "${url}" as the server URL (it must be absolute outside a page)`, { cause: error })
  }
  return parsed.origin + namespace
}

/**
 * Calls `onBack` when the page becomes visible again or the network comes back.
 * @returns A function that stops watching (a no-op outside browsers).
 */
export function watchPage(onBack: () => void): () => void {
  const doc = (globalThis as { document?: Document }).document
  const win = (globalThis as { window?: Window }).window
  if (!doc || typeof doc.addEventListener !== 'function') return () => {}
  const onVisibility = (): void => {
    if (doc.visibilityState === 'visible') onBack()
  }
  doc.addEventListener('visibilitychange', onVisibility)
  win?.addEventListener?.('online', onBack)
  return () => {
    doc.removeEventListener('visibilitychange', onVisibility)
    win?.removeEventListener?.('online', onBack)
  }
}

/** The page the code runs in, if any. */
export function currentPage(): CreateVisitorSession['page'] | null {
  const location = (globalThis as { location?: Location }).location
  const doc = (globalThis as { document?: Document }).document
  if (!location?.href || !doc) return null
  const page: NonNullable<CreateVisitorSession['page']> = pageInfo(location.href, doc.title)
  if (doc.referrer) page.referrer = doc.referrer.slice(0, 2_048)
  return page
}
