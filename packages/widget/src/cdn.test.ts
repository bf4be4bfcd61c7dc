import type { Message } from '@live-chat/sdk'
import { agentClient, assert, cleanup, createSite, mount, server, waitFor } from '../../../test/browser/helpers.js'

// These tests load the built CDN files from the test server (npm run test:browser builds them),
// in an iframe each, so every test gets a page where <live-chat> is not yet defined.

async function page(body: string): Promise<{ win: Window & typeof globalThis; doc: Document; warnings: string[] }> {
  const frame = mount(document.createElement('iframe'))
  frame.style.cssText = 'width:800px;height:600px'
  const doc = frame.contentDocument!
  const win = frame.contentWindow as Window & typeof globalThis
  const warnings: string[] = []
  const warn = win.console.warn.bind(win.console)
  win.console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '))
    warn(...args)
  }
  doc.open()
  doc.write(`<!doctype html><html><body>${body}</body></html>`)
  doc.close()
  return { win, doc, warnings }
}

function appOf(doc: Document): HTMLElement | null {
  return doc.querySelector('live-chat')?.shadowRoot?.querySelector('live-chat-app') ?? null
}

describe('CDN loader (live-chat.js)', () => {
  afterEach(() => cleanup())

  it('shows a launcher at once, keeps calls made before the full widget loads, then hands over', async () => {
    const url = await server()
    const site = await createSite({ agents: 1, settings: { primaryColor: '#7c3aed' } })
    const { win, doc } = await page(`
      <script>window.LiveChat = window.LiveChat || function () { (LiveChat.q = LiveChat.q || []).push(arguments) }</script>
      <script>LiveChat('on', 'open', function () { window.opened = (window.opened || 0) + 1 })</script>
      <live-chat site-id="${site.siteId}"></live-chat>
      <script src="${url}/live-chat.js"></script>
      <script>LiveChat('open')</script>`)
    const shell = await waitFor(() => doc.querySelector('live-chat')?.shadowRoot ? doc.querySelector('live-chat') : null, 5_000, 'the shell')
    assert(win.customElements.get('live-chat'), '<live-chat> is defined by the loader')
    const app = await waitFor(() => appOf(doc), 10_000, 'the full widget inside the shell')
    await waitFor(() => app.shadowRoot?.querySelector('[part~="window"]'), 10_000, 'the window opened by the queued call')
    assert((win as unknown as { opened: number }).opened === 1, 'the queued listener saw lc-open once, through the shell')
    assert(app.getAttribute('server') === url && app.getAttribute('site-id') === site.siteId, 'attributes handed over')
    const launcher = app.shadowRoot!.querySelector('[part~="launcher"]')!
    await waitFor(() => win.getComputedStyle(launcher).backgroundColor === 'rgb(124, 58, 237)', 5_000, 'the site colour')
    ;(shell as unknown as { close(): void }).close()
    await waitFor(() => !app.shadowRoot!.querySelector('[part~="window"]'), 5_000, 'close() through the shell')
  })

  it('loads the full widget only when idle or when the visitor reaches for the launcher', async () => {
    const url = await server()
    const site = await createSite()
    const { doc, win } = await page(`<live-chat site-id="${site.siteId}"></live-chat><script src="${url}/live-chat.js"></script>`)
    const shell = await waitFor(() => doc.querySelector('live-chat')?.shadowRoot?.querySelector('button') ?? null, 5_000, 'the shell launcher')
    assert(shell.getAttribute('aria-label') === 'Open chat', 'the shell launcher is labelled')
    const fulls = () => win.performance.getEntriesByType('resource').filter((e) => e.name.includes('live-chat.full.js'))
    await waitFor(() => appOf(doc), 10_000, 'the full widget after idle')
    assert(fulls().length === 1, `the full bundle was fetched once: ${fulls().length}`)
  })

  it('with two copies of the script on one page, warns and works once', async () => {
    const url = await server()
    const site = await createSite()
    const { doc, warnings } = await page(`
      <live-chat site-id="${site.siteId}"></live-chat>
      <script src="${url}/live-chat.js"></script>
      <script src="${url}/live-chat.js?copy=2"></script>
      <script type="module" src="${url}/live-chat.full.js"></script>`)
    const app = await waitFor(() => appOf(doc), 10_000, 'the widget')
    await waitFor(() => app.shadowRoot?.querySelector('[part~="launcher"]'), 5_000, 'one launcher')
    await waitFor(() => warnings.some((w) => w.includes('already defined')), 5_000, 'a warning about the second copy')
    assert(doc.querySelectorAll('live-chat').length === 1, 'one element')
  })

  it('carries a conversation both ways through the built bundle', async () => {
    const url = await server()
    const site = await createSite({ agents: 1 })
    const agent = await agentClient(site, 0, { online: true })
    const got = new Promise<Message>((resolve) => agent.on('message', (m) => m.senderType === 'visitor' && resolve(m)))
    const { doc } = await page(`<live-chat site-id="${site.siteId}"></live-chat><script src="${url}/live-chat.js"></script>`)
    const app = await waitFor(() => appOf(doc), 10_000, 'the full widget')
    ;(await waitFor(() => app.shadowRoot?.querySelector<HTMLElement>('[part~="launcher"]'), 5_000, 'launcher')).click()
    const input = await waitFor(() => app.shadowRoot?.querySelector<HTMLTextAreaElement>('[part~="input"]'), 5_000, 'composer')
    input.value = 'Sent through the CDN build'
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }))
    const message = await got
    assert(message.text === 'Sent through the CDN build', `the agent got: ${message.text}`)
    await agent.send(message.conversationId, 'Answered through the CDN build')
    await waitFor(
      () => [...app.shadowRoot!.querySelectorAll('.bubble')].some((b) => b.textContent?.trim() === 'Answered through the CDN build'),
      10_000,
      'the answer in the widget',
    )
  })
})
