import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit'
import type { AgentClient } from '@live-chat/sdk'
import type { LcdConfirmDialog } from '../shared/confirm-dialog.js'
import '../shared/confirm-dialog.js'

/**
 * What the administration views share: the SDK client, their data loaded once per client, rows
 * with a request on its way, and their confirmation dialog.
 */
export abstract class AdminView extends LitElement {
  static override properties: PropertyDeclarations = {
    client: { attribute: false },
    _busy: { state: true },
  }

  client: AgentClient | null = null
  /** @internal Rows (by id) with a request on its way. */ _busy = new Set<string>()

  #loadedWith: AgentClient | null = null

  /** Loads the view's data (called when a client is first given, and on each new one). */
  protected abstract load(): Promise<void>

  protected override willUpdate(_changed: PropertyValues<this>): void {
    if (this.client && this.client !== this.#loadedWith) {
      this.#loadedWith = this.client
      void this.load()
    }
  }

  /** Asks the view's `<lcd-confirm-dialog>` and runs `action` on confirm: true once it succeeded. */
  protected confirm(action: () => Promise<void>): Promise<boolean> {
    return this.renderRoot.querySelector<LcdConfirmDialog>('lcd-confirm-dialog')!.open(action)
  }

  /** Marks row `id` busy (its controls disabled) or not. */
  protected setBusy(id: string, busy: boolean): void {
    const set = new Set(this._busy)
    if (busy) set.add(id)
    else set.delete(id)
    this._busy = set
  }

  /** Puts the focus on `selector` (made focusable by script when it is not), e.g. a list's heading after its row left. */
  protected async focusOn(selector: string): Promise<void> {
    await this.updateComplete
    const el = this.renderRoot.querySelector<HTMLElement>(selector)
    if (el && el.tabIndex < 0 && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1')
    el?.focus()
  }
}
