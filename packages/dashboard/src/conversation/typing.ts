import type { AgentClient } from '@live-chat/sdk'

/** Typing news goes to the visitor at most this often while the agent keeps typing. */
export const TYPING_EVERY_MS = 3_000
/** After this long without a key, the visitor is told the agent stopped typing. */
export const TYPING_IDLE_MS = 4_000

/**
 * Tells the visitor of a conversation that the agent is typing: `typed()` on every keystroke sends
 * "typing" at most every 3 s, and "stopped" after 4 s without one; `stop()` (on send, on leaving
 * the conversation) says "stopped" at once. Failures are ignored: typing news is best effort.
 */
export class TypingNotifier {
  #current: { conversationId: string; sentAt: number; idle: ReturnType<typeof setTimeout> | undefined } | null = null

  constructor(private readonly client: () => AgentClient | null) {}

  typed(conversationId: string): void {
    const client = this.client()
    if (!client) return
    const now = Date.now()
    let t = this.#current
    if (t && t.conversationId !== conversationId) {
      this.stop()
      t = null
    }
    if (!t || now - t.sentAt >= TYPING_EVERY_MS) {
      clearTimeout(t?.idle)
      t = this.#current = { conversationId, sentAt: now, idle: undefined }
      client.setTyping(conversationId, true).catch(() => undefined)
    }
    clearTimeout(t.idle)
    t.idle = setTimeout(() => this.stop(), TYPING_IDLE_MS)
  }

  stop(): void {
    const t = this.#current
    if (!t) return
    clearTimeout(t.idle)
    this.#current = null
    this.client()?.setTyping(t.conversationId, false).catch(() => undefined)
  }
}
