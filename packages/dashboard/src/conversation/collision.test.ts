import { LiveChatClient } from '@live-chat/sdk'
import type { LcdInbox } from '../inbox/inbox.js'
import { mountInbox } from '../../test/inbox.js'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor } from '../../../../test/browser/helpers.js'

const sr = (el: Element | null | undefined): ShadowRoot => {
  assert(el?.shadowRoot, `<${el?.localName}> has a shadow root`)
  return el.shadowRoot
}
const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? ''
const view = (el: LcdInbox) => sr(sr(el).querySelector('lcd-conversation-view'))
const composer = (el: LcdInbox) => sr(view(el).querySelector('lcd-composer'))
/** The Send button, once it is enabled (the box's input renders first). */
const enabledSend = (el: LcdInbox) => waitFor(() => [...composer(el).querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === 'Send' && !b.disabled), 3_000, 'Send to be enabled')
const button = (root: ParentNode, label: string) => [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === label)

describe('two agents in one conversation', () => {
  const visitors: LiveChatClient[] = []
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
  })

  it('shows a colleague writing, and asks before sending after their reply went out meanwhile', async () => {
    const site = await createSite({ agents: 2 })
    const me = await agentClient(site, 0, { online: true })
    const colleague = await agentClient(site, 1, { online: true })
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(visitor)
    const { conversation } = await visitor.startConversation({ fields: { name: 'Ada' }, message: 'Can I change my delivery address?' })
    const id = conversation.id
    const { el } = await mountInbox(site, me, id)
    const box = await waitFor(() => composer(el).querySelector('textarea'), 8_000, 'the reply box')

    const bo = site.agents[1]!.name
    const item = () => sr(sr(el).querySelector('lcd-conversation-list')).querySelector(`[role="option"][data-id="${id}"]`)
    // This dashboard says it shows the conversation: the colleague hears it.
    await waitFor(async () => (await colleague.viewers()).some((v) => v.conversationId === id && v.agents.some((a) => a.id === site.agents[0]!.agentId)), 5_000, 'the colleague to know this agent views it')

    // The colleague opens it too: the conversation and the list say so.
    await colleague.viewConversation(id)
    const viewing = await waitFor(() => view(el).querySelector('.viewers'), 5_000, 'the colleague viewing')
    assert(text(viewing) === `👁 ${bo} is viewing this conversation`, `the header: ${text(viewing)}`)
    const pill = await waitFor(() => item()?.querySelector('.pill.here'), 5_000, 'the pill in the list')
    assert(pill.getAttribute('aria-label') === `${bo} is viewing this conversation` && text(pill).startsWith('👁'), `the pill: ${text(pill)}`)

    // The colleague starts writing: the open conversation and the list say so, and stop when they stop.
    await colleague.setTyping(id, true)
    const line = await waitFor(() => view(el).querySelector('.typing .colleague'), 5_000, 'the colleague writing')
    assert(text(line) === `${bo} is also writing a reply`, `the line: ${text(line)}`)
    await waitFor(() => item()?.querySelector('.pill.here.writing')?.getAttribute('aria-label') === `${bo} is also writing a reply`, 5_000, 'the list to say the colleague writes')
    await axeCheck(view(el).querySelector('.typing')!)
    await axeCheck(item()!)
    await colleague.setTyping(id, false)
    await waitFor(() => !view(el).querySelector('.typing .colleague'), 5_000, 'the line to go')
    await waitFor(() => !item()?.querySelector('.pill.here.writing') && item()?.querySelector('.pill.here'), 5_000, 'the list back to viewing')

    // This agent begins a reply; the colleague's goes out meanwhile.
    box.value = 'Yes, send me the new address.'
    box.dispatchEvent(new Event('input'))
    await colleague.send(id, 'Sure! What is the new address?')
    await waitFor(() => view(el).querySelector('[role="log"]')?.textContent?.includes('What is the new address?'), 5_000, 'the colleague’s reply on screen')
    ;(await enabledSend(el)).click()
    const asked = await waitFor(() => composer(el).querySelector('.failed li'), 5_000, 'the question')
    assert(text(asked).includes(`${site.agents[1]!.name} replied while you were writing: “Sure! What is the new address?”`) && text(asked).includes('Send yours anyway?'), `the question: ${text(asked)}`)
    const sent = async () => (await me.messages(id, { after: 0 })).messages.filter((m) => m.senderType === 'agent' && !m.private).map((m) => m.text)
    assert(JSON.stringify(await sent()) === JSON.stringify(['Sure! What is the new address?']), `nothing more went out: ${JSON.stringify(await sent())}`)
    await axeCheck(composer(el).querySelector('.failed')!)

    // The agent decides to send it after all.
    button(asked, 'Send anyway')!.click()
    await waitFor(async () => (await sent()).length === 2, 5_000, 'the reply sent after all')
    assert(!composer(el).querySelector('.failed li'), 'the question is gone')
    assert(JSON.stringify(await sent()) === JSON.stringify(['Sure! What is the new address?', 'Yes, send me the new address.']), `both replies: ${JSON.stringify(await sent())}`)

    // A reply begun after the colleague's last one is not stopped.
    box.value = 'Thanks!'
    box.dispatchEvent(new Event('input'))
    ;(await enabledSend(el)).click()
    await waitFor(async () => (await sent()).length === 3, 5_000, 'the next reply')
    assert(!composer(el).querySelector('.failed li'), 'nothing asked')

    // The colleague leaves: nobody else is here.
    await colleague.viewConversation(id, false)
    await waitFor(() => !view(el).querySelector('.viewers') && !item()?.querySelector('.pill.here'), 5_000, 'the colleague gone from the header and the list')
  })
})
