import { sendKeys } from '@web/test-runner-commands'
import { assert, axeCheck, cleanup, createAgency, mount, personClient, waitFor, type TestAgency } from '../../../../test/browser/helpers.js'
import { fill, find, focused, q, text } from '../../../../test/browser/dom.js'
import type { AgentClient } from '@live-chat/sdk'
import type { LcdAdmin } from './admin.js'
import './admin.js'
import '../settings/settings.js'

/** <lcd-admin> as the dashboard gives it to the agency's owner, at `#admin/<path>`. */
async function mountAdmin(agency: TestAgency, path: string, client?: AgentClient): Promise<{ el: LcdAdmin; client: AgentClient }> {
  client ??= await personClient(agency)
  const el = document.createElement('lcd-admin')
  el.client = client
  el.server = agency.url
  el.userId = agency.owner.userId
  el.agencyName = agency.agencyName
  el.path = path
  mount(el)
  await el.updateComplete
  return { el, client }
}

const S = 'lcd-admin-sites'
const ONE = [S, 'lcd-admin-site']

describe('<lcd-admin> sites', () => {
  afterEach(() => {
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('lists the sites, adds one with its domains and opens it with its snippet; renames it and sets its domains', async () => {
    const agency = await createAgency({ sites: 1, members: 1, domains: ['https://first.example'] })
    const { el, client } = await mountAdmin(agency, 'sites')
    const row = await find(el, S, `tr[data-site="${agency.sites[0]!.siteId}"]`)
    assert(text(row).includes(agency.sites[0]!.name) && text(row).includes('https://first.example'), `the row: ${text(row)}`)
    // The owner (admin of every site) and the member.
    assert(text(row.querySelector('td.num')) === '2', `agents: ${text(row.querySelector('td.num'))}`)
    await axeCheck(el)

    fill(await find<HTMLInputElement>(el, S, 'input[name="name"]'), 'Acme shop')
    fill(await find<HTMLTextAreaElement>(el, S, 'textarea[name="domains"]'), 'shop.example\nhttps://www.shop.example/')
    ;(await find<HTMLButtonElement>(el, S, 'button[type="submit"]')).click()
    const heading = await find(el, ...ONE, '#site-h')
    await waitFor(() => text(heading) === 'Acme shop', 8_000, 'the new site’s page')
    const created = (await client.sites.list()).find((s) => s.name === 'Acme shop')
    assert(created, 'the site exists on the server')
    assert(created.domains.join() === 'https://shop.example,https://www.shop.example', `domains as origins: ${created.domains.join()}`)
    assert(location.hash === `#admin/sites/${created.id}`, `the URL names the site: ${location.hash}`)
    const snippet = await find<HTMLTextAreaElement>(el, ...ONE, 'lcd-settings-embed', '#snippet')
    assert(snippet.value.includes(`site-id="${created.id}"`) && snippet.value.includes(`${agency.url}/live-chat.js`), `snippet: ${snippet.value}`)

    // Rename, and one domain less plus a new one.
    fill(await find<HTMLInputElement>(el, ...ONE, 'input[name="name"]'), 'Acme store')
    fill(await find<HTMLTextAreaElement>(el, ...ONE, 'textarea[name="domains"]'), 'https://shop.example\nshop.example.org')
    ;(await find<HTMLButtonElement>(el, ...ONE, 'button[type="submit"]')).click()
    await waitFor(() => text(q(el, ...ONE, 'form [role="status"]')) === 'Saved', 8_000, 'Saved')
    const saved = await client.settings.get(created.id)
    assert(saved.name === 'Acme store' && saved.allowedOrigins.join() === 'https://shop.example,https://shop.example.org', `saved: ${JSON.stringify(saved)}`)
    await axeCheck(el)

    // A bad domain is refused and named next to the field.
    fill(await find<HTMLTextAreaElement>(el, ...ONE, 'textarea[name="domains"]'), 'https://shop.example/path')
    ;(await find<HTMLButtonElement>(el, ...ONE, 'button[type="submit"]')).click()
    const problem = await find(el, ...ONE, '.field-err')
    assert(text(problem).includes('https://shop.example/path'), `the error names the domain: ${text(problem)}`)
    assert(q(el, ...ONE, 'textarea[name="domains"]')?.getAttribute('aria-invalid') === 'true', 'the field is marked invalid')

    // Back to the list, which has the new name.
    q<HTMLAnchorElement>(el, ...ONE, 'a.back')!.click()
    await waitFor(() => text(q(el, S, `tr[data-site="${created.id}"] th`)) === 'Acme store', 8_000, 'the renamed site in the list')
    // The name opens the site, from the keyboard too.
    q<HTMLAnchorElement>(el, S, `a[data-open="${created.id}"]`)!.focus()
    await sendKeys({ press: 'Enter' })
    await waitFor(() => text(q(el, ...ONE, '#site-h')) === 'Acme store', 8_000, 'the site by its name')
  })

  it('shows the identity secret only on request, copies it, and rotates it with the chosen grace period', async () => {
    const agency = await createAgency({ sites: 1 })
    const siteId = agency.sites[0]!.siteId
    const { el, client } = await mountAdmin(agency, `sites/${siteId}`)
    const secretEl = ['lcd-settings-embed', 'lcd-identity-secret']
    const show = await find<HTMLButtonElement>(el, ...ONE, ...secretEl, 'button.show')
    assert(!q(el, ...ONE, ...secretEl, 'code[aria-label="Identity secret"]'), 'hidden until Show')
    const before = await client.settings.identitySecret(siteId)
    assert(!(el.shadowRoot!.querySelector(S)?.shadowRoot?.textContent ?? '').includes(before.secret), 'the secret is nowhere on the page before Show')
    show.click()
    const code = await find(el, ...ONE, ...secretEl, 'code[aria-label="Identity secret"]')
    assert(text(code) === before.secret, 'the secret is shown')
    await axeCheck(el)

    // Rotate with 7 days of grace: explained in the dialog, the old one accepted until then.
    fill(await find<HTMLSelectElement>(el, ...ONE, ...secretEl, 'select[name="grace"]'), '168')
    q<HTMLButtonElement>(el, ...ONE, ...secretEl, 'button.rotate')!.click()
    const dialog = await find<HTMLDialogElement>(el, ...ONE, ...secretEl, 'lcd-confirm-dialog', 'dialog[open]')
    const body = text(q(el, ...ONE, ...secretEl, 'lcd-confirm-dialog'))
    assert(body.includes('still accepted for 7 days'), `the dialog says how long: ${body}`)
    await axeCheck(el)
    ;(dialog.querySelector('button.confirm') as HTMLButtonElement).click()
    await waitFor(() => text(q(el, ...ONE, ...secretEl, 'code[aria-label="Identity secret"]')) !== before.secret, 8_000, 'the new secret')
    const after = await client.settings.identitySecret(siteId)
    assert(after.secret !== before.secret && text(q(el, ...ONE, ...secretEl, 'code[aria-label="Identity secret"]')) === after.secret, 'the new secret is shown')
    const days = (Date.parse(after.previousValidUntil ?? '') - Date.now()) / 86_400_000
    assert(days > 6.9 && days <= 7, `the old secret is accepted for 7 days: ${after.previousValidUntil}`)
    assert(text(q(el, ...ONE, ...secretEl, 'section')).includes('previous secret is still accepted until'), 'the grace period is shown')
  })

  it('deletes a site only once its name is typed, by keyboard alone, and says what goes with it', async () => {
    const agency = await createAgency({ sites: 2 })
    const [keep, doomed] = agency.sites as [TestAgency['sites'][0], TestAgency['sites'][0]]
    const { el, client } = await mountAdmin(agency, `sites/${doomed.siteId}`)
    const del = await find<HTMLButtonElement>(el, ...ONE, 'button#delete')
    del.focus()
    await sendKeys({ press: 'Enter' })
    const dialog = await find<HTMLDialogElement>(el, ...ONE, 'lcd-confirm-dialog', 'dialog[open]')
    const says = text(q(el, ...ONE, 'lcd-confirm-dialog'))
    assert(says.includes(`Every conversation, visitor and file of ${doomed.name} is deleted at once`), `the dialog is plain about the data: ${says}`)
    await axeCheck(el)
    const confirm = dialog.querySelector<HTMLButtonElement>('button.confirm')!
    assert(confirm.disabled, 'nothing typed: the button does nothing')
    // Focus starts in the name field; Escape closes and gives the focus back.
    assert(focused() === dialog.querySelector('input[name="confirm"]'), `focus in the name field: ${focused()?.outerHTML}`)
    await sendKeys({ press: 'Escape' })
    await waitFor(() => !dialog.open, 3_000, 'the dialog closed')
    assert(focused() === del, 'focus back on Delete site…')
    assert((await client.sites.list()).some((s) => s.id === doomed.siteId), 'cancel deletes nothing')

    await sendKeys({ press: 'Enter' })
    await waitFor(() => dialog.open, 3_000, 'the dialog again')
    await sendKeys({ type: `${doomed.name.slice(0, -1)}` })
    assert(confirm.disabled, 'a name that is not quite it: still nothing')
    await sendKeys({ type: doomed.name.slice(-1) })
    await waitFor(() => !confirm.disabled, 3_000, 'the button works with the full name')
    await sendKeys({ press: 'Enter' })
    await waitFor(() => q(el, S, `tr[data-site="${keep.siteId}"]`), 8_000, 'back on the list')
    assert(!q(el, S, `tr[data-site="${doomed.siteId}"]`), 'the deleted site is not listed')
    const left = await client.sites.list()
    assert(left.length === 1 && left[0]!.id === keep.siteId, `the server has the other site only: ${left.map((s) => s.name).join()}`)
    await client.settings.get(doomed.siteId).then(
      () => assert(false, 'the deleted site still answers'),
      (e: { code?: string }) => assert(e.code === 'not_found' || e.code === 'forbidden', `the deleted site is gone: ${e.code}`),
    )
  })
})

describe('<lcd-settings> Embed: the identity secret for site admins', () => {
  afterEach(() => cleanup())

  async function mountSettings(agency: TestAgency, client: AgentClient, userId: string): Promise<HTMLElement> {
    const agents = await client.agents.list()
    const el = document.createElement('lcd-settings')
    el.client = client
    el.me = agents.find((a) => a.userId === userId)!
    el.agents = agents
    el.server = agency.url
    el.tab = 'embed'
    mount(el)
    await el.updateComplete
    return el
  }

  it('a site admin (not an agency admin) sees and copies it; an agent is told who can', async () => {
    const agency = await createAgency({ sites: 1, members: 2 })
    const [siteAdmin, agent] = agency.members as [TestAgency['members'][0], TestAgency['members'][0]]
    const owner = await personClient(agency)
    await owner.agents.update(siteAdmin.agentId, { role: 'admin' })
    const adminClient = await personClient(agency, siteAdmin)
    const el = await mountSettings(agency, adminClient, siteAdmin.userId)
    const show = await find<HTMLButtonElement>(el, 'lcd-settings-embed', 'lcd-identity-secret', 'button.show')
    show.click()
    const code = await find(el, 'lcd-settings-embed', 'lcd-identity-secret', 'code[aria-label="Identity secret"]')
    assert(text(code) === (await owner.settings.identitySecret()).secret, 'the site’s secret')
    await axeCheck(el)
    cleanup()

    const agentEl = await mountSettings(agency, await personClient(agency, agent), agent.userId)
    await find(agentEl, 'lcd-settings-embed', '#snippet')
    assert(!q(agentEl, 'lcd-settings-embed', 'lcd-identity-secret'), 'no secret for an agent')
    assert(text(q(agentEl, 'lcd-settings-embed', '#id-h + p + p')).includes('Site admins see the identity secret here'), 'told who can')
  })
})
