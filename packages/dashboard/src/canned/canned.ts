// Canned responses, shared by the composer's `/` picker and the canned responses page: the
// per-client cache, matching a typed `/query`, and filling `{{variables}}`.
import type { AgentClient, AgentSummary, CannedResponse, VisitorProfile } from '@live-chat/sdk'

/**
 * Fired on `window` after canned responses were created, changed or deleted (by the canned
 * responses page): every cached list is dropped, so the next `/` in a composer loads them again.
 */
export const CANNED_CHANGE = 'lcd-canned-change'

// ------------------------------------------------------------------ the cache

interface Entry {
  siteId: string
  generation: number
  items: Promise<CannedResponse[]>
}

/** One list per client, for the client's current site (a client may switch sites). */
const cache = new WeakMap<AgentClient, Entry>()
/** Bumped by every change: lists loaded before it are stale. */
let generation = 0
let listening = false

/** Drops the cached list of `client`, or of every client. */
export function invalidateCanned(client?: AgentClient): void {
  if (client) cache.delete(client)
  else generation++
}

/**
 * The canned responses this agent may use (shared and their personal ones), loaded once per client
 * and site. A failed load is not kept, so the next call tries again.
 */
export function loadCanned(client: AgentClient): Promise<CannedResponse[]> {
  if (!listening && typeof window !== 'undefined') {
    window.addEventListener(CANNED_CHANGE, () => invalidateCanned())
    listening = true
  }
  const siteId = client.siteId ?? ''
  const hit = cache.get(client)
  if (hit && hit.siteId === siteId && hit.generation === generation) return hit.items
  const entry: Entry = { siteId, generation, items: client.cannedResponses.list() }
  cache.set(client, entry)
  entry.items.catch(() => {
    if (cache.get(client) === entry) cache.delete(client)
  })
  return entry.items
}

/** Tells every composer (and page) that the canned responses changed. */
export function announceCannedChange(): void {
  window.dispatchEvent(new CustomEvent(CANNED_CHANGE, { detail: {} }))
}

/**
 * Counts one use of a response on the server and keeps the cached copy's count in step.
 * Resolves with the server's copy; never rejects (a lost count is not worth an error to the agent).
 */
export async function countUse(client: AgentClient, id: string): Promise<CannedResponse | null> {
  try {
    const updated = await client.cannedResponses.use(id)
    const entry = cache.get(client)
    if (entry) entry.items = entry.items.then((list) => list.map((c) => (c.id === id ? updated : c)))
    return updated
  } catch {
    return null
  }
}

// ------------------------------------------------------------------ matching

/** The `/query` being typed just before the caret: at the start of the text or after whitespace. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)\/([^\s/]*)$/.exec(text.slice(0, caret))
  if (!m) return null
  return { start: m.index + m[1]!.length, query: m[2]! }
}

/**
 * The responses matching `query` (what follows the `/`): shortcuts starting with it first, then
 * titles (and shortcuts) containing it; each group in the list's order. Case-insensitive.
 */
export function matchCanned(list: readonly CannedResponse[], query: string, limit = 20): CannedResponse[] {
  const q = query.trim().toLowerCase()
  if (!q) return list.slice(0, limit)
  const prefix: CannedResponse[] = []
  const contains: CannedResponse[] = []
  for (const c of list) {
    const shortcut = (c.shortcut ?? '').toLowerCase()
    if (shortcut.startsWith(q)) prefix.push(c)
    else if (c.title.toLowerCase().includes(q) || shortcut.includes(q)) contains.push(c)
  }
  return [...prefix, ...contains].slice(0, limit)
}

// ------------------------------------------------------------------ variables

/** The variables a response may use, for hints. */
export const CANNED_VARIABLES = ['visitor.name', 'visitor.first_name', 'visitor.email', 'agent.name', 'agent.first_name'] as const

/** Who a response is filled in for. */
export interface FillContext {
  visitor?: Pick<VisitorProfile, 'name' | 'email'> | null
  agent?: Pick<AgentSummary, 'name'> | null
}

const firstName = (name: string | null | undefined) => (name ?? '').trim().split(/\s+/)[0] ?? ''

/**
 * Replaces `{{visitor.name}}`, `{{visitor.first_name}}`, `{{visitor.email}}`, `{{agent.name}}` and
 * `{{agent.first_name}}` with their values. `{{visitor.name | there}}` uses "there" when the value
 * is missing or empty. Unknown variables become their fallback, or nothing: never raw braces.
 */
export function fillVariables(content: string, ctx: FillContext): string {
  const values: Record<string, string> = {
    'visitor.name': ctx.visitor?.name?.trim() ?? '',
    'visitor.first_name': firstName(ctx.visitor?.name),
    'visitor.email': ctx.visitor?.email?.trim() ?? '',
    'agent.name': ctx.agent?.name?.trim() ?? '',
    'agent.first_name': firstName(ctx.agent?.name),
  }
  return content.replace(/\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g, (_, name: string, fallback: string | undefined) => {
    const value = values[name.toLowerCase()] ?? ''
    return value || (fallback ?? '')
  })
}
