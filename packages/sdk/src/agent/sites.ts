import type { AgencySite, CreateSite } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/** The agency's sites (`agent.sites`). A site's settings are `agent.settings`. */
export class SitesApi extends AgentApi {
  /** The agency's sites: every one for owners and admins, a member's own for members. */
  async list(): Promise<AgencySite[]> {
    const { items } = await this.ctx.http<{ items: AgencySite[] }>('GET', '/api/agency/sites')
    return items
  }

  /**
   * Creates a site in the agency (owners and admins); every agency owner and admin becomes its
   * admin. Domains may be bare hosts (`shop.example` is `https://shop.example`); none = any origin.
   */
  async create(input: CreateSite): Promise<AgencySite> {
    return this.ctx.http<AgencySite>('POST', '/api/agency/sites', { body: input })
  }

  /**
   * Deletes a site and everything in it at once: conversations, messages, visitors, uploads,
   * analytics, webhooks, canned responses, memberships and its API keys (owners and admins). The
   * audit log keeps the event.
   * @param confirm the site's exact name, as the person typed it to confirm.
   * @throws LiveChatError `invalid_payload` when `confirm` is not the site's name.
   */
  async delete(siteId: string, confirm: string): Promise<void> {
    await this.ctx.http('DELETE', `/api/agency/sites/${seg(siteId)}`, { body: { confirm } })
  }
}
