/**
 * Attention for new agent messages: a short tone (made with Web Audio, no file to fetch) and the
 * unread count in the tab title (`@live-chat/widget/notify`, also used by the dashboard).
 *
 * The tone only plays once the visitor has interacted with the widget (browsers block audio
 * before a gesture anyway) and rings once across tabs (see ring.ts). The widget's core imports
 * sound.ts and loads ring.ts when a message first rings.
 */
export { titleCount, unlockSound } from './sound.js'
export { ring, tone } from './ring.js'
