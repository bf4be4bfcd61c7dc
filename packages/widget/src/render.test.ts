import { setViewport } from '@web/test-runner-commands'
import { agentClient, assert, axeCheck, cleanup, createSite, mount, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { find, mountWidget, openWindow } from '../test/widget.js'

const HOSTILE = `
  * { margin: 0 !important; padding: 0 !important; box-sizing: content-box !important; font-family: 'Comic Sans MS' !important;
      font-size: 22px !important; line-height: 3 !important; color: #c00 !important; letter-spacing: 2px !important;
      text-transform: uppercase !important; text-align: center !important; }
  div, section, span { position: relative !important; z-index: 2147483647 !important; }
  button, input, textarea { background: hotpink !important; border: 6px dashed lime !important; width: 300px !important; }
  svg, img { width: 100% !important; height: auto !important; }
  live-chat, live-chat * { display: inline !important; opacity: 0.2 !important; font-size: 40px !important; position: static !important; transform: scale(2) !important; }
`

describe('<live-chat> rendering', () => {
  let site: TestSite
  beforeEach(async () => {
    localStorage.clear()
    await setViewport({ width: 1280, height: 800 })
    site = await createSite({ agents: 1, settings: { primaryColor: '#e11d48', widgetTitle: 'Acme Support', welcomeMessage: 'Hi there 👋' } })
  })
  afterEach(() => {
    cleanup()
    document.querySelectorAll('style[data-test]').forEach((s) => s.remove())
  })

  it('renders a launcher in the site colour at the bottom right, accessible when closed and open', async () => {
    const el = await mountWidget(site)
    const launcher = await find(el, '[part~="launcher"]')
    assert(launcher.getAttribute('aria-label') === 'Open chat' && launcher.getAttribute('aria-expanded') === 'false', 'launcher labelled')
    assert(getComputedStyle(launcher).backgroundColor === 'rgb(225, 29, 72)', `site colour: ${getComputedStyle(launcher).backgroundColor}`)
    const r = launcher.getBoundingClientRect()
    assert(Math.round(innerWidth - r.right) === 20 && Math.round(innerHeight - r.bottom) === 20 && r.width === 56, `placed at ${JSON.stringify(r)}`)
    await axeCheck(el)
    await agentClient(site, 0, { online: true })
    await openWindow(el)
    const win = await find(el, '[part~="window"]')
    assert(win.getAttribute('role') === 'dialog' && win.getAttribute('aria-label') === 'Acme Support', 'a labelled dialog')
    assert((await find(el, 'h2')).textContent === 'Acme Support', 'the site title')
    // The agent's arrival reaches the widget as a live event; until then it shows the offline text.
    await waitFor(() => el.shadowRoot!.querySelector('.status.on'), 5_000, 'the team shown online')
    const note = await find(el, '.note')
    assert(note.textContent === 'Hi there 👋', `the welcome text: ${note.textContent}`)
    assert(getComputedStyle(await find(el, 'textarea')).fontSize === '16px', 'inputs are 16 px (no zoom on focus)')
    await axeCheck(el)
  })

  it('follows the site position and the page’s --lc-* custom properties', async () => {
    const left = await createSite({ settings: { position: 'bottom-left', primaryColor: '#16a34a' } })
    const el = await mountWidget(left)
    el.style.setProperty('--lc-accent', 'rgb(1, 2, 3)')
    const launcher = await find(el, '[part~="launcher"]')
    await waitFor(() => Math.round(launcher.getBoundingClientRect().left) === 20, 2_000, 'the launcher on the left')
    assert(getComputedStyle(launcher).backgroundColor === 'rgb(1, 2, 3)', 'the page’s --lc-accent wins over the site colour')
  })

  it('goes full screen below 640 px wide', async () => {
    await setViewport({ width: 375, height: 700 })
    await agentClient(site, 0, { online: true })
    const el = await mountWidget(site)
    await openWindow(el)
    const r = (await find(el, '[part~="window"]')).getBoundingClientRect()
    assert(r.left === 0 && r.top === 0 && r.width === 375 && r.height === 700, `window covers the screen: ${JSON.stringify(r)}`)
    assert((await find(el, 'header button[aria-label="Close chat"]')).getBoundingClientRect().width > 0, 'a close button is visible')
  })

  it('is not changed by aggressive page CSS', async () => {
    const style = document.createElement('style')
    style.dataset.test = ''
    style.textContent = HOSTILE
    document.head.append(style)
    // A cookie banner over the bottom of the page, stacked as high as z-index goes.
    const banner = mount(document.createElement('div'))
    banner.style.cssText = 'position:fixed!important;left:0;right:0;bottom:0;height:120px;background:#000c;z-index:2147483647!important'
    await agentClient(site, 0, { online: true })
    const el = await mountWidget(site)
    const launcher = await find(el, '[part~="launcher"]')
    const r = launcher.getBoundingClientRect()
    assert(r.width === 56 && r.height === 56 && Math.round(innerWidth - r.right) === 20, `launcher unmoved: ${JSON.stringify(r)}`)
    assert(getComputedStyle(el).opacity === '1' && getComputedStyle(el).position === 'fixed', 'the host keeps its own box')
    const hit = el.shadowRoot!.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    assert(hit === launcher || launcher.contains(hit), `the launcher is on top of the banner (got ${hit?.outerHTML.slice(0, 60)})`)
    await openWindow(el)
    const title = await find(el, 'h2')
    const css = getComputedStyle(title)
    assert(css.color === 'rgb(255, 255, 255)' && css.textTransform === 'none' && !css.fontFamily.includes('Comic'), `title styled by the widget: ${css.color} ${css.fontFamily}`)
    const input = getComputedStyle(await find(el, 'textarea'))
    assert(input.fontSize === '16px' && !input.backgroundColor.includes('255, 105, 180'), 'the composer keeps its look')
    // And the widget does not restyle the page.
    const probe = document.createElement('p')
    document.body.append(probe)
    assert(getComputedStyle(probe).color === 'rgb(204, 0, 0)', 'the page keeps its own rules')
    probe.remove()
  })
})
