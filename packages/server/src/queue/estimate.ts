// The queue's wait estimate, a pure function of the site's recent history and its capacity now.
// The server (queue/service.ts) and the bench (bench/queue.mjs) call these same functions.
//
// The model: while someone waits, every slot of the available agents is taken (routing hands a
// free slot out at once), so the queue moves each time a chat ends. With S slots (the
// maxConcurrentChats of every agent online, accepting chats and connected) each held for H
// seconds on average, chats end about S / H times a second, and the visitor at position p is
// served after about p endings: wait ≈ p · H / S. Free slots serve the first in line at once.
// H is the site's recent handling time (an agent's slot from assignment to resolve or close),
// a trimmed mean (the longest tenth left out: a chat left open for hours is not how long
// chats take). With no agent available, or no history yet, there is no estimate (null).

/** Handling times taken into account: the most recent this many, of the last HISTORY_DAYS days. */
export const HISTORY_SAMPLES = 200
export const HISTORY_DAYS = 7
/** Fewer samples than this: no estimate. */
export const MIN_SAMPLES = 5

/** The slots of the agents available now, and how many of those slots hold a chat. */
export interface Capacity {
  slots: number
  busy: number
}

/** The typical handling time (seconds) from recent samples: their mean without the longest tenth. */
export function handlingTime(samples: readonly number[]): number | null {
  if (samples.length < MIN_SAMPLES) return null
  const sorted = [...samples].sort((a, b) => a - b)
  const kept = sorted.slice(0, Math.ceil(sorted.length * 0.9))
  return kept.reduce((a, b) => a + b, 0) / kept.length
}

/** The estimated wait (whole seconds) of the visitor at `position` (1-based), or null when unknown. */
export function estimateWait(position: number, capacity: Capacity, handlingSeconds: number | null): number | null {
  if (handlingSeconds === null || capacity.slots <= 0) return null
  const ahead = position - Math.max(0, capacity.slots - capacity.busy)
  return ahead <= 0 ? 0 : Math.round((ahead * handlingSeconds) / capacity.slots)
}
