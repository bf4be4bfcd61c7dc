import { sendKeys } from '@web/test-runner-commands'
import { assert, axeCheck, cleanup, createAgency, mount, personClient, waitFor, type TestAgency } from '../../../../test/browser/helpers.js'
import { fill, find, focused, q, qa, text } from '../../../../test/browser/dom.js'
import type { AgentClient } from '@live-chat/sdk'
import type { LcdAdminTeam } from './team.js'
import type { LcdSettingsAgents } from '../settings/agents.js'
import './team.js'
import '../settings/agents.js'

async function mountTeam(agency: TestAgency): Promise<{ el: LcdAdminTeam; client: AgentClient }> {
  const client = await personClient(agency)
  const el = document.createElement('lcd-admin-team')
  el.client = client
  el.userId = agency.owner.userId
  mount(el)
  await el.updateComplete
  return { el, client }
}

describe('<lcd-admin-team> people of the agency', () => {
  afterEach(() => cleanup())

  it('lists each person with their agency role, two-factor, last seen and sites; changes a role', async () => {
    const agency = await createAgency({ sites: 2, members: 1 })
    const member = agency.members[0]!
    const { el, client } = await mountTeam(agency)
    const ownerRow = await find(el, `tr[data-member="${agency.owner.userId}"]`)
    const memberRow = await find(el, `tr[data-member="${member.userId}"]`)
    assert(text(ownerRow).includes(agency.owner.email) && text(ownerRow).includes('(you)'), `owner row: ${text(ownerRow)}`)
    assert(text(ownerRow).includes('Every site (admin)'), 'an owner is admin of every site')
    // The owner signed in for this test: seen; the member never signed in.
    assert(!text(ownerRow.querySelectorAll('td')[2]).includes('Never'), `owner last seen: ${text(ownerRow.querySelectorAll('td')[2])}`)
    assert(text(memberRow.querySelectorAll('td')[2]) === 'Never', `member last seen: ${text(memberRow.querySelectorAll('td')[2])}`)
    assert(text(memberRow.querySelectorAll('td')[1]) === 'Off', 'two-factor off')
    assert(text(memberRow).includes(`${agency.sites[0]!.name} · Agent`), `member's sites: ${text(memberRow)}`)
    assert(!ownerRow.querySelector('button[data-remove]'), 'no Remove on your own row')
    await axeCheck(el)

    const role = memberRow.querySelector<HTMLSelectElement>('select[name="role"]')!
    fill(role, 'admin')
    await waitFor(() => text(q(el, 'p[role="status"]')).includes('is now an admin'), 8_000, 'the role change')
    const saved = (await client.members.list()).find((m) => m.userId === member.userId)!
    assert(saved.role === 'admin', `saved role: ${saved.role}`)
    // As an agency admin they are now admin of every site.
    await waitFor(() => text(q(el, `tr[data-member="${member.userId}"]`)).includes('Every site (admin)'), 8_000, 'every site')
  })

  it('removes a person after a dialog that says what happens to their work, by keyboard', async () => {
    const agency = await createAgency({ sites: 1, members: 2 })
    const [leaving, staying] = agency.members as [TestAgency['members'][0], TestAgency['members'][0]]
    const { el, client } = await mountTeam(agency)
    const remove = await find<HTMLButtonElement>(el, `button[data-remove="${leaving.userId}"]`)
    remove.focus()
    await sendKeys({ press: 'Enter' })
    const dialog = await find<HTMLDialogElement>(el, 'lcd-confirm-dialog', 'dialog[open]')
    const says = text(q(el, 'lcd-confirm-dialog'))
    for (const words of ['open conversations go back to the queue', 'personal canned responses are deleted', 'history keeps their name', 'signed out everywhere']) {
      assert(says.includes(words), `the dialog says "${words}": ${says}`)
    }
    await axeCheck(el)
    // Focus starts on Cancel (nothing is removed by a stray Enter); Tab to Remove, Enter.
    assert(focused() === dialog.querySelector('button.cancel'), `focus on Cancel: ${focused()?.outerHTML}`)
    await sendKeys({ press: 'Tab' })
    assert(focused() === dialog.querySelector('button.confirm'), 'Tab reaches Remove')
    await sendKeys({ press: 'Enter' })
    await waitFor(() => !q(el, `tr[data-member="${leaving.userId}"]`), 8_000, 'the row gone')
    assert(text(q(el, 'p[role="status"]')) === `Removed ${leaving.name}.`, 'said so')
    const left = await client.members.list()
    assert(!left.some((m) => m.userId === leaving.userId) && left.some((m) => m.userId === staying.userId), `the server: ${left.map((m) => m.name).join()}`)
    // Their account is deactivated: they cannot sign in.
    await personClient(agency, leaving, { connect: false }).then(
      () => assert(false, 'a removed person signed in'),
      (e: { code?: string }) => assert(e.code === 'forbidden' || e.code === 'unauthorized', `refused: ${e.code}`),
    )
  })

  it('renames the agency and requires two-factor sign-in', async () => {
    const agency = await createAgency({ sites: 1 })
    const { el, client } = await mountTeam(agency)
    fill(await find<HTMLInputElement>(el, 'input[name="agencyName"]'), 'Acme Agency')
    ;(await find<HTMLInputElement>(el, 'input[name="requireTwoFactor"]')).click()
    q<HTMLButtonElement>(el, 'form button[type="submit"]')!.click()
    await waitFor(() => text(q(el, '#agency-h + form [role="status"]')) === 'Saved', 8_000, 'Saved')
    const saved = await client.agency.get()
    assert(saved.name === 'Acme Agency' && saved.requireTwoFactor, `saved: ${JSON.stringify(saved)}`)
  })
})

describe('<lcd-settings-agents> Remove from site', () => {
  afterEach(() => cleanup())

  it('a site admin removes an agent from the site after a dialog; the agent is no longer on the site', async () => {
    const agency = await createAgency({ sites: 1, members: 1 })
    const member = agency.members[0]!
    const client = await personClient(agency)
    const agents = await client.agents.list()
    const el = document.createElement('lcd-settings-agents')
    el.client = client
    el.agents = agents
    el.me = agents.find((a) => a.userId === agency.owner.userId)!
    el.admin = true
    el.server = agency.url
    el.addEventListener('lcd-agents-change', async () => (el.agents = await client.agents.list()))
    mount(el)
    const button = await find<HTMLButtonElement>(el, `button[data-remove="${member.agentId}"]`)
    assert(!q(el, `button[data-remove="${el.me.id}"]`), 'no Remove on your own row')
    assert(qa(el, 'button[data-remove]').length === 1, 'one Remove button: the member')
    button.click()
    const dialog = await find<HTMLDialogElement>(el, 'lcd-confirm-dialog', 'dialog[open]')
    const says = text(q(el, 'lcd-confirm-dialog'))
    assert(says.includes('open conversations go back to the queue') && says.includes('canned responses on this site are deleted'), `the dialog: ${says}`)
    await axeCheck(el)
    dialog.querySelector<HTMLButtonElement>('button.confirm')!.click()
    await waitFor(() => !q(el, `tr[data-agent="${member.agentId}"]`), 8_000, 'the row gone')
    assert(focused() === q(el, '#team-h'), 'focus on the team heading')
    assert(!(await client.agents.list()).some((a) => a.id === member.agentId), 'the server no longer lists them')
  })

  it('a refused removal stays in the dialog and says why', async () => {
    const agency = await createAgency({ sites: 1, members: 1 })
    const member = agency.members[0]!
    const client = await personClient(agency)
    const agents = await client.agents.list()
    const el = document.createElement('lcd-settings-agents')
    el.client = client
    el.agents = agents
    el.me = agents.find((a) => a.userId === agency.owner.userId)!
    el.admin = true
    mount(el)
    const button = await find<HTMLButtonElement>(el, `button[data-remove="${member.agentId}"]`)
    // Someone else removes them first: this removal finds no such agent.
    await client.agents.remove(member.agentId)
    button.click()
    const dialog = await find<HTMLDialogElement>(el, 'lcd-confirm-dialog', 'dialog[open]')
    dialog.querySelector<HTMLButtonElement>('button.confirm')!.click()
    const alert = await find(el, 'lcd-confirm-dialog', '[role="alert"]')
    assert(text(alert).length > 0 && dialog.open, `the dialog stays with the reason: ${text(alert)}`)
  })
})
