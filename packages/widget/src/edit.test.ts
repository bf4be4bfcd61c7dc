import { sendKeys } from '@web/test-runner-commands'
import type { AgentClient, Message } from '@live-chat/sdk'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { all, bubbles, find, startChat, waitForBubble } from '../test/widget.js'
import type { LiveChat } from './live-chat.js'

/** The `.meta` line of the visitor's own message `text`. */
const metaOf = (el: LiveChat, text: string) =>
  all(el, '.msg').find((m) => m.querySelector('.bubble')?.textContent?.trim() === text)?.querySelector('.meta')?.textContent ?? ''

/** Drops the widget's connection and waits until it is down. */
async function goOffline(el: LiveChat): Promise<void> {
  el.client!.disconnect()
  await waitFor(() => !el.client!.connected, 5_000, 'the widget offline')
}

describe('<live-chat> edit and unsend', () => {
  let site: TestSite
  let agent: AgentClient

  beforeEach(async () => {
    localStorage.clear()
    site = await createSite({ agents: 1 })
    agent = await agentClient(site, 0, { online: true })
  })
  afterEach(() => cleanup())

  it('an agent edits and unsends while the widget is offline: after the reconnect it shows the new text and the removal, each once', async () => {
    const { el, conv } = await startChat(site, agent, 'Hello')
    const typo = await agent.send(conv.id, 'We open at nien')
    const secret = await agent.send(conv.id, 'Your code is ZEBRA42')
    await waitForBubble(el, 'Your code is ZEBRA42')
    const changes: Message[] = []
    el.client!.on('message:updated', (m) => changes.push(m))

    await goOffline(el)
    await agent.editMessage(conv.id, typo.id, 'We open at nine')
    await agent.unsendMessage(conv.id, secret.id)
    assert(bubbles(el).includes('Your code is ZEBRA42'), 'nothing changes while offline')

    await el.client!.connect()
    await waitForBubble(el, 'We open at nine')
    await waitForBubble(el, 'Message removed')
    const shown = bubbles(el)
    assert(shown.filter((t) => t === 'We open at nine').length === 1 && shown.filter((t) => t === 'Message removed').length === 1, `each once: ${JSON.stringify(shown)}`)
    assert(!shown.some((t) => t.includes('ZEBRA42') || t.includes('nien')), `the old texts are gone: ${JSON.stringify(shown)}`)
    assert(metaOf(el, 'We open at nine').includes('edited'), `marked edited: ${metaOf(el, 'We open at nine')}`)

    // Offline and back once more, with a new message waiting: the changes are not applied again.
    await goOffline(el)
    await agent.send(conv.id, 'Anything else?')
    await el.client!.connect()
    await waitForBubble(el, 'Anything else?')
    assert(changes.filter((m) => m.id === typo.id).length === 1 && changes.filter((m) => m.id === secret.id).length === 1, `one change event each: ${JSON.stringify(changes.map((m) => m.id))}`)
    assert(bubbles(el).filter((t) => t === 'Message removed').length === 1, 'still one placeholder')
    await axeCheck(el)
  })

  it('the visitor edits from the keyboard (Enter saves, Escape cancels) and unsends; both survive a reconnect', async () => {
    const { el, conv } = await startChat(site, agent, 'Helo')
    await agent.messages(conv.id)
    // The menu button of the own message: a real button, reached from the keyboard.
    const opts = await find<HTMLButtonElement>(el, '.msg.own button[aria-label="Message options"]')
    assert(opts.getAttribute('aria-label') === 'Message options', `labelled: ${opts.outerHTML}`)
    opts.focus()
    await sendKeys({ press: 'Enter' })
    const menu = await find(el, '[role="menu"]')
    await waitFor(() => el.shadowRoot!.activeElement?.getAttribute('role') === 'menuitem', 5_000, 'focus on the first item')
    await axeCheck(el)
    // Escape closes the menu and leaves the message as it was (and the window open).
    await sendKeys({ press: 'Escape' })
    await waitFor(() => !menu.isConnected, 5_000, 'the menu to close')
    assert(el.hasAttribute('data-open'), 'the window stays open')

    ;(await find<HTMLButtonElement>(el, '.msg.own button[aria-label="Message options"]')).click()
    const edit = (await find(el, '[role="menu"]')).querySelector<HTMLButtonElement>('button')!
    assert(edit.textContent?.trim() === 'Edit', `first item: ${edit.textContent}`)
    edit.click()
    const box = await find<HTMLTextAreaElement>(el, '.ed textarea')
    await waitFor(() => el.shadowRoot!.activeElement === box, 5_000, 'focus in the editor')
    assert(box.value === 'Helo', `the editor starts with the text: ${box.value}`)
    box.select()
    await sendKeys({ type: 'Hello, edited' })
    await sendKeys({ press: 'Enter' })
    await waitForBubble(el, 'Hello, edited')
    await waitFor(() => agent.getMessages(conv.id).some((m) => m.text === 'Hello, edited'), 5_000, 'the agent to get the edit')
    assert(metaOf(el, 'Hello, edited').includes('edited'), 'marked edited')

    // A second message, unsent from its menu.
    const box2 = await find<HTMLTextAreaElement>(el, '.composer textarea')
    box2.focus()
    await sendKeys({ type: 'Oops, wrong chat' })
    await sendKeys({ press: 'Enter' })
    await waitFor(() => all(el, '.msg.own').some((m) => m.querySelector('.bubble')?.textContent?.trim() === 'Oops, wrong chat' && m.querySelector('button[aria-label="Message options"]')), 5_000, 'the second message stored')
    const own = all(el, '.msg.own').find((m) => m.querySelector('.bubble')?.textContent?.trim() === 'Oops, wrong chat')!
    own.querySelector<HTMLButtonElement>('button[aria-label="Message options"]')!.click()
    const unsend = [...(await find(el, '[role="menu"]')).querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Unsend')!
    unsend.click()
    await waitForBubble(el, 'Message removed')
    await waitFor(() => agent.getMessages(conv.id).some((m) => m.deletedAt !== null), 5_000, 'the agent to get the removal')

    // Drop the connection; once back (and after a reload of the messages), the same.
    ;(el.client as unknown as { socket: { io: { engine: { close(): void } } } }).socket.io.engine.close()
    await waitFor(() => el.client!.connected, 10_000, 'the reconnect')
    await agent.send(conv.id, 'Got it')
    await waitForBubble(el, 'Got it')
    const shown = bubbles(el)
    assert(shown.filter((t) => t === 'Hello, edited').length === 1 && !shown.includes('Helo'), `the edit once: ${JSON.stringify(shown)}`)
    assert(shown.filter((t) => t === 'Message removed').length === 1 && !shown.some((t) => t.includes('wrong chat')), `the removal once: ${JSON.stringify(shown)}`)
    const page = await el.client!.messages(conv.id)
    assert(page.messages.some((m) => m.text === 'Hello, edited' && m.editedAt) && page.messages.some((m) => m.deletedAt && m.text === null), 'stored so')
  })
})
