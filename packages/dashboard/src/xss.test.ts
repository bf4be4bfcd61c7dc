// Script and markup in everything the dashboard shows an agent: the visitor's name, answers and
// pages (titles, and URLs such as javascript:…), the visitor's and a teammate's messages and
// private notes, the teammate's name, the conversation's subject and tags, canned responses, and
// the site's widget texts in the settings preview. Signed in through the form, in Chromium
// against the real server: every payload shows as text, nothing is made from it, nothing runs.
import { LiveChatClient } from '@live-chat/sdk'
import { agentClient, assert, cleanup, createSite, mount, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { deepText, expectNoXss, expectShownAsText, PAYLOADS } from '../../../test/browser/xss.js'
import type { LiveChatDashboard } from './live-chat-dashboard.js'
import './index.js'

/** Short enough for a tag (50 characters); runs if parsed as HTML. */
const TAG = '<img src=x data-xss onerror=__xss=1>'

const $ = <T extends Element>(root: Element, selector: string): T | null => root.shadowRoot!.querySelector<T>(selector)

async function signedIn(site: TestSite): Promise<LiveChatDashboard> {
  const el = document.createElement('live-chat-dashboard')
  el.server = site.url
  el.style.height = '760px'
  mount(el)
  const login = await waitFor(() => $<HTMLElement>(el, 'lcd-login'), 5_000, 'the sign-in form')
  await (login as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete
  const form = login.shadowRoot!.querySelector('form')!
  form.querySelector<HTMLInputElement>('[name=email]')!.value = site.agents[0]!.email
  form.querySelector<HTMLInputElement>('[name=password]')!.value = site.agents[0]!.password
  form.querySelector<HTMLButtonElement>('button[type=submit]')!.click()
  await waitFor(() => $(el, 'select#status'), 10_000, 'signed in')
  return el
}

async function shows(el: Element, texts: readonly string[], where: string): Promise<void> {
  await waitFor(() => texts.every((t) => deepText(el).includes(t)), 10_000, `${where} to show ${texts.length} payloads`)
  expectShownAsText(el, texts, where)
}

describe('<live-chat-dashboard> with script and markup payloads', () => {
  const visitors: LiveChatClient[] = []
  beforeEach(() => {
    localStorage.clear()
    history.replaceState(null, '', location.pathname)
    delete window.__xss
  })
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('shows a hostile visitor, conversation, teammate and canned response as text on every page', async () => {
    const site = await createSite({ agents: 2, settings: { widgetTitle: PAYLOADS[0], welcomeMessage: PAYLOADS[1], offlineMessage: PAYLOADS[2] } })
    const admin = await agentClient(site, 0)
    await admin.setStatus('away') // the conversation waits unassigned, in everyone's list
    const mate = await agentClient(site, 1)
    await mate.agents.update(site.agents[1]!.agentId, { displayName: PAYLOADS[3] })
    await admin.cannedResponses.create({ title: PAYLOADS[4], content: PAYLOADS[5], category: PAYLOADS[6] })

    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(visitor)
    await visitor.connect()
    await visitor.visitPage(PAYLOADS[4], PAYLOADS[0])
    await visitor.visitPage(`https://shop.example/?q=${encodeURIComponent(PAYLOADS[1])}`, PAYLOADS[1])
    const { conversation } = await visitor.startConversation({ fields: { name: PAYLOADS[2], custom: { company: PAYLOADS[7], [TAG]: 'key' } }, message: PAYLOADS[0] })
    for (const p of PAYLOADS.slice(1)) await visitor.send(conversation.id, p)
    await mate.send(conversation.id, `Note: ${PAYLOADS[1]}`, { private: true })
    await mate.send(conversation.id, `Reply: ${PAYLOADS[2]}`)
    await mate.conversations.update(conversation.id, { subject: PAYLOADS[6], tags: [TAG] })

    const el = await signedIn(site)
    location.hash = `#inbox/${conversation.id}`
    await shows(el, [...PAYLOADS, `Note: ${PAYLOADS[1]}`, `Reply: ${PAYLOADS[2]}`, PAYLOADS[3], TAG], 'the conversation with the visitor panel')
    // The page the visitor's browser called javascript:… is shown, never linked.
    await expectNoXss(el, 'the inbox')

    location.hash = '#canned'
    await shows(el, [PAYLOADS[4], PAYLOADS[5]], 'the canned responses')
    await expectNoXss(el, 'the canned responses')

    location.hash = '#settings'
    await shows(el, [PAYLOADS[0], PAYLOADS[1]], 'the settings with the widget preview')
    await expectNoXss(el, 'the settings')
    assert(window.__xss === undefined, 'no payload ran anywhere')
  })
})
