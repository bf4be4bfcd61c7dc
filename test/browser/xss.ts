// Script and markup payloads for the XSS tests of the widget and the dashboard. Each one, if it
// were ever parsed as HTML or run, would bump `window.__xss` or leave an element marked
// `data-xss` (or an image with src "x", a javascript: link, an inline handler) in the page.
import { assert, nextFrame } from './helpers.js'

declare global {
  interface Window {
    __xss?: number
  }
}

const RUN = 'window.__xss=(window.__xss||0)+1'

/** Each fits every field it is sent in (the shortest limit is a 50-character tag). */
export const PAYLOADS = [
  `<img src=x onerror="${RUN}" data-xss>`,
  `<script data-xss>${RUN}</script>`,
  `"><svg onload="${RUN}" data-xss>`,
  `'><img src=x onerror=${RUN} data-xss>`,
  `javascript:${RUN}`,
  `<a href="javascript:${RUN}" data-xss>click me</a>`,
  `<iframe data-xss srcdoc="<script>parent.__xss=1</script>"></iframe>`,
  `<style data-xss>*{display:none!important}</style><b data-xss>bold?</b>`,
] as const

/** Every element under `root`, through open shadow roots (and iframes' documents are separate pages). */
export function* deepElements(root: Node): Generator<Element> {
  const start = root instanceof Element && root.shadowRoot ? [root, root.shadowRoot] : [root]
  for (const node of start) {
    for (const el of (node as ParentNode).querySelectorAll('*')) {
      yield el
      if (el.shadowRoot) yield* deepElements(el.shadowRoot)
    }
  }
}

/** All text under `root`, through open shadow roots (what a person could read there). */
export function deepText(root: Node): string {
  const parts: string[] = []
  const walk = (node: Node): void => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) parts.push(child.textContent ?? '')
      else walk(child)
    }
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot)
  }
  walk(root)
  // Form controls show their value, not their text.
  for (const el of deepElements(root)) if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) parts.push(el.value)
  return parts.join('\n')
}

/** Elements under `root` that a payload would have made. */
export function injected(root: Node): Element[] {
  return [...deepElements(root)].filter(
    (el) =>
      el.hasAttribute('data-xss') ||
      el.hasAttribute('onerror') ||
      el.hasAttribute('onload') ||
      el.hasAttribute('srcdoc') ||
      (el.localName === 'img' && el.getAttribute('src') === 'x') ||
      (el.localName === 'a' && /^\s*javascript:/i.test(el.getAttribute('href') ?? '')) ||
      el.localName === 'script' ||
      el.localName === 'iframe',
  )
}

/**
 * Fails if anything under `root` was made from a payload or a payload ran. Waits a moment first:
 * a failed image load (onerror) and an SVG's onload come asynchronously.
 */
export async function expectNoXss(root: Node, where: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 200))
  await nextFrame()
  const found = injected(root).map((el) => el.outerHTML.slice(0, 120))
  assert(found.length === 0, `${where}: elements made from payloads: ${found.join(' | ')}`)
  assert(window.__xss === undefined, `${where}: a payload ran (window.__xss = ${window.__xss})`)
}

/** Fails unless every one of `texts` is shown under `root` as text. */
export function expectShownAsText(root: Node, texts: readonly string[], where: string): void {
  const shown = deepText(root)
  const missing = texts.filter((t) => !shown.includes(t))
  assert(missing.length === 0, `${where}: not shown as text: ${missing.join(' | ')}`)
}
