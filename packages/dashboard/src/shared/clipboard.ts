/**
 * Copies `text` to the clipboard. Where the Clipboard API is missing or refused (an insecure
 * origin, no permission), selects the text of `shown` instead so the user can press Ctrl+C, and
 * returns false.
 */
export async function copyText(text: string, shown?: HTMLElement | null): Promise<boolean> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard')
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    if (shown instanceof HTMLTextAreaElement || shown instanceof HTMLInputElement) {
      shown.focus()
      shown.select()
    } else if (shown) {
      const range = document.createRange()
      range.selectNodeContents(shown)
      const sel = (shown.getRootNode() as Document & { getSelection?: () => Selection | null }).getSelection?.() ?? getSelection()
      sel?.removeAllRanges()
      sel?.addRange(range)
    }
    return false
  }
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** A random password (from crypto.getRandomValues, without modulo bias): 18 letters and digits, ~104 bits. */
export function strongPassword(length = 18): string {
  const out: string[] = []
  const limit = 256 - (256 % ALPHABET.length)
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out.push(ALPHABET[b % ALPHABET.length]!)
    }
  }
  return out.join('')
}
