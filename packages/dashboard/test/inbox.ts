// The inbox as the dashboard mounts it, for the browser tests of the inbox and the conversation.
import type { AgentClient, AgentSummary } from '@live-chat/sdk'
import type { LcdInbox } from '../src/inbox/inbox.js'
import '../src/inbox/inbox.js'
import { mount, type TestSite } from '../../../test/browser/helpers.js'

export interface Mounted {
  el: LcdInbox
  /** Every lcd-select's id, in order. */
  selected: string[]
  /** Every lcd-unread-change's count, in order. */
  unread: number[]
  agents: AgentSummary[]
}

/** The inbox as the dashboard mounts it (the root's part: selectedId follows lcd-select), as the site's first agent. */
export async function mountInbox(site: TestSite, client: AgentClient, selectedId = ''): Promise<Mounted> {
  const agents = await client.agents.list()
  const el = document.createElement('lcd-inbox')
  const m: Mounted = { el, selected: [], unread: [], agents }
  el.style.height = '760px'
  el.style.width = '1280px'
  el.client = client
  el.me = agents.find((a) => a.id === site.agents[0]!.agentId)!
  el.agents = agents
  // As the shell does: the site's teams, then each change the server announces.
  el.teams = await client.teams.list()
  client.on('teams', (teams) => (el.teams = teams))
  el.selectedId = selectedId
  el.addEventListener('lcd-select', (e) => {
    m.selected.push(e.detail.id)
    el.selectedId = e.detail.id
  })
  el.addEventListener('lcd-unread-change', (e) => m.unread.push(e.detail.count))
  mount(el)
  return m
}
