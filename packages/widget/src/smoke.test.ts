// Smoke tests in Chromium against the real server: the npm build (index.ts) renders a launcher
// that axe finds no fault with, and the CDN loader (/live-chat.js, built by rollup) works when
// pasted into a page, fetching the full bundle on demand.
import { LiveChat } from './index.js'
import { assert, axeCheck, cleanup, createSite, mount, server, waitFor } from '../../../test/browser/helpers.js'

const launcherOf = (el: Element | null | undefined) => el?.shadowRoot?.querySelector<HTMLElement>('[part~="launcher"]') ?? null

describe('<live-chat> (npm build)', () => {
  afterEach(cleanup)

  it('registers <live-chat>, connects and shows an accessible launcher', async () => {
    assert(customElements.get('live-chat') === LiveChat, 'index.ts registers <live-chat> as LiveChat')
    const site = await createSite()
    const el = document.createElement('live-chat')
    el.setAttribute('site-id', site.siteId)
    el.setAttribute('server', site.url)
    const ready = new Promise<CustomEvent>((resolve) => el.addEventListener('lc-ready', resolve, { once: true }))
    mount(el)
    const launcher = await waitFor(() => launcherOf(el), 10_000, 'the launcher in the shadow root')
    assert(launcher.getAttribute('aria-label') || launcher.textContent?.trim(), 'the launcher has an accessible name')
    const { detail } = await ready
    assert(detail.config?.siteId === site.siteId, `lc-ready carries the site's settings (got ${JSON.stringify(detail)})`)
    await el.updateComplete
    await axeCheck(el)
  })
})

describe('CDN loader (/live-chat.js)', () => {
  let frame: HTMLIFrameElement | undefined
  afterEach(() => {
    frame?.remove()
    frame = undefined
  })

  it('defines a light <live-chat> with a launcher, then loads the full widget into it', async () => {
    const url = await server()
    const site = await createSite({ settings: { primaryColor: '#aa3300' } })
    // A page of its own (this page already has the npm build's <live-chat>), as a site owner
    // writes it: the script tag and the element. axe comes from the test server's node_modules.
    frame = document.createElement('iframe')
    frame.srcdoc = `<!doctype html><html lang="en"><head><title>Shop</title>
      <script src="/node_modules/axe-core/axe.min.js"></script>
      <script src="${url}/live-chat.js" async></script></head>
      <body><main><h1>Shop</h1></main><live-chat site-id="${site.siteId}"></live-chat></body></html>`
    const loaded = new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }))
    document.body.append(frame)
    await loaded
    const doc = frame.contentDocument!
    const win = doc.defaultView as (Window & typeof globalThis) | null
    const shell = doc.querySelector('live-chat')
    assert(shell && win, 'the page has a <live-chat>')
    await waitFor(() => win.customElements.get('live-chat'), 10_000, 'the loader to define <live-chat>')
    const launcher = await waitFor(() => launcherOf(shell), 10_000, 'the loader shell’s launcher')
    assert(typeof win.LiveChat === 'function', 'the loader installs window.LiveChat')
    await axeCheck(shell)

    // Opening loads live-chat.full.js next to the loader (redirected to /widget/) and mounts the
    // full element inside the shell, pointed at the loader's server.
    launcher.click()
    const app = await waitFor(() => shell.shadowRoot?.querySelector('live-chat-app'), 15_000, 'the full widget inside the shell')
    assert(app.getAttribute('site-id') === site.siteId, 'the full widget gets the site id')
    assert(app.getAttribute('server') === url, `the full widget talks to the loader's server (got ${app.getAttribute('server')})`)
    await waitFor(() => launcherOf(app), 10_000, 'the full widget’s launcher')
    await waitFor(() => (app as Element & { isOpen?: boolean }).isOpen, 10_000, 'the chat window to open')
  })
})
