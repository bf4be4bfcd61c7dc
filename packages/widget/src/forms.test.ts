import type { ConversationSummary } from '@live-chat/sdk'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor } from '../../../test/browser/helpers.js'
import { all, find, mountWidget, openWindow, waitForBubble } from '../test/widget.js'

function fill(form: HTMLFormElement, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const field = form.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(`[name="${name}"]`)
    assert(field, `the form has a field "${name}"`)
    field.value = value
  }
}

describe('<live-chat> pre-chat form', () => {
  afterEach(() => cleanup())
  beforeEach(() => localStorage.clear())

  it('validates required, email and phone fields, then starts the conversation with the answers', async () => {
    const site = await createSite({
      agents: 1,
      settings: {
        preChatEnabled: true,
        preChatFields: [
          { name: 'name', label: 'Your name', type: 'text', required: true },
          { name: 'email', label: 'Email', type: 'email', required: true },
          { name: 'phone', label: 'Phone', type: 'phone', required: false },
          { name: 'topic', label: 'Topic', type: 'select', required: true, options: ['Sales', 'Support'] },
        ],
      },
    })
    const agent = await agentClient(site, 0, { online: true })
    const created = new Promise<ConversationSummary>((resolve) => agent.on('conversation:created', resolve))
    const el = await mountWidget(site)
    await openWindow(el)
    const form = await find<HTMLFormElement>(el, 'form')
    await axeCheck(el)

    fill(form, { email: 'not-an-email', phone: 'call me' })
    form.requestSubmit()
    await el.updateComplete
    const invalid = all(el, '[aria-invalid="true"]').map((f) => f.getAttribute('name'))
    assert(JSON.stringify(invalid) === JSON.stringify(['name', 'email', 'phone', 'topic']), `invalid fields: ${invalid}`)
    assert(el.shadowRoot!.activeElement?.getAttribute('name') === 'name', 'focus moves to the first invalid field')
    assert(all(el, '.err').some((e) => /valid email/.test(e.textContent ?? '')), 'the email error says what is wrong')
    await axeCheck(el)

    fill(form, { name: 'Ada', email: 'ada@example.com', phone: '+44 20 7946 0000', topic: 'Support', message: 'My order is late' })
    form.requestSubmit()
    const conv = await created
    assert(conv.visitor.name === 'Ada' && conv.visitor.email === 'ada@example.com', `visitor fields: ${JSON.stringify(conv.visitor)}`)
    assert(conv.visitor.phone === '+44 20 7946 0000', 'phone stored')
    assert(conv.visitor.customData.topic === 'Support', `custom data: ${JSON.stringify(conv.visitor.customData)}`)
    await waitForBubble(el, 'My order is late')
  })
})

describe('<live-chat> consent field', () => {
  afterEach(() => cleanup())
  beforeEach(() => localStorage.clear())

  it('asks for a tick beside the site’s wording and policy link, and the consent is kept with its wording and time', async () => {
    const wording = 'I agree that Acme keeps this conversation to answer me.'
    const site = await createSite({
      agents: 1,
      settings: { preChatEnabled: true, preChatFields: [{ name: 'privacy', label: wording, type: 'consent', required: true, url: 'https://acme.example/privacy' }] },
    })
    const agent = await agentClient(site, 0, { online: true })
    const created = new Promise<ConversationSummary>((resolve) => agent.on('conversation:created', resolve))
    const el = await mountWidget(site)
    await openWindow(el)
    const form = await find<HTMLFormElement>(el, 'form')
    const box = form.querySelector<HTMLInputElement>('input[type="checkbox"][name="privacy"]')
    assert(box && !box.checked, 'an unticked checkbox')
    assert(box.labels?.[0]?.textContent?.replace(/\s+/g, ' ').trim() === `${wording} *`, `its label is the wording: ${box.labels?.[0]?.textContent}`)
    const link = form.querySelector<HTMLAnchorElement>('.consent a')
    assert(link?.href === 'https://acme.example/privacy' && link.target === '_blank' && link.rel === 'noopener noreferrer' && link.textContent === 'Privacy policy', `the policy link: ${link?.outerHTML}`)
    await axeCheck(el)

    // Not ticked: refused in the widget (and the server would refuse it too).
    fill(form, { message: 'Hello' })
    form.requestSubmit()
    await el.updateComplete
    assert(box.getAttribute('aria-invalid') === 'true' && el.shadowRoot!.activeElement === box, 'the unticked consent is the invalid field, focused')

    box.checked = true
    form.requestSubmit()
    const conv = await created
    assert(conv.visitor.customData.privacy === true, `the tick: ${JSON.stringify(conv.visitor.customData)}`)
    const [consent] = conv.visitor.consents
    assert(consent?.field === 'privacy' && consent.text === wording && consent.url === 'https://acme.example/privacy', `kept with its wording: ${JSON.stringify(conv.visitor.consents)}`)
    assert(Math.abs(Date.parse(consent.givenAt) - Date.now()) < 60_000, `and its time: ${consent.givenAt}`)
  })
})

describe('<live-chat> offline form', () => {
  afterEach(() => cleanup())
  beforeEach(() => localStorage.clear())

  it('shows the offline form when no agent is online and stores an offline conversation', async () => {
    const site = await createSite({ agents: 1, settings: { offlineMessage: 'We are closed; leave a note.' } })
    const el = await mountWidget(site)
    await openWindow(el)
    assert((await find(el, '.status')).textContent?.trim() === 'We are away', 'the header shows the team away')
    assert((await find(el, '.note')).textContent === 'We are closed; leave a note.', 'the site’s offline text is shown')
    const form = await find<HTMLFormElement>(el, 'form')
    await axeCheck(el)
    fill(form, { name: 'Grace', message: 'Call me back' })
    form.requestSubmit()
    await el.updateComplete
    assert(all(el, '[aria-invalid="true"]').map((f) => f.getAttribute('name')).join() === 'email', 'an email is required offline')

    fill(form, { email: 'grace@example.com' })
    form.requestSubmit()
    await waitForBubble(el, 'Call me back')
    // The test server sends no email (walkthrough.test.ts checks one that does): the reply comes here.
    assert(/reply here/.test((await find(el, '.note')).textContent ?? ''), 'the visitor is told where the reply comes')

    const agent = await agentClient(site, 0)
    const { items } = await agent.conversations.list()
    assert(items.length === 1 && items[0]!.offline === true, `one offline conversation: ${JSON.stringify(items.map((c) => c.offline))}`)
    assert(items[0]!.visitor.email === 'grace@example.com' && items[0]!.assignedAgentId === null, 'with the email, unassigned')
  })

  it('shows the team online again, live, once an agent comes back', async () => {
    const site = await createSite({ agents: 1 })
    const el = await mountWidget(site)
    await openWindow(el)
    const form = await find<HTMLFormElement>(el, 'form')
    fill(form, { email: 'later@example.com', message: 'Anyone?' })
    form.requestSubmit()
    await waitForBubble(el, 'Anyone?')
    await agentClient(site, 0, { online: true })
    await waitFor(() => el.shadowRoot!.querySelector('.status.on'), 10_000, 'the header to say online')
    assert(el.shadowRoot!.querySelector('[part~="composer"]'), 'the visitor can keep chatting')
  })
})
