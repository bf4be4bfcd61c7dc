import { AgentClient, type UpdateSiteSettings, type WidgetConfig } from '@live-chat/sdk'
import { sendKeys } from '@web/test-runner-commands'
import { agentClient, assert, axeCheck, cleanup, createSite, mount, nextFrame, waitFor, type TestSite } from '../../../../test/browser/helpers.js'
import { LOCALES, loadStrings } from '@live-chat/widget/i18n'
import type { LcdSettings } from './settings.js'
import './settings.js'

/** <lcd-settings> as the dashboard's root gives it: agent `i` of the site, connected; re-reads the agents on lcd-agents-change. */
async function mountSettings(site: TestSite, i = 0): Promise<{ el: LcdSettings; client: AgentClient; sent: UpdateSiteSettings[] }> {
  const client = await agentClient(site, i)
  const sent: UpdateSiteSettings[] = []
  const update = client.settings.update.bind(client.settings)
  client.settings.update = (changes, siteId) => {
    sent.push(changes)
    return update(changes, siteId)
  }
  const agents = await client.agents.list()
  const el = document.createElement('lcd-settings')
  el.client = client
  el.me = agents.find((a) => a.id === site.agents[i]!.agentId)!
  el.agents = agents
  el.server = site.url
  el.addEventListener('lcd-agents-change', async () => (el.agents = await client.agents.list()))
  // As the shell does: the site's teams, then each change the server announces.
  el.teams = await client.teams.list()
  client.on('teams', (teams) => (el.teams = teams))
  mount(el)
  await el.updateComplete
  return { el, client, sent }
}

/** The element `selector` inside the shadow roots along `path` (custom element selectors), waiting for it. */
function find<T extends Element = HTMLElement>(root: Element, path: string[], selector: string, ms = 8_000): Promise<T> {
  return waitFor(() => deep<T>(root, path, selector), ms, `${[...path, selector].join(' >>> ')}`)
}

function deep<T extends Element>(root: Element, path: string[], selector: string): T | null {
  let at: Element | null | undefined = root
  for (const p of path) at = at?.shadowRoot?.querySelector(p)
  return (at?.shadowRoot?.querySelector<T>(selector) ?? null) as T | null
}

function all<T extends Element = HTMLElement>(root: Element, path: string[], selector: string): T[] {
  let at: Element | null | undefined = root
  for (const p of path) at = at?.shadowRoot?.querySelector(p)
  return [...(at?.shadowRoot?.querySelectorAll<T>(selector) ?? [])]
}

const W = ['lcd-settings-widget']
const P = ['lcd-settings-widget', 'lcd-widget-preview']
const A = ['lcd-settings-agents']

/** Types into a control as a user would: sets the value and fires `input` and `change`. */
function type(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  el.value = value
  el.dispatchEvent(new Event('input', { bubbles: true }))
  el.dispatchEvent(new Event('change', { bubbles: true }))
}

function tick(el: HTMLInputElement): void {
  el.click()
}

async function publicConfig(site: TestSite): Promise<WidgetConfig> {
  const res = await fetch(`${site.url}/api/sites/${site.siteId}/widget`)
  assert(res.ok, `GET widget config: ${res.status}`)
  return (await res.json()) as WidgetConfig
}

async function openTab(el: LcdSettings, name: string): Promise<void> {
  const tab = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.textContent?.trim() === name)
  assert(tab, `a tab named ${name}`)
  tab.click()
  await el.updateComplete
  assert(tab.getAttribute('aria-selected') === 'true', `${name} is the selected tab`)
}

async function save(el: LcdSettings): Promise<void> {
  const button = await find<HTMLButtonElement>(el, W, 'button[type="submit"]')
  assert(!button.disabled, 'the Save button is enabled when something changed')
  button.click()
}

describe('<lcd-settings> widget settings', () => {
  afterEach(() => cleanup())

  it('shows colour, title and welcome edits in the preview before saving, then saves only those fields to the public widget config', async () => {
    const site = await createSite({ agents: 1 })
    const { el, sent } = await mountSettings(site)
    const title = await find<HTMLInputElement>(el, W, 'input[name="widgetTitle"]')
    await find(el, P, '.window')
    assert(title.value === 'Chat with us', `the saved title is loaded: ${title.value}`)
    assert((await find<HTMLButtonElement>(el, W, 'button[type="submit"]')).disabled, 'nothing to save yet')

    type(await find<HTMLInputElement>(el, W, 'input[name="primaryColorPicker"]'), '#ffcc00')
    type(title, 'Talk to Acme')
    type(await find<HTMLTextAreaElement>(el, W, 'textarea[name="welcomeMessage"]'), 'Hello from Acme!')
    await waitFor(() => deep(el, P, '.title')?.textContent === 'Talk to Acme', 3_000, 'the preview title')
    const header = (await find(el, P, 'header')) as HTMLElement
    assert(getComputedStyle(header).backgroundColor === 'rgb(255, 204, 0)', `preview header colour: ${getComputedStyle(header).backgroundColor}`)
    // A light colour gets near-black text, as in the widget.
    assert(getComputedStyle(header).color === 'rgb(17, 24, 39)', `preview header text colour: ${getComputedStyle(header).color}`)
    assert(getComputedStyle((await find(el, P, '.launcher')) as HTMLElement).backgroundColor === 'rgb(255, 204, 0)', 'the launcher has the colour')
    assert(deep(el, P, '.welcome')?.textContent === 'Hello from Acme!', 'the preview shows the welcome text')
    assert((await find<HTMLInputElement>(el, W, 'input[name="primaryColor"]')).value === '#ffcc00', 'the hex field follows the picker')
    assert((await publicConfig(site)).widgetTitle === 'Chat with us', 'nothing is saved before Save')

    // The side follows the position.
    const left = all<HTMLInputElement>(el, W, 'input[name="position"]').find((r) => r.value === 'bottom-left')!
    tick(left)
    await waitFor(() => deep(el, P, '.page')?.classList.contains('left'), 3_000, 'the preview on the left')
    await axeCheck(el)

    await save(el)
    await waitFor(() => deep(el, W, '[role="status"]')?.textContent?.trim() === 'Saved', 8_000, 'Saved')
    const config = await publicConfig(site)
    assert(config.primaryColor.toLowerCase() === '#ffcc00', `saved colour: ${config.primaryColor}`)
    assert(config.widgetTitle === 'Talk to Acme' && config.welcomeMessage === 'Hello from Acme!', `saved texts: ${config.widgetTitle} / ${config.welcomeMessage}`)
    assert(config.position === 'bottom-left', `saved position: ${config.position}`)
    assert(sent.length === 1, `one save request, got ${sent.length}`)
    const keys = Object.keys(sent[0]!.widget ?? {}).sort().join(',')
    assert(keys === 'position,primaryColor,welcomeMessage,widgetTitle' && !('allowedOrigins' in sent[0]!) && !('name' in sent[0]!), `only changed fields sent: ${JSON.stringify(sent[0])}`)
    assert((await find<HTMLButtonElement>(el, W, 'button[type="submit"]')).disabled, 'nothing left to save')
  })

  it('previews the widget in the chosen language, with the widget’s own strings', async () => {
    const site = await createSite({ agents: 1 })
    const { el } = await mountSettings(site)
    await find(el, P, '.window')
    const status = () => deep(el, P, '.status')?.textContent
    assert(status() === (await loadStrings('en')).online, `English first: ${status()}`)
    for (const lang of ['es', 'fr', 'de']) {
      type(await find<HTMLSelectElement>(el, W, 'select[name="language"]'), lang)
      const want = (await loadStrings(lang)).online
      await waitFor(() => status() === want, 3_000, `the ${lang} status line "${want}" (got "${status()}")`)
    }
    const options = all<HTMLOptionElement>(el, W, 'select[name="language"] option').map((o) => o.value)
    assert(options.join() === ['', ...LOCALES].join(), `automatic, then the widget's own languages: ${options}`)
    type(await find<HTMLSelectElement>(el, W, 'select[name="language"]'), 'ar')
    await waitFor(() => deep(el, P, '.window')?.getAttribute('dir') === 'rtl', 3_000, 'the Arabic preview mirrored')
    // Offline, in Spanish: the widget's words for "away" and its offline form's button.
    type(await find<HTMLSelectElement>(el, W, 'select[name="language"]'), 'es')
    tick(all<HTMLInputElement>(el, W, 'input[name="preview"]')[1]!)
    const es = await loadStrings('es')
    await waitFor(() => status() === es.away, 3_000, `"${es.away}" (got "${status()}")`)
    assert(deep(el, P, '.button')?.textContent === es.leaveMessage, `the offline button: ${deep(el, P, '.button')?.textContent}`)
  })

  it('saves business hours with a time zone and holidays, and a pre-chat field, and reads them back', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client } = await mountSettings(site)
    tick(await find<HTMLInputElement>(el, W, 'input[name="businessHoursEnabled"]'))
    const monday = await find<HTMLButtonElement>(el, W, 'tr[data-day="mon"] button[aria-label="Add range on Monday"]')
    monday.click()
    type(await find<HTMLInputElement>(el, W, 'input[name="mon-0-start"]'), '08:30')
    type(await find<HTMLInputElement>(el, W, 'input[name="mon-0-end"]'), '24:00')
    const zone = await find<HTMLSelectElement>(el, W, 'select[name="timezone"]')
    assert([...zone.options].some((o) => o.value === 'Asia/Tokyo'), 'the time zones come from Intl')
    type(zone, 'Europe/Paris')
    const day = await find<HTMLInputElement>(el, W, 'input[name="holiday"]')
    day.value = '2026-12-25'
    ;(day.nextElementSibling as HTMLButtonElement).click()
    await find(el, W, 'button[aria-label="Remove holiday 2026-12-25"]')

    tick(await find<HTMLInputElement>(el, W, 'input[name="preChatEnabled"]'))
    ;[...(await find(el, W, '.fields')).querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Add field')!.click()
    type(await find<HTMLInputElement>(el, W, 'li.pf input[name="pf-label"]'), 'Company size')
    type(await find<HTMLInputElement>(el, W, 'li.pf input[name="pf-name"]'), 'company')
    type(await find<HTMLSelectElement>(el, W, 'li.pf select[name="pf-type"]'), 'select')
    type(await find<HTMLTextAreaElement>(el, W, 'li.pf textarea[name="pf-options"]'), 'Small\n\n Large ')
    tick(await find<HTMLInputElement>(el, W, 'li.pf input[name="pf-required"]'))
    await waitFor(() => all(el, P, '.field').some((f) => f.textContent?.includes('Company size *')), 3_000, 'the pre-chat field in the preview')
    // A consent field: its label is the wording, with a policy link.
    ;[...(await find(el, W, '.fields')).querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Add field')!.click()
    await waitFor(() => all(el, W, 'li.pf').length === 2, 3_000, 'a second field')
    // (One edit per render, as a person types: each field is found again after the last one took.)
    const second = (selector: string) => waitFor(() => all(el, W, 'li.pf')[1]!.querySelector<HTMLInputElement & HTMLSelectElement>(selector), 3_000, selector)
    type(await second('input[name="pf-label"]'), 'I agree to the privacy policy.')
    await waitFor(() => all(el, P, '.field').some((f) => f.textContent?.includes('I agree')), 3_000, 'the wording in the preview')
    type(await second('input[name="pf-name"]'), 'privacy')
    await nextFrame()
    type(await second('select[name="pf-type"]'), 'consent')
    type(await second('input[name="pf-url"]'), 'https://acme.example/privacy')
    await axeCheck(el)

    await save(el)
    await waitFor(() => deep(el, W, '[role="status"]')?.textContent?.trim() === 'Saved', 8_000, 'Saved')
    const config = await publicConfig(site)
    assert(config.businessHoursEnabled && config.timezone === 'Europe/Paris', `hours: ${config.businessHoursEnabled} ${config.timezone}`)
    const mon = config.businessHours['mon']
    assert(Object.keys(config.businessHours).join() === 'mon' && mon?.length === 1 && mon[0]!.start === '08:30' && mon[0]!.end === '24:00', `ranges: ${JSON.stringify(config.businessHours)}`)
    assert(JSON.stringify(config.holidays) === '["2026-12-25"]', `holidays: ${JSON.stringify(config.holidays)}`)
    const [f, c, ...more] = config.preChatFields
    const fields = JSON.stringify(config.preChatFields)
    assert(config.preChatEnabled && f && c && more.length === 0, `two pre-chat fields: ${fields}`)
    assert(c.type === 'consent' && c.name === 'privacy' && c.label === 'I agree to the privacy policy.' && c.url === 'https://acme.example/privacy' && !c.options, `the consent field: ${fields}`)
    assert(f.name === 'company' && f.label === 'Company size' && f.type === 'select' && f.required, `the field: ${fields}`)
    assert(f.options?.join('|') === 'Small|Large', `its options, trimmed, without blanks: ${fields}`)

    // A fresh page shows what was saved, with nothing left to save.
    cleanup()
    const again = (await mountSettings(site)).el
    const zoneAgain = await find<HTMLSelectElement>(again, W, 'select[name="timezone"]')
    assert(zoneAgain.value === 'Europe/Paris', `time zone read back: ${zoneAgain.value}`)
    assert((await find<HTMLInputElement>(again, W, 'input[name="mon-0-start"]')).value === '08:30', 'Monday opens at 08:30')
    assert((await find<HTMLInputElement>(again, W, 'li.pf input[name="pf-label"]')).value === 'Company size', 'the pre-chat field is read back')
    assert((await find<HTMLButtonElement>(again, W, 'button[type="submit"]')).disabled, 'the read-back settings equal the saved ones')
    assert((await client.settings.get()).widget.timezone === 'Europe/Paris', 'the admin API agrees')
  })

  it('shows the server’s errors next to a bad colour and a bad origin, and saves nothing', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client } = await mountSettings(site)
    const hex = await find<HTMLInputElement>(el, W, 'input[name="primaryColor"]')
    type(hex, '#12345')
    type(await find<HTMLInputElement>(el, W, 'input[name="widgetTitle"]'), 'Never saved')
    const origin = await find<HTMLInputElement>(el, W, 'input[name="new-origin"]')
    origin.value = 'example.com/shop'
    ;(origin.nextElementSibling as HTMLButtonElement).click()
    await find(el, W, 'input[name="origin"]')
    await save(el)

    const colourErr = await find(el, W, '.field-err[data-path="widget.primaryColor"]')
    assert(/colour like #0066ff/.test(colourErr.textContent ?? ''), `colour error: ${colourErr.textContent}`)
    const originErr = await find(el, W, '.field-err[data-path="allowedOrigins.0"]')
    assert(/must be an origin/.test(originErr.textContent ?? ''), `origin error: ${originErr.textContent}`)
    // Next to its field: in the same list item as the origin's input.
    assert(originErr.closest('li')?.querySelector('input[name="origin"]'), 'the origin error sits with its input')
    await waitFor(() => deep<HTMLInputElement>(el, W, 'input[name="primaryColor"]')?.getAttribute('aria-invalid') === 'true', 3_000, 'the colour marked invalid')
    assert(deep(el, W, 'input[name="primaryColor"]')?.getAttribute('aria-describedby') === colourErr.id, 'the colour field is described by its error')
    assert(/Not saved/.test(deep(el, W, '[role="alert"]')?.textContent ?? ''), 'an alert says it was not saved')
    assert(deep(el, W, '[role="status"]')?.textContent?.trim() !== 'Saved', 'no Saved status')
    await axeCheck(el)

    const config = await publicConfig(site)
    assert(config.primaryColor.toLowerCase() === '#0066ff' && config.widgetTitle === 'Chat with us', `nothing saved: ${config.primaryColor} ${config.widgetTitle}`)
    assert((await client.settings.get()).allowedOrigins.length === 0, 'no origin saved')

    // Fixed, it saves.
    type(hex, '#116644')
    type(await find<HTMLInputElement>(el, W, 'input[name="origin"]'), 'https://shop.example.com')
    await save(el)
    await waitFor(() => deep(el, W, '[role="status"]')?.textContent?.trim() === 'Saved', 8_000, 'Saved')
    assert(!deep(el, W, '.field-err'), 'the errors are gone')
    assert(JSON.stringify((await client.settings.get()).allowedOrigins) === '["https://shop.example.com"]', 'the origin is saved')
  })
})

describe('<lcd-settings> missed conversations', () => {
  afterEach(() => cleanup())

  it('saves after how many minutes a waiting conversation is missed, and shows the server’s refusal of 0 next to the field', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client, sent } = await mountSettings(site)
    const minutes = await find<HTMLInputElement>(el, W, 'input[name="missedAfterMinutes"]')
    const before = (await client.settings.get()).missedAfterMinutes
    assert(minutes.value === String(before), `the saved value is shown: ${minutes.value} (saved ${before})`)

    type(minutes, '0')
    await save(el)
    const err = await find(el, W, '.field-err[data-path="missedAfterMinutes"]')
    await waitFor(() => deep(el, W, 'input[name="missedAfterMinutes"]')?.getAttribute('aria-invalid') === 'true', 3_000, 'the field marked invalid')
    assert(deep(el, W, 'input[name="missedAfterMinutes"]')?.getAttribute('aria-describedby')?.split(' ').includes(err.id), 'the field is described by its error')
    assert((await client.settings.get()).missedAfterMinutes === before, 'nothing saved')
    await axeCheck(el)

    type(minutes, '15')
    await save(el)
    await waitFor(() => deep(el, W, '[role="status"]')?.textContent?.trim() === 'Saved', 8_000, 'Saved')
    assert((await client.settings.get()).missedAfterMinutes === 15, 'saved on the server')
    assert(JSON.stringify(sent.at(-1)) === '{"missedAfterMinutes":15}', `only that field sent: ${JSON.stringify(sent.at(-1))}`)
  })
})

describe('<lcd-settings> teams', () => {
  afterEach(() => cleanup())

  it('an admin adds a team, staffs it, renames it and deletes it; the agents list shows each agent’s teams; an agent reads only', async () => {
    const site = await createSite({ agents: 2 })
    const { el, client } = await mountSettings(site)
    await openTab(el, 'Teams')
    const T = ['lcd-settings-teams']
    const form = await find<HTMLFormElement>(el, T, 'form.add')
    ;(form.elements.namedItem('name') as HTMLInputElement).value = 'Sales'
    ;(form.querySelector('button[type="submit"]') as HTMLButtonElement).click()
    const card = await waitFor(() => all(el, T, 'li.team').find((li) => (li.querySelector('input') as HTMLInputElement).value === 'Sales'), 8_000, 'the new team')
    const second = site.agents[1]!
    const box = [...card.querySelectorAll<HTMLLabelElement>('label.check')].find((l) => l.textContent?.includes(second.name))!.querySelector('input')!
    // (disabled while the add is under way)
    await waitFor(() => !box.disabled, 8_000, 'the team editable')
    box.click()
    await waitFor(async () => (await client.teams.list())[0]?.agentIds.includes(second.agentId), 8_000, 'the member saved')
    const name = card.querySelector('input[aria-label^="Name of"]') as HTMLInputElement
    await waitFor(() => !name.disabled, 8_000, 'the name editable')
    type(name, 'Sales & presales')
    await waitFor(async () => (await client.teams.list())[0]?.name === 'Sales & presales', 8_000, 'the new name saved')
    // A taken name is refused and the field shows the saved name again.
    await client.teams.create({ name: 'Billing' })
    await waitFor(() => all(el, T, 'li.team').length === 2, 8_000, 'the other team shown')
    const first = all(el, T, 'li.team').find((li) => (li.querySelector('input') as HTMLInputElement).value === 'Billing')!.querySelector('input') as HTMLInputElement
    await waitFor(() => !first.disabled, 8_000, 'the name editable')
    type(first, 'sales & PRESALES')
    await waitFor(() => deep(el, T, '[role="alert"]')?.textContent?.includes('already has that name'), 8_000, 'the conflict told')
    await axeCheck(el)

    await openTab(el, 'Agents')
    const row = await waitFor(() => all(el, A, 'tbody tr[data-agent]').find((r) => r.textContent?.includes(second.email)), 8_000, 'the agent row')
    await waitFor(() => row.querySelector('td.teams')?.textContent?.includes('Sales & presales'), 8_000, 'the team in the agents list')

    await openTab(el, 'Teams')
    const billing = all(el, T, 'li.team').find((li) => (li.querySelector('input') as HTMLInputElement).value === 'Billing')!
    ;(billing.querySelector('button.danger') as HTMLButtonElement).click()
    const dialog = await find(el, [...T, 'lcd-confirm-dialog'], 'button.confirm')
    ;(dialog as HTMLButtonElement).click()
    await waitFor(async () => (await client.teams.list()).length === 1, 8_000, 'deleted on the server')
    await waitFor(() => all(el, T, 'li.team').length === 1, 8_000, 'gone from the list')

    // A plain agent reads the teams and changes nothing.
    cleanup()
    const { el: theirs } = await mountSettings(site, 1)
    await openTab(theirs, 'Teams')
    const input = await find<HTMLInputElement>(theirs, T, 'li.team input')
    assert(input.disabled && input.value === 'Sales & presales', 'read-only for agents')
    assert(!deep(theirs, T, 'form.add'), 'no add form for agents')
  })
})

describe('<lcd-settings> SLA policies', () => {
  afterEach(() => cleanup())

  it('an admin adds a policy for a team, changes a target, and deletes it; a taken team and priority is refused; an agent reads only', async () => {
    const site = await createSite({ agents: 2 })
    const { el, client } = await mountSettings(site)
    const team = await client.teams.create({ name: 'Billing' })
    await openTab(el, 'SLA')
    const S = ['lcd-settings-sla']
    await waitFor(() => deep(el, S, 'section')?.textContent?.includes('No SLA policies yet'), 8_000, 'the empty list')
    const form = await find<HTMLFormElement>(el, S, 'form.add')
    await waitFor(() => [...(form.elements.namedItem('teamId') as HTMLSelectElement).options].some((o) => o.value === team.id), 8_000, 'the team offered')
    ;(form.elements.namedItem('name') as HTMLInputElement).value = 'Billing urgent'
    type(form.elements.namedItem('teamId') as HTMLSelectElement, team.id)
    type(form.elements.namedItem('priority') as HTMLSelectElement, 'urgent')
    ;(form.elements.namedItem('firstResponseMinutes') as HTMLInputElement).value = '15'
    ;(form.elements.namedItem('resolutionMinutes') as HTMLInputElement).value = '480'
    ;(form.querySelector('button[type="submit"]') as HTMLButtonElement).click()
    const card = await waitFor(() => all(el, S, 'li.policy')[0], 8_000, 'the new policy')
    const [saved] = await client.slaPolicies.list()
    assert(saved?.teamId === team.id && saved.priority === 'urgent' && saved.firstResponseMinutes === 15 && saved.nextResponseMinutes === null && saved.resolutionMinutes === 480 && saved.businessHours, `saved: ${JSON.stringify(saved)}`)

    const next = card.querySelectorAll<HTMLInputElement>('input[type="number"]')[1]!
    await waitFor(() => !next.disabled, 8_000, 'the policy editable')
    type(next, '30')
    await waitFor(async () => (await client.slaPolicies.list())[0]?.nextResponseMinutes === 30, 8_000, 'the next-reply target saved')

    // The same team and priority again: refused, and said so.
    ;(form.elements.namedItem('name') as HTMLInputElement).value = 'Twice'
    type(form.elements.namedItem('teamId') as HTMLSelectElement, team.id)
    type(form.elements.namedItem('priority') as HTMLSelectElement, 'urgent')
    ;(form.elements.namedItem('firstResponseMinutes') as HTMLInputElement).value = '5'
    await waitFor(() => !(form.querySelector('button[type="submit"]') as HTMLButtonElement).disabled, 8_000, 'the form ready')
    ;(form.querySelector('button[type="submit"]') as HTMLButtonElement).click()
    await waitFor(() => deep(el, S, '[role="alert"]')?.textContent?.includes('same team and priority'), 8_000, 'the conflict told')
    await axeCheck(el)

    const mine = all(el, S, 'li.policy')[0]!
    ;(mine.querySelector('button.danger') as HTMLButtonElement).click()
    ;((await find(el, [...S, 'lcd-confirm-dialog'], 'button.confirm')) as HTMLButtonElement).click()
    await waitFor(async () => (await client.slaPolicies.list()).length === 0, 8_000, 'deleted on the server')
    await waitFor(() => all(el, S, 'li.policy').length === 0, 8_000, 'gone from the list')

    // A plain agent reads them and changes nothing.
    await client.slaPolicies.create({ name: 'Default', firstResponseMinutes: 10 })
    cleanup()
    const { el: theirs } = await mountSettings(site, 1)
    await openTab(theirs, 'SLA')
    const input = await find<HTMLInputElement>(theirs, S, 'li.policy input')
    assert(input.disabled && input.value === 'Default', 'read-only for agents')
    assert(!deep(theirs, S, 'form.add'), 'no add form for agents')
  })
})

describe('<lcd-settings> data retention', () => {
  afterEach(() => cleanup())

  it('is off by default; an admin picks delete or anonymise after N days; the server’s refusal of 0 days shows next to the field', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client, sent } = await mountSettings(site)
    const mode = await find<HTMLSelectElement>(el, W, 'select[name="retentionMode"]')
    assert(mode.value === 'off', `off by default: ${mode.value}`)
    assert(!deep(el, W, 'input[name="retentionDays"]'), 'no days while off')

    type(mode, 'anonymise')
    const days = await find<HTMLInputElement>(el, W, 'input[name="retentionDays"]')
    assert(days.value === '365', `a year to start with: ${days.value}`)
    assert(/keep their counts/.test(deep(el, W, '#retention-hint')?.textContent ?? ''), 'the hint says what anonymising does')
    type(days, '0')
    await save(el)
    const err = await find(el, W, '.field-err[data-path="retention.days"]')
    await waitFor(() => deep(el, W, 'input[name="retentionDays"]')?.getAttribute('aria-invalid') === 'true', 3_000, 'the field marked invalid')
    assert(deep(el, W, 'input[name="retentionDays"]')?.getAttribute('aria-describedby')?.split(' ').includes(err.id), 'the field is described by its error')
    assert(JSON.stringify((await client.settings.get()).retention) === '{"mode":"off"}', 'nothing saved')
    await axeCheck(el)

    type(days, '90')
    await save(el)
    await waitFor(() => deep(el, W, '[role="status"]')?.textContent?.trim() === 'Saved', 8_000, 'Saved')
    assert(JSON.stringify((await client.settings.get()).retention) === '{"mode":"anonymise","days":90}', 'saved on the server')
    assert(JSON.stringify(sent.at(-1)) === '{"retention":{"mode":"anonymise","days":90}}', `only that field sent: ${JSON.stringify(sent.at(-1))}`)

    type(mode, 'off')
    await save(el)
    await waitFor(async () => JSON.stringify((await client.settings.get()).retention) === '{"mode":"off"}', 8_000, 'turned off on the server')
  })
})

describe('<lcd-settings> agents', () => {
  afterEach(() => cleanup())

  it('adds an agent who shows in the list and can sign in with the password shown once; a taken email is refused', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client } = await mountSettings(site)
    await openTab(el, 'Agents')
    const form = await find<HTMLFormElement>(el, A, 'form')
    const set = (name: string, value: string) => ((form.elements.namedItem(name) as HTMLInputElement).value = value)
    const email = `grace.${Date.now()}@example.com`
    set('name', 'Grace Hopper')
    set('email', email)
    set('role', 'agent')
    set('maxConcurrentChats', '4')
    ;(form.querySelector('button[type="submit"]') as HTMLButtonElement).click()

    const pw = await find(el, A, '.added code.pw')
    const password = pw.textContent!.trim()
    assert(password.length >= 16, `a strong password is shown: ${password}`)
    const row = await waitFor(() => all(el, A, 'tbody tr[data-agent]').find((r) => r.textContent?.includes(email)), 8_000, 'the new agent in the list')
    assert(row.textContent?.includes('Grace Hopper'), 'the row names the agent')
    assert((row.querySelector('input[name="capacity"]') as HTMLInputElement).value === '4', 'capacity shown')
    await axeCheck(el)

    const grace = new AgentClient({ url: site.url })
    const session = await grace.login(email, password)
    assert(!('twoFactor' in session), 'signed in without a second factor')
    assert(session.sites.some((s) => s.siteId === site.siteId && s.role === 'agent'), 'the new agent signs in to the site')

    // Inline edit: capacity and accepting new chats.
    type(row.querySelector<HTMLInputElement>('input[name="capacity"]')!, '2')
    await waitFor(async () => (await client.agents.list()).find((a) => a.email === email)?.maxConcurrentChats === 2, 8_000, 'capacity saved')
    const accept = await waitFor(() => all(el, A, 'tbody tr[data-agent]').find((r) => r.textContent?.includes(email))?.querySelector<HTMLInputElement>('input[name="accept"]:not([disabled])'), 8_000, 'the row editable again')
    accept.click()
    await waitFor(async () => (await client.agents.list()).find((a) => a.email === email)?.acceptNewChats === false, 8_000, 'accept new chats saved')

    // The same email again: refused, with the reason.
    const form2 = await find<HTMLFormElement>(el, A, 'form')
    ;(form2.elements.namedItem('name') as HTMLInputElement).value = 'Grace Again'
    ;(form2.elements.namedItem('email') as HTMLInputElement).value = email
    ;(form2.querySelector('button[type="submit"]') as HTMLButtonElement).click()
    const alert = await find(el, A, 'form [role="alert"]')
    assert(/already an agent/.test(alert.textContent ?? ''), `conflict shown: ${alert.textContent}`)
    assert((await client.agents.list()).filter((a) => a.email === email).length === 1, 'no second agent')
  })

  it('shows a non-admin agent the settings and the team read-only', async () => {
    const site = await createSite({ agents: 2, settings: { widgetTitle: 'Acme help' } })
    const { el } = await mountSettings(site, 1)
    const title = await find<HTMLInputElement>(el, W, 'input[name="widgetTitle"]')
    assert(title.value === 'Acme help', `the public settings are shown: ${title.value}`)
    assert((await find<HTMLFieldSetElement>(el, W, 'fieldset.all')).disabled, 'the widget form is read-only')
    assert(/Only site admins/.test((await find(el, W, '[role="note"]')).textContent ?? ''), 'a note says why')
    assert(!deep(el, W, 'button[type="submit"]'), 'no Save button')
    await axeCheck(el)

    await openTab(el, 'Agents')
    const rows = await waitFor(() => (all(el, A, 'tbody tr[data-agent]').length === 2 ? all(el, A, 'tbody tr[data-agent]') : null), 5_000, 'two agents listed')
    assert(rows.every((r) => [...r.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')].every((c) => c.disabled)), 'every agent control is disabled')
    assert(!deep(el, A, 'form'), 'no form to add agents')
    assert(/Only site admins/.test((await find(el, A, '[role="note"]')).textContent ?? ''), 'a note says why')
    await axeCheck(el)
  })
})

describe('<lcd-settings> embed', () => {
  afterEach(() => cleanup())

  it('shows the snippet with the site id, copies it, and the tabs work from the keyboard', async () => {
    const site = await createSite({ agents: 1 })
    const { el } = await mountSettings(site)
    const first = el.shadowRoot!.querySelector<HTMLElement>('#tab-widget')!
    first.focus()
    await sendKeys({ press: 'ArrowLeft' })
    await el.updateComplete
    assert(el.shadowRoot!.activeElement?.id === 'tab-embed', `ArrowLeft wraps to the last tab (focus: ${el.shadowRoot!.activeElement?.id})`)
    assert(el.shadowRoot!.querySelector('#tab-embed')?.getAttribute('aria-selected') === 'true', 'Embed is selected')

    const snippet = await find<HTMLTextAreaElement>(el, ['lcd-settings-embed'], 'textarea')
    assert(snippet.readOnly, 'the snippet is read-only')
    assert(snippet.value === `<script src="${site.url}/live-chat.js" async></script>\n<live-chat site-id="${site.siteId}"></live-chat>`, `snippet: ${snippet.value}`)
    const npm = await find(el, ['lcd-settings-embed'], 'pre')
    assert(npm.textContent?.includes('npm install @live-chat/widget') && npm.textContent.includes(site.siteId), 'the npm way names the package and site')

    ;[...all(el, ['lcd-settings-embed'], 'button')].find((b) => b.textContent?.includes('Copy'))!.click()
    const status = await waitFor(() => deep(el, ['lcd-settings-embed'], '[role="status"]')?.textContent?.trim(), 5_000, 'a copy status')
    if (status.startsWith('Copied')) assert((await navigator.clipboard.readText().catch(() => snippet.value)) === snippet.value, 'the clipboard holds the snippet')
    else assert(snippet.value.slice(snippet.selectionStart, snippet.selectionEnd) === snippet.value, `the snippet is selected for copying (${status})`)
    await axeCheck(el)
  })
})
