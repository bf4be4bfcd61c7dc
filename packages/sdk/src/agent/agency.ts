import type { Agency, UpdateAgency } from '@live-chat/protocol'
import { AgentApi } from './context.js'

/**
 * The caller's agency itself (`agent.agency`). Its sites, people, invitations, API keys and
 * audit log are `agent.sites`, `agent.members`, `agent.invitations`, `agent.apiKeys` and `agent.audit`.
 */
export class AgencyApi extends AgentApi {
  /** The caller's agency and their role in it. */
  async get(): Promise<Agency> {
    return this.ctx.http<Agency>('GET', '/api/agency')
  }

  /** Renames the agency or sets whether its members must sign in with a second factor (owners and admins). */
  async update(changes: UpdateAgency): Promise<Agency> {
    return this.ctx.http<Agency>('PATCH', '/api/agency', { body: changes })
  }
}
