import { sendKeys } from '@web/test-runner-commands'
import { assert, axeCheck, cleanup, createAgency, mount, personClient, waitFor, type TestAgency } from '../../../../test/browser/helpers.js'
import { fill, find, focused, q, qa, text } from '../../../../test/browser/dom.js'
import type { AgentClient } from '@live-chat/sdk'
import type { LcdInvitations } from './invitations.js'
import './invitations.js'

async function mountInvitations(agency: TestAgency, agencyAdmin = true): Promise<{ el: LcdInvitations; client: AgentClient }> {
  const client = await personClient(agency)
  const el = document.createElement('lcd-invitations')
  el.client = client
  el.sites = agency.sites.map((s) => ({ id: s.siteId, name: s.name }))
  el.agencyAdmin = agencyAdmin
  el.server = agency.url
  mount(el)
  await el.updateComplete
  return { el, client }
}

/** The token in an invitation link (`…/dashboard/#invite/<token>`). */
const tokenOf = (link: string) => decodeURIComponent(link.split('#invite/')[1] ?? '')

/** What the public lookup says of a link: its status. */
async function lookup(agency: TestAgency, link: string): Promise<number> {
  const res = await fetch(`${agency.url}/api/invitations/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokenOf(link) }) })
  return res.status
}

function pickSite(el: LcdInvitations, siteId: string, role: 'agent' | 'admin'): void {
  const box = q<HTMLInputElement>(el, `input[name="site"][value="${siteId}"]`)!
  if (!box.checked) box.click()
  fill(box.closest('.site-pick')!.querySelector<HTMLSelectElement>('select')!, role)
}

describe('<lcd-invitations>', () => {
  afterEach(() => cleanup())

  it('invites by email to a site with its role; without email on the server shows the link to hand over; lists, resends and revokes it', async () => {
    const agency = await createAgency({ sites: 2 })
    const site = agency.sites[1]!
    const { el, client } = await mountInvitations(agency)
    const email = await find<HTMLInputElement>(el, 'input[name="email"]')
    await find(el, 'p.muted')
    await axeCheck(el)

    // No site chosen: said so, nothing sent.
    fill(email, 'new.agent@example.test')
    q<HTMLButtonElement>(el, 'form button[type="submit"]')!.click()
    await find(el, '.field-err[data-path="sites"]')
    assert((await client.invitations.list()).length === 0, 'nothing sent')

    pickSite(el, site.siteId, 'admin')
    q<HTMLButtonElement>(el, 'form button[type="submit"]')!.click()
    const note = await find(el, '.box')
    assert(text(note).includes('The invitation was not emailed'), `says it was not emailed: ${text(note)}`)
    const link = text(q(el, '.box code.link'))
    assert(link.startsWith(`${agency.url}/dashboard/#invite/`), `the link: ${link}`)
    assert((await lookup(agency, link)) === 200, 'the link works')
    q<HTMLButtonElement>(el, '.box .copy button')!.click()
    await waitFor(() => /Copied|Selected/.test(text(q(el, '.box .copy .muted'))), 3_000, 'copied (or selected for Ctrl+C)')
    await axeCheck(el)

    const [invitation] = await client.invitations.list()
    assert(invitation && invitation.email === 'new.agent@example.test' && invitation.role === 'member', `the invitation: ${JSON.stringify(invitation)}`)
    assert(invitation.sites.length === 1 && invitation.sites[0]!.siteId === site.siteId && invitation.sites[0]!.role === 'admin', `its site: ${JSON.stringify(invitation.sites)}`)
    const row = await find(el, `tr[data-invitation="${invitation.id}"]`)
    assert(text(row).includes(`${site.name} · Admin`) && text(row).includes(agency.owner.name), `the row: ${text(row)}`)

    // Resend: a new link, and the old one stops working.
    q<HTMLButtonElement>(el, `button[data-resend="${invitation.id}"]`)!.click()
    await waitFor(() => text(q(el, '.box code.link')) !== link && text(q(el, '.box')).includes('not emailed'), 8_000, 'the new link')
    const fresh = text(q(el, '.box code.link'))
    await waitFor(() => focused() === q(el, '.box .copy button'), 3_000, 'the focus on Copy link')
    assert((await lookup(agency, link)) >= 400 && (await lookup(agency, fresh)) === 200, 'only the new link works')

    // Revoke, by keyboard: the dialog, Tab to Revoke, Enter.
    q<HTMLButtonElement>(el, `button[data-revoke="${invitation.id}"]`)!.focus()
    await sendKeys({ press: 'Enter' })
    const dialog = await find<HTMLDialogElement>(el, 'lcd-confirm-dialog', 'dialog[open]')
    assert(text(q(el, 'lcd-confirm-dialog')).includes('new.agent@example.test'), 'the dialog names the email')
    await sendKeys({ press: 'Tab' })
    await sendKeys({ press: 'Enter' })
    await waitFor(() => !dialog.open && !q(el, `tr[data-invitation="${invitation.id}"]`), 8_000, 'revoked')
    assert(focused() === q(el, 'input[name="email"]'), 'focus back to the form when the list is empty')
    assert((await lookup(agency, fresh)) >= 400, 'the link no longer works')
    assert((await client.invitations.list()).length === 0, 'none pending')
  })

  it('an agency admin invitation needs no sites; an email already in the agency is given access at once', async () => {
    const agency = await createAgency({ sites: 2, members: 1 })
    const member = agency.members[0]!
    const { el, client } = await mountInvitations(agency)
    fill(await find<HTMLInputElement>(el, 'input[name="email"]'), 'boss@example.test')
    fill(q<HTMLSelectElement>(el, 'select[name="role"]')!, 'admin')
    await el.updateComplete
    assert(!q(el, 'input[name="site"]'), 'no sites to choose for an agency admin')
    assert(text(q(el, '#role-hint')).includes('manages every site'), 'the role is explained')
    q<HTMLButtonElement>(el, 'form button[type="submit"]')!.click()
    await find(el, '.box code.link')
    const admin = (await client.invitations.list()).find((i) => i.email === 'boss@example.test')
    assert(admin?.role === 'admin' && admin.sites.length === 0, `an agency admin invitation: ${JSON.stringify(admin)}`)
    await waitFor(() => text(q(el, `tr[data-invitation="${admin.id}"]`)).includes('Agency admin'), 8_000, 'listed as agency admin')

    q<HTMLButtonElement>(el, '.box button.link')!.click()
    fill(q<HTMLInputElement>(el, 'input[name="email"]')!, member.email)
    pickSite(el, agency.sites[1]!.siteId, 'agent')
    q<HTMLButtonElement>(el, 'form button[type="submit"]')!.click()
    await waitFor(() => text(q(el, '.box')).includes('given access at once'), 8_000, 'added at once')
    const sites = (await (await personClient(agency, member, { connect: false })).me()).sites.map((s) => s.siteId)
    assert(sites.includes(agency.sites[1]!.siteId), `the member is on the second site: ${sites.join()}`)
  })

  it('for a site admin: one site, ticked, and no agency role to choose', async () => {
    const agency = await createAgency({ sites: 1 })
    const client = await personClient(agency)
    const el = document.createElement('lcd-invitations')
    el.client = client
    el.sites = [{ id: agency.sites[0]!.siteId, name: '' }]
    mount(el)
    const box = await find<HTMLInputElement>(el, 'input[name="site"]')
    assert(box.checked && !q(el, 'select[name="role"]'), 'the one site is ticked; no agency role')
    assert(text(box.closest('label')) === 'This site', `named: ${text(box.closest('label'))}`)
    assert(qa(el, 'input[name="site"]').length === 1, 'only that site')
    await axeCheck(el)
  })
})
