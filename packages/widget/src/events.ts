import type { Message, VisitorConversation, WidgetConfig } from '@live-chat/sdk'

/** The detail of each event `<live-chat>` fires. All bubble and cross shadow roots (composed). */
export interface LiveChatEventMap {
  /** The widget loaded its settings and is ready for calls. */
  'lc-ready': { config: WidgetConfig }
  /** The chat window opened. */
  'lc-open': Record<string, never>
  /** The chat window closed. */
  'lc-close': Record<string, never>
  /** A message arrived from the team or was stored for the visitor. */
  'lc-message': Message
  /** The number of unread messages from the team changed. */
  'lc-unread-change': { count: number }
  /** The visitor started a conversation (online or with the offline form). */
  'lc-conversation-start': VisitorConversation
}

export type LiveChatEventName = keyof LiveChatEventMap

/** A `<live-chat>` event with a typed detail. */
export type LiveChatEvent<K extends LiveChatEventName> = CustomEvent<LiveChatEventMap[K]>

interface LiveChatEvents {
  'lc-ready': LiveChatEvent<'lc-ready'>
  'lc-open': LiveChatEvent<'lc-open'>
  'lc-close': LiveChatEvent<'lc-close'>
  'lc-message': LiveChatEvent<'lc-message'>
  'lc-unread-change': LiveChatEvent<'lc-unread-change'>
  'lc-conversation-start': LiveChatEvent<'lc-conversation-start'>
}

// Typed on the element and wherever they bubble to (document, window).
declare global {
  interface HTMLElementEventMap extends LiveChatEvents {}
  interface DocumentEventMap extends LiveChatEvents {}
  interface WindowEventMap extends LiveChatEvents {}
}

/** Fires a typed, bubbling, composed event from `target`. */
export function fire<K extends LiveChatEventName>(target: EventTarget, name: K, detail: LiveChatEventMap[K]): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }))
}
