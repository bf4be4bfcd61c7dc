import { sendKeys } from '@web/test-runner-commands'
import { assert, axeCheck, cleanup, createAgency, mount, nextDownload, personClient, waitFor, type TestAgency } from '../../../../test/browser/helpers.js'
import { fill, find, q, qa, text } from '../../../../test/browser/dom.js'
import type { AgentClient } from '@live-chat/sdk'
import type { LcdAdminAudit } from './audit.js'
import './audit.js'

async function mountAudit(client: AgentClient, pageSize = 50): Promise<LcdAdminAudit> {
  const el = document.createElement('lcd-admin-audit')
  el.client = client
  el.pageSize = pageSize
  mount(el)
  await el.updateComplete
  return el
}

const actions = (el: LcdAdminAudit) => qa(el, 'tbody td.action code').map((c) => text(c))

async function apply(el: LcdAdminAudit, filters: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(filters)) fill(q<HTMLSelectElement | HTMLInputElement>(el, `[name="${name}"]`)!, value)
  const before = qa(el, 'tbody tr').map((r) => r.dataset.event).join()
  q<HTMLButtonElement>(el, 'form.filters button[type="submit"]')!.click()
  await waitFor(() => q(el, 'table')?.getAttribute('aria-busy') !== 'true' && (qa(el, 'tbody tr').map((r) => r.dataset.event).join() !== before || !q(el, 'table')), 8_000, 'the filtered log')
}

describe('<lcd-admin-audit>', () => {
  afterEach(() => cleanup())

  it('shows who did what, when and from where; filters by action group, person, site and dates; exports the filtered log as CSV', async () => {
    const agency = await createAgency({ sites: 1, members: 1 })
    const member = agency.members[0]!
    const client = await personClient(agency)
    await personClient(agency, member)
    const site = await client.sites.create({ name: 'Audit shop' })
    await client.apiKeys.create({ name: 'Audit key', scopes: ['sites:read'] })
    const el = await mountAudit(client)
    await waitFor(() => actions(el).includes('site.created'), 8_000, 'the events')
    const created = qa(el, 'tbody tr').find((r) => text(r).includes('site.created'))!
    assert(text(created).includes('Created a site') && text(created).includes(agency.owner.name) && text(created).includes('Audit shop'), `the row: ${text(created)}`)
    const login = qa(el, 'tbody tr').find((r) => text(r).includes('auth.login') && text(r).includes(member.name))
    assert(login && /127\.0\.0\.1|::1/.test(text(login)), `the member's sign-in with its IP: ${text(login)}`)
    await axeCheck(el)

    await waitFor(() => qa(el, 'select[name="actorId"] option').length > 2, 8_000, 'the people to filter by')
    await apply(el, { action: 'site.' })
    assert(actions(el).length > 0 && actions(el).every((a) => a.startsWith('site.')), `site events only: ${actions(el).join()}`)
    await apply(el, { action: '', actorId: member.userId })
    assert(actions(el).length > 0 && qa(el, 'tbody th').every((th) => text(th) === member.name), `the member's only: ${qa(el, 'tbody th').map(text).join()}`)
    await apply(el, { actorId: '', siteId: site.id })
    assert(actions(el).length > 0 && actions(el).every((a) => a.startsWith('site.')), `the new site's: ${actions(el).join()}`)
    const tomorrow = new Date(Date.now() + 86_400_000)
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`
    await apply(el, { siteId: '', from: day })
    assert(text(q(el, 'section')).includes('Nothing recorded that matches the filters'), 'nothing from tomorrow')

    // The export takes the filters in force.
    await apply(el, { from: '', action: 'api_key.' })
    const download = nextDownload()
    q<HTMLButtonElement>(el, 'button.export')!.click()
    const file = await download
    assert(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/.test(file.name), `file name: ${file.name}`)
    const csv = await file.text()
    assert(csv.includes('api_key.created') && !csv.includes('site.created'), `the filtered CSV: ${csv.slice(0, 400)}`)
    await waitFor(() => text(q(el, 'p[role="status"]')).startsWith('Exported'), 3_000, 'said so')
  })

  it('pages through the log with Older and Newer, by keyboard', async () => {
    const agency = await createAgency({ sites: 1 })
    const client = await personClient(agency)
    for (let i = 0; i < 4; i++) await client.sites.create({ name: `Paged ${i}` })
    const el = await mountAudit(client, 2)
    await waitFor(() => qa(el, 'tbody tr').length === 2, 8_000, 'the first page')
    const first = qa(el, 'tbody tr').map((r) => r.dataset.event)
    const older = q<HTMLButtonElement>(el, 'button.older')!
    assert(q<HTMLButtonElement>(el, 'button.newer')!.disabled, 'no newer page on the first')
    older.focus()
    await sendKeys({ press: 'Enter' })
    await waitFor(() => text(q(el, '.pager')).includes('Page 2'), 8_000, 'page 2')
    const second = qa(el, 'tbody tr').map((r) => r.dataset.event)
    assert(second.length === 2 && !second.some((id) => first.includes(id)), 'page 2 has other events')
    await sendKeys({ press: 'Enter' })
    await waitFor(() => text(q(el, '.pager')).includes('Page 3'), 8_000, 'page 3')
    q<HTMLButtonElement>(el, 'button.newer')!.focus()
    await sendKeys({ press: 'Enter' })
    await waitFor(() => text(q(el, '.pager')).includes('Page 2'), 8_000, 'back to page 2')
    assert(qa(el, 'tbody tr').map((r) => r.dataset.event).join() === second.join(), 'the same page 2')
    await axeCheck(el)
  })
})
