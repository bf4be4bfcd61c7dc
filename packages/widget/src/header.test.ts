// The header's online team and the composer's emoji picker, against the real server (issue 17).
import type { LiveChat } from './live-chat.js'
import { agentClient, assert, cleanup, createSite, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { all, find, mountWidget, openWindow, startChat } from '../test/widget.js'

const status = (el: LiveChat) => el.shadowRoot!.querySelector('[part~="header"] .status')?.textContent?.trim() ?? ''

describe('<live-chat> header team', () => {
  let site: TestSite
  beforeEach(async () => {
    localStorage.clear()
    site = await createSite({ agents: 2 })
  })
  afterEach(() => cleanup())

  it('shows an agent who comes online, with their avatar and name, and drops them when they leave', async () => {
    const [anna, ben] = site.agents as [TestSite['agents'][0], TestSite['agents'][0]]
    const first = await agentClient(site, 0, { online: true })
    const { el } = await startChat(site, first, 'Who is there?')
    await waitFor(() => status(el) === `${anna.name} is online` || null, 5_000, `"${anna.name} is online" (shown: ${status(el)})`)
    assert(all(el, '[part~="team"] .tm').length === 1, 'one avatar')
    const initials = anna.name.split(' ').map((w) => w[0]!.toUpperCase()).join('')
    assert(all(el, '[part~="team"] .tm')[0]!.textContent!.trim() === initials, 'initials when the agent has no picture')

    const second = await agentClient(site, 1, { online: true })
    // (by name: either may come first)
    const both = [`${anna.name} and ${ben.name} are online`, `${ben.name} and ${anna.name} are online`]
    await waitFor(() => both.includes(status(el)) || null, 5_000, `both names (shown: ${status(el)})`)
    assert(all(el, '[part~="team"] .tm').length === 2, 'two avatars')
    // Public data only: nothing in the widget knows the agents' emails.
    assert(!JSON.stringify(el.client!.team).includes('@') && !el.shadowRoot!.innerHTML.includes(ben.email), 'no email reaches the visitor')

    second.disconnect()
    await waitFor(() => status(el) === `${anna.name} is online` || null, 5_000, `only ${anna.name} again (shown: ${status(el)})`)
    assert(all(el, '[part~="team"] .tm').length === 1, 'one avatar again')
  })

  it('without agents online, shows no team and says the team is away', async () => {
    const el = await mountWidget(site)
    await openWindow(el)
    assert(status(el) === 'We are away', `away (shown: ${status(el)})`)
    assert(all(el, '[part~="team"]').length === 0, 'no avatars')
  })
})

describe('<live-chat> emoji picker', () => {
  let site: TestSite
  beforeEach(async () => {
    localStorage.clear()
    site = await createSite({ agents: 1 })
    await agentClient(site, 0, { online: true })
  })
  afterEach(() => cleanup())

  const key = (target: Element, k: string) => target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }))

  it('opens from its button, finds by name, inserts at the caret, and Escape gives focus back', async () => {
    const el = await mountWidget(site)
    await openWindow(el)
    const box = await find<HTMLTextAreaElement>(el, '[part~="input"]')
    box.value = 'Hello world'
    box.setSelectionRange(5, 5)
    const button = await find<HTMLButtonElement>(el, '.emo-b')
    assert(!all(el, '.emo').length, 'closed at first')
    button.click()
    const search = await find<HTMLInputElement>(el, '.emo input[type="search"]')
    await waitFor(() => el.shadowRoot!.activeElement === search || null, 5_000, 'focus in the search box')
    assert(button.getAttribute('aria-expanded') === 'true', 'the button says it is open')

    search.value = 'red heart'
    search.dispatchEvent(new Event('input'))
    await waitFor(() => all(el, '.emo .grid button')[0]?.getAttribute('aria-label') === 'red heart' || null, 5_000, 'the red heart first')
    // Into the grid with the arrow key, then Enter on the focused emoji.
    key(search, 'ArrowDown')
    const heart = all<HTMLButtonElement>(el, '.emo .grid button')[0]!
    assert(el.shadowRoot!.activeElement === heart, 'ArrowDown moves into the grid')
    heart.click()
    await waitFor(() => box.value === 'Hello❤️ world' || null, 5_000, `inserted at the caret (box: ${box.value})`)
    assert(box.selectionStart === 'Hello❤️'.length, 'the caret is after the emoji')
    await waitFor(() => !all(el, '.emo').length || null, 5_000, 'the picker closes after a pick')

    // Again, and Escape: only the picker closes, focus goes back to its button.
    button.click()
    const again = await find<HTMLInputElement>(el, '.emo input[type="search"]')
    await waitFor(() => el.shadowRoot!.activeElement === again || null, 5_000, 'focus in the search box again')
    key(again, 'ArrowDown')
    key(el.shadowRoot!.activeElement!, 'ArrowRight')
    assert(el.shadowRoot!.activeElement === all(el, '.emo .grid button')[1], 'ArrowRight moves to the next emoji')
    key(el.shadowRoot!.activeElement!, 'Escape')
    await waitFor(() => (!all(el, '.emo').length && el.shadowRoot!.activeElement === button) || null, 5_000, 'closed, focus on the button')
    assert(el.isOpen, 'the chat window stays open')

    // A press outside closes it, as a popup does; presses inside it do not. Its button still toggles it.
    const press = (target: Element) => target.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }))
    button.click()
    await find(el, '.emo')
    button.click()
    await waitFor(() => !all(el, '.emo').length || null, 5_000, 'the button closes it')
    button.click()
    press(await find(el, '.emo input[type="search"]'))
    press(all(el, '.emo .grid button')[3]!)
    await el.updateComplete
    assert(all(el, '.emo').length === 1, 'presses inside keep it open (also after the button closed an earlier one)')
    press(await find(el, '.composer textarea'))
    await waitFor(() => !all(el, '.emo').length || null, 5_000, 'a press in the message box closes it')
    button.click()
    await find(el, '.emo')
    press(document.body)
    await waitFor(() => !all(el, '.emo').length || null, 5_000, 'a press on the page closes it')
    assert(el.isOpen, 'the chat window stays open')
  })

  it('moves the other way with the arrow keys in a right-to-left language, and tells when nothing is found', async () => {
    const el = await mountWidget(site, { locale: 'he' })
    await openWindow(el)
    ;(await find<HTMLButtonElement>(el, '.emo-b')).click()
    const search = await find<HTMLInputElement>(el, '.emo input[type="search"]')
    await waitFor(() => el.shadowRoot!.activeElement === search || null)
    key(search, 'ArrowDown')
    key(el.shadowRoot!.activeElement!, 'ArrowLeft')
    assert(el.shadowRoot!.activeElement === all(el, '.emo .grid button')[1], 'ArrowLeft moves forward in Hebrew')
    search.value = 'nothing like this'
    search.dispatchEvent(new Event('input'))
    await find(el, '.emo .none')
    assert(all(el, '.emo .grid button').length === 0, 'no emoji')
  })
})
