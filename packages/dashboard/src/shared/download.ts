/** How long a download's object URL is kept: revoking it at once can cancel the download in some browsers. */
const KEEP_URL_MS = 60_000

/**
 * Hands `blob` to the browser as a download named `filename`: a temporary `<a download>` in the
 * document, clicked. (The file came through the SDK, with the agent's token; a plain link could
 * not send the token.)
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.hidden = true
  document.body.append(a)
  try {
    a.click()
  } finally {
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS)
  }
}

/** `2026-11-24` in the browser's time zone (for file names). */
export function fileDate(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}
