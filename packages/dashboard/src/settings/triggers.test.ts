// Settings → Proactive messages against the real server: an admin adds one with its rules, sees
// it with its funnel, disables it (it leaves the widget's config), edits and deletes it; a plain
// agent reads them without controls.
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor, type TestSite } from '../../../../test/browser/helpers.js'
import { mountSettings, openSettingsTab } from '../../test/settings.js'
import type { LcdSettings } from './settings.js'

const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim()

const openTriggers = (el: LcdSettings) => openSettingsTab(el, 'Proactive messages', 'lcd-settings-triggers')

const widgetTriggers = async (site: TestSite) => ((await (await fetch(`${site.url}/api/sites/${site.siteId}/widget`)).json()) as { triggers: { text: string }[] }).triggers

describe('<lcd-settings-triggers>', () => {
  afterEach(() => cleanup())

  it('an admin adds a proactive message, sees its rules and funnel, disables, edits and deletes it', async () => {
    const site = await createSite({ agents: 2 })
    const { el } = await mountSettings(site)
    const section = await openTriggers(el)
    await waitFor(() => section.shadowRoot?.textContent?.includes('No proactive messages yet'), 8_000, 'loaded')
    const root = section.shadowRoot!
    ;[...root.querySelectorAll('button')].find((b) => text(b) === 'Add a proactive message')!.click()
    await section.updateComplete
    const form = root.querySelector('form')!
    form.querySelector<HTMLInputElement>('[name="name"]')!.value = 'Pricing help'
    form.querySelector<HTMLTextAreaElement>('[name="text"]')!.value = 'Questions about our plans?'
    form.querySelector<HTMLInputElement>('[name="url"]')!.value = '/pricing*'
    form.querySelector<HTMLInputElement>('[name="seconds"]')!.value = '20'
    form.querySelector<HTMLSelectElement>('[name="agentId"]')!.value = site.agents[1]!.agentId
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click()
    const row = await waitFor(() => root.querySelector('tr[data-trigger]'), 5_000, 'the new row')
    assert(text(row).includes(`${site.agents[1]!.name}: Questions about our plans?`), `the sender and message: ${text(row)}`)
    assert(text(row).includes('on /pricing*, after 20 s, once per visit'), `the rules in words: ${text(row)}`)
    assert(text(row.querySelector('.funnel')) === '0 → 0 → 0', `the funnel: ${text(row.querySelector('.funnel'))}`)
    assert((await widgetTriggers(site)).map((t) => t.text).join() === 'Questions about our plans?', 'the widget gets it')
    await axeCheck(section)

    row.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click()
    await waitFor(async () => (await widgetTriggers(site)).length === 0 || null, 10_000, 'disabled: gone from the widget config')

    ;[...row.querySelectorAll('button')].find((b) => text(b) === 'Edit')!.click()
    await section.updateComplete
    root.querySelector<HTMLTextAreaElement>('form [name="text"]')!.value = 'Need a hand choosing?'
    root.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click()
    await waitFor(() => text(root.querySelector('tr[data-trigger]')).includes('Need a hand choosing?') || null, 5_000, 'edited')

    const realConfirm = window.confirm
    window.confirm = () => true
    try {
      ;[...root.querySelectorAll('tr[data-trigger] button')].find((b) => text(b) === 'Delete')!.dispatchEvent(new MouseEvent('click'))
      await waitFor(() => root.textContent?.includes('No proactive messages yet') || null, 5_000, 'deleted')
    } finally {
      window.confirm = realConfirm
    }
  })

  it('a plain agent sees the list without controls', async () => {
    const site = await createSite({ agents: 2 })
    const admin = await agentClient(site, 0)
    await admin.triggers.create({ name: 'Hello', text: 'Hi there' })
    const { el } = await mountSettings(site, 1)
    const section = await openTriggers(el)
    const root = section.shadowRoot!
    await waitFor(() => root.querySelector('tr[data-trigger]'), 8_000, 'the row')
    assert(![...root.querySelectorAll('button')].some((b) => ['Edit', 'Delete', 'Add a proactive message'].includes(text(b))), 'no controls for an agent')
    assert(root.querySelector<HTMLInputElement>('tr[data-trigger] input')!.disabled, 'the switch is read-only')
  })
})
