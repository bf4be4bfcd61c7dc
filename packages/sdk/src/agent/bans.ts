import type { Ban, CreateBan } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/**
 * The current site's bans (`agent.bans`): any agent bans a visitor, an email address or an IP
 * address or range; an agent sees and lifts their own, an admin every one. A banned visitor is
 * told only that chat is not available (403 `forbidden`).
 */
export class BansApi extends AgentApi {
  /** The bans in force, newest first. */
  async list(): Promise<Ban[]> {
    const { items } = await this.ctx.http<{ items: Ban[] }>('GET', this.ctx.site('/bans'))
    return items
  }

  /**
   * Bans at once, on every server process (the visitor's live sockets are disconnected). E.g.
   * `{ kind: 'visitor', visitorId }`, `{ kind: 'email', email }`, `{ kind: 'ip', network: '203.0.113.0/24' }`,
   * or `{ kind: 'ip', visitorId, scope: 'subnet' }` for a visitor's address the agent never sees.
   * Rejects with `conflict` when the same ban is already in force.
   */
  async create(input: CreateBan): Promise<Ban> {
    return this.ctx.http<Ban>('POST', this.ctx.site('/bans'), { body: input })
  }

  /** Lifts a ban: the visitor may chat again. */
  async lift(id: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/bans/${seg(id)}`))
  }
}
