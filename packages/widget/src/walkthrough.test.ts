// What a site owner's walkthrough of the widget found (issue 17), each checked against the real
// server: the first message stays on screen while its conversation starts, settings reach an open
// widget, "typing" stops as soon as the box is emptied, a resolved conversation says so once, a
// transfer stays among agents, late images are followed, and the offline form promises email only
// when the server sends it.
import type { AgentClient } from '@live-chat/sdk'
import type { LiveChat } from './live-chat.js'
import { agentClient, assert, cleanup, command, createSite, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { all, bubbles, find, mountWidget, openWindow, startChat, typeAndSend, waitForBubble } from '../test/widget.js'

/** A PNG of `w`×`h` pixels, drawn on a canvas. */
function png(w: number, h: number): Promise<Blob> {
  const canvas = document.createElement('canvas')
  canvas.width = w
  canvas.height = h
  const g = canvas.getContext('2d')!
  g.fillStyle = '#3b82f6'
  g.fillRect(0, 0, w, h)
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'))
}

describe('<live-chat> walkthrough fixes', () => {
  let site: TestSite
  let agent: AgentClient

  beforeEach(async () => {
    localStorage.clear()
    site = await createSite({ agents: 2 })
    agent = await agentClient(site, 0, { online: true })
  })
  afterEach(() => cleanup())

  it('shows the first message at once, as "Sending", in every frame until it is stored', async () => {
    const el = await mountWidget(site)
    await openWindow(el)
    const input = await find<HTMLTextAreaElement>(el, '[part~="input"]')
    input.value = 'My very first words'
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    // Lit renders in a microtask: by the next frame the bubble must be there, and stay.
    const missing: string[] = []
    let frames = 0
    await new Promise<void>((done) => {
      const check = (): void => {
        frames++
        const shown = bubbles(el).filter((t) => t === 'My very first words').length
        if (shown !== 1) missing.push(`frame ${frames}: shown ${shown}× (${JSON.stringify(bubbles(el))}, conversation ${el._conv?.id ?? 'none'})`)
        const stored = el._msgs.some((m) => m.text === 'My very first words')
        if (stored && !el._drafts.length) done()
        else requestAnimationFrame(check)
      }
      requestAnimationFrame(check)
    })
    assert(missing.length === 0, `the message is shown exactly once in every frame: ${missing.slice(0, 3).join('; ')}`)
    assert(frames >= 1, 'frames were checked')
    assert(!/Sending/.test(all(el, '.msg.own .meta').at(-1)?.textContent ?? ''), 'once stored it no longer says "Sending"')
  })

  it('takes new colours and texts from the dashboard without a reload', async () => {
    const { el } = await startChat(site, agent, 'Colour me')
    await waitForBubble(el, 'Colour me')
    const accent = () => el.style.getPropertyValue('--_accent')
    assert(accent() !== '#0f766e', 'the colour is not the new one yet')
    const configs: string[] = []
    el.client!.on('config', (c) => configs.push(c.primaryColor))
    await agent.settings.update({ widget: { primaryColor: '#0f766e', widgetTitle: 'Ask the crew' } })
    await waitFor(() => accent() === '#0f766e' || null, 5_000, `the new colour (now "${accent()}")`)
    const title = await find(el, '[part~="header"] h2')
    await waitFor(() => title.textContent === 'Ask the crew' || null, 5_000, `the new title (now "${title.textContent}")`)
    const launcher = getComputedStyle(await find(el, '[part~="launcher"]')).backgroundColor
    assert(launcher === 'rgb(15, 118, 110)', `the launcher is painted in the new colour: ${launcher}`)
    assert(configs.length === 1, `one config event: ${configs.join(',')}`)
  })

  it('tells the agent "stopped typing" as soon as the visitor empties the box', async () => {
    const { el, conv } = await startChat(site, agent, 'Hello')
    const states: boolean[] = []
    agent.on('typing', (t) => t.conversationId === conv.id && t.side === 'visitor' && states.push(t.typing))
    const sent: boolean[] = []
    const client = el.client!
    const setTyping = client.setTyping.bind(client)
    client.setTyping = (id: string, typing: boolean) => (sent.push(typing), setTyping(id, typing))
    const input = await find<HTMLTextAreaElement>(el, '[part~="input"]')
    input.value = 'I wonder'
    input.dispatchEvent(new Event('input'))
    await waitFor(() => states.at(-1) === true || null, 5_000, 'the agent to see the visitor typing')
    input.value = ''
    input.dispatchEvent(new Event('input'))
    // Sent at once (not after the 4 s idle timer), and it reaches the agent.
    assert(sent.join() === 'true,false', `the widget said typing, then stopped, on the same input events: ${sent.join()}`)
    await waitFor(() => states.at(-1) === false || null, 5_000, 'the agent to see the visitor stop')
  })

  it('says once that the conversation was resolved, and never shows a transfer between agents', async () => {
    const { el, conv } = await startChat(site, agent, 'Please pass me on')
    const other = await agentClient(site, 1, { online: true })
    await agent.conversations.assign(conv.id, site.agents[1]!.agentId)
    await other.send(conv.id, 'Hi, I am taking over')
    await waitForBubble(el, 'Hi, I am taking over')
    await other.conversations.resolve(conv.id)
    await find(el, '[role="radiogroup"]', 10_000)
    const body = (await find(el, '[part~="messages"]')).textContent ?? ''
    assert((body.match(/resolved/gi) ?? []).length === 1, `"resolved" is said once: ${body.replace(/\s+/g, ' ')}`)
    assert(!/transferred/i.test(body), `the transfer notice stays among agents: ${body.replace(/\s+/g, ' ')}`)
    assert(!el._msgs.some((m) => m.system?.event === 'transferred'), 'the widget never received it')
  })

  it('writes the team’s system lines in the visitor’s language', async () => {
    const el = await mountWidget(site, { locale: 'fr' })
    await openWindow(el)
    await typeAndSend(el, 'Bonjour')
    await waitForBubble(el, 'Bonjour')
    const conv = await waitFor(() => el._conv, 5_000, 'the conversation')
    await agent.conversations.resolve(conv.id)
    const lines = () => all(el, '.system').map((l) => l.textContent)
    const name = site.agents[0]!.name
    await waitFor(() => lines().includes('La conversation a été résolue') || null, 10_000, `the French resolve line (${JSON.stringify(lines())})`)
    assert(lines().includes(`${name} a rejoint la conversation`), `the French join line: ${JSON.stringify(lines())}`)
  })

  it('follows an image that loads after it was laid out, when the visitor is at the end', async () => {
    const { el, conv } = await startChat(site, agent, 'Send me a picture')
    for (let i = 0; i < 8; i++) await agent.send(conv.id, `Filler line ${i} to make the list scroll`)
    await waitForBubble(el, 'Filler line 7 to make the list scroll')
    const upload = await agent.upload(new File([await png(600, 450)], 'screen.png', { type: 'image/png' }))
    await agent.send(conv.id, '', { attachments: [upload.id] })
    const img = await find<HTMLImageElement>(el, '.bubble img')
    await waitFor(() => (img.complete && img.naturalHeight > 0) || null, 10_000, 'the image to load')
    const list = await find(el, '[part~="messages"]')
    await waitFor(() => list.scrollHeight - list.scrollTop - list.clientHeight < 2 || null, 2_000, `the list to end at the image (${list.scrollHeight - list.scrollTop - list.clientHeight} px short)`)
  })

  it('promises an email reply only when the server sends email', async () => {
    const offline = await createSite({ agents: 1 })
    const noMail = await mountWidget(offline)
    assert(noMail._config?.emailReplies === false, 'the test server has no SMTP')
    await openWindow(noMail)
    const sendOffline = async (el: LiveChat): Promise<string> => {
      const form = await find<HTMLFormElement>(el, 'form')
      const answers: [string, string][] = [['name', 'Ola'], ['email', 'ola@example.com'], ['message', 'Call me back']]
      for (const [name, value] of answers) form.querySelector<HTMLInputElement>(`[name="${name}"]`)!.value = value
      form.requestSubmit()
      return (await find(el, '[part~="messages"] .note')).textContent ?? ''
    }
    const kept = await sendOffline(noMail)
    assert(/reply here/.test(kept) && !/email/i.test(kept), `no email promised: "${kept}"`)
    cleanup()
    localStorage.clear()

    const { url } = await command<{ url: string }>('lc-mail-server')
    const withMail = await mountWidget({ ...offline, url })
    assert(withMail._config?.emailReplies === true, 'the mail server has SMTP')
    await openWindow(withMail)
    const promised = await sendOffline(withMail)
    assert(/by email/.test(promised), `email promised: "${promised}"`)
  })
})
