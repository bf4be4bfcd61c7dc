// The Admin page in <live-chat-dashboard>: only agency owners and admins see it; its sections by
// URL hash and by keyboard; deleting the open site moves the dashboard to another.
import { sendKeys } from '@web/test-runner-commands'
import { assert, axeCheck, cleanup, createAgency, mount, personClient, waitFor, type TestAgency, type TestPerson } from '../../../../test/browser/helpers.js'
import { fill, find, focused, q, text } from '../../../../test/browser/dom.js'
import type { LiveChatDashboard } from '../live-chat-dashboard.js'
import '../index.js'

/** The dashboard signed in as `person` (with a token from the SDK) on `siteId`. */
async function dashboard(agency: TestAgency, person: TestPerson, siteId = agency.sites[0]!.siteId): Promise<LiveChatDashboard> {
  const token = (await personClient(agency, person, { connect: false })).token!
  const el = document.createElement('live-chat-dashboard')
  el.server = agency.url
  el.siteId = siteId
  el.token = token
  el.style.height = '700px'
  mount(el)
  await find(el, 'select#status')
  return el
}

const navLinks = (el: LiveChatDashboard) => [...el.shadowRoot!.querySelectorAll('nav a')].map((a) => text(a))

describe('<live-chat-dashboard> Admin', () => {
  beforeEach(() => history.replaceState(null, '', location.pathname))
  afterEach(() => {
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('is in the header for an agency owner; its sections follow the URL and the arrow keys', async () => {
    const agency = await createAgency({ sites: 1 })
    const el = await dashboard(agency, agency.owner)
    assert(navLinks(el).includes('Admin'), `nav: ${navLinks(el).join()}`)
    q<HTMLAnchorElement>(el, 'nav a[href="#admin"]')!.click()
    const tab = await find(el, 'lcd-admin', '[role="tab"][aria-selected="true"]')
    assert(text(tab) === 'Sites', `the first section: ${text(tab)}`)
    assert(q(el, 'nav a[href="#admin"]')?.getAttribute('aria-current') === 'page', 'the nav marks Admin')
    await find(el, 'lcd-admin', 'lcd-admin-sites', `tr[data-site="${agency.sites[0]!.siteId}"]`)
    assert(text(q(el, 'lcd-admin', 'h2')) === `${agency.agencyName}: administration`, 'the heading names the agency')
    await axeCheck(el)

    location.hash = '#admin/audit'
    await waitFor(() => text(q(el, 'lcd-admin', '[role="tab"][aria-selected="true"]')) === 'Audit log', 5_000, 'the audit section by URL')
    ;(q(el, 'lcd-admin', '[role="tab"][aria-selected="true"]') as HTMLElement).focus()
    await sendKeys({ press: 'ArrowRight' })
    await waitFor(() => text(q(el, 'lcd-admin', '[role="tab"][aria-selected="true"]')) === 'Sites', 5_000, 'wrapped around to Sites')
    assert(location.hash === '#admin/sites', `the URL follows: ${location.hash}`)
    assert(text(focused()) === 'Sites', 'the focus follows')
    await sendKeys({ press: 'ArrowRight' })
    await waitFor(() => location.hash === '#admin/team', 5_000, 'Team')
    await find(el, 'lcd-admin', 'lcd-admin-team', `tr[data-member="${agency.owner.userId}"]`)
    await sendKeys({ press: 'End' })
    await waitFor(() => location.hash === '#admin/audit', 5_000, 'End: the last section')
    await sendKeys({ press: 'Home' })
    await waitFor(() => location.hash === '#admin/sites', 5_000, 'Home: the first section')
  })

  it('is not there for an agency member, not even by URL', async () => {
    const agency = await createAgency({ sites: 1, members: 1 })
    history.replaceState(null, '', '#admin/team')
    const el = await dashboard(agency, agency.members[0]!)
    assert(!navLinks(el).includes('Admin'), `nav: ${navLinks(el).join()}`)
    await el.updateComplete
    assert(!q(el, 'lcd-admin'), 'no Admin page')
  })

  it('after deleting the site it has open, the dashboard opens the agency’s other site', async () => {
    const agency = await createAgency({ sites: 2 })
    const [open, other] = agency.sites as [TestAgency['sites'][0], TestAgency['sites'][0]]
    const el = await dashboard(agency, agency.owner, open.siteId)
    assert(el.client?.siteId === open.siteId, 'the first site is open')
    location.hash = `#admin/sites/${open.siteId}`
    const del = await find<HTMLButtonElement>(el, 'lcd-admin', 'lcd-admin-sites', 'lcd-admin-site', 'button#delete')
    del.click()
    const dialog = await find<HTMLDialogElement>(el, 'lcd-admin', 'lcd-admin-sites', 'lcd-admin-site', 'lcd-confirm-dialog', 'dialog[open]')
    fill(dialog.querySelector('input')!, open.name)
    await waitFor(() => !dialog.querySelector<HTMLButtonElement>('button.confirm')!.disabled, 3_000, 'the name typed')
    dialog.querySelector<HTMLButtonElement>('button.confirm')!.click()
    await waitFor(() => el.client?.siteId === other.siteId && el.agent?.siteId === other.siteId, 15_000, 'the other site open')
  })
})
