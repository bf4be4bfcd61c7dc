import type { Message } from '@live-chat/protocol'

/**
 * Where a conversation's sync cursor starts when its first message arrives unasked:
 * - `start`: at 0, so the next sync fetches the whole history (visitors: few, short conversations);
 * - `message`: just before that message, so only later misses are synced (agents: a whole site).
 */
export type AutoTrack = 'start' | 'message'

/** One conversation's cache. */
export interface Track {
  /**
   * Every message up to this seq that this side can see is in `messages` (sync from here). The
   * highest seq seen is the larger of it and the last message's.
   */
  cursor: number
  /** Sorted by seq, one per seq. */
  messages: Message[]
  /** The conversation's change counter this client has synced up to (`afterRev` of the next sync). */
  rev: number
}

/**
 * Per-conversation message cache and sync bookkeeping, shared by both clients: the tracked
 * conversations (synced on reconnect) by id. `store.keys()` lists them, `delete` stops tracking
 * one (forgetting its messages), `clear` forgets everything; the functions below do the rest.
 * Messages are kept sorted by `seq` and deduplicated by it: a message delivered twice (live and
 * by a sync, or re-published after a resend) is kept — and reported as new — once. A message held
 * is replaced only by a copy with a higher `rev` (an edit or an unsend), reported as changed once.
 */
export type MessageStore = Map<string, Track>

/**
 * Tracks a conversation. `seenSeq` says the caller already holds everything up to that seq,
 * so syncs start after it (it only ever moves the cursor forward).
 */
export function track(store: MessageStore, conversationId: string, seenSeq = 0): void {
  const t = store.get(conversationId)
  if (t) moveCursor(t, seenSeq)
  else store.set(conversationId, { cursor: seenSeq, messages: [], rev: 0 })
}

/** The seq syncs continue from (0 when untracked). */
export function cursor(store: MessageStore, conversationId: string): number {
  return store.get(conversationId)?.cursor ?? 0
}

/** The highest seq seen (0 when none). */
export function maxSeq(store: MessageStore, conversationId: string): number {
  const t = store.get(conversationId)
  return Math.max(t?.cursor ?? 0, t?.messages.at(-1)?.seq ?? 0)
}

/** A copy of the cached messages, sorted by seq. */
export function messagesOf(store: MessageStore, conversationId: string): Message[] {
  return [...(store.get(conversationId)?.messages ?? [])]
}

/**
 * Adds messages (any order, any conversations, duplicates allowed); untracked conversations
 * start being tracked, their cursor placed as `autoTrack` says. A message already held is
 * replaced when the new copy has a higher `rev`, and pushed to `changed`.
 * @returns The messages not seen before, in the order given.
 */
export function addMessages(store: MessageStore, messages: readonly Message[], autoTrack: AutoTrack, changed?: Message[]): Message[] {
  return messages.filter((message) => {
    const { conversationId, seq } = message
    let t = store.get(conversationId)
    if (!t) store.set(conversationId, (t = { cursor: autoTrack === 'start' ? 0 : seq - 1, messages: [], rev: 0 }))
    const list = t.messages
    const i = lowerBound(list, seq)
    const held = list[i]
    if (held?.seq === seq) {
      if (message.rev > held.rev) {
        list[i] = message
        changed?.push(message)
      }
      return false
    }
    list.splice(i, 0, message)
    moveCursor(t, 0)
    return true
  })
}

/** The change counter a conversation is synced up to (0 when untracked). */
export function revOf(store: MessageStore, conversationId: string): number {
  return store.get(conversationId)?.rev ?? 0
}

/** Records a sync's change counter (only ever forward); returns it. */
export function syncedRev(store: MessageStore, conversationId: string, rev: number): number {
  const t = store.get(conversationId)
  if (t) t.rev = Math.max(t.rev, rev)
  return rev
}

/** A held message by id, with its conversation. */
export function findMessage(store: MessageStore, id: string): Message | undefined {
  for (const t of store.values()) {
    const m = t.messages.find((x) => x.id === id)
    if (m) return m
  }
  return undefined
}

/**
 * Records a sync (or REST `after`) page, whose messages were added: the server returned every
 * visible message after `afterSeq` up to the page's last one, so the cursor may jump there even
 * across seqs this side cannot see (private notes).
 */
export function advance(store: MessageStore, conversationId: string, afterSeq: number, page: readonly Message[]): void {
  const t = store.get(conversationId)
  const last = page.at(-1)
  if (t && last && afterSeq <= t.cursor) moveCursor(t, last.seq)
}

/**
 * A live message `seq` whose previous visible message is `prevSeq`: when the cursor has reached
 * `prevSeq`, every seq between is one this client cannot see, so the cursor moves to `seq`.
 */
export function chain(store: MessageStore, conversationId: string, prevSeq: number, seq: number): void {
  const t = store.get(conversationId)
  if (t && prevSeq <= t.cursor) moveCursor(t, seq)
}

/** Moves the cursor forward to `seq` (if ahead), then over consecutive seqs already held. */
function moveCursor(t: Track, seq: number): void {
  const list = t.messages
  t.cursor = Math.max(t.cursor, seq)
  for (let i = lowerBound(list, t.cursor + 1); list[i]?.seq === t.cursor + 1; i++) t.cursor++
}

/** The index of the first message with seq ≥ `seq` (the list is sorted by seq). */
function lowerBound(list: readonly Message[], seq: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid]!.seq < seq) lo = mid + 1
    else hi = mid
  }
  return lo
}
