/**
 * The full widget for the CDN: loaded by the loader (`live-chat.js`) when the browser is idle or
 * the visitor reaches for the launcher. The loader already owns the `<live-chat>` tag (a shell
 * that keeps calls and shows the launcher), so the element is registered as `<live-chat-app>`
 * and the shell puts one inside itself. Loaded on its own (`<script type="module" src=…>`), it
 * registers `<live-chat>` directly.
 */
import { installQueue } from './api.js'
import { define } from './define.js'
import { LiveChat } from './live-chat.js'

const shell = customElements.get('live-chat') as (CustomElementConstructor & { shell?: true }) | undefined
define(shell?.shell ? 'live-chat-app' : 'live-chat', LiveChat)
installQueue()

export { LiveChat }
