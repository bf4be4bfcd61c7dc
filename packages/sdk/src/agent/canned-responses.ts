import type { CannedResponse, CreateCannedResponse, UpdateCannedResponse } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/** The current site's canned responses (`agent.cannedResponses`): shared ones and this agent's personal ones. */
export class CannedResponsesApi extends AgentApi {
  /** Canned responses visible to this agent (shared and personal), optionally filtered. */
  async list(query: { q?: string; category?: string } = {}): Promise<CannedResponse[]> {
    const { items } = await this.ctx.http<{ items: CannedResponse[] }>('GET', this.ctx.site('/canned-responses'), { query })
    return items
  }

  /** Creates a canned response. */
  async create(input: CreateCannedResponse): Promise<CannedResponse> {
    return this.ctx.http<CannedResponse>('POST', this.ctx.site('/canned-responses'), { body: input })
  }

  /** Changes a canned response. */
  async update(id: string, changes: UpdateCannedResponse): Promise<CannedResponse> {
    return this.ctx.http<CannedResponse>('PATCH', this.ctx.site(`/canned-responses/${seg(id)}`), { body: changes })
  }

  /** Counts one use of a canned response (e.g. inserted into a reply) and returns it with the new `usageCount`. */
  async use(id: string): Promise<CannedResponse> {
    return this.ctx.http<CannedResponse>('POST', this.ctx.site(`/canned-responses/${seg(id)}/use`))
  }

  /** Deletes a canned response. */
  async delete(id: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/canned-responses/${seg(id)}`))
  }
}
