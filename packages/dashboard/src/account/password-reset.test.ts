// "Forgot password?" on the sign-in form and the reset link's screen, against a real server that
// sends the email to a real local SMTP server: by keyboard, the token never left in the address
// bar, every old session ended, signed in with the new password.
import { sendKeys } from '@web/test-runner-commands'
import { AgentClient, LiveChatError } from '@live-chat/sdk'
import { assert, axeCheck, cleanup, createSite, waitFor } from '../../../../test/browser/helpers.js'
import { find, focused, q, text } from '../../../../test/browser/dom.js'
import { linkIn, mailServer, openDashboard, signedIn } from '../../../../test/browser/accounts.js'
import '../index.js'

const NEW_PASSWORD = 'a brand new passphrase'

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return LiveChatError.from(e).code
  }
  return 'accepted'
}

describe('forgot password and the reset link', function () {
  // Whole flows: several sign-ins (each a deliberately slow password hash), emails, reconnects.
  this.timeout(60_000)
  beforeEach(() => history.replaceState(null, '', location.pathname))
  afterEach(() => {
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('asks for a link by keyboard; the link sets a new password, signs in with it and ends every other session', async () => {
    const url = await mailServer()
    const site = await createSite({ agents: 1 })
    const agent = site.agents[0]!
    // Another device, signed in before the reset.
    const other = new AgentClient({ url })
    await other.login(agent.email, agent.password)

    const el = openDashboard(url)
    const email = await find<HTMLInputElement>(el, 'lcd-login', 'input[name=email]')
    await axeCheck(el)
    email.focus()
    await sendKeys({ type: agent.email })
    // Email, password, Sign in, then "Forgot password?".
    for (let i = 0; i < 3; i++) await sendKeys({ press: 'Tab' })
    assert(text(focused()) === 'Forgot password?', `focus on: ${text(focused())}`)
    await sendKeys({ press: 'Enter' })
    const forgotEmail = await find<HTMLInputElement>(el, 'lcd-login', 'form input[name=email]')
    await waitFor(() => focused() === forgotEmail, 5_000, 'the email field focused')
    assert(forgotEmail.value === agent.email, `the typed email is kept: ${forgotEmail.value}`)
    assert(text(q(el, 'lcd-login', 'h2')) === 'Reset your password', 'the reset form')
    await axeCheck(el)
    await sendKeys({ press: 'Enter' })
    const sent = await find(el, 'lcd-login', '[role=status]')
    assert(text(sent).includes(agent.email) && text(sent).includes('30 minutes'), `the answer: ${text(sent)}`)
    await axeCheck(el)

    const fragment = await linkIn(agent.email, 'reset')
    el.remove()
    location.hash = fragment
    const page = openDashboard(url)
    const password = await find<HTMLInputElement>(page, 'lcd-reset', 'input[name=password]')
    assert(location.hash === '#reset', `the token is gone from the address bar: ${location.hash}`)
    assert(!location.href.includes(fragment.slice('#reset/'.length)), 'nowhere in the URL')
    await waitFor(() => focused() === password, 5_000, 'the password field focused')
    await axeCheck(page)

    // Too short: the server's rule, said next to the field.
    await sendKeys({ type: 'short' })
    await sendKeys({ press: 'Enter' })
    // The browser's own check (minlength) stops it first: nothing was sent, the field is invalid.
    assert(!password.validity.valid, 'a 5-character password is refused by the form')
    password.value = ''
    await sendKeys({ type: NEW_PASSWORD })
    await sendKeys({ press: 'Enter' })
    await signedIn(page)
    assert(page.agent?.id === agent.agentId, 'signed in as the agent')

    assert((await refused(other.me())) === 'unauthorized', 'the other device’s session ended')
    assert((await refused(new AgentClient({ url }).login(agent.email, agent.password))) === 'unauthorized', 'the old password is refused')
    const again = await new AgentClient({ url }).login(agent.email, NEW_PASSWORD)
    assert(!('twoFactor' in again) && again.user.email === agent.email, 'the new password signs in')
  })

  it('a used link, and a page without its token, say what to do instead of showing a form', async () => {
    const url = await mailServer()
    const site = await createSite({ agents: 1 })
    const agent = site.agents[0]!
    await new AgentClient({ url }).account.forgotPassword(agent.email)
    const fragment = await linkIn(agent.email, 'reset')
    await new AgentClient({ url }).account.resetPassword(fragment.slice('#reset/'.length), NEW_PASSWORD)

    location.hash = fragment
    const el = openDashboard(url)
    const password = await find<HTMLInputElement>(el, 'lcd-reset', 'input[name=password]')
    password.value = 'another long passphrase'
    password.form!.requestSubmit()
    const alert = await find(el, 'lcd-reset', '[role=alert]')
    assert(/works once, for 30 minutes/.test(text(alert)), `the reason: ${text(alert)}`)
    await axeCheck(el)
    ;(await find<HTMLButtonElement>(el, 'lcd-reset', 'button.primary')).click()
    await find(el, 'lcd-login', 'form')
    assert(location.hash === '#inbox', `back to the sign-in form: ${location.hash}`)

    // A reload after the token was read: the page no longer has it.
    location.hash = '#reset'
    const alert2 = await find(el, 'lcd-reset', '[role=alert]')
    assert(/Open the link from the password-reset email again/.test(text(alert2)), `the reason: ${text(alert2)}`)
    assert(!q(el, 'lcd-reset', 'form'), 'no form')
  })
})
