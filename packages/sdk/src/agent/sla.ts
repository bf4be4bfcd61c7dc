import type { CreateSlaPolicy, SlaPolicy, UpdateSlaPolicy } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/**
 * The current site's SLA policies (`agent.slaPolicies`): every member reads them; admins change
 * them. A conversation's running clock is its `sla`; a breach arrives as an `sla:breached` event.
 */
export class SlaPoliciesApi extends AgentApi {
  async list(): Promise<SlaPolicy[]> {
    const { items } = await this.ctx.http<{ items: SlaPolicy[] }>('GET', this.ctx.site('/sla-policies'))
    return items
  }

  /** Adds a policy: targets in minutes for a team and/or priority (absent: any). */
  async create(input: CreateSlaPolicy): Promise<SlaPolicy> {
    return this.ctx.http<SlaPolicy>('POST', this.ctx.site('/sla-policies'), { body: input })
  }

  /** Changes a policy; running clocks take it. */
  async update(id: string, changes: UpdateSlaPolicy): Promise<SlaPolicy> {
    return this.ctx.http<SlaPolicy>('PATCH', this.ctx.site(`/sla-policies/${seg(id)}`), { body: changes })
  }

  async delete(id: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/sla-policies/${seg(id)}`))
  }
}
