import type { Mention, MentionPage } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/**
 * The signed-in agent's mentions on the current site (`agent.mentions`): private notes that name
 * them (`@[Display Name]`), and supervisors' whispers in their conversations. New ones arrive live
 * as the client's `mention` event.
 */
export class MentionsApi extends AgentApi {
  /** Unread first, then newest first (at most `limit`, default 50), and how many are unread in all. */
  async list(opts: { unread?: boolean; limit?: number } = {}): Promise<MentionPage> {
    return this.ctx.http<MentionPage>('GET', this.ctx.site('/mentions'), { query: { unread: opts.unread, limit: opts.limit } })
  }

  /** Marks one read (the agent's other tabs hear `mention-read`). */
  async read(id: string): Promise<Mention> {
    return this.ctx.http<Mention>('POST', this.ctx.site(`/mentions/${seg(id)}/read`))
  }
}
