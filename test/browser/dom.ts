// Finding things in the dashboard's nested shadow roots, as a person would see them.
import { waitFor } from './helpers.js'

/**
 * The element matching the last selector, going into the shadow root of the element each earlier
 * selector matched: `q(el, 'lcd-admin-sites', 'lcd-admin-site', 'button#delete')` (the first
 * selector is looked up in `root`'s shadow root).
 */
export function q<T extends Element = HTMLElement>(root: Element, ...selectors: string[]): T | null {
  return qa<T>(root, ...selectors)[0] ?? null
}

/** Every element matching the last selector (see {@link q}). */
export function qa<T extends Element = HTMLElement>(root: Element, ...selectors: string[]): T[] {
  let at: Element | null = root
  for (const s of selectors.slice(0, -1)) at = at?.shadowRoot?.querySelector(s) ?? null
  return [...(at?.shadowRoot?.querySelectorAll<T>(selectors.at(-1)!) ?? [])]
}

/** Waits for {@link q} to find something (default 8 s). */
export function find<T extends Element = HTMLElement>(root: Element, ...selectors: string[]): Promise<T> {
  return waitFor(() => q<T>(root, ...selectors), 8_000, selectors.join(' >>> '))
}

/** Sets a control's value as typing would, firing `input` and `change`. */
export function fill(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  el.value = value
  el.dispatchEvent(new Event('input', { bubbles: true, composed: true }))
  el.dispatchEvent(new Event('change', { bubbles: true, composed: true }))
}

/** The element that has the focus, through open shadow roots. */
export function focused(): Element | null {
  let el = document.activeElement
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
  return el
}

/** The visible text of an element, with runs of white space as one space. */
export function text(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
}
