// Accepting an invitation from its email (sent to a real local SMTP server): the screen says who
// invited whom, to which agency, sites and role; the invitee sets name and password and lands
// signed in on the site; the link works once.
import { sendKeys } from '@web/test-runner-commands'
import { AgentClient, type InvitationSent } from '@live-chat/sdk'
import { assert, axeCheck, cleanup, createAgency, waitFor } from '../../../../test/browser/helpers.js'
import { find, focused, q, qa, text } from '../../../../test/browser/dom.js'
import { api, linkIn, mailServer, openDashboard, signedIn } from '../../../../test/browser/accounts.js'
import '../index.js'

const INVITE = 'lcd-invite'

describe('accepting an invitation', function () {
  // Whole flows: several sign-ins (each a deliberately slow password hash), emails, reconnects.
  this.timeout(60_000)
  beforeEach(() => history.replaceState(null, '', location.pathname))
  afterEach(() => {
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('shows the invitation, takes name and password by keyboard and lands signed in on the site; the link then works no more', async () => {
    const url = await mailServer()
    const agency = await createAgency({ sites: 2 })
    const owner = new AgentClient({ url })
    await owner.login(agency.owner.email, agency.owner.password)
    const email = `ivy-${crypto.randomUUID().slice(0, 8)}@example.test`
    const site = agency.sites[1]!
    const sent = await api<InvitationSent>(url, owner.token!, 'POST', '/api/agency/invitations', { email, sites: [{ siteId: site.siteId, role: 'agent' }] })
    assert(sent.status === 201 && sent.body.emailed, `invited: ${JSON.stringify(sent.body)}`)

    const fragment = await linkIn(email, 'invite')
    location.hash = fragment
    const el = openDashboard(url)
    const name = await find<HTMLInputElement>(el, INVITE, 'input[name=name]')
    assert(location.hash === '#invite', `the token is gone from the address bar: ${location.hash}`)
    assert(text(q(el, INVITE, 'h2')) === `Join ${agency.agencyName} on Live Chat`, `the title: ${text(q(el, INVITE, 'h2'))}`)
    const who = text(q(el, INVITE, '.who'))
    assert(who.includes(agency.owner.name) && who.includes('as a member'), `who invited, as what: ${who}`)
    assert(text(q(el, INVITE, 'ul.sites')) === `${site.name} (agent)`, `the site and role: ${text(q(el, INVITE, 'ul.sites'))}`)
    assert(q<HTMLInputElement>(el, INVITE, 'input[name=email]')!.value === email && q<HTMLInputElement>(el, INVITE, 'input[name=email]')!.readOnly, 'the email, read-only')
    await waitFor(() => focused() === name, 5_000, 'the name field focused')
    await axeCheck(el)

    await sendKeys({ type: 'Ivy Invitee' })
    await sendKeys({ press: 'Tab' })
    await sendKeys({ type: 'short' })
    // The server's rule, next to the field (the form leaves checking to the server).
    await sendKeys({ press: 'Enter' })
    const password = q<HTMLInputElement>(el, INVITE, 'input[name=password]')!
    await waitFor(() => password.getAttribute('aria-invalid') === 'true', 8_000, 'the password marked')
    assert(/at least 10 characters/.test(text(q(el, INVITE, '.field-err'))), `the reason: ${text(q(el, INVITE, '.field-err'))}`)
    await waitFor(() => focused() === password, 5_000, 'focus on the password')
    await axeCheck(el)
    password.value = ''
    await sendKeys({ type: 'ivy’s long passphrase' })
    await sendKeys({ press: 'Enter' })

    await signedIn(el)
    assert(el.client?.siteId === site.siteId, 'on the site of the invitation')
    assert(q(el, 'lcd-inbox'), 'in the inbox')
    assert(!q(el, 'select#site'), 'one site: no site switcher')
    const session = await new AgentClient({ url }).login(email, 'ivy’s long passphrase')
    assert(!('twoFactor' in session) && session.user.name === 'Ivy Invitee' && session.sites.map((s) => `${s.siteId}:${s.role}`).join() === `${site.siteId}:agent`, 'the account, on that site as agent')

    // Again: used.
    el.remove()
    location.hash = fragment
    const again = openDashboard(url)
    const alert = await find(again, INVITE, '[role=alert]')
    assert(/used already/.test(text(alert)), `the reason: ${text(alert)}`)
    assert(qa(again, INVITE, 'form').length === 0, 'no form')
    await axeCheck(again)
    owner.disconnect()
  })
})
