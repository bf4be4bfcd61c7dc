/**
 * Registers a custom element unless the name is taken (a second copy of the dashboard on a page
 * warns instead of throwing).
 */
export function define(name: string, element: CustomElementConstructor): void {
  const existing = customElements.get(name)
  if (existing) {
    if (existing !== element) console.warn(`[live-chat] <${name}> is already defined by another copy of the dashboard; this copy is not used.`)
    return
  }
  customElements.define(name, element)
}
