import type { ApiKey, ApiKeyCreated, CreateApiKey } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/** The agency's API keys (`agent.apiKeys`; owners and admins). */
export class ApiKeysApi extends AgentApi {
  /** The agency's API keys, revoked ones included. */
  async list(): Promise<ApiKey[]> {
    const { items } = await this.ctx.http<{ items: ApiKey[] }>('GET', '/api/agency/api-keys')
    return items
  }

  /** Creates an API key. The answer's `secret` is the key, shown this once. */
  async create(input: CreateApiKey): Promise<ApiKeyCreated> {
    return this.ctx.http<ApiKeyCreated>('POST', '/api/agency/api-keys', { body: input })
  }

  /** Revokes an API key: refused from now on. */
  async revoke(id: string): Promise<void> {
    await this.ctx.http('DELETE', `/api/agency/api-keys/${seg(id)}`)
  }
}
