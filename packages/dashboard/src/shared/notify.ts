// Agent notifications: a short tone and a desktop notification for a new conversation or a
// visitor's message while the dashboard is not in front, once across all the agent's tabs, and
// the unread count in the tab title.

// The widget's tone and its unlock-on-gesture (a leaf module: none of the widget comes with it).
import { tone, unlockSound } from '@live-chat/widget/notify'

export { unlockSound }

const LOCK = 'live-chat-dashboard:notify'
const SEEN = 'live-chat-dashboard:notified'

/** Whether this tab is the one the agent is looking at. */
export function inFront(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus()
}

/**
 * Alerts the agent once across tabs for `key` (e.g. `m:<conversation>:<seq>`): every tab that
 * sees the event calls this, the first to take the lock and find the key unseen plays the tone
 * and shows the notification. Nothing happens while some tab of the dashboard is in front.
 */
export async function alertOnce(key: string, title: string, body: string, options: { sound: boolean; onClick?: () => void }): Promise<boolean> {
  if (inFront()) return false
  const run = (): boolean => {
    let seen: string[] = []
    try {
      seen = JSON.parse(localStorage.getItem(SEEN) ?? '[]') as string[]
    } catch {
      seen = []
    }
    if (seen.includes(key)) return false
    try {
      localStorage.setItem(SEEN, JSON.stringify([...seen.slice(-49), key]))
    } catch {
      // storage full or blocked: alert anyway
    }
    if (options.sound) tone()
    if (typeof Notification === 'function' && Notification.permission === 'granted') {
      const n = new Notification(title, { body, tag: key })
      n.onclick = () => {
        window.focus()
        options.onClick?.()
        n.close()
      }
    }
    return true
  }
  if (navigator.locks) return navigator.locks.request(LOCK, run)
  return run()
}

const baseTitle = typeof document === 'undefined' ? '' : document.title.replace(/^\(\d+\+?\) /, '')

/** Shows `count` unread conversations in the tab title: `(3) Live Chat`. */
export function titleCount(count: number): void {
  document.title = count > 0 ? `(${count > 99 ? '99+' : count}) ${baseTitle}` : baseTitle
}
