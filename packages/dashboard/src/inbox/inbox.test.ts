import { setViewport } from '@web/test-runner-commands'
import { LiveChatClient, type AgentClient, type ConversationSummary } from '@live-chat/sdk'
import type { LcdInbox } from './inbox.js'
import { mountInbox } from '../../test/inbox.js'
import { agentClient, assert, axeCheck, cleanup, createSite, nextDownload, setConversation, waitFor, type TestSite } from '../../../../test/browser/helpers.js'

const visitors: LiveChatClient[] = []

/** A simulated visitor (the SDK, as the widget uses it) who starts a conversation. */
async function visit(
  site: TestSite,
  fields: { name?: string; email?: string },
  message: string,
  pages: [string, string][] = [],
  team?: string,
): Promise<{ v: LiveChatClient; conv: ConversationSummary['id'] }> {
  const v = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
  visitors.push(v)
  await v.connect()
  for (const [url, title] of pages) await v.visitPage(url, title)
  const { conversation } = await v.startConversation({ fields, message, ...(team ? { team } : {}) })
  return { v, conv: conversation.id }
}

const sr = (el: Element | null | undefined): ShadowRoot => {
  assert(el?.shadowRoot, `<${el?.localName}> has a shadow root`)
  return el.shadowRoot
}
const listRoot = (el: LcdInbox) => sr(sr(el).querySelector('lcd-conversation-list'))
const options = (el: LcdInbox) => [...listRoot(el).querySelectorAll<HTMLElement>('[role="option"]')]
/** The visitor name each option starts with (its accessible name's start: the avatar before it is aria-hidden). */
const names = (el: LcdInbox) => options(el).map((o) => text(o.querySelector('[aria-hidden="true"] + *')))
const option = (el: LcdInbox, name: string) => options(el).find((o) => names(el)[options(el).indexOf(o)] === name)
const viewRoot = (el: LcdInbox) => sr(sr(el).querySelector('lcd-conversation-view'))
const timeline = (el: LcdInbox) => viewRoot(el).querySelector<HTMLElement>('[role="log"]')
const actionsRoot = (el: LcdInbox) => sr(viewRoot(el).querySelector('lcd-conversation-actions'))
const panel = (el: LcdInbox) => sr(sr(el).querySelector('lcd-visitor-panel')).querySelector('section[aria-label="Visitor"]')
const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim()

function tab(el: LcdInbox, label: string): void {
  const button = [...listRoot(el).querySelectorAll('button')].find((b) => text(b) === label)
  assert(button, `a "${label}" tab`)
  button.click()
}

async function showsOnly(el: LcdInbox, expected: string[], what: string): Promise<void> {
  await waitFor(() => names(el).sort().join('|') === [...expected].sort().join('|'), 8_000, `${what}: ${expected.join(', ')} (shown: ${names(el).join(', ')})`)
}

function line(el: LcdInbox, pattern: RegExp): Element | undefined {
  return [...(timeline(el)?.querySelectorAll('.system, .msg') ?? [])].find((n) => pattern.test(text(n)))
}

describe('<lcd-inbox>', () => {
  let site: TestSite
  let agent: AgentClient

  beforeEach(async () => {
    site = await createSite({ agents: 2 })
    agent = await agentClient(site, 0)
    await agent.setStatus('away') // connecting made them online; away, new conversations wait unassigned
  })
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
  })

  it('lists visitor conversations with preview and unread count; tabs and search narrow it; new ones appear live', async () => {
    const ada = await visit(site, { name: 'Ada', email: 'ada@example.com' }, 'Hi, my order is late')
    const bob = await visit(site, { name: 'Bob' }, 'A question about pricing')
    await bob.v.send(bob.conv, 'Do you have a yearly plan?')
    const { el, unread } = await mountInbox(site, agent)

    await showsOnly(el, ['Ada', 'Bob'], 'both conversations')
    await waitFor(() => text(option(el, 'Bob')?.querySelector('.count')) === '2 unread', 8_000, "Bob's unread count of 2")
    await waitFor(() => text(option(el, 'Ada')?.querySelector('.count')) === '1 unread', 5_000, "Ada's unread count of 1")
    assert(text(option(el, 'Ada')?.querySelector('.preview')) === 'Hi, my order is late', `Ada's preview is her message: ${text(option(el, 'Ada'))}`)
    assert(text(option(el, 'Bob')?.querySelector('.preview')) === 'Do you have a yearly plan?', "Bob's preview is his last message")
    assert(options(el)[0] === option(el, 'Bob'), 'the latest activity comes first')
    await waitFor(() => unread.at(-1) === 2, 5_000, `lcd-unread-change 2 (got ${unread.join(',')})`)

    await agent.conversations.assign(bob.conv, site.agents[0]!.agentId)
    await agent.conversations.resolve(ada.conv)
    tab(el, 'Mine')
    await showsOnly(el, ['Bob'], 'Mine')
    tab(el, 'Unassigned')
    await showsOnly(el, [], 'Unassigned after both were taken')
    tab(el, 'Resolved')
    await showsOnly(el, ['Ada'], 'Resolved')
    tab(el, 'All')
    await showsOnly(el, ['Bob'], 'All (open ones)')

    // A new visitor appears live, first, with their message.
    await visit(site, { name: 'Cleo' }, 'Is there a student discount?')
    await showsOnly(el, ['Bob', 'Cleo'], 'the new conversation live')
    assert(options(el)[0] === option(el, 'Cleo'), 'the new conversation comes first')
    await waitFor(() => text(option(el, 'Cleo')?.querySelector('.preview')) === 'Is there a student discount?', 5_000, "Cleo's preview")
    tab(el, 'Unassigned')
    await showsOnly(el, ['Cleo'], 'Unassigned')

    // Search runs on the server over messages too.
    tab(el, 'All')
    const search = listRoot(el).querySelector<HTMLInputElement>('input[type="search"]')!
    search.value = 'yearly'
    search.dispatchEvent(new Event('input'))
    await showsOnly(el, ['Bob'], 'the search for "yearly"')
  })

  it('moves through the list with the keyboard and opens with Enter', async () => {
    await visit(site, { name: 'Ada' }, 'First')
    await visit(site, { name: 'Bob' }, 'Second')
    const { el, selected } = await mountInbox(site, agent)
    await showsOnly(el, ['Ada', 'Bob'], 'both conversations')
    const listbox = listRoot(el).querySelector('[role="listbox"]')
    assert(listbox?.getAttribute('aria-label') === 'Conversations', 'a listbox labelled Conversations')
    const [first, second] = options(el)
    assert(first?.tabIndex === 0 && second?.tabIndex === -1, 'one tab stop: the first option')
    first.focus()
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, composed: true }))
    assert(listRoot(el).activeElement === second, 'ArrowDown moves to the second option')
    second.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', bubbles: true, composed: true }))
    assert(listRoot(el).activeElement === first, 'k moves back up')
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true, composed: true }))
    second.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }))
    const id = second.dataset['id']
    assert(selected.at(-1) === id, `Enter fires lcd-select with the option's conversation (got ${selected.join(',')})`)
    await waitFor(() => option(el, 'Ada')?.getAttribute('aria-selected') === 'true', 5_000, 'the opened option to be selected')
    assert(option(el, 'Bob')?.getAttribute('aria-selected') === 'false', 'the other option is not selected')
    await waitFor(() => sr(viewRoot(el).querySelector('lcd-conversation-actions')) && text(viewRoot(el).querySelector('h2')) === 'Ada', 5_000, 'the conversation to open')
  })

  it('on a phone shows the list or the open conversation, with a way back to the list', async () => {
    const shown = (x: Element | null | undefined) => !!x && getComputedStyle(x).display !== 'none'
    await visit(site, { name: 'Ada' }, 'First')
    const { el, selected } = await mountInbox(site, agent)
    await showsOnly(el, ['Ada'], 'the conversation')
    // A laptop: the list and the "select a conversation" pane side by side.
    assert(shown(sr(el).querySelector('lcd-conversation-list')) && shown(sr(el).querySelector('.empty')), 'the list and the empty pane')
    await setViewport({ width: 390, height: 844 })
    try {
      el.style.width = '390px'
      assert(shown(sr(el).querySelector('lcd-conversation-list')), 'a phone: the list')
      assert(!shown(sr(el).querySelector('.empty')), 'a phone: no empty pane squeezed beside it')
      option(el, 'Ada')!.click()
      await waitFor(() => text(viewRoot(el).querySelector('h2')) === 'Ada', 5_000, 'the conversation to open')
      assert(!shown(sr(el).querySelector('lcd-conversation-list')), 'the list gives way to the conversation')
      const width = sr(el).querySelector('lcd-conversation-view')!.getBoundingClientRect().width
      assert(width === 390, `the conversation takes the whole width: ${width}`)
      // The visitor panel, in the conversation's place and back.
      const details = viewRoot(el).querySelector<HTMLButtonElement>('button.details')
      assert(shown(details) && text(details) === 'Visitor details ›', 'a way to the visitor panel')
      details!.click()
      const panelEl = sr(el).querySelector('lcd-visitor-panel')!
      await waitFor(() => shown(panelEl) && !shown(sr(el).querySelector('lcd-conversation-view')), 3_000, 'the visitor panel instead of the conversation')
      assert(panelEl.getBoundingClientRect().width === 390, `the panel takes the whole width: ${panelEl.getBoundingClientRect().width}`)
      sr(panelEl).querySelector<HTMLButtonElement>('button.back')!.click()
      await waitFor(() => !shown(panelEl) && shown(sr(el).querySelector('lcd-conversation-view')), 3_000, 'the conversation back')
      const back = viewRoot(el).querySelector<HTMLButtonElement>('button.back')
      assert(shown(back) && text(back) === '‹ All conversations', 'a way back to the list')
      back!.click()
      assert(selected.at(-1) === '', `back selects nothing: ${JSON.stringify(selected)}`)
      await waitFor(() => shown(sr(el).querySelector('lcd-conversation-list')), 3_000, 'the list to come back')
    } finally {
      await setViewport({ width: 800, height: 600 })
    }
  })

  it('shows history, live visitor messages, private notes, typing, Seen, and marks read', async () => {
    const ada = await visit(site, { name: 'Ada', email: 'ada@example.com' }, 'Hello there')
    await ada.v.send(ada.conv, 'Anyone around?')
    const { el } = await mountInbox(site, agent, ada.conv)

    await waitFor(() => line(el, /Hello there/) && line(el, /Anyone around\?/), 8_000, 'the history')
    // Opened and on screen: read, so the list shows no unread count for it.
    await waitFor(async () => (await agent.conversations.get(ada.conv)).agentReadSeq >= 2, 8_000, 'the agent read mark')
    await waitFor(() => option(el, 'Ada') && !option(el, 'Ada')!.querySelector('.count'), 5_000, 'no unread count on the open conversation')

    await ada.v.send(ada.conv, 'I am still here')
    await waitFor(() => line(el, /I am still here/), 8_000, 'the live visitor message')

    await agent.send(ada.conv, 'Customer is a VIP', { private: true })
    const note = await waitFor(() => line(el, /Customer is a VIP/), 8_000, 'the private note')
    assert(note.classList.contains('note') && /Private note/.test(text(note)), `the note is shown as a private note: "${text(note)}"`)
    assert(!line(el, /I am still here/)!.classList.contains('note'), 'a visitor message is not a note')

    await ada.v.setTyping(ada.conv, true)
    await waitFor(() => /Ada is typing…/.test(text(viewRoot(el).querySelector('.typing'))), 8_000, '"Ada is typing…"')

    const reply = await agent.send(ada.conv, 'Yes, how can I help?')
    await waitFor(() => line(el, /how can I help/), 8_000, 'the reply')
    assert(!/Seen/.test(text(line(el, /how can I help/))), 'not Seen before the visitor read it')
    await ada.v.markRead(ada.conv, reply.seq)
    await waitFor(() => /Seen/.test(text(line(el, /how can I help/))), 8_000, '"Seen" under the reply')
    assert(!/Seen/.test(text(line(el, /Customer is a VIP/))), 'a note is never "Seen"')
  })

  it('scrolls back through a long conversation page by page, keeping the place', async () => {
    const ada = await visit(site, { name: 'Ada' }, 'Message 1')
    for (let i = 2; i <= 60; i++) await ada.v.send(ada.conv, `Message ${i}`)
    const { el } = await mountInbox(site, agent, ada.conv)
    await waitFor(() => line(el, /^Message 60 /), 8_000, 'the latest message')
    assert(!line(el, /^Message 1 /), 'the first message is not loaded yet (one page)')
    const log = timeline(el)!
    await waitFor(() => log.scrollHeight > log.clientHeight && log.scrollTop > 0, 5_000, 'the timeline to start at the bottom')
    log.scrollTop = 0
    const at = line(el, /^Message 20 /)!.getBoundingClientRect().top
    log.dispatchEvent(new Event('scroll'))
    await waitFor(() => line(el, /^Message 1 /), 8_000, 'the older messages')
    // The older page went above: what the agent was looking at stays where it was.
    await waitFor(() => log.scrollTop > 0 && Math.abs(line(el, /^Message 20 /)!.getBoundingClientRect().top - at) < 2, 5_000, 'the place kept')
  })

  it('assigns to me, transfers with the select, resolves and reopens, sets priority and tags, with system events', async () => {
    const ada = await visit(site, { name: 'Ada' }, 'Help please')
    const { el, agents } = await mountInbox(site, agent, ada.conv)
    const me = agents.find((a) => a.id === site.agents[0]!.agentId)!
    const bob = agents.find((a) => a.id === site.agents[1]!.agentId)!

    /** A control of the actions bar, once it is enabled (it is disabled while an action runs). */
    const ready = <T extends HTMLButtonElement | HTMLSelectElement | HTMLInputElement>(find: (root: ShadowRoot) => T | null | undefined, what: string) =>
      waitFor(() => {
        const c = find(actionsRoot(el))
        return c && !c.disabled ? c : undefined
      }, 8_000, what)
    const button = (label: string) => ready((r) => [...r.querySelectorAll('button')].find((b) => text(b) === label), `the ${label} button`)

    ;(await button('Assign to me')).click()
    await waitFor(() => line(el, new RegExp(`Assigned to ${me.name}`)), 8_000, `"Assigned to ${me.name}"`)

    const select = await ready((r) => r.querySelector<HTMLSelectElement>('select[aria-label="Assign to"]'), 'the Assign to select')
    const bobOption = [...select.options].find((o) => o.value === bob.id)!
    assert(/— (online|offline|away|busy), \d+ chats?$/.test(bobOption.text), `the option shows status and load: "${bobOption.text}"`)
    select.value = bob.id
    select.dispatchEvent(new Event('change'))
    await waitFor(() => line(el, new RegExp(`Transferred from ${me.name} to ${bob.name}`)), 8_000, 'the transfer line')
    await waitFor(() => actionsRoot(el).querySelector<HTMLSelectElement>('select[aria-label="Assign to"]')?.value === bob.id, 5_000, 'the select to show Bob')

    const priority = await ready((r) => r.querySelector<HTMLSelectElement>('select[aria-label="Priority"]'), 'the Priority select')
    priority.value = 'urgent'
    priority.dispatchEvent(new Event('change'))
    await waitFor(async () => (await agent.conversations.get(ada.conv)).priority === 'urgent', 5_000, 'priority urgent')
    const tag = await ready((r) => r.querySelector<HTMLInputElement>('input[aria-label="Add tag"]'), 'the Add tag input')
    tag.value = 'VIP'
    tag.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }))
    await waitFor(() => actionsRoot(el).querySelector('[aria-label="Remove tag vip"]'), 5_000, 'the vip chip')

    ;(await button('Resolve')).click()
    await waitFor(() => line(el, new RegExp(`Resolved by ${me.name}`)), 8_000, 'the resolved line')
    const reopen = await button('Reopen')
    const saved = await agent.conversations.get(ada.conv)
    assert(saved.status === 'resolved' && saved.assignedAgentId === bob.id, `resolved, with Bob (got ${saved.status}, ${saved.assignedAgentId})`)
    assert(saved.priority === 'urgent' && saved.tags.includes('vip'), `priority and tag saved (got ${saved.priority}, ${saved.tags.join(',')})`)
    reopen.click()
    await waitFor(() => line(el, /^Reopened/), 8_000, 'the reopened line')
    ;(await ready((r) => r.querySelector<HTMLButtonElement>('[aria-label="Remove tag vip"]'), 'the remove button of the vip tag')).click()
    await waitFor(async () => (await agent.conversations.get(ada.conv)).tags.length === 0, 5_000, 'the tag removed')
    await waitFor(() => !actionsRoot(el).querySelector('[aria-label="Remove tag vip"]'), 5_000, 'the vip chip to go')
  })

  it('shows the rating and comment where agents look: the list, the conversation and the visitor panel, live', async () => {
    const ada = await visit(site, { name: 'Ada' }, 'Where is my parcel?')
    await agent.conversations.resolve(ada.conv)
    const { el } = await mountInbox(site, agent, ada.conv)
    await waitFor(() => text(viewRoot(el).querySelector('h2')) === 'Ada', 8_000, 'the conversation')
    // (The Resolved tab: the list shows open conversations by default.)
    ;[...listRoot(el).querySelectorAll('button')].find((b) => text(b) === 'Resolved')!.click()
    await waitFor(() => option(el, 'Ada'), 5_000, 'Ada in the Resolved tab')
    assert(!option(el, 'Ada')!.querySelector('.rating') && !viewRoot(el).querySelector('.rated'), 'no rating yet')
    await ada.v.rate(ada.conv, 2, 'Took two days to answer')
    const badge = await waitFor(() => option(el, 'Ada')?.querySelector('.rating'), 5_000, 'the rating in the list')
    assert(text(badge) === '★ 2' && badge.getAttribute('aria-label') === 'Rated 2 of 5: “Took two days to answer”', `the list's badge: ${text(badge)} / ${badge.getAttribute('aria-label')}`)
    const rated = await waitFor(() => viewRoot(el).querySelector('.rated'), 5_000, 'the rating in the conversation')
    assert(text(rated.querySelector('.stars')) === '★★☆☆☆' && rated.querySelector('.stars')?.getAttribute('aria-label') === 'Rated 2 of 5', `the stars: ${text(rated)}`)
    assert(text(rated.querySelector('q')) === 'Took two days to answer', `the comment: ${text(rated)}`)
    await waitFor(() => text(panel(el)?.querySelector('.past .rating')) === '★ 2', 10_000, 'the rating in the visitor panel')
    await axeCheck(el)
  })

  it('shows the visitor: name, email, browser, pages and past conversations; passes axe', async () => {
    const first = await visit(site, { name: 'Ada', email: 'ada@example.com' }, 'An old question', [['https://shop.test/pricing', 'Pricing']])
    await agent.conversations.resolve(first.conv)
    await first.v.visitPage('https://shop.test/checkout', 'Checkout')
    const { conversation: second } = await first.v.startConversation({ message: 'Back with another one' })
    await agent.send(second.id, 'Looking into it', { private: true })
    await agent.settings.update({ widget: { preChatFields: [{ name: 'privacy', label: 'I agree to the privacy policy.', type: 'consent', required: false, url: 'https://shop.test/privacy' }] } })
    await first.v.updateProfile({ custom: { privacy: true } })
    const { el, selected } = await mountInbox(site, agent, second.id)

    const aside = await waitFor(() => panel(el), 8_000, 'the visitor panel')
    await waitFor(() => /Checkout/.test(text(aside)), 8_000, 'the pages seen')
    const shown = text(aside)
    assert(/^Ada/.test(shown), `the panel starts with the name: "${shown.slice(0, 40)}"`)
    assert(shown.includes('ada@example.com'), 'the email')
    assert(/Chrome\b.* on Linux/.test(shown), `the browser and OS from the user agent: "${shown}"`)
    // A consent given (a pre-chat consent field, before the panel opened): its wording and time.
    const consent = await waitFor(() => panel(el)?.querySelector('.consents li'), 8_000, 'the consent in the panel')
    assert(text(consent.querySelector('q')) === 'I agree to the privacy policy.' && /^Given /.test(text(consent.querySelector('.muted'))), `the consent: ${text(consent)}`)
    assert(consent.querySelector('a')?.getAttribute('href') === 'https://shop.test/privacy', 'its policy link')
    const pages = [...aside.querySelectorAll('ol[aria-label^="Pages seen"] li')].map(text)
    assert(pages.length === 2 && /^Checkout/.test(pages[0]!) && /^Pricing/.test(pages[1]!), `the pages, newest first: ${pages.join(' | ')}`)

    const past = await waitFor(() => {
      const items = [...aside.querySelectorAll<HTMLButtonElement>('ul[aria-label="Conversations of this visitor"] button')]
      return items.length === 2 ? items : undefined
    }, 8_000, "the visitor's two conversations")
    assert(/^Resolved/.test(text(past[1])) && /^Open|^Waiting/.test(text(past[0])), `the older one resolved, the open one first: "${text(past[1])}", "${text(past[0])}"`)
    past[1]!.click()
    assert(selected.at(-1) === first.conv, 'clicking a past conversation opens it')
    await waitFor(() => line(el, /An old question/), 8_000, 'the past conversation open')

    el.selectedId = second.id
    await waitFor(() => line(el, /Looking into it/), 8_000, 'the conversation with a note open')
    await axeCheck(el)
  })

  it('narrows by start date, agent, rating and missed, marks missed conversations, and exports the filtered list as CSV', async () => {
    const ada = await visit(site, { name: 'Ada' }, 'Where is my parcel?')
    await agent.conversations.assign(ada.conv, site.agents[0]!.agentId)
    await agent.send(ada.conv, 'On its way')
    await agent.conversations.resolve(ada.conv)
    await ada.v.rate(ada.conv, 5)
    const bob = await visit(site, { name: 'Bob' }, 'Nobody answers')
    const cleo = await visit(site, { name: 'Cleo' }, 'An old question')
    await setConversation(site, bob.conv, { missedAt: new Date().toISOString() })
    await setConversation(site, cleo.conv, { createdAt: new Date(Date.now() - 10 * 86_400_000).toISOString() })
    const zone = (await agent.settings.get()).widget.timezone
    /** The day `offset` days from now in the site's zone (sv-SE writes YYYY-MM-DD). */
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv-SE', { timeZone: zone })
    const { el } = await mountInbox(site, agent)

    await showsOnly(el, ['Bob', 'Cleo'], 'the open conversations')
    assert(text(option(el, 'Bob')?.querySelector('.missed')) === 'Missed', 'Bob is marked missed')
    assert(!option(el, 'Cleo')?.querySelector('.missed'), 'Cleo is not')
    const button = (label: RegExp) => [...listRoot(el).querySelectorAll('button')].find((b) => label.test(text(b)))!
    button(/^More filters/).click()
    const panel = await waitFor(() => listRoot(el).querySelector<HTMLElement>('#more:not([hidden])'), 5_000, 'the more filters')
    assert(button(/^More filters/).getAttribute('aria-expanded') === 'true', 'the toggle says it is open')
    const control = <T extends HTMLInputElement | HTMLSelectElement>(name: string) => panel.querySelector<T>(`[name="${name}"]`)!
    const set = (c: HTMLInputElement | HTMLSelectElement, value: string) => {
      c.value = value
      c.dispatchEvent(new Event('change'))
    }

    control<HTMLInputElement>('missed').click()
    await showsOnly(el, ['Bob'], 'missed only')
    await waitFor(() => text(button(/^More filters/)) === 'More filters (1)', 5_000, 'the count of more filters')
    await axeCheck(el)
    // The export is the list as filtered (every page of it): Bob's messages, nobody else's.
    const download = nextDownload()
    button(/^Export CSV$/).click()
    const file = await download
    assert(/^conversations-\d{4}-\d{2}-\d{2}\.csv$/.test(file.name), `file name: ${file.name}`)
    const csv = await file.text()
    assert(csv.includes(bob.conv) && csv.includes('Nobody answers'), `Bob's conversation exported: ${csv.slice(0, 300)}`)
    assert(!csv.includes(cleo.conv) && !csv.includes(ada.conv), 'only the filtered conversations')
    control<HTMLInputElement>('missed').click()
    await showsOnly(el, ['Bob', 'Cleo'], 'without the missed filter')

    set(control('from'), day(-2))
    await showsOnly(el, ['Bob'], 'started in the last three days')
    set(control('from'), '')
    set(control('to'), day(-5))
    await showsOnly(el, ['Cleo'], 'started five days ago or earlier')
    set(control('to'), '')
    await showsOnly(el, ['Bob', 'Cleo'], 'without dates')

    await agent.conversations.assign(bob.conv, site.agents[1]!.agentId)
    set(control('agent'), site.agents[1]!.agentId)
    await showsOnly(el, ['Bob'], 'assigned to the teammate')
    set(control('agent'), '')

    tab(el, 'Resolved')
    set(control('rating'), '5')
    await showsOnly(el, ['Ada'], 'resolved and rated 5')
    set(control('rating'), '4')
    await showsOnly(el, [], 'rated 4')
    button(/^Clear these$/).click()
    await showsOnly(el, ['Ada'], 'resolved, filters cleared')
  })

  it('narrows by team, and transfers the open conversation to another team', async () => {
    const sales = await agent.teams.create({ name: 'Sales', agentIds: [site.agents[1]!.agentId] })
    await agent.teams.create({ name: 'Billing' })
    await visit(site, { name: 'Ada' }, 'Which plan suits us?', [], 'Sales')
    const bob = await visit(site, { name: 'Bob' }, 'My invoice is wrong', [], 'billing')
    await visit(site, { name: 'Cleo' }, 'Just saying hi')
    const { el } = await mountInbox(site, agent, bob.conv)
    await showsOnly(el, ['Ada', 'Bob', 'Cleo'], 'every open conversation')
    const filter = await waitFor(() => listRoot(el).querySelector<HTMLSelectElement>('select[aria-label="Filter by team"]'), 8_000, 'the team filter')
    const pick = (select: HTMLSelectElement, label: string) => {
      select.value = [...select.options].find((o) => text(o) === label)!.value
      select.dispatchEvent(new Event('change'))
    }
    pick(filter, 'Sales team')
    await showsOnly(el, ['Ada'], 'the Sales team')
    pick(filter, 'Billing team')
    await showsOnly(el, ['Bob'], 'the Billing team')

    const team = await waitFor(() => actionsRoot(el).querySelector<HTMLSelectElement>('select[aria-label="Team"]'), 8_000, 'the team of the open conversation')
    assert(text(team.selectedOptions[0]) === 'Billing team', `the conversation's team shown: ${text(team.selectedOptions[0])}`)
    pick(team, 'Sales team')
    await waitFor(async () => (await agent.conversations.get(bob.conv)).teamId === sales.id, 8_000, 'transferred on the server')
    await waitFor(() => line(el, /Transferred to the Sales team/), 8_000, 'the transfer line in the conversation')
    // It left the Billing view, live.
    await showsOnly(el, [], 'the Billing team after the transfer')
    pick(filter, 'Any team')
    await showsOnly(el, ['Ada', 'Bob', 'Cleo'], 'every team again')
    await axeCheck(el)
  })

  it('lets an admin export the visitor’s data and erase them, typed “erase” to confirm; the conversation goes; agents see neither action', async () => {
    const ada = await visit(site, { name: 'Ada', email: 'ada@example.com' }, 'Please forget me')
    const visitorId = (await agent.conversations.get(ada.conv)).visitor.id
    const { el } = await mountInbox(site, agent, ada.conv)
    await waitFor(() => line(el, /Please forget me/), 8_000, 'the conversation open')
    const privacy = () => sr(sr(el).querySelector('lcd-visitor-panel')).querySelector('lcd-visitor-privacy')
    const root = sr(await waitFor(privacy, 5_000, 'the privacy actions'))
    const button = (label: RegExp) => [...root.querySelectorAll('button')].find((b) => label.test(text(b)))!

    const download = nextDownload()
    button(/^Export data$/).click()
    const file = await download
    assert(file.name === `visitor-${visitorId}.zip`, `file name: ${file.name}`)
    const zip = await file.text()
    assert(zip.startsWith('PK') && zip.includes('visitor.json'), 'a zip holding visitor.json')

    button(/^Erase visitor/).click()
    const dialog = sr(root.querySelector('lcd-confirm-dialog'))
    const confirm = await waitFor(() => dialog.querySelector<HTMLButtonElement>('button.confirm'), 5_000, 'the confirmation')
    assert(text(dialog.querySelector('h2')) === 'Erase Ada?', `heading: ${text(dialog.querySelector('h2'))}`)
    assert(confirm.disabled, 'erasing waits for the typed word')
    const typed = dialog.querySelector<HTMLInputElement>('input[name="confirm"]')!
    typed.value = 'eras'
    typed.dispatchEvent(new Event('input'))
    await el.updateComplete
    assert(confirm.disabled, 'a part of the word is not enough')
    typed.value = 'erase'
    typed.dispatchEvent(new Event('input'))
    await waitFor(() => !confirm.disabled, 3_000, 'the confirm button enabled')
    await axeCheck(el)
    confirm.click()
    await waitFor(() => !sr(el).querySelector('lcd-visitor-panel'), 8_000, 'the conversation closed')
    await showsOnly(el, [], 'no conversation of Ada left')
    const gone = await agent.conversations.get(ada.conv).then(() => 'still there', (e: { code?: string }) => e.code)
    assert(gone === 'not_found', `the server no longer has it: ${gone}`)

    // A plain agent has neither action.
    const bob = await visit(site, { name: 'Bob' }, 'Hello')
    el.me = { ...el.me!, role: 'agent' }
    el.selectedId = bob.conv
    await waitFor(() => line(el, /Hello/), 8_000, "Bob's conversation open")
    assert(!privacy(), 'no privacy actions for an agent')
  })

  it('downloads the open conversation’s transcript as text, CSV or JSON', async () => {
    const ada = await visit(site, { name: 'Ada' }, 'Hello there')
    await agent.send(ada.conv, 'Hi Ada, how can I help?')
    const { el } = await mountInbox(site, agent, ada.conv)
    await waitFor(() => line(el, /how can I help/), 8_000, 'the conversation open')
    const root = sr(viewRoot(el).querySelector('lcd-transcript-download'))
    const select = root.querySelector('select')!
    assert(select.getAttribute('aria-label') === 'Transcript format', 'a labelled format select')
    const checks: [string, (body: string) => boolean][] = [
      ['txt', (t) => t.includes('Hello there') && t.includes('Hi Ada, how can I help?')],
      ['csv', (t) => /seq,sent_at,sender_type/.test(t) && t.includes('Hello there')],
      ['json', (t) => (JSON.parse(t) as { messages: { text: string | null }[] }).messages.some((m) => m.text === 'Hi Ada, how can I help?')],
    ]
    for (const [format, ok] of checks) {
      select.value = format
      select.dispatchEvent(new Event('change'))
      const go = await waitFor(() => [...root.querySelectorAll('button')].find((b) => text(b) === 'Download transcript' && !b.disabled), 5_000, 'the download button')
      const download = nextDownload()
      go.click()
      const file = await download
      assert(file.name === `conversation-${ada.conv}.${format}`, `file name: ${file.name}`)
      const body = await file.text()
      assert(ok(body), `the ${format} transcript: ${body.slice(0, 300)}`)
    }
    await axeCheck(el)
  })
})
