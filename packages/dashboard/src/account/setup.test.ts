// First-run setup ("Create your workspace") on a server with an empty database, from the setup
// link it prints: the token read once and removed from the address bar, field errors from the
// server next to their fields, the embed snippet of the new site, then the inbox, signed in.
import { sendKeys } from '@web/test-runner-commands'
import { AgentClient } from '@live-chat/sdk'
import { assert, axeCheck, cleanup, waitFor } from '../../../../test/browser/helpers.js'
import { fill, find, focused, q, text } from '../../../../test/browser/dom.js'
import { openDashboard, setupServer, signedIn } from '../../../../test/browser/accounts.js'
import '../index.js'

const SETUP = 'lcd-setup'

describe('first-run setup', function () {
  // Whole flows: several sign-ins (each a deliberately slow password hash), emails, reconnects.
  this.timeout(60_000)
  beforeEach(() => history.replaceState(null, '', location.pathname))
  afterEach(() => {
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('creates the workspace from the setup link, shows the snippet, then opens the inbox signed in', async () => {
    const { url, link } = await setupServer()
    assert((await new AgentClient({ url }).setup.state()).needed, 'the server waits for its setup')
    const token = link.split('#setup/')[1]!
    location.hash = `#setup/${token}`
    const el = openDashboard(url)
    const name = await find<HTMLInputElement>(el, SETUP, 'input[name=name]')
    assert(location.hash === '#setup' && !location.href.includes(token), `the token is gone from the address bar: ${location.href}`)
    await waitFor(() => focused() === name, 5_000, 'the first field focused')
    assert(text(q(el, SETUP, 'h2')) === 'Create your workspace', 'the title')
    await axeCheck(el)

    // By keyboard, field after field.
    await sendKeys({ type: 'Olivia Owner' })
    await sendKeys({ press: 'Tab' })
    await sendKeys({ type: 'olivia@acme.example' })
    await sendKeys({ press: 'Tab' })
    await sendKeys({ type: 'a long owner passphrase' })
    await sendKeys({ press: 'Tab' })
    await sendKeys({ type: 'Acme Agency' })
    await sendKeys({ press: 'Tab' })
    await sendKeys({ type: 'Acme shop' })
    await sendKeys({ press: 'Tab' })
    const domains = q<HTMLTextAreaElement>(el, SETUP, 'textarea[name=domains]')!
    assert(focused() === domains, `focus on the domains: ${focused()?.outerHTML.slice(0, 60)}`)
    await sendKeys({ type: 'shop.acme.example' })
    await sendKeys({ press: 'Enter' })
    // A page's address instead of the site's: the server takes origins only.
    await sendKeys({ type: 'https://www.acme.example/contact' })
    await sendKeys({ press: 'Tab' })
    await sendKeys({ press: 'Enter' })

    // The server refuses the bad domain: said next to the field, nothing made.
    const error = await find(el, SETUP, '.field-err')
    assert(domains.getAttribute('aria-invalid') === 'true', 'the domains field is marked')
    assert(domains.getAttribute('aria-describedby') === error.id, 'and points at its error')
    await waitFor(() => focused() === domains, 5_000, 'focus back on the field')
    assert((await new AgentClient({ url }).setup.state()).needed, 'nothing was made')
    await axeCheck(el)

    fill(domains, 'shop.acme.example\nhttps://www.acme.example/')
    ;(await find<HTMLFormElement>(el, SETUP, 'form')).requestSubmit()
    await waitFor(() => text(q(el, SETUP, 'h2')) === 'Your workspace is ready', 10_000, 'done')
    await waitFor(() => focused() === q(el, SETUP, 'h2'), 5_000, 'the heading focused')
    const snippet = await find<HTMLTextAreaElement>(el, SETUP, 'lcd-settings-embed', '#snippet')
    const siteId = /site-id="([^"]+)"/.exec(snippet.value)?.[1]
    assert(siteId && snippet.value.includes(`${url}/live-chat.js`), `the snippet: ${snippet.value}`)
    assert(text(q(el, SETUP, '.done-head p')).includes('Acme Agency'), 'names the agency')
    await axeCheck(el)

    // The owner, the agency and the site exist, with the domains as allowed origins.
    const owner = new AgentClient({ url })
    const session = await owner.login('olivia@acme.example', 'a long owner passphrase')
    assert(!('twoFactor' in session), 'signs in')
    assert(session.agency?.role === 'owner' && session.agency.name === 'Acme Agency', `the agency: ${JSON.stringify(session.agency)}`)
    assert(session.sites.length === 1 && session.sites[0]!.siteId === siteId && session.sites[0]!.role === 'admin', `the site: ${JSON.stringify(session.sites)}`)
    owner.useSite(siteId)
    const settings = await owner.settings.get()
    assert(settings.allowedOrigins.join() === 'https://shop.acme.example,https://www.acme.example', `origins: ${settings.allowedOrigins.join()}`)

    ;[...el.shadowRoot!.querySelector(SETUP)!.shadowRoot!.querySelectorAll('button')].find((b) => text(b) === 'Go to the inbox')!.click()
    await signedIn(el)
    assert((location.hash as string) === '#inbox', `the inbox: ${location.hash}`)
    assert(q(el, 'lcd-inbox'), 'the inbox is shown')
    assert((await new AgentClient({ url }).setup.state()).needed === false, 'set up')

    // The same link again: the server is set up; the page says so and offers the sign-in form.
    el.remove()
    location.hash = `#setup/${token}`
    const again = openDashboard(url)
    const alert = await find(again, SETUP, '[role=alert]')
    assert(/set up already/.test(text(alert)), `the reason: ${text(alert)}`)
    assert(!q(again, SETUP, 'form'), 'no form')
    await axeCheck(again)
  })

  it('a link with a wrong token, and a page without one, say where the link is', async () => {
    const { url } = await setupServer()
    location.hash = '#setup/00000000-0000-4000-8000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
    const el = openDashboard(url)
    const alert = await find(el, SETUP, '[role=alert]')
    assert(/not valid/.test(text(alert)) && /server’s log/.test(text(alert)), `the reason: ${text(alert)}`)
    location.hash = '#setup'
    // The wrong token stays in memory for this page; a fresh page has none.
    el.remove()
    const fresh = openDashboard(url)
    const alert2 = await find(fresh, SETUP, '[role=alert]')
    assert(/Open the setup link from the server’s log/.test(text(alert2)), `the reason: ${text(alert2)}`)
    // The sign-in form of a server without accounts points at the setup link.
    ;(await find<HTMLButtonElement>(fresh, SETUP, 'button.primary')).click()
    const note = await find(fresh, 'lcd-login', '.note')
    assert(/no account yet/.test(text(note)), `the sign-in form says so: ${text(note)}`)
  })
})
