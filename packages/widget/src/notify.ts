/**
 * Attention for new agent messages: a short tone (made with Web Audio, no file to fetch) and the
 * unread count in the tab title.
 *
 * The tone only plays once the visitor has interacted with the widget (browsers block audio
 * before a gesture anyway) and rings once across tabs: each tab takes the same Web Lock and only
 * the first to see a message rings for it (a per-conversation watermark in localStorage, written
 * only after the visitor has started chatting).
 */
let audio: AudioContext | undefined

/** Call from a user gesture (opening the chat): lets the tone play later. */
export function unlockSound(): void {
  try {
    audio ??= new AudioContext()
    void audio.resume()
  } catch {
    // No Web Audio here: stay silent.
  }
}

/** Plays the short tone, if sound was unlocked (also the dashboard's alert, see @live-chat/widget/notify). */
export function tone(): void {
  if (!audio || audio.state !== 'running') return
  const t = audio.currentTime
  const osc = audio.createOscillator()
  const gain = audio.createGain()
  osc.frequency.setValueAtTime(880, t)
  osc.frequency.setValueAtTime(1320, t + 0.09)
  gain.gain.setValueAtTime(0.0001, t)
  gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02)
  gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.3)
  osc.connect(gain).connect(audio.destination)
  osc.start(t)
  osc.stop(t + 0.3)
}

/** Rings for message `seq` of a conversation unless another tab already rang for it. */
export function ring(conversationId: string, seq: number): void {
  const key = `lc:rang:${conversationId}`
  const once = (): void => {
    try {
      if (Number(localStorage.getItem(key)) >= seq) return
      localStorage.setItem(key, String(seq))
    } catch {
      // Storage blocked: ring in this tab.
    }
    tone()
  }
  if (navigator.locks) void navigator.locks.request('lc-ring', once)
  else once()
}

const PREFIX = /^\(\d+\) /

/** Shows `(n) ` before the page title while n > 0; leaves the page's own title alone otherwise. */
export function titleCount(n: number): void {
  const plain = document.title.replace(PREFIX, '')
  const next = n > 0 ? `(${n}) ${plain}` : plain
  if (next !== document.title) document.title = next
}
