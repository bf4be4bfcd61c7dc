import type { ConversationSummary } from '@live-chat/sdk'
import { agentClient, assert, cleanup, createSite, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { find, identityHash, mountWidget, openWindow, typeAndSend, waitForBubble, showing } from '../test/widget.js'
import type { LiveChatQueue } from './api.js'
import type { LiveChatEventMap } from './events.js'

describe('<live-chat> programmatic API and events', () => {
  let site: TestSite
  beforeEach(async () => {
    localStorage.clear()
    site = await createSite({ agents: 1 })
  })
  afterEach(() => cleanup())

  it('open, close and toggle fire lc-open / lc-close and move focus sensibly', async () => {
    const el = await mountWidget(site)
    const events: string[] = []
    for (const name of ['lc-open', 'lc-close'] as const) document.addEventListener(name, () => events.push(name))
    el.open()
    await find(el, '[part~="window"]')
    await waitFor(() => el.shadowRoot!.activeElement, 2_000, 'focus inside the window')
    el.toggle()
    await waitFor(() => !el.shadowRoot!.querySelector('[part~="window"]'), 2_000, 'the window to close')
    assert(el.shadowRoot!.activeElement?.getAttribute('part') === 'launcher', 'focus returns to the launcher')
    el.toggle()
    await find(el, '[part~="window"]')
    el.shadowRoot!.querySelector('[part~="window"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }))
    await waitFor(() => !el.isOpen, 2_000, 'Escape to close')
    assert(events.join() === 'lc-open,lc-close,lc-open,lc-close', `events: ${events}`)
  })

  it('fires lc-conversation-start and lc-message with typed details, from DOM events on the document', async () => {
    const agent = await agentClient(site, 0, { online: true })
    const el = await mountWidget(site)
    const got: { [K in keyof LiveChatEventMap]?: LiveChatEventMap[K][] } = {}
    for (const name of ['lc-conversation-start', 'lc-message'] as const) {
      document.addEventListener(name, (e) => (got[name] ??= [] as never[]).push(e.detail as never))
    }
    const created = new Promise<ConversationSummary>((resolve) => agent.on('conversation:created', resolve))
    await openWindow(el)
    await typeAndSend(el, 'Started from the widget')
    const conv = await created
    await showing(el, conv.id)
    await agent.send(conv.id, 'Agent answer')
    await waitFor(() => got['lc-message']?.some((m) => m.text === 'Agent answer'), 5_000, 'lc-message for the answer')
    await waitFor(() => got['lc-conversation-start']?.[0]?.id === conv.id, 5_000, 'lc-conversation-start with the conversation')
    assert(got['lc-message']!.some((m) => m.text === 'Started from the widget' && m.senderType === 'visitor'), 'own messages too')
  })

  it('runs calls queued on window.LiveChat before the widget existed, and LiveChat("on") listens', async () => {
    delete window.LiveChat
    // The stub a page pastes before the script.
    const stub = function (...args: unknown[]) {
      ;(stub.q = stub.q || []).push(args)
    } as ((...args: unknown[]) => void) & { q?: unknown[][] }
    window.LiveChat = stub as unknown as LiveChatQueue
    const opened: unknown[] = []
    window.LiveChat('on', 'open', (d: unknown) => opened.push(d))
    window.LiveChat('open')
    const { installQueue } = await import('./api.js')
    installQueue()
    const el = await mountWidget(site)
    await find(el, '[part~="window"]')
    assert(opened.length === 1, 'the queued listener saw lc-open')
    window.LiveChat!('close')
    await waitFor(() => !el.isOpen, 2_000, 'LiveChat("close") to close')
  })

  it('identify() signs the visitor in with a server-made hash; reset() forgets them', async () => {
    const agent = await agentClient(site, 0, { online: true })
    const el = await mountWidget(site)
    const hash = await identityHash(site.identitySecret, 'user-42')
    await el.identify({ userId: 'user-42', hash, name: 'Ada Lovelace', email: 'ada@example.com' })
    assert(el.client!.visitor?.verified === true, 'the visitor is verified')
    const created = new Promise<ConversationSummary>((resolve) => agent.on('conversation:created', resolve))
    await openWindow(el)
    await typeAndSend(el, 'Signed in')
    const conv = await created
    await showing(el, conv.id)
    assert(conv.visitor.externalId === 'user-42' && conv.visitor.name === 'Ada Lovelace', JSON.stringify(conv.visitor))

    let refused = false
    await el.identify({ userId: 'user-42', hash: '0'.repeat(64) }).catch(() => (refused = true))
    assert(refused, 'a wrong hash is refused')

    el.reset()
    await waitFor(() => !el.client!.token, 2_000, 'the token to be dropped')
    assert(!Object.keys(localStorage).some((k) => k.includes(site.siteId)), `storage cleared: ${Object.keys(localStorage)}`)
    await waitFor(() => el.shadowRoot!.querySelector('.note'), 2_000, 'the welcome view again')
  })

  it('setLocale() switches the built-in language, with the site’s own overrides on top', async () => {
    const custom = await createSite({ agents: 1, settings: { customTranslations: { de: { title: 'Hallo von Acme' } } } })
    await agentClient(custom, 0, { online: true })
    const el = await mountWidget(custom, { locale: 'fr' })
    await openWindow(el)
    await waitFor(() => el.shadowRoot!.querySelector('textarea')?.placeholder === 'Écrivez un message…', 5_000, 'French')
    el.setLocale('es')
    await waitFor(() => el.shadowRoot!.querySelector('textarea')?.placeholder === 'Escribe un mensaje…', 5_000, 'Spanish')
    el.setLocale('de-AT')
    await waitFor(() => el.shadowRoot!.querySelector('textarea')?.placeholder === 'Nachricht schreiben…', 5_000, 'German')
    const title = (await find(el, 'h2')).textContent
    assert(title === 'Hallo von Acme', `the site's German title applies: ${title}`)
    el.setLocale('en')
    await waitFor(() => el.shadowRoot!.querySelector('h2')?.textContent === el.client!.config!.widgetTitle, 5_000, 'the site title in English')
  })

  it('writes nothing to storage or cookies until the visitor acts', async () => {
    await agentClient(site, 0, { online: true })
    const before = Object.keys(localStorage).length
    const cookies = document.cookie
    const el = await mountWidget(site)
    await openWindow(el)
    assert(Object.keys(localStorage).length === before && document.cookie === cookies, 'opening writes nothing')
    await typeAndSend(el, 'Now remember me')
    await waitForBubble(el, 'Now remember me')
    // The bubble shows at once (as "Sending"); the session is stored when the conversation starts.
    await waitFor(() => Object.keys(localStorage).some((k) => k.includes(site.siteId)), 5_000, 'the session kept once the visitor wrote')
    assert(document.cookie === cookies, 'no cookies, ever')
  })
})
