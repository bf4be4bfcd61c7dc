import type { CreateTeam, Team, UpdateTeam } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/** The current site's teams (`agent.teams`): every member reads them; admins change them. Changes arrive as `teams` events. */
export class TeamsApi extends AgentApi {
  /** The site's teams, by name, with their members. */
  async list(): Promise<Team[]> {
    const { items } = await this.ctx.http<{ items: Team[] }>('GET', this.ctx.site('/teams'))
    return items
  }

  /** Adds a team (`agentIds`: its members). */
  async create(input: CreateTeam): Promise<Team> {
    return this.ctx.http<Team>('POST', this.ctx.site('/teams'), { body: input })
  }

  /** Renames a team and/or sets its members (`agentIds`: all of them). */
  async update(id: string, changes: UpdateTeam): Promise<Team> {
    return this.ctx.http<Team>('PATCH', this.ctx.site(`/teams/${seg(id)}`), { body: changes })
  }

  /** Deletes a team; its conversations stay, for no team. */
  async delete(id: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/teams/${seg(id)}`))
  }
}
