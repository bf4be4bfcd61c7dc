import { LiveChatClient, type Message } from '@live-chat/sdk'
import { render } from 'lit'
import { agentClient, assert, axeCheck, cleanup, createSite, mount, waitFor } from '../../../../test/browser/helpers.js'
import './composer.js'
import type { LcdComposer } from './composer.js'
import { parseRich } from './rich.js'
import { answersOf, entry } from './timeline.js'

describe('parseRich (the composer shorthand)', () => {
  it('turns [[Option]] lines into a choice, [Label](https://…) into links and [Label] into quick replies; the rest stays text', () => {
    const choice = parseRich('Did that help?\n[[Yes]]\n[[ No, not really ]]')
    assert(choice.text === 'Did that help?', choice.text)
    assert(JSON.stringify(choice.content) === JSON.stringify({ kind: 'choice', options: [{ id: 'o1', label: 'Yes' }, { id: 'o2', label: 'No, not really' }] }), JSON.stringify(choice.content))
    const buttons = parseRich('See:\n[Docs](https://example.com/docs)\n[Talk to sales]')
    assert(buttons.text === 'See:', buttons.text)
    assert(
      JSON.stringify(buttons.content) === JSON.stringify({ kind: 'buttons', buttons: [{ type: 'link', label: 'Docs', url: 'https://example.com/docs' }, { type: 'reply', label: 'Talk to sales' }] }),
      JSON.stringify(buttons.content),
    )
  })

  it('leaves plain text alone: brackets inside a line, http links, a single option', () => {
    for (const text of ['I said [sic] there', '[Docs](http://example.com)', 'Only one\n[[Yes]]', 'a [[b]] c']) {
      const parsed = parseRich(text)
      assert(parsed.text === text && !parsed.content, `${text} stays text: ${JSON.stringify(parsed)}`)
    }
  })
})

describe('rich messages in the dashboard', () => {
  afterEach(() => cleanup())

  it("the composer sends a choice from the shorthand; the timeline shows it and marks the visitor's answer", async () => {
    const site = await createSite({ agents: 1 })
    const agent = await agentClient(site, 0, { online: true })
    const me = await agent.agents.update(site.agents[0]!.agentId, { displayName: 'Grace' })
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    const heard: Message[] = []
    visitor.on('message', (m) => heard.push(m))
    await visitor.connect()
    const started = await visitor.startConversation({ message: 'Hi' })
    const el = document.createElement('lcd-composer') as LcdComposer
    el.client = agent
    el.me = me
    el.conversation = await agent.conversations.get(started.conversation.id)
    mount(el)
    await el.updateComplete
    const box = el.shadowRoot!.querySelector('textarea')!
    box.value = 'Did that help?\n[[Yes]]\n[[No]]'
    box.dispatchEvent(new Event('input'))
    await el.updateComplete
    ;[...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send')!.click()
    const question = await waitFor(() => heard.find((m) => m.content?.kind === 'choice'), 5_000, 'the choice to reach the visitor')
    assert(question.text === 'Did that help?', `the text: ${question.text}`)
    await visitor.choose(started.conversation.id, question.id, 'o2')
    const { messages } = await agent.messages(started.conversation.id, { after: 0 })
    const ctx = { agents: [], visitor: 'Visitor', server: site.url, seenSeq: 0, answers: answersOf(messages) }
    const log = mount(document.createElement('div'))
    log.setAttribute('role', 'log')
    render(messages.map((m) => entry(m, ctx)), log)
    const chips = [...log.querySelectorAll('.chip')].map((c) => c.textContent?.trim())
    assert(JSON.stringify(chips) === JSON.stringify(['Yes', '✓ No']), `the choice's chips: ${JSON.stringify(chips)}`)
    assert(log.querySelector('.label.answer')?.textContent === 'Chose', "the visitor's answer is labelled")
    await axeCheck(log)
    visitor.disconnect()
  })
})
