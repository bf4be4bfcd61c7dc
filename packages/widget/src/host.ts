// What the widget does to its own host element and colours, apart from rendering.

/** White or near-black text, whichever contrasts more with a `#rrggbb` background (WCAG luminance). */
export function onColour(hex: string): string {
  const c = /^#?([\da-f]{2})([\da-f]{2})([\da-f]{2})$/i.exec(hex)
  if (!c) return '#fff'
  const [r, g, b] = c.slice(1).map((x) => {
    const v = parseInt(x, 16) / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#111827' : '#fff'
}

/**
 * Puts the widget in the browser's top layer (a manual popover), above anything the page stacks
 * with z-index, cookie banners with z-index 2147483647 included. Where popovers are not
 * supported the host's own z-index applies.
 */
export function raise(el: HTMLElement): void {
  if (!('showPopover' in el)) return
  if (!el.hasAttribute('popover')) el.setAttribute('popover', 'manual')
  try {
    el.showPopover()
  } catch {
    // Already shown, or not in a document yet: nothing to do.
  }
}
