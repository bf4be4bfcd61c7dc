import { sendKeys } from '@web/test-runner-commands'
import { LiveChatClient, type AgentClient, type AgentSummary, type ConversationSummary, type Message, type TypingState } from '@live-chat/sdk'
import { agentClient, assert, axeCheck, cleanup, createSite, mount, waitFor, type TestSite } from '../../../../test/browser/helpers.js'
import './composer.js'
import type { LcdComposer } from './composer.js'

const visitors: LiveChatClient[] = []

interface Setup {
  site: TestSite
  agent: AgentClient
  me: AgentSummary
  visitor: LiveChatClient
  conversation: ConversationSummary
  /** Every message the visitor's client was told of. */
  heard: Message[]
  typing: TypingState[]
}

/**
 * A site whose admin is "Grace Hopper", with canned responses made through the SDK, and a visitor
 * (a LiveChatClient in this page) who started a conversation.
 */
async function setup(fields: Record<string, string> = { name: 'Ada Lovelace', email: 'ada@example.com' }): Promise<Setup> {
  const site = await createSite({ agents: 1 })
  const agent = await agentClient(site, 0, { online: true })
  const me = await agent.agents.update(site.agents[0]!.agentId, { displayName: 'Grace Hopper' })
  await agent.cannedResponses.create({ title: 'Congratulations', shortcut: 'grats', content: 'Congrats {{visitor.name | friend}}!' })
  await agent.cannedResponses.create({ title: 'Greeting', shortcut: 'greet', content: 'Hi {{visitor.first_name | there}}, {{agent.first_name}} here.{{ticket.id}} How can I help?' })
  await agent.cannedResponses.create({ title: 'Goodbye greeting', shortcut: 'bye', content: 'Bye for now!' })
  await agent.cannedResponses.create({ title: 'Refund policy', shortcut: 'refund', content: 'Refunds take 5 days.' })
  const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
  visitors.push(visitor)
  const heard: Message[] = []
  const typing: TypingState[] = []
  visitor.on('message', (m) => heard.push(m))
  visitor.on('typing', (t) => typing.push(t))
  await visitor.connect()
  const started = await visitor.startConversation({ fields, message: 'Hi' })
  const conversation = await agent.conversations.get(started.conversation.id)
  return { site, agent, me, visitor, conversation, heard, typing }
}

async function mountComposer(s: Pick<Setup, 'agent' | 'me' | 'conversation'>): Promise<LcdComposer> {
  const el = document.createElement('lcd-composer')
  el.client = s.agent
  el.me = s.me
  el.conversation = s.conversation
  mount(el)
  await el.updateComplete
  return el
}

const $ = <T extends Element = HTMLElement>(el: LcdComposer, selector: string) => el.shadowRoot!.querySelector<T>(selector)
const textarea = (el: LcdComposer) => $<HTMLTextAreaElement>(el, 'textarea')!
const picker = (el: LcdComposer) => $(el, '[role="listbox"][aria-label="Canned responses"]')
const options = (el: LcdComposer) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="option"]')]
const button = (el: LcdComposer, name: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name)

/** Focuses the reply box and types like a user (real key presses). */
async function type(el: LcdComposer, text: string): Promise<void> {
  textarea(el).focus()
  await sendKeys({ type: text })
  await el.updateComplete
}

async function press(el: LcdComposer, key: string): Promise<void> {
  await sendKeys({ press: key })
  await el.updateComplete
}

/** Types `/query` and waits for the picker to list responses. */
async function openPicker(el: LcdComposer, query: string): Promise<HTMLElement[]> {
  await type(el, `/${query}`)
  await waitFor(() => options(el).length > 0, 5_000, 'the canned responses picker to list responses')
  return options(el)
}

const optionText = (o: HTMLElement) => `${o.querySelector('.sc')?.textContent} ${o.querySelector('.title')?.textContent}`

describe('<lcd-composer>', () => {
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
  })

  it('typing "/gr" lists the matching canned responses, shortcut matches first', async () => {
    const s = await setup()
    const el = await mountComposer(s)
    const listed = await openPicker(el, 'gr')
    assert(picker(el), 'a listbox named "Canned responses" is shown')
    const names = listed.map(optionText)
    assert(JSON.stringify(names) === JSON.stringify(['/grats Congratulations', '/greet Greeting', '/bye Goodbye greeting']), `listed: ${JSON.stringify(names)}`)
    const ta = textarea(el)
    assert(ta.getAttribute('aria-haspopup') === 'listbox' && ta.getAttribute('aria-controls') === picker(el)!.id, 'the textarea controls the listbox')
    assert(ta.getAttribute('aria-activedescendant') === listed[0]!.id && listed[0]!.getAttribute('aria-selected') === 'true', 'the first option is active')
    assert(listed[1]!.querySelector('.preview')?.textContent?.includes('Hi Ada, Grace here.'), `the preview is filled: ${listed[1]!.textContent}`)
  })

  it('ArrowDown + Enter inserts the response with the names filled; Enter sends it to the visitor and counts one use', async () => {
    const s = await setup()
    const el = await mountComposer(s)
    await type(el, 'Hello! ')
    await openPicker(el, 'gr')
    await press(el, 'ArrowDown')
    const active = options(el).find((o) => o.getAttribute('aria-selected') === 'true')
    assert(active && optionText(active) === '/greet Greeting' && textarea(el).getAttribute('aria-activedescendant') === active.id, 'ArrowDown moves to /greet')
    await press(el, 'Enter')
    const expected = 'Hello! Hi Ada, Grace here. How can I help?'
    assert(textarea(el).value === expected, `inserted: ${JSON.stringify(textarea(el).value)}`)
    assert(!picker(el) && !textarea(el).hasAttribute('aria-controls') && !textarea(el).hasAttribute('aria-activedescendant'), 'the picker closed')
    await waitFor(() => s.typing.some((t) => t.typing && t.side === 'agent'), 5_000, 'the visitor to see the agent typing')
    await press(el, 'Enter')
    await waitFor(() => s.heard.some((m) => m.senderType === 'agent' && m.text === expected), 5_000, 'the visitor to receive the reply')
    assert(textarea(el).value === '', 'the box is empty after sending')
    await waitFor(() => s.typing.at(-1)?.typing === false, 5_000, 'typing to stop when the reply is sent')
    const greet = await waitFor(async () => (await s.agent.cannedResponses.list()).find((c) => c.shortcut === 'greet' && c.usageCount === 1), 5_000, 'the usage count to go up on the server')
    assert(greet, 'counted')
    const others = (await s.agent.cannedResponses.list()).filter((c) => c.shortcut !== 'greet')
    assert(others.every((c) => c.usageCount === 0), 'only the inserted response was counted')
  })

  it('Tab inserts the chosen response; a visitor without a name gets the fallback', async () => {
    const s = await setup({ email: 'anon@example.com' })
    const el = await mountComposer(s)
    await openPicker(el, 'gre')
    assert(options(el).map(optionText)[0] === '/greet Greeting', 'the /greet response is first')
    await press(el, 'Tab')
    assert(textarea(el).value === 'Hi there, Grace here. How can I help?', `inserted: ${JSON.stringify(textarea(el).value)}`)
    assert(el.shadowRoot!.activeElement === textarea(el), 'focus stays in the reply box')
  })

  it('Escape closes the picker and leaves the text; Enter then sends it as typed', async () => {
    const s = await setup()
    const el = await mountComposer(s)
    await openPicker(el, 'gr')
    await press(el, 'Escape')
    assert(!picker(el) && !textarea(el).hasAttribute('aria-controls') && !textarea(el).hasAttribute('aria-activedescendant'), 'the picker closed')
    assert(textarea(el).value === '/gr', `the text stays: ${textarea(el).value}`)
    await type(el, 'eat')
    assert(!picker(el), 'the dismissed picker stays closed for this slash')
    await press(el, 'Enter')
    await waitFor(() => s.heard.some((m) => m.text === '/great'), 5_000, 'the visitor to receive "/great"')
  })

  it('a private note looks different and reaches agents only; the visitor gets the later reply but never the note', async () => {
    const s = await setup()
    const agentHeard: Message[] = []
    s.agent.on('message', (m) => agentHeard.push(m))
    const el = await mountComposer(s)
    const replyBg = getComputedStyle(textarea(el)).backgroundColor
    button(el, 'Private note')!.click()
    await el.updateComplete
    assert(textarea(el).getAttribute('aria-label') === 'Private note', 'the box is named "Private note"')
    assert(button(el, 'Private note')!.getAttribute('aria-pressed') === 'true', 'the note toggle is pressed')
    const noteBg = getComputedStyle(textarea(el)).backgroundColor
    assert(noteBg === 'rgb(255, 247, 224)' && noteBg !== replyBg, `note mode is yellow: ${noteBg} (reply: ${replyBg})`)
    await type(el, 'Visitor seems upset')
    await press(el, 'Enter')
    await waitFor(() => agentHeard.some((m) => m.text === 'Visitor seems upset' && m.private), 5_000, 'the note to be stored as private')
    button(el, 'Reply')!.click()
    await el.updateComplete
    assert(textarea(el).getAttribute('aria-label') === 'Reply', 'back to "Reply"')
    await type(el, 'Sorry about that!')
    await press(el, 'Enter')
    await waitFor(() => s.heard.some((m) => m.text === 'Sorry about that!'), 5_000, 'the visitor to receive the later reply')
    assert(!s.heard.some((m) => m.text === 'Visitor seems upset'), 'the visitor never received the note')
    const page = await s.visitor.messages(s.conversation.id)
    assert(!page.messages.some((m) => m.text === 'Visitor seems upset'), 'the note is not in the visitor’s history either')
  })

  it('on a resolved conversation, replies are disabled with "Reopen to reply", but private notes still work', async () => {
    const s = await setup()
    const agentHeard: Message[] = []
    s.agent.on('message', (m) => agentHeard.push(m))
    const resolved = await s.agent.conversations.resolve(s.conversation.id)
    const el = await mountComposer({ ...s, conversation: resolved })
    assert(textarea(el).disabled, 'the reply box is disabled')
    assert(/Reopen to reply/.test($(el, '#hint')!.textContent ?? ''), `hint: ${$(el, '#hint')!.textContent}`)
    assert(button(el, 'Send')!.disabled, 'Send is disabled')
    button(el, 'Private note')!.click()
    await el.updateComplete
    assert(!textarea(el).disabled, 'a note can be written')
    await type(el, 'Closed after refund')
    await press(el, 'Enter')
    await waitFor(() => agentHeard.some((m) => m.text === 'Closed after refund' && m.private), 5_000, 'the note to be stored')
    button(el, 'Reply')!.click()
    await el.updateComplete
    button(el, 'Reopen')!.click()
    await waitFor(() => !textarea(el).disabled, 5_000, 'the reply box to be enabled after reopening')
  })

  it('a send that fails is kept with its error, and Retry or Edit keep the text', async () => {
    const s = await setup()
    const el = await mountComposer(s)
    // Longer than a message may be: the outbox refuses it for good.
    const long = `Too long ${'x'.repeat(10_000)}`
    const ta = textarea(el)
    ta.focus()
    ta.value = long
    ta.dispatchEvent(new Event('input'))
    await press(el, 'Enter')
    const alert = await waitFor(() => $(el, '.failed [role="alert"]'), 5_000, 'the error of the refused send')
    assert(/not sent/.test(alert.textContent ?? '') && alert.textContent?.includes('Too long xxx'), `the failed text is shown: ${alert.textContent?.slice(0, 80)}`)
    button(el, 'Retry')!.click()
    await waitFor(() => el.shadowRoot!.querySelectorAll('.failed [role="alert"]').length === 1 && $(el, '.failed')?.textContent?.includes('Too long'), 5_000, 'the retried send to fail again and stay listed')
    button(el, 'Edit')!.click()
    await el.updateComplete
    assert(textarea(el).value === long, 'Edit puts the text back in the box')
    assert(!$(el, '.failed'), 'the failure is gone from the list')
    assert(!s.heard.some((m) => m.text?.startsWith('Too long')), 'nothing reached the visitor')
  })

  it('attaches a file with progress, then sends it with the reply', async () => {
    const s = await setup()
    const el = await mountComposer(s)
    // The smallest valid PNG (1×1, transparent).
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0))
    const input = $<HTMLInputElement>(el, 'input[type="file"]')!
    const dt = new DataTransfer()
    dt.items.add(new File([png], 'shot.png', { type: 'image/png' }))
    input.files = dt.files
    input.dispatchEvent(new Event('change'))
    await waitFor(() => $(el, '.files')?.textContent?.includes('ready'), 5_000, 'the upload to finish')
    assert(button(el, 'Remove shot.png'), 'the file can be removed')
    await type(el, 'Here is the screenshot')
    await press(el, 'Enter')
    const got = await waitFor(() => s.heard.find((m) => m.text === 'Here is the screenshot'), 5_000, 'the visitor to receive the reply')
    assert(got.attachments.length === 1 && got.attachments[0]!.name === 'shot.png', `attachments: ${JSON.stringify(got.attachments)}`)
    assert(!$(el, '.files'), 'the sent file left the box')
  })

  it('has no accessibility violations with the picker open, nor in note mode', async () => {
    const s = await setup()
    const el = await mountComposer(s)
    await openPicker(el, 'gr')
    await axeCheck(el)
    await press(el, 'Escape')
    button(el, 'Private note')!.click()
    await el.updateComplete
    await type(el, ' ')
    await openPicker(el, '')
    assert(options(el).length === 4, 'a bare "/" lists every response')
    await axeCheck(el)
  })
})
