import type { Member, UpdateMember } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/** The people of the agency (`agent.members`; owners and admins). */
export class MembersApi extends AgentApi {
  /** The people of the agency, with their sites. */
  async list(): Promise<Member[]> {
    const { items } = await this.ctx.http<{ items: Member[] }>('GET', '/api/agency/members')
    return items
  }

  /** Changes a person's agency role (only owners make or unmake owners). */
  async update(userId: string, changes: UpdateMember): Promise<Member> {
    return this.ctx.http<Member>('PATCH', `/api/agency/members/${seg(userId)}`, { body: changes })
  }

  /**
   * Removes a person from the agency: from every site (as `agent.agents.remove`), every session
   * ended at once, the account deactivated.
   */
  async remove(userId: string): Promise<void> {
    await this.ctx.http('DELETE', `/api/agency/members/${seg(userId)}`)
  }
}
