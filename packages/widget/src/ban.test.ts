// A banned visitor in the widget, against the real server: after the ban (and a reload: the
// widget keeps who they are), writing again shows only "Chat is not available right now." —
// the server's neutral refusal, shown as it comes — and nothing reaches the team.
import type { AgentClient } from '@live-chat/sdk'
import { agentClient, assert, cleanup, createSite, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { all, mountWidget, openWindow, startChat, typeAndSend } from '../test/widget.js'

describe('<live-chat> for a banned visitor', () => {
  let site: TestSite
  let agent: AgentClient

  beforeEach(async () => {
    localStorage.clear()
    site = await createSite({ agents: 1 })
    agent = await agentClient(site, 0, { online: true })
  })
  afterEach(() => cleanup())

  it('after a reload, writing shows the neutral copy and no conversation starts', async () => {
    const { el, conv } = await startChat(site, agent, 'You are all useless')
    await agent.conversations.resolve(conv.id)
    await agent.bans.create({ kind: 'visitor', visitorId: conv.visitor.id, reason: 'Abuse' })
    el.remove()

    const again = await mountWidget(site)
    await openWindow(again)
    await typeAndSend(again, 'Let me in')
    const shown = await waitFor(() => all(again, '.err, .failed, [role="alert"]').map((e) => e.textContent?.trim()).find(Boolean), 8_000, 'the refusal')
    assert(shown === 'Chat is not available right now.', `the widget says: ${shown}`)
    const list = await agent.conversations.list({ status: ['pending', 'active'] })
    assert(list.items.length === 0, 'no conversation started')
  })
})
