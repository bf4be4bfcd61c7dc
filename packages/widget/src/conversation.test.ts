import type { AgentClient, Message } from '@live-chat/sdk'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { all, bubbles, find, mountWidget, openWindow, startChat, typeAndSend, waitForBubble } from '../test/widget.js'

function messagesSeen(agent: AgentClient): Message[] {
  const seen: Message[] = []
  agent.on('message', (m) => seen.push(m))
  return seen
}

describe('<live-chat> conversation', () => {
  let site: TestSite
  let agent: AgentClient

  beforeEach(async () => {
    localStorage.clear()
    site = await createSite({ agents: 1 })
    agent = await agentClient(site, 0, { online: true })
  })
  afterEach(() => cleanup())

  it('sends the first message as a new conversation and shows the agent reply with name and time', async () => {
    const { el, conv } = await startChat(site, agent, 'Hello, is anyone there?')
    await waitForBubble(el, 'Hello, is anyone there?')
    await agent.send(conv.id, 'Hi! How can I help?')
    await waitForBubble(el, 'Hi! How can I help?')
    const reply = all(el, '.msg:not(.own)').at(-1)!
    assert(reply.querySelector('.who')?.textContent?.trim(), 'the agent message shows a sender name')
    assert(/\d/.test(reply.querySelector('.meta')?.textContent ?? ''), 'the agent message shows a time')
    await axeCheck(el)
  })

  it('shows the agent typing and tells the agent the visitor is typing', async () => {
    const { el, conv } = await startChat(site, agent, 'First')
    await agent.setTyping(conv.id, true)
    const typing = await find(el, '.typing')
    assert(/typing/.test(typing.textContent ?? ''), `typing indicator says "${typing.textContent}"`)
    await agent.setTyping(conv.id, false)
    await waitFor(() => !el.shadowRoot!.querySelector('.typing'), 5_000, 'the typing indicator to go')

    const visitorTyping = new Promise<boolean>((resolve) => {
      agent.on('typing', (t) => t.conversationId === conv.id && t.side === 'visitor' && resolve(t.typing))
    })
    const input = await find<HTMLTextAreaElement>(el, '[part~="input"]')
    input.value = 'Let me expl'
    input.dispatchEvent(new Event('input'))
    assert((await visitorTyping) === true, 'the agent sees the visitor typing')
  })

  it('marks own messages read when the agent reads them', async () => {
    const { el, conv } = await startChat(site, agent, 'Please read this')
    await waitForBubble(el, 'Please read this')
    const meta = () => all(el, '.msg.own .meta').at(-1)?.textContent ?? ''
    await waitFor(() => /Sent/.test(meta()), 5_000, 'the "Sent" state')
    await agent.markRead(conv.id, conv.lastSeq || 1)
    await waitFor(() => /Read/.test(meta()), 5_000, `the "Read" state (shown: ${meta()})`)
  })

  it('counts unread agent messages on the launcher and in the tab title while closed', async () => {
    const title = document.title
    const { el, conv } = await startChat(site, agent, 'Ping')
    el.close()
    const counts: number[] = []
    el.addEventListener('lc-unread-change', (e) => counts.push(e.detail.count))
    await agent.send(conv.id, 'Reply one')
    await agent.send(conv.id, 'Reply two')
    const badge = await find(el, '[part~="badge"]')
    await waitFor(() => badge.isConnected && badge.textContent?.trim() === '2', 5_000, 'badge 2')
    assert(document.title.startsWith('(2) '), `the tab title shows the count: "${document.title}"`)
    el.open()
    await waitFor(() => !el.shadowRoot!.querySelector('[part~="badge"]'), 5_000, 'the badge to clear on open')
    assert(counts.at(-1) === 0 && counts.includes(2), `lc-unread-change details: ${counts.join(',')}`)
    assert(document.title === title, `the title is restored: "${document.title}"`)
  })

  it('loses and doubles nothing across a dropped connection', async () => {
    const seen = messagesSeen(agent)
    const { el, conv } = await startChat(site, agent, 'before the drop')
    await waitForBubble(el, 'before the drop')
    const client = el.client!
    // Drop the visitor's transport; socket.io reconnects by itself.
    const socket = (client as unknown as { socket: { io: { engine: { close(): void } } } }).socket
    socket.io.engine.close()
    await typeAndSend(el, 'while down 1')
    await typeAndSend(el, 'while down 2')
    await agent.send(conv.id, 'agent while visitor down')
    for (const text of ['while down 1', 'while down 2', 'agent while visitor down']) await waitForBubble(el, text, 10_000)
    await waitFor(() => seen.filter((m) => m.text?.startsWith('while down')).length === 2, 10_000, 'the agent to get both messages')
    const shown = bubbles(el)
    for (const text of ['before the drop', 'while down 1', 'while down 2', 'agent while visitor down']) {
      assert(shown.filter((t) => t === text).length === 1, `"${text}" shown once: ${JSON.stringify(shown)}`)
    }
    const stored = (await agent.messages(conv.id)).messages.map((m) => m.text)
    assert(stored.filter((t) => t === 'while down 1').length === 1, `stored once: ${JSON.stringify(stored)}`)
  })

  it('keeps the conversation across a page load (a new element with the same storage)', async () => {
    const { el: first, conv } = await startChat(site, agent, 'Remember me')
    await waitForBubble(first, 'Remember me')
    first.remove()
    await agent.send(conv.id, 'Welcome back')
    const second = await mountWidget(site)
    await openWindow(second)
    await waitForBubble(second, 'Remember me')
    await waitForBubble(second, 'Welcome back')
    assert(second.client!.getConversations().length === 1, 'no new conversation was made')
  })

  it('asks for a rating once the agent resolves, and stores it', async () => {
    const { el, conv } = await startChat(site, agent, 'Thanks for the help')
    await agent.conversations.resolve(conv.id)
    // The resolution reaches the widget as a live event; give a loaded CI machine room.
    const stars = await find(el, '[role="radiogroup"]', 10_000)
    const four = stars.querySelectorAll<HTMLButtonElement>('[role="radio"]')[3]!
    four.click()
    await el.updateComplete
    assert(four.getAttribute('aria-checked') === 'true', 'the fourth star is checked')
    const form = four.closest('form')!
    form.querySelector('textarea')!.value = 'Quick and kind'
    await axeCheck(el)
    form.requestSubmit()
    await find(el, '.note[role="status"]')
    const stored = await agent.conversations.get(conv.id)
    assert(stored.rating === 4 && stored.ratingFeedback === 'Quick and kind', `rating stored: ${stored.rating} ${stored.ratingFeedback}`)
  })

  it('lists the visitor’s earlier conversations and opens one', async () => {
    const { el, conv: first } = await startChat(site, agent, 'First question')
    await agent.conversations.resolve(first.id)
    // The resolution reaches the widget as a live event; give a loaded CI machine room.
    ;(await waitFor(() => all(el, 'button.link').find((b) => b.textContent?.trim() === 'New conversation'), 10_000, '"New conversation"')).click()
    await waitFor(() => !el._conv, 2_000, 'a fresh start')
    await typeAndSend(el, 'Second question')
    await waitForBubble(el, 'Second question')
    ;(await find(el, 'header button[aria-label="Your conversations"]')).click()
    await waitFor(() => all(el, '.item').length === 2, 5_000, 'two conversations listed')
    all(el, '.item').find((i) => i.textContent?.includes('Resolved'))!.click()
    // The picked conversation's page comes from the server; give a loaded CI machine room.
    await waitForBubble(el, 'First question', 10_000).catch((e: Error) => {
      const state = { picked: first.id, conv: el._conv?.id, status: el._conv?.status, view: el._view, msgs: el._msgs.map((m) => `${m.conversationId.slice(0, 8)}#${m.seq}`) }
      throw new Error(`${e.message} ${JSON.stringify(state)}`)
    })
    assert(!bubbles(el).includes('Second question'), 'only the picked conversation is shown')
  })
})
