// Helpers of the settings forms: the server's field errors shown next to their controls, and the
// changes between the saved settings and the admin's draft.
import { html, nothing, type TemplateResult } from 'lit'
import type { SiteSettings, UpdateSiteSettings } from '@live-chat/sdk'

/** One problem the server found in a request (`LiveChatError.details`). */
export interface FieldProblem {
  path: string
  message: string
}

const idOf = (path: string) => `err-${path.replace(/[^\w-]/g, '-')}`

/**
 * The server's `details` for one form, by path (`widget.primaryColor`, `allowedOrigins.1`,
 * `widget.businessHours.mon.0.end`). Controls claim their path while rendering; a problem under
 * a claimed path is shown next to that control, the rest in the form's summary (render it last).
 */
export class FieldErrors {
  #all: FieldProblem[] = []
  /** Claimed paths: `path` covers the paths under it too; `=path` only itself. */
  #claimed = new Set<string>()

  constructor(problems: FieldProblem[] = []) {
    this.#all = problems
  }

  get size(): number {
    return this.#all.length
  }

  /** Starts a render: no path is claimed yet. */
  begin(): void {
    this.#claimed.clear()
  }

  /** The messages for `path` and the paths under it (only `path` itself when `exact`); claims them. */
  messages(path: string, exact = false): string[] {
    this.#claimed.add(exact ? `=${path}` : path)
    return this.#all.filter((p) => (exact ? p.path === path : under(p.path, path))).map((p) => p.message)
  }

  /**
   * `aria-invalid` and `aria-describedby` values for the control at `path` (claims it). The
   * message is the one `text(shownAt)` renders (default: `text(path)`).
   */
  aria(path: string, shownAt = path): { invalid: 'true' | 'false'; describedby: string | typeof nothing } {
    const bad = this.messages(path).length > 0
    return { invalid: bad ? 'true' : 'false', describedby: bad ? idOf(shownAt) : nothing }
  }

  /** The error text for `path` (claims it), with the id `aria()` points at. */
  text(path: string, exact = false): TemplateResult | typeof nothing {
    const m = this.messages(path, exact)
    return m.length ? html`<span class="err field-err" id=${idOf(path)} data-path=${path}>${m.join('; ')}</span>` : nothing
  }

  /** Problems no rendered control claimed, as "path: message". */
  unclaimed(): string[] {
    const claimed = [...this.#claimed]
    return this.#all
      .filter((p) => !claimed.some((c) => (c.startsWith('=') ? p.path === c.slice(1) : under(p.path, c))))
      .map((p) => (p.path === '(root)' ? p.message : `${p.path}: ${p.message}`))
  }
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`)
}

/** JSON with object keys sorted, so equal values compare equal whatever the key order (Postgres jsonb reorders keys). */
export function canon(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  )
}

/** What the draft changes: only the fields that differ from the saved settings; null when nothing does. */
export function settingsChanges(saved: SiteSettings, draft: SiteSettings): UpdateSiteSettings | null {
  const out: UpdateSiteSettings = {}
  if (draft.name !== saved.name) out.name = draft.name
  if (canon(draft.allowedOrigins) !== canon(saved.allowedOrigins)) out.allowedOrigins = draft.allowedOrigins
  if (draft.missedAfterMinutes !== saved.missedAfterMinutes) out.missedAfterMinutes = draft.missedAfterMinutes
  if (canon(draft.retention) !== canon(saved.retention)) out.retention = draft.retention
  const widget: Record<string, unknown> = {}
  for (const key of Object.keys(draft.widget) as (keyof SiteSettings['widget'])[]) {
    if (canon(draft.widget[key]) !== canon(saved.widget[key])) widget[key] = draft.widget[key]
  }
  if (Object.keys(widget).length) out.widget = widget as UpdateSiteSettings['widget']
  return Object.keys(out).length ? out : null
}

/** A deep copy of plain JSON data. */
export function copy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}
