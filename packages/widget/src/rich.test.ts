import { sendKeys } from '@web/test-runner-commands'
import type { AgentClient, Message, RichContent } from '@live-chat/sdk'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { all, bubbles, find, mountWidget, openWindow, startChat, waitForBubble } from '../test/widget.js'

const CHOICE: RichContent = { kind: 'choice', options: [{ id: 'yes', label: 'Yes please' }, { id: 'no', label: 'No thanks' }] }

/** The visitor's stored answers to `question`, as the server has them. */
async function answers(agent: AgentClient, conversationId: string, question: string): Promise<Message[]> {
  const { messages } = await agent.messages(conversationId, { after: 0 })
  return messages.filter((m) => m.answer?.messageId === question)
}

describe('<live-chat> rich messages', () => {
  let site: TestSite
  let agent: AgentClient

  beforeEach(async () => {
    localStorage.clear()
    site = await createSite({ agents: 1 })
    agent = await agentClient(site, 0, { online: true })
  })
  afterEach(() => cleanup())

  it('shows buttons and a card from the server as labelled links and buttons; a quick reply sends its value and goes', async () => {
    const { el, conv } = await startChat(site, agent, 'Hello')
    await agent.send(conv.id, 'Where to?', {
      content: { kind: 'buttons', buttons: [{ type: 'reply', label: 'Pricing', value: 'Tell me about pricing' }, { type: 'link', label: 'Docs', url: 'https://example.com/docs' }] },
    })
    await agent.send(conv.id, '', { content: CHOICE })
    await agent.send(conv.id, '', {
      content: { kind: 'card', title: 'Pro plan', text: '10 seats, <b>not bold</b>', imageUrl: 'https://example.invalid/pro.png', buttons: [{ type: 'link', label: 'Buy', url: 'https://example.com/buy' }] },
    })
    const link = await find<HTMLAnchorElement>(el, 'a.action[href="https://example.com/docs"]')
    assert(link.target === '_blank' && link.rel === 'noopener noreferrer' && link.textContent?.trim() === 'Docs', `the link button: ${link.outerHTML}`)
    const card = await find(el, '[part~="card"]')
    const img = card.querySelector('img')!
    assert(img.alt === 'Pro plan' && img.loading === 'lazy', `the card image: ${img.outerHTML}`)
    assert(card.textContent?.includes('<b>not bold</b>') && !card.querySelector('b'), 'the card text is text, never markup')
    const empty = all(el, '.bubble').filter((b) => !b.textContent?.trim() && !b.children.length && getComputedStyle(b).display !== 'none')
    assert(empty.length === 0, 'a card without text shows no empty bubble')
    // A choice without a question still names its buttons for screen readers.
    const choice = await find(el, '[role="group"]:has(button[aria-pressed])')
    assert(choice.getAttribute('aria-label') === 'Choose an answer', `the choice's name: ${choice.getAttribute('aria-label')}`)
    await axeCheck(el)
    // Keyboard: the quick reply is a real button, reached and pressed from the keyboard.
    const reply = all<HTMLButtonElement>(el, 'button.action').find((b) => b.textContent?.trim() === 'Pricing')!
    reply.focus()
    await sendKeys({ press: 'Enter' })
    await waitForBubble(el, 'Tell me about pricing')
    await waitFor(() => !all(el, 'button.action').some((b) => b.textContent?.trim() === 'Pricing'), 5_000, 'the quick replies to go once answered')
    assert(el.shadowRoot!.querySelector('a.action[href="https://example.com/docs"]'), 'links stay')
  })

  it('a rich choice clicked twice, in two tabs at once and again after a reconnect, is stored once and shown as the visitor’s answer', async () => {
    const { el, conv } = await startChat(site, agent, 'Can you help?')
    const question = await agent.send(conv.id, 'Did that help?', { content: CHOICE })
    const group = await find(el, '[role="group"][aria-label="Did that help?"]')
    await axeCheck(el)
    // A second tab: the same visitor (the same storage), the same conversation.
    const tab = await mountWidget(site)
    await openWindow(tab)
    const tabGroup = await find(tab, '[role="group"][aria-label="Did that help?"]')
    const yes = [...group.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Yes please')!
    const tabYes = [...tabGroup.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Yes please')!
    // Twice here (the second click finds the first on its way) and once in the other tab, in the same tick: two requests race.
    yes.click()
    yes.click()
    tabYes.click()
    for (const w of [el, tab]) await waitForBubble(w, 'Yes please')
    tab.remove() // one widget per page again (two would be two banner landmarks for axe)
    await waitFor(() => [...group.querySelectorAll('button')].every((b) => b.disabled), 5_000, 'the options to be disabled once answered')
    assert(yes.getAttribute('aria-pressed') === 'true', 'the picked option is pressed')
    assert(bubbles(el).filter((t) => t === 'Yes please').length === 1, `the answer shown once: ${JSON.stringify(bubbles(el))}`)
    assert(all(el, '.msg.own .bubble').some((b) => b.textContent?.trim() === 'Yes please'), 'shown as the visitor’s own message')
    // Drop the connection; once back, choosing again (even another option) gets the stored answer.
    const client = el.client!
    ;(client as unknown as { socket: { io: { engine: { close(): void } } } }).socket.io.engine.close()
    await waitFor(() => client.connected, 10_000, 'the reconnect')
    const again = await client.choose(conv.id, question.id, 'no')
    assert(again.text === 'Yes please' && again.answer?.optionId === 'yes', `the stored answer comes back: ${JSON.stringify(again)}`)
    const stored = await answers(agent, conv.id, question.id)
    assert(stored.length === 1 && stored[0]!.id === again.id, `stored exactly once: ${JSON.stringify(stored)}`)
    assert(bubbles(el).filter((t) => t === 'Yes please').length === 1, 'still shown once')
    await axeCheck(el)
  })
})
