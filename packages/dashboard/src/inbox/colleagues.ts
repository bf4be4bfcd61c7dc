// Who else is in a conversation (collision detection): the other agents whose dashboards show it
// (viewers:changed) and those writing a reply in it (their typing). The inbox keeps both for every
// conversation; the list shows a pill, the open conversation a line. Never this agent itself.
import { css, html, nothing, type TemplateResult } from 'lit'
import type { AgentClient, ConversationViewers, TypingState } from '@live-chat/sdk'
import { CatchUp } from '../shared/catch-up.js'

export interface Colleague {
  id: string
  name: string
}

/** A writer whose "stopped" never came (a closed tab) stops counting after this. */
export const WRITING_TIMEOUT_MS = 8_000

/** "Bo", "Bo and Cy", "Bo, Cy and Di". */
export function names(list: readonly Colleague[]): string {
  const n = list.map((c) => c.name)
  return n.length <= 1 ? (n[0] ?? '') : `${n.slice(0, -1).join(', ')} and ${n.at(-1)}`
}

/** "Bo is also writing a reply", "Bo and Cy are also writing replies". */
export function writingText(list: readonly Colleague[]): string {
  return list.length === 1 ? `${names(list)} is also writing a reply` : `${names(list)} are also writing replies`
}

/** "Bo is viewing this conversation" (for a tooltip or a screen reader). */
export function viewingText(list: readonly Colleague[]): string {
  return `${names(list)} ${list.length === 1 ? 'is' : 'are'} viewing this conversation`
}

/** The list's pill: who writes (✎) or else who views (👁), by first name or count. */
export function herePill(viewers: readonly Colleague[] = [], writing: readonly Colleague[] = []): TemplateResult | typeof nothing {
  const list = writing.length ? writing : viewers
  if (!list.length) return nothing
  const label = writing.length ? writingText(writing) : viewingText(viewers)
  const short = list.length === 1 ? list[0]!.name.split(' ')[0] : String(list.length)
  return html`<span class="pill here ${writing.length ? 'writing' : ''}" role="img" aria-label=${label} title=${label}>${writing.length ? '✎' : '👁'} ${short}</span>`
}

export const hereStyles = css`
  .pill.here {
    background: #e0e7ff;
    color: #3730a3;
  }
  .pill.here.writing {
    background: #fef3c7;
    color: #92400e;
  }
`

/**
 * Keeps who else views and writes in every conversation of the site, from the client's events
 * (and `viewers()` when it connects). `changed` runs after each change.
 */
export class Colleagues {
  /** Per conversation: the other agents viewing it. */
  viewers = new Map<string, Colleague[]>()
  /** Per conversation: the other agents writing a reply in it. */
  writing = new Map<string, Colleague[]>()
  #timers = new Map<string, ReturnType<typeof setTimeout>>()
  #off: (() => void)[] = []
  #catchUp: CatchUp<ConversationViewers> | undefined

  constructor(private readonly changed: () => void) {}

  /** Follows `client` as the agent `me` (null: stops). */
  follow(client: AgentClient | null, me: () => string | undefined): void {
    this.stop()
    if (!client) return
    // A conversation's viewers heard while the list loads are newer than the list: applied again on top.
    const catchUp = (this.#catchUp = new CatchUp<ConversationViewers>())
    const load = async () => {
      try {
        await catchUp.load(
          () => client.viewers(),
          (items) => {
            this.viewers = new Map()
            for (const v of items) this.#setViewers(v, me())
          },
          (v) => this.#setViewers(v, me()),
        )
        this.changed()
      } catch {
        // The next viewers:changed brings each conversation's state again.
      }
    }
    this.#off.push(
      client.on('viewers', (v) => (catchUp.heard(v), this.#setViewers(v, me()), this.changed())),
      client.on('typing', (t) => this.#typing(t, me())),
      client.on('connected', () => void load()),
    )
    if (client.connected) void load()
  }

  stop(): void {
    this.#catchUp?.reset()
    for (const off of this.#off.splice(0)) off()
    for (const t of this.#timers.values()) clearTimeout(t)
    this.#timers.clear()
    this.viewers = new Map()
    this.writing = new Map()
  }

  #setViewers(v: ConversationViewers, me: string | undefined): void {
    const others = v.agents.filter((a) => a.id !== me)
    const next = new Map(this.viewers)
    if (others.length) next.set(v.conversationId, others)
    else next.delete(v.conversationId)
    this.viewers = next
  }

  #typing(t: TypingState, me: string | undefined): void {
    if (t.side !== 'agent' || !t.agentId || t.agentId === me) return
    const key = `${t.conversationId} ${t.agentId}`
    clearTimeout(this.#timers.get(key))
    this.#timers.delete(key)
    const list = (this.writing.get(t.conversationId) ?? []).filter((c) => c.id !== t.agentId)
    if (t.typing) {
      list.push({ id: t.agentId, name: t.name ?? 'Someone' })
      this.#timers.set(key, setTimeout(() => this.#typing({ ...t, typing: false }, me), WRITING_TIMEOUT_MS))
    }
    const next = new Map(this.writing)
    if (list.length) next.set(t.conversationId, list)
    else next.delete(t.conversationId)
    this.writing = next
    this.changed()
  }
}
