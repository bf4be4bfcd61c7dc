/**
 * Registers a custom element unless the name is taken: a second copy of the widget on one page
 * (the CDN build next to the npm build, or the script tag pasted twice) warns instead of throwing.
 * @returns whether this call defined the element.
 */
export function define(name: string, element: CustomElementConstructor): boolean {
  const existing = customElements.get(name)
  if (existing) {
    if (existing !== element) console.warn(`[live-chat] <${name}> is already defined by another copy of the widget; this copy is not used.`)
    return false
  }
  customElements.define(name, element)
  return true
}
