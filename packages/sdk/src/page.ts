import type { CreateVisitorSession } from '@live-chat/protocol'
import { LiveChatError } from './errors.js'
import { pageInfo } from './util.js'

// Outside browsers `document` and `location` are missing: read them through globalThis.
const doc = (): Document | undefined => globalThis.document

/** The socket.io URL for a namespace: the origin of `url` (relative URLs resolve against the page). */
export function socketUrl(url: string, namespace: string): string {
  try {
    return new URL(url, globalThis.location?.href).origin + namespace
  } catch (error) {
    throw new LiveChatError('invalid_payload', `Invalid server URL "${url}" (relative only in a page)`, { cause: error })
  }
}

/**
 * Calls `onBack` when the page becomes visible again or the network comes back.
 * @returns A function that stops watching (a no-op outside browsers).
 */
export function watchPage(onBack: () => void): () => void {
  const d = doc()
  if (!d?.addEventListener) return () => {}
  const onVisibility = (): void => {
    if (d.visibilityState === 'visible') onBack()
  }
  const toggle = (method: 'addEventListener' | 'removeEventListener'): void => {
    d[method]('visibilitychange', onVisibility)
    globalThis[method]?.('online', onBack)
  }
  toggle('addEventListener')
  return () => toggle('removeEventListener')
}

/** The page the code runs in, if any. */
export function currentPage(): CreateVisitorSession['page'] {
  const d = doc()
  const href = globalThis.location?.href
  if (!href || !d) return
  const page: CreateVisitorSession['page'] = pageInfo(href, d.title)
  if (d.referrer) page.referrer = d.referrer.slice(0, 2_048)
  return page
}
