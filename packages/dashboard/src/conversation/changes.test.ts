import { LiveChatClient, type AgentClient, type Message } from '@live-chat/sdk'
import type { LcdInbox } from '../inbox/inbox.js'
import { mountInbox } from '../../test/inbox.js'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor, type TestSite } from '../../../../test/browser/helpers.js'

const sr = (el: Element | null | undefined): ShadowRoot => {
  assert(el?.shadowRoot, `<${el?.localName}> has a shadow root`)
  return el.shadowRoot
}
const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? ''

/** The inbox as the dashboard mounts it, showing one conversation. */
const open = async (site: TestSite, client: AgentClient, conversationId: string): Promise<LcdInbox> => (await mountInbox(site, client, conversationId)).el
const view = (el: LcdInbox) => sr(sr(el).querySelector('lcd-conversation-view'))
const entryOf = (el: LcdInbox, m: Message) => view(el).querySelector<HTMLElement>(`.msg[data-id="${m.id}"]`)
const buttonIn = (root: ParentNode | null | undefined, label: string) => [...(root?.querySelectorAll<HTMLButtonElement>('button') ?? [])].find((b) => text(b) === label)
const preview = (el: LcdInbox) => text(sr(sr(el).querySelector('lcd-conversation-list')).querySelector('[role="option"] .preview'))

describe('edit and unsend in the dashboard', () => {
  const visitors: LiveChatClient[] = []
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
  })

  async function visit(site: TestSite, message: string) {
    const v = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(v)
    const updates: Message[] = []
    v.on('message:updated', (m) => updates.push(m))
    await v.connect()
    const { conversation, messages } = await v.startConversation({ fields: { name: 'Ada' }, message })
    return { v, conversationId: conversation.id, first: messages[0]!, updates }
  }

  it("the agent edits their reply in place (the visitor gets the new text once), sees the history, and unsends it after confirming; the visitor's own changes show live", async () => {
    const site = await createSite({ agents: 2 })
    const agent = await agentClient(site, 0, { online: true })
    const other = await agentClient(site, 1, { online: true })
    const { v, conversationId, first, updates } = await visit(site, 'My order is lat')
    const reply = await agent.send(conversationId, 'Lets see whats wrong')
    const colleague = await other.send(conversationId, 'I can take this one')
    const el = await open(site, agent, conversationId)

    // Only the agent's own message offers Edit and Unsend (the visitor's and the colleague's do not).
    const mine = await waitFor(() => entryOf(el, reply), 8_000, 'the reply in the timeline')
    await waitFor(() => buttonIn(mine, 'Edit'), 5_000, 'Edit on the agent’s own reply (once the edit window is known)')
    assert(!buttonIn(entryOf(el, colleague), 'Edit') && !buttonIn(entryOf(el, first), 'Edit'), 'no Edit on other people’s messages')

    // Edit: the body becomes a text box with the text; Enter saves.
    buttonIn(entryOf(el, reply), 'Edit')!.click()
    const box = await waitFor(() => entryOf(el, reply)?.querySelector<HTMLTextAreaElement>('form.edit textarea'), 3_000, 'the editor')
    assert(box.value === 'Lets see whats wrong', `the editor holds the text: ${box.value}`)
    assert(view(el).activeElement === box, 'the editor has the focus')
    await axeCheck(entryOf(el, reply)!)
    box.value = 'Let’s see what’s wrong'
    box.dispatchEvent(new Event('input'))
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }))
    await waitFor(() => text(entryOf(el, reply)?.querySelector('.body')) === 'Let’s see what’s wrong', 5_000, 'the new text in the timeline')
    assert(!entryOf(el, reply)!.querySelector('form.edit'), 'the editor closed')
    const mark = buttonIn(entryOf(el, reply)?.querySelector('.meta'), 'edited')
    assert(mark, `the reply says edited: ${text(entryOf(el, reply)?.querySelector('.meta'))}`)
    const seen = await waitFor(() => updates.filter((m) => m.id === reply.id), 5_000, 'the edit to reach the visitor')
    assert(seen.length === 1 && seen[0]!.text === 'Let’s see what’s wrong' && seen[0]!.editedAt, `the visitor got the edit once: ${JSON.stringify(seen)}`)

    // "edited" shows the earlier text (agents keep the history).
    mark.click()
    const history = await waitFor(() => entryOf(el, reply)?.querySelector('ol.history'), 5_000, 'the history')
    assert(text(history.querySelector('.was')) === 'Lets see whats wrong', `the earlier text: ${text(history)}`)
    assert(mark.getAttribute('aria-expanded') === 'true', 'the button says the history is shown')

    // The visitor corrects their own message: it changes live here, marked edited.
    await v.editMessage(conversationId, first.id, 'My order is late')
    await waitFor(() => text(entryOf(el, first)?.querySelector('.body')) === 'My order is late', 5_000, 'the visitor’s edit, live')
    assert(buttonIn(entryOf(el, first)?.querySelector('.meta'), 'edited'), 'the visitor’s message says edited')

    // Unsend asks first; Cancel keeps the message.
    buttonIn(entryOf(el, reply), 'Unsend')!.click()
    const dialog = view(el).querySelector('lcd-confirm-dialog.unsend')!
    const modal = await waitFor(() => sr(dialog).querySelector<HTMLDialogElement>('dialog[open]'), 3_000, 'the confirmation')
    assert(text(sr(dialog).querySelector('h2')) === 'Unsend this message?', `the question: ${text(sr(dialog).querySelector('h2'))}`)
    assert(text(dialog).includes('Ada will see “Message removed”'), `it says what the visitor sees: ${text(dialog)}`)
    buttonIn(modal, 'Cancel')!.click()
    await waitFor(() => !sr(dialog).querySelector('dialog[open]'), 3_000, 'the dialog to close')
    assert(text(entryOf(el, reply)?.querySelector('.body')) === 'Let’s see what’s wrong', 'cancelled: the message stays')

    buttonIn(entryOf(el, reply), 'Unsend')!.click()
    const again = await waitFor(() => sr(dialog).querySelector<HTMLDialogElement>('dialog[open]'), 3_000, 'the confirmation again')
    buttonIn(again, 'Unsend')!.click()
    await waitFor(() => text(entryOf(el, reply)?.querySelector('.body')) === 'Message removed', 5_000, 'the placeholder')
    const after = entryOf(el, reply)!
    assert(!buttonIn(after, 'Edit') && !buttonIn(after, 'Unsend') && !buttonIn(after, 'edited') && !after.querySelector('.history'), `nothing to do with a removed message: ${text(after)}`)
    await waitFor(() => updates.some((m) => m.id === reply.id && m.deletedAt && m.text === null), 5_000, 'the removal to reach the visitor')

    // The visitor unsends theirs, the conversation's last message: the timeline and the list say so.
    const last = await v.send(conversationId, 'Actually never mind')
    await waitFor(() => entryOf(el, last), 5_000, 'the visitor’s new message')
    await waitFor(() => preview(el) === 'Actually never mind', 5_000, 'the list’s preview')
    await v.unsendMessage(conversationId, last.id)
    await waitFor(() => text(entryOf(el, last)?.querySelector('.body')) === 'Message removed', 5_000, 'the visitor’s removal, live')
    await waitFor(() => preview(el) === 'Message removed', 5_000, `the list's preview says removed: ${preview(el)}`)
    // ...and so does the server's list, after a reload.
    const listed = await agent.conversations.get(conversationId)
    assert(listed.lastMessage?.deleted === true && listed.lastMessage.text === null, `the summary's preview: ${JSON.stringify(listed.lastMessage)}`)
    await axeCheck(view(el).querySelector('[role="log"]')!)
  })

  it('a private note can be edited too; with the edit window at 0 no message offers Edit, and a late edit says why', async () => {
    const site = await createSite({ agents: 1, settings: { editWindowSeconds: 0 } })
    const agent = await agentClient(site, 0, { online: true })
    const { conversationId } = await visit(site, 'Hello')
    const reply = await agent.send(conversationId, 'Hi there')
    const el = await open(site, agent, conversationId)
    await waitFor(() => entryOf(el, reply), 8_000, 'the reply in the timeline')
    // Give the settings time to arrive: still no Edit.
    await new Promise((r) => setTimeout(r, 500))
    assert(!buttonIn(entryOf(el, reply), 'Edit'), 'no Edit when the site allows none')

    // The window opens: a note written now may be edited, and the editor reports a refusal in words.
    await agent.settings.update({ widget: { editWindowSeconds: 60 } })
    el.remove()
    const note = await agent.send(conversationId, 'Ask about the refund', { private: true })
    const el2 = await open(site, agent, conversationId)
    await waitFor(() => buttonIn(entryOf(el2, note), 'Edit'), 8_000, 'Edit on the note')
    assert(buttonIn(entryOf(el2, note), 'Unsend')?.getAttribute('aria-label') === 'Unsend this note', 'the buttons name what they change')
    buttonIn(entryOf(el2, note), 'Edit')!.click()
    const box = await waitFor(() => entryOf(el2, note)?.querySelector<HTMLTextAreaElement>('form.edit textarea'), 3_000, 'the editor')
    // The admin closes the window meanwhile: the save is refused and the editor stays, saying why.
    await agent.settings.update({ widget: { editWindowSeconds: 0 } })
    box.value = 'Ask about the refund (order 1182)'
    box.dispatchEvent(new Event('input'))
    buttonIn(entryOf(el2, note), 'Save')!.click()
    const err = await waitFor(() => entryOf(el2, note)?.querySelector('form.edit [role="alert"]'), 5_000, 'the refusal')
    assert(text(err).includes('edit window'), `the refusal in words: ${text(err)}`)
    assert(entryOf(el2, note)!.querySelector<HTMLTextAreaElement>('form.edit textarea')!.value === 'Ask about the refund (order 1182)', 'the typed text is kept')
    // Escape gives up; the note is unchanged.
    entryOf(el2, note)!.querySelector('form.edit textarea')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }))
    await waitFor(() => !entryOf(el2, note)?.querySelector('form.edit'), 3_000, 'the editor to close')
    assert(text(entryOf(el2, note)?.querySelector('.body')) === 'Ask about the refund', 'the note is as it was')
  })
})
