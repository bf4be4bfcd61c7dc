import type { AgentClient, AgentSummary, CannedResponse } from '@live-chat/sdk'
import { agentClient, assert, axeCheck, cleanup, createSite, mount, waitFor } from '../../../../test/browser/helpers.js'
import './responses.js'
import type { LcdCannedResponses } from './responses.js'
import type { LcdCannedForm } from './form.js'
import { loadCanned } from './canned.js'

async function signedIn(agents: number, i = 0): Promise<{ client: AgentClient; me: AgentSummary; admin: AgentClient }> {
  const site = await createSite({ agents })
  const admin = await agentClient(site, 0)
  const client = i === 0 ? admin : await agentClient(site, i)
  const me = (await client.agents.list()).find((a) => a.id === site.agents[i]!.agentId)!
  return { client, me, admin }
}

async function mountPage(client: AgentClient, me: AgentSummary): Promise<LcdCannedResponses> {
  const el = document.createElement('lcd-canned-responses')
  el.client = client
  el.me = me
  mount(el)
  await waitFor(() => el.shadowRoot?.querySelector('h2') && !el.shadowRoot.textContent?.includes('Loading…'), 5_000, 'the list to load')
  return el
}

const root = (el: Element) => el.shadowRoot!
const buttons = (el: Element) => [...root(el).querySelectorAll<HTMLButtonElement>('button')]
const button = (el: Element, name: string) => buttons(el).find((b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name)

/** The section of a category (by its heading), with its rows as text cells. */
function groups(el: LcdCannedResponses): { name: string; rows: string[][] }[] {
  return [...root(el).querySelectorAll('section')].map((s) => ({
    name: s.querySelector('h3')!.textContent!.replace(/\(\d+\)\s*$/, '').trim(),
    rows: [...s.querySelectorAll('tbody tr[data-id]')].map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent!.trim())),
  }))
}
const rowsOf = (el: LcdCannedResponses) => groups(el).flatMap((g) => g.rows)

function form(el: LcdCannedResponses): Promise<LcdCannedForm> {
  return waitFor(() => root(el).querySelector('lcd-canned-form'), 5_000, 'the form')
}

/** The control inside the label whose text starts with `name`. */
function field<T extends HTMLInputElement | HTMLTextAreaElement>(f: LcdCannedForm, name: string): T {
  const label = [...root(f).querySelectorAll('label')].find((l) => l.textContent!.trim().startsWith(name))
  const control = label?.querySelector<T>('input, textarea')
  if (!control) throw new Error(`no field "${name}" in the form`)
  return control
}

function fill(f: LcdCannedForm, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const c = field(f, name)
    c.value = value
    c.dispatchEvent(new Event('input'))
  }
}

async function submit(f: LcdCannedForm): Promise<void> {
  await f.updateComplete
  root(f).querySelector<HTMLButtonElement>('button[type="submit"]')!.click()
}

const byTitle = async (client: AgentClient, title: string): Promise<CannedResponse | undefined> => (await client.cannedResponses.list()).find((c) => c.title === title)

describe('<lcd-canned-responses>', () => {
  afterEach(() => cleanup())

  it('an admin adds a shared response: it is stored, listed under its category, and composers reload their list', async () => {
    const { client, me } = await signedIn(1)
    await client.cannedResponses.create({ title: 'Invoice copy', shortcut: 'invoice', content: 'I sent the invoice.', category: 'Billing' })
    const el = await mountPage(client, me)
    const before = await loadCanned(client)
    assert(before.length === 1, 'the composer cache holds the one response')
    button(el, 'New response')!.click()
    const f = await form(el)
    const suggestions = [...root(f).querySelectorAll('datalist option')].map((o) => o.getAttribute('value'))
    assert(JSON.stringify(suggestions) === '["Billing"]', `categories suggested: ${JSON.stringify(suggestions)}`)
    assert(!field<HTMLInputElement>(f, 'Personal').checked && !field(f, 'Personal').disabled, 'an admin may make it shared')
    fill(f, { Title: 'Refund policy', Shortcut: 'refund', Content: 'Refunds take {{days | 5}} days, {{visitor.name}}.', Category: 'Billing' })
    await submit(f)
    await waitFor(() => rowsOf(el).some((r) => r[1] === 'Refund policy'), 5_000, 'the new row')
    assert(!root(el).querySelector('lcd-canned-form'), 'the form closed')
    const billing = groups(el).find((g) => g.name === 'Billing')
    assert(billing && billing.rows.length === 2, `both are under Billing: ${JSON.stringify(groups(el))}`)
    const row = billing.rows.find((r) => r[1] === 'Refund policy')!
    assert(JSON.stringify(row) === JSON.stringify(['/refund', 'Refund policy', 'Refunds take {{days | 5}} days, {{visitor.name}}.', 'Shared', '0']), `row: ${JSON.stringify(row)}`)
    const stored = await byTitle(client, 'Refund policy')
    assert(stored && stored.shortcut === 'refund' && stored.category === 'Billing' && !stored.isPersonal, `stored: ${JSON.stringify(stored)}`)
    const after = await loadCanned(client)
    assert(after.some((c) => c.shortcut === 'refund'), 'the composer cache was refreshed by lcd-canned-change')
  })

  it('edits a response in place', async () => {
    const { client, me } = await signedIn(1)
    await client.cannedResponses.create({ title: 'Hello', shortcut: 'hello', content: 'Hello there' })
    const el = await mountPage(client, me)
    button(el, 'Edit Hello')!.click()
    const f = await form(el)
    assert(f.closest('td'), 'the form is inside the row')
    assert(field(f, 'Title').value === 'Hello' && field(f, 'Content').value === 'Hello there', 'the form holds the current values')
    fill(f, { Title: 'Warm hello', Content: 'Hello {{visitor.first_name | there}}!', Category: 'Greetings' })
    await submit(f)
    await waitFor(() => rowsOf(el).some((r) => r[1] === 'Warm hello'), 5_000, 'the edited row')
    assert(groups(el).map((g) => g.name).join() === 'Greetings', 'now under Greetings')
    const stored = await byTitle(client, 'Warm hello')
    assert(stored && stored.content === 'Hello {{visitor.first_name | there}}!' && stored.category === 'Greetings' && stored.shortcut === 'hello', `stored: ${JSON.stringify(stored)}`)
    assert(root(el).activeElement === button(el, 'Edit Warm hello'), 'focus returns to the row')
  })

  it('deletes a response only after confirming', async () => {
    const { client, me } = await signedIn(1)
    await client.cannedResponses.create({ title: 'Old promo', shortcut: 'promo', content: 'Promo!' })
    await client.cannedResponses.create({ title: 'Keep me', content: 'Still useful' })
    const el = await mountPage(client, me)
    button(el, 'Delete Old promo')!.click()
    await el.updateComplete
    assert(root(el).activeElement === button(el, 'Yes, delete'), 'focus moves to the confirmation')
    button(el, 'Keep')!.click()
    await el.updateComplete
    assert(rowsOf(el).length === 2, 'Keep keeps it')
    button(el, 'Delete Old promo')!.click()
    await el.updateComplete
    button(el, 'Yes, delete')!.click()
    await waitFor(() => rowsOf(el).length === 1, 5_000, 'the row to go')
    assert(rowsOf(el)[0]![1] === 'Keep me', 'the other stays')
    const left = await client.cannedResponses.list()
    assert(left.length === 1 && left[0]!.title === 'Keep me', `the server has: ${JSON.stringify(left.map((c) => c.title))}`)
    assert(/Deleted “Old promo”/.test(root(el).querySelector('[role="status"]')!.textContent ?? ''), 'the deletion is announced')
  })

  it("a plain agent adds personal responses only, edits their own, and sees shared ones locked with the reason; others' personal ones are hidden", async () => {
    const { client, me, admin } = await signedIn(2, 1)
    await admin.cannedResponses.create({ title: 'Team greeting', shortcut: 'hi', content: 'Hi!' })
    await admin.cannedResponses.create({ title: 'Admin secret', content: 'Mine only', isPersonal: true })
    const el = await mountPage(client, me)
    assert(JSON.stringify(rowsOf(el).map((r) => r[1])) === '["Team greeting"]', `listed: ${JSON.stringify(rowsOf(el))}`)
    const edit = button(el, 'Edit Team greeting')!
    assert(edit.disabled && button(el, 'Delete Team greeting')!.disabled, 'shared controls are disabled')
    const why = root(el).getElementById(edit.getAttribute('aria-describedby') ?? '')
    assert(why && /managed by admins/.test(why.textContent ?? ''), 'the reason is given and tied to the controls')
    button(el, 'New response')!.click()
    const f = await form(el)
    const personal = field<HTMLInputElement>(f, 'Personal')
    assert(personal.checked && personal.disabled, 'a new response is personal, and that cannot be changed')
    assert(/Only admins can share/.test(root(f).textContent ?? ''), 'the form says why')
    fill(f, { Title: 'My sign-off', Content: 'Cheers, {{agent.first_name}}' })
    await submit(f)
    await waitFor(() => rowsOf(el).some((r) => r[1] === 'My sign-off'), 5_000, 'the personal row')
    const row = rowsOf(el).find((r) => r[1] === 'My sign-off')!
    assert(row[3] === 'Personal' && row[0] === '—', `row: ${JSON.stringify(row)}`)
    assert(!button(el, 'Edit My sign-off')!.disabled, 'their own response is editable')
    const stored = await byTitle(client, 'My sign-off')
    assert(stored?.isPersonal && stored.createdById === me.id, 'stored as personal to this agent')
    assert(!(await byTitle(admin, 'My sign-off')), "the admin does not see the agent's personal response")
  })

  it('groups by category (uncategorised last) and filters with the search box', async () => {
    const { client, me } = await signedIn(1)
    await client.cannedResponses.create({ title: 'Shipping times', shortcut: 'ship', content: 'Ships in 2 days', category: 'Shipping' })
    await client.cannedResponses.create({ title: 'No category', shortcut: 'misc', content: 'Misc' })
    await client.cannedResponses.create({ title: 'Refunds', shortcut: 'refund', content: 'Refund in 5 days', category: 'Billing' })
    await client.cannedResponses.create({ title: 'Invoices', shortcut: 'invoice', content: 'Invoice sent', category: 'Billing' })
    const el = await mountPage(client, me)
    const shown = groups(el).map((g) => `${g.name}: ${g.rows.map((r) => r[0]).join(' ')}`)
    assert(JSON.stringify(shown) === JSON.stringify(['Billing: /invoice /refund', 'Shipping: /ship', 'Uncategorised: /misc']), `groups: ${JSON.stringify(shown)}`)
    const search = root(el).querySelector<HTMLInputElement>('input[type="search"]')!
    search.value = 'days'
    search.dispatchEvent(new Event('input'))
    await el.updateComplete
    assert(JSON.stringify(rowsOf(el).map((r) => r[0])) === '["/refund","/ship"]', `search by content: ${JSON.stringify(rowsOf(el))}`)
    search.value = 'zzz'
    search.dispatchEvent(new Event('input'))
    await el.updateComplete
    assert(rowsOf(el).length === 0 && /No canned response matches/.test(root(el).textContent ?? ''), 'an empty search says so')
  })

  it('shows a duplicate shortcut (the server’s conflict) and a malformed one next to the shortcut field', async () => {
    const { client, me } = await signedIn(1)
    await client.cannedResponses.create({ title: 'Hello', shortcut: 'hello', content: 'Hello there' })
    const el = await mountPage(client, me)
    button(el, 'New response')!.click()
    const f = await form(el)
    fill(f, { Title: 'Another hello', Shortcut: 'Hello!', Content: 'Hi' })
    await submit(f)
    await f.updateComplete
    const shortcut = field(f, 'Shortcut')
    const errorOf = () => root(f).getElementById(shortcut.getAttribute('aria-describedby')!.split(' ').find((id) => id.endsWith('-err')) ?? '')?.textContent ?? ''
    assert(shortcut.getAttribute('aria-invalid') === 'true' && /lowercase/.test(errorOf()), `client-side check: ${errorOf()}`)
    fill(f, { Shortcut: 'hello' })
    await submit(f)
    await waitFor(() => /already used/.test(errorOf()), 5_000, 'the conflict next to the shortcut')
    assert(shortcut.getAttribute('aria-invalid') === 'true' && root(f).activeElement === shortcut, 'the field is marked and focused')
    assert((await client.cannedResponses.list()).length === 1, 'nothing was stored')
    fill(f, { Shortcut: 'hello2' })
    await submit(f)
    await waitFor(() => rowsOf(el).some((r) => r[0] === '/hello2'), 5_000, 'saved with a free shortcut')
  })

  it('has no accessibility violations with the list and the form open', async () => {
    const { client, me, admin } = await signedIn(2, 1)
    await admin.cannedResponses.create({ title: 'Team greeting', shortcut: 'hi', content: 'Hi!', category: 'General' })
    await client.cannedResponses.create({ title: 'Mine', content: 'Mine', isPersonal: true })
    const el = await mountPage(client, me)
    button(el, 'New response')!.click()
    const f = await form(el)
    fill(f, { Shortcut: 'Bad!' })
    await submit(f)
    await f.updateComplete
    await axeCheck(el)
  })
})
