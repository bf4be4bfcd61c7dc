// The header's site switcher (an agency owner sees every site of the agency) and what the
// dashboard does when the agent's access to the open site changes while it is open: a new role
// takes effect at once, a removed agent is told and offered their other sites.
import { sendKeys } from '@web/test-runner-commands'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { assert, axeCheck, cleanup, createAgency, waitFor } from '../../../test/browser/helpers.js'
import { find, focused, q, qa, text } from '../../../test/browser/dom.js'
import { api, dashboardOf, signedIn } from '../../../test/browser/accounts.js'
import './index.js'

describe('sites in the header', function () {
  // Whole flows: several sign-ins (each a deliberately slow password hash), emails, reconnects.
  this.timeout(60_000)
  beforeEach(() => {
    localStorage.clear()
    history.replaceState(null, '', location.pathname)
  })
  afterEach(() => {
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('an agency owner switches between the agency’s sites by keyboard; the socket reconnects to the chosen site', async () => {
    const agency = await createAgency({ sites: 2 })
    const [first, second] = agency.sites as [{ siteId: string; name: string }, { siteId: string; name: string }]
    const visitor = new LiveChatClient({ url: agency.url, siteId: second.siteId, storage: 'memory' })
    try {
      await visitor.startConversation({ message: 'Hello from the second site' })
      const el = await dashboardOf(agency.url, agency.owner.email, agency.owner.password)
      const select = await find<HTMLSelectElement>(el, 'select#site')
      assert([...select.options].map((o) => o.text).join() === `${first.name},${second.name}`, `every site: ${[...select.options].map((o) => o.text).join()}`)
      assert(select.value === first.siteId && el.client?.siteId === first.siteId, 'the first site is open')
      const chats = () => qa(el, 'lcd-inbox', 'lcd-conversation-list', '[role=option]').map((o) => text(o))
      await waitFor(() => q(el, 'lcd-inbox', 'lcd-conversation-list'), 5_000, 'the inbox')
      assert(!chats().some((c) => c.includes('second site')), `not the other site’s chats: ${chats().join(' | ')}`)
      await axeCheck(el)

      select.focus()
      await sendKeys({ press: 'ArrowDown' })
      await waitFor(() => el.client?.siteId === second.siteId && el.client.connected, 10_000, 'connected to the second site')
      await signedIn(el)
      await waitFor(() => chats().some((c) => c.includes('Hello from the second site')), 10_000, 'the second site’s chat in the inbox')
      assert(focused() === q(el, 'select#site'), 'the keyboard stays on the switcher')
      assert(el.agent?.siteId === second.siteId, 'as the agent of that site')
      await axeCheck(el)
    } finally {
      visitor.disconnect()
    }
  })

  it('a role change applies at once; a removed agent is told and can open their other site', async () => {
    const agency = await createAgency({ sites: 2, members: 1 })
    const [first, second] = agency.sites as [{ siteId: string; name: string }, { siteId: string; name: string }]
    const member = agency.members[0]!
    const owner = new AgentClient({ url: agency.url })
    await owner.login(agency.owner.email, agency.owner.password)
    // The member works on both sites.
    const added = await api(agency.url, owner.token!, 'POST', `/api/sites/${second.siteId}/agents`, { email: member.email, name: member.name, role: 'agent' })
    assert(added.status === 201, `added to the second site: ${JSON.stringify(added.body)}`)

    const el = await dashboardOf(agency.url, member.email, member.password)
    assert(el.client?.siteId === first.siteId, 'on the first site')
    const nav = () => qa(el, 'nav a').map((a) => text(a))
    assert(!nav().includes('Analytics'), 'an agent: no analytics')

    const promoted = await api(agency.url, owner.token!, 'PATCH', `/api/sites/${first.siteId}/agents/${member.agentId}`, { role: 'admin' })
    assert(promoted.status === 200, `promoted: ${JSON.stringify(promoted.body)}`)
    await waitFor(() => nav().includes('Analytics'), 10_000, 'the admin’s pages')
    assert(el.agent?.role === 'admin', 'the new role')

    const removed = await api(agency.url, owner.token!, 'DELETE', `/api/sites/${first.siteId}/agents/${member.agentId}`)
    assert(removed.status === 204, `removed: ${JSON.stringify(removed.body)}`)
    const alert = await find(el, '.stuck [role=alert]')
    assert(text(alert) === 'You no longer have access to this site.', `the message: ${text(alert)}`)
    await axeCheck(el)
    const open = qa<HTMLButtonElement>(el, '.stuck button').find((b) => text(b) === second.name)
    assert(open, 'the other site is offered')
    open.click()
    await signedIn(el)
    assert(el.client?.siteId === second.siteId && el.agent?.siteId === second.siteId, 'on the second site')
    owner.disconnect()
  })
})
