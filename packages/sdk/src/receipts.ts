/** What {@link DeliveryReceipts} needs from its client. */
export interface DeliveryReceiptsHost {
  /** Whether a receipt can be sent now. */
  canSend(): boolean
  /** The highest seq held that came from the other side (0 when none). */
  highestFromOtherSide(conversationId: string): number
  /** What the server already has for this side (e.g. the conversation's `visitorDeliveredSeq`). */
  serverKnows(conversationId: string): number
  /** Sends `conversation:delivered`. */
  send(conversationId: string, seq: number): Promise<void>
}

/**
 * Sends "delivered" watermarks for messages from the other side: at most one per conversation per
 * `delayMs` (default 200 ms), only when it moves the watermark forward. A receipt that cannot be
 * sent (disconnected, failed) is dropped; scheduling again after the next sync makes up for it.
 */
export class DeliveryReceipts {
  readonly #host: DeliveryReceiptsHost
  readonly #delayMs: number
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>()
  readonly #sent = new Map<string, number>()

  constructor(host: DeliveryReceiptsHost, delayMs = 200) {
    this.#host = host
    this.#delayMs = delayMs
  }

  /** Sends the conversation's watermark after the delay (calls within the delay share one send). */
  schedule(conversationId: string): void {
    if (this.#timers.has(conversationId)) return
    const timer = setTimeout(() => {
      this.#timers.delete(conversationId)
      void this.#flush(conversationId)
    }, this.#delayMs)
    this.#timers.set(conversationId, timer)
  }

  /** Cancels scheduled sends. */
  cancel(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
  }

  /** Cancels scheduled sends and forgets what was sent. */
  clear(): void {
    this.cancel()
    this.#sent.clear()
  }

  async #flush(conversationId: string): Promise<void> {
    if (!this.#host.canSend()) return
    const seq = this.#host.highestFromOtherSide(conversationId)
    const sent = this.#sent.get(conversationId) ?? 0
    if (seq <= Math.max(sent, this.#host.serverKnows(conversationId))) return
    try {
      await this.#host.send(conversationId, seq)
      this.#sent.set(conversationId, Math.max(seq, this.#sent.get(conversationId) ?? 0))
    } catch {
      // A receipt is not worth an error event; the next sync schedules it again.
    }
  }
}
