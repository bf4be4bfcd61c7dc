/**
 * @live-chat/widget — `<live-chat site-id="…">` for pages built with a bundler.
 *
 *     import '@live-chat/widget'            // registers <live-chat>
 *     import { LiveChat } from '@live-chat/widget'
 *
 * Pages without a bundler use the CDN loader instead: `<script src="https://chat.example.com/live-chat.js" async>`.
 */
import { installQueue } from './api.js'
import { define } from './define.js'
import { LiveChat } from './live-chat.js'

export { LiveChat }
export type { Draft } from './live-chat.js'
export type { Field } from './forms.js'
export type { LiveChatEvent, LiveChatEventMap, LiveChatEventName } from './events.js'
export type { LiveChatQueue } from './api.js'
export { LOCALES, pickLocale, type Locale, type Strings } from './i18n/index.js'

declare global {
  interface HTMLElementTagNameMap {
    'live-chat': LiveChat
  }
}

define('live-chat', LiveChat)
installQueue()
