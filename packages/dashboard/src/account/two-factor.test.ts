// Two-factor sign-in in the dashboard, against the real server: turned on in "Your account" (the
// server's QR code shown as an image, the key as text, the recovery codes once), then asked for
// at sign-in (a code from the app or a recovery code); enrolment at sign-in when the agency
// requires it; new recovery codes and turning it off with the password.
import { sendKeys } from '@web/test-runner-commands'
import { AgentClient } from '@live-chat/sdk'
import { assert, axeCheck, cleanup, createAgency, createSite, nextDownload, waitFor } from '../../../../test/browser/helpers.js'
import { fill, find, focused, q, qa, text } from '../../../../test/browser/dom.js'
import { api, dashboardOf, openDashboard, signedIn, submitSignIn, totp } from '../../../../test/browser/accounts.js'
import type { LiveChatDashboard } from '../live-chat-dashboard.js'
import '../index.js'

const TF = ['lcd-account', 'lcd-account-two-factor']

/** Turns two-factor sign-in on from the open account page; gives the key and the recovery codes. */
async function turnOn(el: LiveChatDashboard): Promise<{ secret: string; codes: string[] }> {
  ;(await find<HTMLButtonElement>(el, ...TF, 'button.primary')).click()
  const img = await find<HTMLImageElement>(el, ...TF, 'img.qr')
  assert(img.src.startsWith('data:image/svg+xml'), `the QR code is an image of the server’s SVG: ${img.src.slice(0, 40)}`)
  assert(img.alt.length > 0, 'the QR code has a text alternative')
  await waitFor(() => img.complete && img.naturalWidth > 0, 5_000, 'the QR image decoded')
  assert(!q(el, ...TF, 'svg'), 'no SVG markup is put into the page')
  const secret = text(q(el, ...TF, 'code.key')).replace(/\s/g, '')
  assert(/^[A-Z2-7]{16,}$/.test(secret), `the key as text: ${secret}`)
  const code = await find<HTMLInputElement>(el, ...TF, 'input.code')
  await waitFor(() => focused() === code, 5_000, 'the code field focused')
  await axeCheck(el)
  await sendKeys({ type: await totp(secret) })
  await sendKeys({ press: 'Enter' })
  await find(el, ...TF, 'lcd-recovery-codes')
  const codes = qa(el, ...TF, 'lcd-recovery-codes', 'li code').map((c) => text(c))
  assert(codes.length === 10, `ten recovery codes: ${codes.join(' ')}`)
  return { secret, codes }
}

async function signOut(el: LiveChatDashboard): Promise<void> {
  ;[...el.shadowRoot!.querySelectorAll('button')].find((b) => text(b) === 'Sign out')!.click()
  await find(el, 'lcd-login', 'form')
}

describe('two-factor sign-in', function () {
  // Whole flows: several sign-ins (each a deliberately slow password hash), emails, reconnects.
  this.timeout(60_000)
  beforeEach(() => history.replaceState(null, '', location.pathname))
  afterEach(() => {
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('is turned on in Your account, then sign-in asks for the app’s code or a recovery code', async () => {
    const site = await createSite({ agents: 1 })
    const agent = site.agents[0]!
    const el = await dashboardOf(site.url, agent.email, agent.password)
    location.hash = '#account'
    await find(el, ...TF, 'button.primary')
    assert(text(q(el, ...TF, '.status')).startsWith('Off'), 'off at first')
    await axeCheck(el)

    const { secret, codes } = await turnOn(el)
    const download = nextDownload()
    ;[...qa<HTMLButtonElement>(el, ...TF, 'lcd-recovery-codes', 'button')].find((b) => text(b) === 'Download')!.click()
    const file = await download
    assert(file.name === 'live-chat-recovery-codes.txt', `file: ${file.name}`)
    const content = await file.text()
    assert(codes.every((c) => content.includes(c)), 'the file holds every code')
    await axeCheck(el)
    ;[...qa<HTMLButtonElement>(el, ...TF, 'button')].find((b) => text(b) === 'I have saved them')!.click()
    await waitFor(() => text(q(el, ...TF, '.status')).startsWith('On'), 5_000, 'on')
    assert(!q(el, ...TF, 'lcd-recovery-codes'), 'the codes are not shown again')

    // Sign-in now has a second step. A wrong code first, by keyboard.
    await signOut(el)
    await submitSignIn(el, agent.email, agent.password)
    const code = await find<HTMLInputElement>(el, 'lcd-login', 'lcd-second-factor', 'input[name=code]')
    await waitFor(() => focused() === code, 5_000, 'the code field focused')
    await axeCheck(el)
    const good = await totp(secret)
    await sendKeys({ type: good === '000000' ? '111111' : '000000' })
    await sendKeys({ press: 'Enter' })
    const wrong = await find(el, 'lcd-login', 'lcd-second-factor', '[role=alert]')
    assert(/not right/.test(text(wrong)), `the error: ${text(wrong)}`)
    assert(code.getAttribute('aria-invalid') === 'true', 'the field is marked')
    await axeCheck(el)

    // A recovery code instead.
    ;[...qa<HTMLButtonElement>(el, 'lcd-login', 'lcd-second-factor', 'button')].find((b) => text(b) === 'Use a recovery code instead')!.click()
    const recovery = await find<HTMLInputElement>(el, 'lcd-login', 'lcd-second-factor', 'input[name=recoveryCode]')
    fill(recovery, codes[3]!)
    recovery.form!.requestSubmit()
    await signedIn(el)
    assert(el.agent?.id === agent.agentId, 'signed in')

    // And the app's code (the next one: the code that turned it on cannot be used twice).
    await signOut(el)
    await submitSignIn(el, agent.email, agent.password)
    const code2 = await find<HTMLInputElement>(el, 'lcd-login', 'lcd-second-factor', 'input[name=code]')
    fill(code2, await totp(secret, Date.now() + 30_000))
    code2.form!.requestSubmit()
    await signedIn(el)

    // The recovery code used above works only once.
    const sdk = new AgentClient({ url: site.url })
    const step = await sdk.login(agent.email, agent.password)
    assert('twoFactor' in step && step.twoFactor === 'required', 'the API asks for the second step too')
    const reused = await sdk.loginTwoFactor(step.challenge, { recoveryCode: codes[3]! }).then(
      () => 'accepted',
      (e: { code: string }) => e.code,
    )
    assert(reused === 'unauthorized', `a used recovery code is refused: ${reused}`)
  })

  it('when the agency requires it, a member without it enrols at sign-in and lands signed in', async () => {
    const agency = await createAgency({ sites: 1, members: 1 })
    const owner = new AgentClient({ url: agency.url })
    await owner.login(agency.owner.email, agency.owner.password)
    const required = await api(agency.url, owner.token!, 'PATCH', '/api/agency', { requireTwoFactor: true })
    assert(required.status === 200, `required: ${JSON.stringify(required.body)}`)
    owner.disconnect()

    const member = agency.members[0]!
    const el = openDashboard(agency.url)
    await submitSignIn(el, member.email, member.password)
    const SF = ['lcd-login', 'lcd-second-factor']
    await waitFor(() => text(q(el, ...SF, 'h2')) === 'Set up two-factor sign-in', 10_000, 'the enrolment')
    const img = await find<HTMLImageElement>(el, ...SF, 'img.qr')
    assert(img.src.startsWith('data:image/svg+xml'), 'the QR code as an image')
    const secret = text(q(el, ...SF, 'code.key')).replace(/\s/g, '')
    const code = await find<HTMLInputElement>(el, ...SF, 'input.code')
    await waitFor(() => focused() === code, 5_000, 'the code field focused')
    await axeCheck(el)
    await sendKeys({ type: '12345' })
    await sendKeys({ press: 'Enter' })
    const short = await find(el, ...SF, '[role=alert]')
    assert(/6 digits/.test(text(short)), `asks for six digits: ${text(short)}`)
    code.value = ''
    await sendKeys({ type: await totp(secret) })
    await sendKeys({ press: 'Enter' })
    await find(el, ...SF, 'lcd-recovery-codes')
    assert(qa(el, ...SF, 'lcd-recovery-codes', 'li').length === 10, 'ten recovery codes, once')
    await axeCheck(el)
    ;(await find<HTMLButtonElement>(el, ...SF, 'button.primary')).click()
    await signedIn(el)
    assert(el.agent?.id === member.agentId, 'signed in as the member')

    // Required by the agency: it cannot be turned off here.
    location.hash = '#account'
    await waitFor(() => text(q(el, ...TF, '.status')).startsWith('On'), 8_000, 'shown as on')
    assert(qa(el, ...TF, 'p').some((p) => /requires two-factor/.test(text(p))), 'says the agency requires it')
    assert(![...qa(el, ...TF, 'button')].some((b) => text(b) === 'Turn off'), 'no Turn off')
  })

  it('makes new recovery codes and turns off with the password; a wrong password is said', async () => {
    const site = await createSite({ agents: 1 })
    const agent = site.agents[0]!
    const el = await dashboardOf(site.url, agent.email, agent.password)
    location.hash = '#account'
    await find(el, ...TF, 'button.primary')
    const { codes } = await turnOn(el)
    ;[...qa<HTMLButtonElement>(el, ...TF, 'button')].find((b) => text(b) === 'I have saved them')!.click()

    const button = (label: string) => waitFor(() => qa<HTMLButtonElement>(el, ...TF, 'button').find((b) => text(b) === label), 5_000, label)
    ;(await button('New recovery codes')).click()
    const password = await find<HTMLInputElement>(el, ...TF, 'input[name=password]')
    await waitFor(() => focused() === password, 5_000, 'the password field focused')
    await sendKeys({ type: 'not my password' })
    await sendKeys({ press: 'Enter' })
    const alert = await find(el, ...TF, '[role=alert]')
    assert(text(alert) === 'That password is not right.', `the error: ${text(alert)}`)
    await axeCheck(el)
    password.value = agent.password
    password.form!.requestSubmit()
    await find(el, ...TF, 'lcd-recovery-codes')
    const fresh = qa(el, ...TF, 'lcd-recovery-codes', 'li code').map((c) => text(c))
    assert(fresh.length === 10 && !fresh.some((c) => codes.includes(c)), 'ten new codes')
    ;(await button('I have saved them')).click()

    ;(await button('Turn off')).click()
    const confirm = await find<HTMLInputElement>(el, ...TF, 'input[name=password]')
    fill(confirm, agent.password)
    confirm.form!.requestSubmit()
    await waitFor(() => text(q(el, ...TF, '.status')).startsWith('Off'), 8_000, 'off')
    const back = await new AgentClient({ url: site.url }).login(agent.email, agent.password)
    assert(!('twoFactor' in back), 'the password alone signs in again')
  })
})
