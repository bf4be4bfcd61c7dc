// "Your account" against the real server: changing the password (every other session ends, this
// one stays), the list of sessions with this device marked and "Sign out" for another one, and
// what a dashboard whose session was ended elsewhere shows; Sign out ends the session on the server.
import { sendKeys } from '@web/test-runner-commands'
import { AgentClient, LiveChatError, type AgentEvents } from '@live-chat/sdk'
import { assert, axeCheck, cleanup, createSite, waitFor } from '../../../../test/browser/helpers.js'
import { fill, find, focused, q, qa, text } from '../../../../test/browser/dom.js'
import { dashboardOf, openDashboard, signedIn, submitSignIn } from '../../../../test/browser/accounts.js'
import '../index.js'

const A = 'lcd-account'
const S = [A, 'lcd-account-sessions']

/** Another device of the agent: signed in over the SDK and connected to the site; resolves its `signed-out` event. */
async function otherDevice(url: string, siteId: string, email: string, password: string) {
  const client = new AgentClient({ url })
  const session = await client.login(email, password)
  assert(!('twoFactor' in session), 'no second factor')
  await client.connect(siteId)
  const signedOut = new Promise<AgentEvents['signed-out']>((resolve) => client.once('signed-out', resolve))
  return { client, session, signedOut }
}

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'accepted',
    (e: unknown) => LiveChatError.from(e).code,
  )
}

describe('<lcd-account>', function () {
  // Whole flows: several sign-ins (each a deliberately slow password hash), emails, reconnects.
  this.timeout(60_000)
  beforeEach(() => history.replaceState(null, '', location.pathname))
  afterEach(() => {
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('lists the sessions with this device marked, and signs another device out by keyboard', async () => {
    const site = await createSite({ agents: 1 })
    const agent = site.agents[0]!
    const other = await otherDevice(site.url, site.siteId, agent.email, agent.password)
    const el = await dashboardOf(site.url, agent.email, agent.password)

    // The header's name leads to the account page.
    const link = q<HTMLAnchorElement>(el, '.me a[href="#account"]')
    assert(link && text(link).startsWith(agent.name), `the account link: ${text(link)}`)
    link.click()
    await waitFor(() => q(el, '.me a[href="#account"]')?.getAttribute('aria-current') === 'page', 5_000, 'the link marked current')
    // The fixture's own session is listed too: three in all.
    const rows = await waitFor(() => (qa(el, ...S, 'tbody tr').length === 3 ? qa(el, ...S, 'tbody tr') : null), 8_000, 'three sessions')
    const mine = rows.find((r) => r.getAttribute('aria-current') === 'true')!
    assert(rows[0] === mine, 'this device first')
    assert(mine.getAttribute('data-session') === (await el.client!.me()).sessionId, 'the current one is this dashboard’s')
    assert(text(mine).includes('This device'), `this device is marked: ${text(mine)}`)
    assert(!mine.querySelector('button'), 'no Sign out for this device')
    const theirs = rows.find((r) => r.getAttribute('data-session') === other.session.sessionId)
    assert(theirs, 'the other device is listed by its session id')
    assert(text(theirs).includes('127.0.0.1'), `its IP address: ${text(theirs)}`)
    await axeCheck(el)

    const button = theirs.querySelector<HTMLButtonElement>('button')!
    assert(/^Sign out .+, last active /.test(button.getAttribute('aria-label') ?? ''), `named for the device: ${button.getAttribute('aria-label')}`)
    button.focus()
    await sendKeys({ press: 'Enter' })
    const ended = await other.signedOut
    assert(ended.reason === 'revoked' && ended.error.code === 'unauthorized', 'the other device is told at once')
    assert(other.client.token === null && !other.client.connected, 'and stops')
    await waitFor(() => qa(el, ...S, 'tbody tr').length === 2, 8_000, 'the row gone')
    assert(!q(el, ...S, `tr[data-session="${other.session.sessionId}"]`), 'the other device is no longer listed')
    assert(text(q(el, ...S, '[role=status]')).startsWith('Signed out'), 'the change is announced')
    assert((await code(el.client!.me())) === 'accepted', 'this session goes on')
  })

  it('changes the password: a wrong current one is said; then every other session ends and this one stays', async () => {
    const site = await createSite({ agents: 1 })
    const agent = site.agents[0]!
    const other = await otherDevice(site.url, site.siteId, agent.email, agent.password)
    location.hash = '#account'
    const el = openDashboard(site.url)
    await submitSignIn(el, agent.email, agent.password)
    const current = await find<HTMLInputElement>(el, A, 'input[name=currentPassword]')
    const next = await find<HTMLInputElement>(el, A, 'input[name=newPassword]')
    await axeCheck(el)

    current.focus()
    await sendKeys({ type: 'not the password' })
    await sendKeys({ press: 'Tab' })
    assert(focused() === next, 'Tab goes to the new password')
    await sendKeys({ type: 'my new long passphrase' })
    await sendKeys({ press: 'Enter' })
    const alert = await find(el, A, '[role=alert]')
    assert(text(alert) === 'The current password is not right.', `the error: ${text(alert)}`)
    await axeCheck(el)

    fill(current, agent.password)
    current.form!.requestSubmit()
    await waitFor(() => text(q(el, A, '.ok[role=status]')).startsWith('Password changed'), 8_000, 'the confirmation')
    const ended = await other.signedOut
    assert(ended.error.code === 'unauthorized', 'the other device was signed out')
    assert((await code(el.client!.me())) === 'accepted', 'this session stays')
    assert(current.value === '' && next.value === '', 'the form is cleared')
    const fresh = await new AgentClient({ url: site.url }).login(agent.email, 'my new long passphrase')
    assert(!('twoFactor' in fresh), 'the new password signs in')
  })

  it('a dashboard whose session is ended elsewhere goes back to the sign-in form and says why; Sign out ends it on the server', async () => {
    const site = await createSite({ agents: 1 })
    const agent = site.agents[0]!
    const el = await dashboardOf(site.url, agent.email, agent.password)
    const token = el.client!.token!
    const elsewhere = new AgentClient({ url: site.url })
    await elsewhere.login(agent.email, agent.password)
    await elsewhere.account.endSession((await el.client!.me()).sessionId)

    const notice = await find(el, 'lcd-login', '.note[role=alert]')
    assert(/signed out/i.test(text(notice)), `the reason: ${text(notice)}`)
    await axeCheck(el)
    assert((await code(new AgentClient({ url: site.url, token }).me())) === 'unauthorized', 'the old token is refused')

    // Signing in again clears the message; Sign out then ends that session on the server too.
    await submitSignIn(el, agent.email, agent.password)
    await signedIn(el)
    const second = el.client!.token!
    ;[...el.shadowRoot!.querySelectorAll('button')].find((b) => text(b) === 'Sign out')!.click()
    const form = await find(el, 'lcd-login', 'form')
    assert(!form.querySelector('.note'), 'no message after a sign-out of one’s own')
    await waitFor(async () => (await code(new AgentClient({ url: site.url, token: second }).me())) === 'unauthorized', 5_000, 'the token refused after Sign out')
    elsewhere.disconnect()
  })
})
