// Proactive messages against the real server: each rule (URL pattern with an SPA's navigation,
// time on the page, scroll depth, a named event from the host) fires its trigger and nothing
// fires outside it; until the visitor replies nothing is stored (localStorage, sessionStorage,
// IndexedDB, cookies) and the network sees no socket.io request and no visitor-sessions POST;
// the reply starts the conversation with the trigger's message first.
import { AgentClient, type CreateTrigger, type Trigger } from '@live-chat/sdk'
import type { LiveChat } from './live-chat.js'
import { assert, axeCheck, cleanup, createSite, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { all, find, mountWidget, typeAndSend, waitForBubble } from '../test/widget.js'

/** Every request the page makes, by fetch, XMLHttpRequest or WebSocket (method and URL). */
const requests: string[] = []
const realFetch = window.fetch
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input)
  requests.push(`${(init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()} ${url}`)
  return realFetch(input, init)
}
const realOpen = XMLHttpRequest.prototype.open
XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
  requests.push(`${method.toUpperCase()} ${String(url)}`)
  return (realOpen as (...a: unknown[]) => void).call(this, method, url, ...rest)
} as typeof XMLHttpRequest.prototype.open
const RealSocket = window.WebSocket
window.WebSocket = class extends RealSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    requests.push(`WS ${String(url)}`)
    super(url, protocols)
  }
} as typeof WebSocket

/** What the widget may have left behind: storage, cookies, databases, and the chat's own traffic. */
async function traces(server: string): Promise<string[]> {
  const found: string[] = []
  if (localStorage.length) found.push(`localStorage: ${Object.keys(localStorage).join(', ')}`)
  if (sessionStorage.length) found.push(`sessionStorage: ${Object.keys(sessionStorage).join(', ')}`)
  if (document.cookie) found.push(`cookies: ${document.cookie}`)
  const dbs = await indexedDB.databases()
  if (dbs.length) found.push(`IndexedDB: ${dbs.map((d) => d.name).join(', ')}`)
  // Resource timing sees what the wrappers could miss (e.g. a beacon, a script's own requests).
  const seen = [...requests, ...performance.getEntriesByType('resource').map((e) => `? ${e.name}`)]
  for (const r of seen) {
    if (!r.includes(server)) continue
    if (r.includes('/socket.io/')) found.push(`socket.io: ${r}`)
    if (r.includes('/visitor-sessions')) found.push(`session: ${r}`)
  }
  return found
}

function tall(): HTMLElement {
  const filler = document.createElement('div')
  filler.style.height = '5000px'
  document.body.append(filler)
  return filler
}

describe('<live-chat> proactive messages (triggers)', () => {
  let site: TestSite
  let agent: AgentClient
  const home = location.href

  async function withTrigger(input: Omit<CreateTrigger, 'name' | 'text'> & { text?: string }): Promise<{ el: LiveChat; trigger: Trigger }> {
    const trigger = await agent.triggers.create({ name: 'Test', text: 'Questions about our plans?', ...input })
    const el = await mountWidget(site)
    await waitFor(() => el._tr, 5_000, 'the triggers chunk')
    await el.updateComplete
    return { el, trigger }
  }

  const bubble = (el: LiveChat) => el.shadowRoot!.querySelector<HTMLElement>('[part~="trigger"]')
  const shownBubble = (el: LiveChat) => waitFor(() => bubble(el), 5_000, 'the trigger bubble')

  beforeEach(async () => {
    localStorage.clear()
    sessionStorage.clear()
    requests.length = 0
    performance.clearResourceTimings()
    site = await createSite({ agents: 1 })
    // The team's side talks to the same server under another name (localhost), so that the
    // network record below tells its traffic from the widget's (127.0.0.1).
    agent = new AgentClient({ url: site.url.replace('127.0.0.1', 'localhost') })
    await agent.login(site.agents[0]!.email, site.agents[0]!.password)
    await agent.connect(site.siteId)
    await agent.setStatus('online')
  })
  afterEach(() => {
    agent.disconnect()
    cleanup()
    history.replaceState(null, '', home)
    scrollTo(0, 0)
  })

  it('fires on its URL pattern after an SPA navigation, and not on another page', async () => {
    const { el } = await withTrigger({ rules: { url: '/pricing*' } })
    assert(!bubble(el), 'no bubble on a page outside the pattern')
    history.pushState(null, '', '/pricing/plans?annual=1')
    const b = await shownBubble(el)
    assert(b.textContent!.includes('Questions about our plans?'), `the bubble shows the message: ${b.textContent}`)
  })

  it('fires after its seconds on the page, not before', async () => {
    // The page is already this old: one more second from now.
    const seconds = Math.ceil(performance.now() / 1000) + 1
    const { el } = await withTrigger({ rules: { seconds } })
    assert(!bubble(el), 'no bubble before its time')
    await shownBubble(el)
    assert(performance.now() >= seconds * 1000, 'not before its time on the page')
  })

  it('fires at its scroll depth, not before', async () => {
    const filler = tall()
    try {
      const { el } = await withTrigger({ rules: { scroll: 80 } })
      assert(!bubble(el), 'no bubble at the top of a long page')
      scrollTo(0, document.documentElement.scrollHeight)
      await shownBubble(el)
    } finally {
      filler.remove()
    }
  })

  it("fires on the host's named event (LiveChat('trigger', …)), not on another; stores nothing and opens no session until the reply, which starts the conversation with it first", async () => {
    const { el, trigger } = await withTrigger({ rules: { event: 'pricing-help' }, agentId: site.agents[0]!.agentId })
    window.LiveChat!('trigger', 'something-else')
    await el.updateComplete
    assert(!bubble(el), 'another event does not fire it')
    window.LiveChat!('trigger', 'pricing-help')
    const b = await shownBubble(el)
    assert(b.getAttribute('aria-live') === 'polite', 'announced politely to screen readers')
    assert(b.textContent!.includes(site.agents[0]!.name), `from the named agent: ${b.textContent}`)
    const badge = await find(el, '[part~="badge"]')
    assert(badge.textContent!.trim() === '1', `the launcher shows one unread: ${badge.textContent}`)
    await axeCheck(el)
    // Counted by the anonymous beacon, which carries nothing that identifies the visitor.
    await waitFor(async () => (await agent.triggers.list())[0]!.funnel.shown === 1 || null, 5_000, 'the showing counted')
    const beacon = requests.find((r) => r.includes(`/triggers/${trigger.id}/shown`))
    assert(beacon === `POST ${site.url}/api/sites/${site.siteId}/triggers/${trigger.id}/shown`, `one plain POST: ${beacon}`)

    assert(!el.client!.token, 'no visitor session')
    const before = await traces(site.url)
    assert(before.length === 0, `nothing stored and no session or socket before the reply: ${before.join('; ')}`)

    // The visitor opens the chat from the bubble (keyboard: it is a button) and replies.
    el.shadowRoot!.querySelector<HTMLButtonElement>('.tb-m')!.click()
    await waitForBubble(el, 'Questions about our plans?')
    assert(!all(el, '[part~="badge"]').length, 'no badge while the window is open')
    await typeAndSend(el, 'Which plan fits a team of five?')
    await waitFor(() => el._conv, 10_000, 'the conversation')
    await waitForBubble(el, 'Which plan fits a team of five?')
    const conv = el._conv!
    const page = await agent.messages(conv.id)
    const shown = page.messages.map((m) => [m.senderType, m.senderName, m.text])
    assert(
      JSON.stringify(shown.slice(0, 2)) === JSON.stringify([['bot', site.agents[0]!.name, 'Questions about our plans?'], ['visitor', page.messages[1]!.senderName, 'Which plan fits a team of five?']]),
      `the trigger's message first, then the reply: ${JSON.stringify(shown)}`,
    )
    assert(page.messages.filter((m) => m.senderType !== 'system').length === 2, `each once: ${JSON.stringify(shown)}`)
    // And now the visitor acted: the session is kept (the probe above sees storage when there is some).
    const after = await traces(site.url)
    assert(after.some((t) => t.startsWith('localStorage')), `the reply keeps the session: ${after.join('; ')}`)
    assert(!bubble(el), 'the bubble is gone once answered')
    await waitFor(async () => (await agent.triggers.list())[0]!.funnel.replied === 1 || null, 5_000, 'the reply counted')
  })

  it('the × dismisses the bubble and a trigger capped per page does not come back on another navigation', async () => {
    const { el } = await withTrigger({ rules: { url: '/docs*' }, cap: 'page' })
    history.pushState(null, '', '/docs/a')
    await shownBubble(el)
    el.shadowRoot!.querySelector<HTMLButtonElement>('.tb-x')!.click()
    await el.updateComplete
    assert(!bubble(el), 'dismissed')
    history.pushState(null, '', '/docs/b')
    await new Promise((r) => setTimeout(r, 50))
    await el.updateComplete
    assert(!bubble(el), 'not shown again in this page view')
    const left = await traces(site.url)
    assert(left.length === 0, `nothing stored for the cap without the site opting in: ${left.join('; ')}`)
  })

  it('with the site opted in to storage, keeps the cap under the widget prefix (and still no session)', async () => {
    await agent.settings.update({ widget: { triggersMayStore: true } })
    const { el, trigger } = await withTrigger({ rules: { url: '/shop*' }, cap: 'days', capDays: 3 })
    assert(localStorage.length === 0, 'nothing before it shows')
    history.pushState(null, '', '/shop/tents')
    await shownBubble(el)
    assert(Number(localStorage.getItem(`live-chat:trigger:${trigger.id}`)) > 0, `the cap's time kept: ${Object.keys(localStorage).join(', ')}`)
    assert(!el.client!.token, 'no visitor session')
    const left = (await traces(site.url)).filter((t) => !t.startsWith('localStorage'))
    assert(left.length === 0, `no session or socket: ${left.join('; ')}`)
  })
})
