import type { AgentSummary, CreateAgent, UpdateAgent } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/**
 * The agents of a site (`agent.agents`). This agent's own status and who is online are live:
 * `agent.setStatus()`, `agent.presence()` and the `agent` event.
 */
export class AgentsApi extends AgentApi {
  /** The current site's agents. */
  async list(): Promise<AgentSummary[]> {
    const { items } = await this.ctx.http<{ items: AgentSummary[] }>('GET', this.ctx.site('/agents'))
    return items
  }

  /** Adds an agent to the current site (admins only). */
  async create(input: CreateAgent): Promise<AgentSummary> {
    return this.ctx.http<AgentSummary>('POST', this.ctx.site('/agents'), { body: input })
  }

  /** Changes an agent of the current site (admins; agents may change some of their own fields). */
  async update(agentId: string, changes: UpdateAgent): Promise<AgentSummary> {
    return this.ctx.http<AgentSummary>('PATCH', this.ctx.site(`/agents/${seg(agentId)}`), { body: changes })
  }

  /**
   * Removes an agent from a site, by default the current one (site admins): their open
   * conversations go back to the queue and are routed again, their personal canned responses are
   * deleted, their messages keep their name. An agency owner or admin cannot be removed from one
   * site (change their agency role instead).
   */
  async remove(agentId: string, siteId?: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/agents/${seg(agentId)}`, siteId))
  }
}
