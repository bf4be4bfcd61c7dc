import type { CreateTrigger, Trigger, UpdateTrigger } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/** The current site's proactive messages (`agent.triggers`): every member reads them with their funnel; admins change them. */
export class TriggersApi extends AgentApi {
  /** Every proactive message of the site, with shown → replied → answered counts. */
  async list(): Promise<Trigger[]> {
    const { items } = await this.ctx.http<{ items: Trigger[] }>('GET', this.ctx.site('/triggers'))
    return items
  }

  /** Adds a proactive message (open widgets take it at once). */
  async create(input: CreateTrigger): Promise<Trigger> {
    return this.ctx.http<Trigger>('POST', this.ctx.site('/triggers'), { body: input })
  }

  /** Changes one (e.g. `{ enabled: false }`). */
  async update(id: string, changes: UpdateTrigger): Promise<Trigger> {
    return this.ctx.http<Trigger>('PATCH', this.ctx.site(`/triggers/${seg(id)}`), { body: changes })
  }

  /** Deletes one. */
  async delete(id: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/triggers/${seg(id)}`))
  }
}
