/**
 * The tone for a new agent message (made with Web Audio, no file to fetch), rung once across tabs:
 * each tab takes the same Web Lock and only the first to see a message rings for it (a
 * per-conversation watermark in localStorage, written only after the visitor has started
 * chatting). The widget loads this module when a message first rings.
 */
import { audioContext } from './sound.js'

/** Plays the short tone, if sound was unlocked (also the dashboard's alert, see @live-chat/widget/notify). */
export function tone(): void {
  const audio = audioContext()
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
