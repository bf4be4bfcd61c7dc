/**
 * What the widget's core keeps of its attention cues (see notify.ts): unlocking sound on a gesture
 * and the unread count in the tab title. The tone itself (ring.ts) loads when a message first rings.
 */
let audio: AudioContext | undefined

/** The unlocked audio context, if any. */
export const audioContext = (): AudioContext | undefined => audio

/** Call from a user gesture (opening the chat): lets the tone play later. */
export function unlockSound(): void {
  try {
    audio ??= new AudioContext()
    void audio.resume()
  } catch {
    // No Web Audio here: stay silent.
  }
}

const PREFIX = /^\(\d+\) /

/** Shows `(n) ` before the page title while n > 0; leaves the page's own title alone otherwise. */
export function titleCount(n: number): void {
  const plain = document.title.replace(PREFIX, '')
  const next = n > 0 ? `(${n}) ${plain}` : plain
  if (next !== document.title) document.title = next
}
