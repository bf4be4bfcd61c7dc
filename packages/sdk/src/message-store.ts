import type { Message } from '@live-chat/protocol'

/**
 * Where a conversation's sync cursor starts when its first message arrives unasked:
 * - `start`: at 0, so the next sync fetches the whole history (visitors: few, short conversations);
 * - `message`: just before that message, so only later misses are synced (agents: a whole site).
 */
export type AutoTrack = 'start' | 'message'

interface Track {
  /** Every message up to this seq that this side can see is in `messages` (sync from here). */
  cursor: number
  /** The highest seq held. */
  maxSeq: number
  /** Sorted by seq, one per seq. */
  messages: Message[]
}

/**
 * Per-conversation message cache and sync bookkeeping, shared by both clients.
 * Messages are kept sorted by `seq` and deduplicated by it: a message delivered twice (live and by
 * a sync, or re-published after a resend) is kept — and reported as new — once.
 */
export class MessageStore {
  readonly #tracks = new Map<string, Track>()
  readonly #autoTrack: AutoTrack

  constructor(autoTrack: AutoTrack) {
    this.#autoTrack = autoTrack
  }

  /** The conversations being tracked (synced on reconnect). */
  ids(): string[] {
    return [...this.#tracks.keys()]
  }

  /** Whether the conversation is tracked. */
  has(conversationId: string): boolean {
    return this.#tracks.has(conversationId)
  }

  /**
   * Tracks a conversation. `seenSeq` says the caller already holds everything up to that seq,
   * so syncs start after it (it only ever moves the cursor forward).
   */
  track(conversationId: string, seenSeq = 0): void {
    const track = this.#tracks.get(conversationId)
    if (!track) {
      this.#tracks.set(conversationId, { cursor: seenSeq, maxSeq: seenSeq, messages: [] })
      return
    }
    if (seenSeq > track.cursor) {
      track.cursor = seenSeq
      track.maxSeq = Math.max(track.maxSeq, seenSeq)
      this.#catchUp(track)
    }
  }

  /** Stops tracking a conversation and forgets its messages. */
  untrack(conversationId: string): void {
    this.#tracks.delete(conversationId)
  }

  /** Forgets everything. */
  clear(): void {
    this.#tracks.clear()
  }

  /** The seq syncs continue from (0 when untracked). */
  cursor(conversationId: string): number {
    return this.#tracks.get(conversationId)?.cursor ?? 0
  }

  /** The highest seq seen (0 when none). */
  maxSeq(conversationId: string): number {
    return this.#tracks.get(conversationId)?.maxSeq ?? 0
  }

  /** True when a message after the cursor was seen but something before it may be missing. */
  hasGap(conversationId: string): boolean {
    const track = this.#tracks.get(conversationId)
    return track !== undefined && track.maxSeq > track.cursor
  }

  /** A copy of the cached messages, sorted by seq. */
  messages(conversationId: string): Message[] {
    return [...(this.#tracks.get(conversationId)?.messages ?? [])]
  }

  /**
   * Adds messages (any order, any conversations, duplicates allowed); untracked conversations
   * start being tracked.
   * @returns The messages not seen before, in the order given.
   */
  add(messages: readonly Message[]): Message[] {
    const fresh: Message[] = []
    for (const message of messages) {
      let track = this.#tracks.get(message.conversationId)
      if (!track) {
        const cursor = this.#autoTrack === 'start' ? 0 : message.seq - 1
        track = { cursor, maxSeq: cursor, messages: [] }
        this.#tracks.set(message.conversationId, track)
      }
      if (!insertSorted(track.messages, message)) continue
      fresh.push(message)
      track.maxSeq = Math.max(track.maxSeq, message.seq)
      this.#catchUp(track)
    }
    return fresh
  }

  /**
   * Records a sync (or REST `after`) page: the server returned every visible message after
   * `afterSeq` up to the page's last one, so the cursor may jump there even across seqs this
   * side cannot see (private notes).
   */
  advance(conversationId: string, afterSeq: number, page: readonly Message[]): void {
    const track = this.#tracks.get(conversationId)
    const last = page.at(-1)
    if (!track || !last || afterSeq > track.cursor) return
    track.cursor = Math.max(track.cursor, last.seq)
    this.#catchUp(track)
  }

  /** Moves the cursor over consecutive seqs already held. */
  #catchUp(track: Track): void {
    let i = lowerBound(track.messages, track.cursor + 1)
    while (track.messages[i]?.seq === track.cursor + 1) {
      track.cursor++
      i++
    }
  }
}

/** Inserts by seq; false when that seq is already there. */
function insertSorted(list: Message[], message: Message): boolean {
  const i = lowerBound(list, message.seq)
  if (list[i]?.seq === message.seq) return false
  list.splice(i, 0, message)
  return true
}

/** The index of the first message with seq ≥ `seq`. */
function lowerBound(list: readonly Message[], seq: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid]?.seq ?? Infinity) < seq) lo = mid + 1
    else hi = mid
  }
  return lo
}
