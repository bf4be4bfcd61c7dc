// Script and markup in everything the widget shows: the visitor's and the agent's messages, the
// agent's name, a canned response's text, the site's title and welcome text, and the pre-chat
// form's labels and options. Rendered in Chromium against the real server, every payload shows
// as text: no element is made from it and none of it runs.
import type { ConversationSummary } from '@live-chat/sdk'
import { agentClient, assert, cleanup, createSite, mount, waitFor } from '../../../test/browser/helpers.js'
import { expectNoXss, expectShownAsText, PAYLOADS } from '../../../test/browser/xss.js'
import { bubbles, find, mountWidget, openWindow, typeAndSend, waitForBubble } from '../test/widget.js'

describe('<live-chat> with script and markup payloads', () => {
  beforeEach(() => {
    localStorage.clear()
    delete window.__xss
  })
  afterEach(() => cleanup())

  it('(the check itself) catches the payloads when they are put in as HTML', async () => {
    const host = mount(document.createElement('div'))
    host.attachShadow({ mode: 'open' }).innerHTML = PAYLOADS.join('')
    const caught = await expectNoXss(host, 'innerHTML').then(() => null, (e: Error) => e)
    assert(caught && /made from payloads/.test(caught.message), `the check fails on HTML payloads (${caught?.message})`)
    await waitFor(() => window.__xss, 5_000, 'the img onerror payload to run')
    delete window.__xss
  })

  it('shows visitor and agent messages, the agent’s name and a canned response as text', async () => {
    const site = await createSite({ agents: 1 })
    const agent = await agentClient(site, 0, { online: true })
    await agent.agents.update(site.agents[0]!.agentId, { displayName: PAYLOADS[2] })
    const canned = await agent.cannedResponses.create({ title: PAYLOADS[0], content: `Canned: ${PAYLOADS[5]}` })

    const el = await mountWidget(site)
    await openWindow(el)
    const created = new Promise<ConversationSummary>((resolve) => agent.on('conversation:created', resolve))
    await typeAndSend(el, PAYLOADS[0])
    const conv = await created
    for (const p of PAYLOADS.slice(1)) {
      await typeAndSend(el, p)
      await waitForBubble(el, p, 10_000)
    }
    for (const p of PAYLOADS) await agent.send(conv.id, `Agent: ${p}`)
    await agent.send(conv.id, canned.content)
    await waitForBubble(el, canned.content, 10_000)

    const shown = bubbles(el)
    for (const p of PAYLOADS) {
      assert(shown.includes(p), `the visitor's "${p}" is a bubble of its own text`)
      assert(shown.includes(`Agent: ${p}`), `the agent's "Agent: ${p}" is a bubble of its own text`)
    }
    expectShownAsText(el, [PAYLOADS[2]], 'the agent’s name')
    await expectNoXss(el, 'the widget')
  })

  it('shows the site’s title, welcome text and pre-chat labels and options as text, and sends the answers as given', async () => {
    const site = await createSite({
      agents: 1,
      settings: {
        widgetTitle: PAYLOADS[0],
        welcomeMessage: PAYLOADS.join(' '),
        preChatEnabled: true,
        preChatFields: [
          { name: 'name', label: PAYLOADS[1], type: 'text', required: false },
          { name: 'company', label: PAYLOADS[2], type: 'text', required: false },
          { name: 'topic', label: PAYLOADS[3], type: 'select', required: false, options: [PAYLOADS[4], PAYLOADS[5]] },
        ],
      },
    })
    const agent = await agentClient(site, 0, { online: true })
    const el = await mountWidget(site)
    await openWindow(el)
    const form = await find<HTMLFormElement>(el, 'form')
    expectShownAsText(el, [PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], PAYLOADS[3], PAYLOADS[4], PAYLOADS[5]], 'title, labels and options')
    await expectNoXss(el, 'the pre-chat form')

    const set = (name: string, value: string) => {
      const field = form.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(`[name="${name}"]`)
      assert(field, `a field "${name}"`)
      field.value = value
    }
    set('name', PAYLOADS[6])
    set('company', PAYLOADS[7])
    set('topic', PAYLOADS[5])
    set('message', PAYLOADS[0])
    const created = new Promise<ConversationSummary>((resolve) => agent.on('conversation:created', resolve))
    form.requestSubmit()
    const conv = await created
    assert(conv.visitor.name === PAYLOADS[6], `the name arrives as typed: ${conv.visitor.name}`)
    assert(conv.visitor.customData['company'] === PAYLOADS[7] && conv.visitor.customData['topic'] === PAYLOADS[5], `the answers arrive as given: ${JSON.stringify(conv.visitor.customData)}`)
    await waitForBubble(el, PAYLOADS[0], 10_000)
    await waitFor(() => bubbles(el).length > 0, 5_000, 'the conversation')
    await expectNoXss(el, 'the widget after the form')
  })
})
