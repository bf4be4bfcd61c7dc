// Mentions and the supervisor role in the dashboard, against the real server: a teammate's note
// naming the agent shows live as a count on the inbox's Mentions button and in the Mentions view
// (unread first); opening one opens its conversation and marks it read. An admin makes an agent a
// supervisor in Settings → Agents; a supervisor's composer whispers, and takes over to reply.
import { LiveChatClient } from '@live-chat/sdk'
import type { LcdInbox } from './inbox.js'
import { mountInbox } from '../../test/inbox.js'
import { mountSettings, openSettingsTab } from '../../test/settings.js'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor } from '../../../../test/browser/helpers.js'

const sr = (el: Element | null | undefined): ShadowRoot => {
  assert(el?.shadowRoot, `<${el?.localName}> has a shadow root`)
  return el.shadowRoot
}
const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? ''
const list = (el: LcdInbox) => sr(el).querySelector('lcd-conversation-list')!
const mentions = (el: LcdInbox) => sr(el).querySelector('lcd-mentions')!
const mentionsButton = (el: LcdInbox) => sr(list(el)).querySelector<HTMLButtonElement>('button.mentions')

describe('mentions', () => {
  const visitors: LiveChatClient[] = []
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
  })

  it('a teammate’s note naming me shows on the Mentions button and in the Mentions view; opening it opens the conversation and marks it read', async () => {
    const site = await createSite({ agents: 2 })
    const me = await agentClient(site, 0, { online: true })
    const mate = await agentClient(site, 1, { online: true })
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(visitor)
    const { conversation } = await visitor.startConversation({ fields: { name: 'Vera Visitor' }, message: 'My parcel is lost' })
    const m = await mountInbox(site, me)
    const { el } = m
    const button = await waitFor(() => mentionsButton(el), 8_000, 'the Mentions button')
    assert(text(button) === 'Mentions', `no count yet: ${text(button)}`)

    await mate.send(conversation.id, `@[${site.agents[0]!.name}] can you check the carrier?`, { private: true })
    await waitFor(() => text(mentionsButton(el)).startsWith('Mentions 1'), 8_000, 'the unread count on the button')

    mentionsButton(el)!.click()
    await waitFor(() => !mentions(el).hidden && list(el).hidden, 3_000, 'the Mentions view in the list’s place')
    const item = await waitFor(() => sr(mentions(el)).querySelector<HTMLLIElement>('li.unread'), 8_000, 'the unread mention')
    assert(text(item).includes(`${site.agents[1]!.name} mentioned you`), `who: ${text(item)}`)
    assert(text(item).includes('Vera Visitor'), `the visitor: ${text(item)}`)
    assert(text(item).includes('can you check the carrier?'), `the note: ${text(item)}`)
    await axeCheck(mentions(el))

    item.querySelector<HTMLButtonElement>('button.open')!.click()
    await waitFor(() => m.selected.includes(conversation.id), 3_000, 'the conversation opened')
    await waitFor(() => !sr(mentions(el)).querySelector('li.unread'), 8_000, 'the mention read')
    const page = await me.mentions.list()
    assert(page.unread === 0 && page.items[0]?.readAt, 'read on the server')
    sr(mentions(el)).querySelector<HTMLButtonElement>('header button')!.click()
    await waitFor(() => mentions(el).hidden && !list(el).hidden && text(mentionsButton(el)) === 'Mentions', 3_000, 'back to the list, no count')
  })

  it('a mention heard while the first load of the list is on its way is kept when that older page arrives', async () => {
    const site = await createSite({ agents: 2 })
    const me = await agentClient(site, 0, { online: true })
    const mate = await agentClient(site, 1, { online: true })
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(visitor)
    const { conversation } = await visitor.startConversation({ message: 'Where is my order?' })
    // The first page is read before the note exists and arrives after the note was heard live.
    const list = me.mentions.list.bind(me.mentions)
    let read!: () => void
    let release!: () => void
    const wasRead = new Promise<void>((r) => (read = r))
    const released = new Promise<void>((r) => (release = r))
    me.mentions.list = async (q) => {
      const page = await list(q)
      read()
      await released
      return page
    }
    const { el } = await mountInbox(site, me)
    await wasRead
    const heard = new Promise<void>((r) => me.on('mention', () => r()))
    await mate.send(conversation.id, `@[${site.agents[0]!.name}] please look`, { private: true })
    await heard
    release()
    await waitFor(() => text(mentionsButton(el)).startsWith('Mentions 1'), 8_000, 'the unread count on the button')
    await new Promise((r) => setTimeout(r, 300))
    assert(text(mentionsButton(el)).startsWith('Mentions 1'), `still counted: ${text(mentionsButton(el))}`)
    mentionsButton(el)!.click()
    await waitFor(() => sr(mentions(el)).querySelector('li.unread'), 3_000, 'the mention in the view')
  })

  it('an admin makes an agent a supervisor in Settings → Agents; the supervisor’s composer whispers, and replies after taking over', async () => {
    const site = await createSite({ agents: 2 })
    const { el, client } = await mountSettings(site)
    const agents = await openSettingsTab(el, 'Agents', 'lcd-settings-agents')
    const select = await waitFor(() => sr(agents).querySelector<HTMLSelectElement>(`tr[data-agent="${site.agents[1]!.agentId}"] select[name="role"]`), 8_000, 'the role select')
    assert([...select.options].map((o) => o.textContent?.trim()).join() === 'Agent,Supervisor,Admin', `the roles: ${[...select.options].map((o) => o.textContent).join()}`)
    assert(text(sr(agents).querySelector('#roles-hint')).includes('never routed chats'), 'the roles are explained')
    select.value = 'supervisor'
    select.dispatchEvent(new Event('change'))
    await waitFor(async () => (await client.agents.list()).find((a) => a.id === site.agents[1]!.agentId)?.role === 'supervisor', 8_000, 'the role saved')
    cleanup()

    // A conversation assigned to the admin; the supervisor opens it.
    const admin = await agentClient(site, 0, { online: true })
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(visitor)
    const { conversation } = await visitor.startConversation({ message: 'Hello?' })
    await admin.conversations.assign(conversation.id, site.agents[0]!.agentId)
    const sup = await agentClient(site, 1, { online: true })
    const { el: inbox } = await mountInbox(site, sup, conversation.id)
    // mountInbox mounts as the site's first agent: be the supervisor instead.
    inbox.me = (await sup.agents.list()).find((a) => a.id === site.agents[1]!.agentId)!
    const composer = await waitFor(() => sr(sr(inbox).querySelector('lcd-conversation-view')).querySelector('lcd-composer'), 8_000, 'the composer')
    const root = sr(composer)
    const reply = await waitFor(() => [...root.querySelectorAll<HTMLButtonElement>('.modes button')].find((b) => text(b) === 'Reply'), 5_000, 'the Reply button')
    await waitFor(() => reply.disabled, 5_000, 'Reply disabled for a supervisor')
    assert(text(root.querySelector('#hint')).includes('You supervise this conversation'), `the hint: ${text(root.querySelector('#hint'))}`)

    const whispered = new Promise<string>((resolve) => admin.on('mention', (x) => resolve(x.kind)))
    const ta = root.querySelector('textarea')!
    ta.value = 'Offer a refund'
    ta.dispatchEvent(new Event('input'))
    const send = await waitFor(() => [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === 'Send' && !b.disabled), 3_000, 'Send enabled')
    send.click()
    assert((await waitFor(() => Promise.race([whispered, new Promise<string>((r) => setTimeout(() => r(''), 250))]), 8_000, 'the whisper')) === 'whisper', 'the assigned admin hears a whisper')

    ;[...root.querySelectorAll<HTMLButtonElement>('#hint button')].find((b) => text(b) === 'Take over')!.click()
    await waitFor(async () => (await sup.conversations.get(conversation.id)).assignedAgentId === site.agents[1]!.agentId, 8_000, 'taken over')
    await waitFor(() => !reply.disabled, 5_000, 'Reply enabled after taking over')
  })
})
