// Settings → Webhooks against the real server, delivering to a real HTTP receiver (started in the
// test server's Node process, test/browser/server-plugin.mjs).
import { verifyWebhook } from '@live-chat/sdk/webhooks'
import { assert, axeCheck, cleanup, createSite, received, receiver, waitFor } from '../../../../test/browser/helpers.js'
import { mountSettings, openSettingsTab } from '../../test/settings.js'
import type { LcdSettings } from './settings.js'
import type { LcdSettingsWebhooks } from './webhooks.js'

const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim()

/** The webhooks section, opened from its tab. */
async function openWebhooks(el: LcdSettings): Promise<LcdSettingsWebhooks> {
  const section = await openSettingsTab(el, 'Webhooks', 'lcd-settings-webhooks')
  await waitFor(() => !section.shadowRoot?.textContent?.includes('Loading…'), 8_000, 'the webhooks loaded')
  return section
}

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector)
const $$ = <T extends Element = HTMLElement>(el: Element, selector: string) => [...el.shadowRoot!.querySelectorAll<T>(selector)]
const button = (root: Element | null | undefined, label: string) => [...(root?.querySelectorAll('button') ?? [])].find((b) => text(b) === label)

/** Fills the "Add a webhook" form and submits it. */
function addWebhook(hooks: LcdSettingsWebhooks, url: string, events: string[]): void {
  const form = $$<HTMLFormElement>(hooks, 'form').at(-1)!
  form.querySelector<HTMLInputElement>('input[name="url"]')!.value = url
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name="events"]')) box.checked = events.includes(box.value)
  form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click()
}

const row = (hooks: LcdSettingsWebhooks, url: string) => $$(hooks, 'tr[data-webhook]').find((r) => text(r.querySelector('th .address')) === url)

/** Whether a received request verifies with `secret` (the receivers' helper, here on the browser's WebCrypto). */
async function verifies(request: { headers: Record<string, string>; body: string }, secret: string): Promise<boolean> {
  return verifyWebhook(request.body, request.headers, secret).then(
    () => true,
    () => false,
  )
}

describe('<lcd-settings-webhooks>', () => {
  afterEach(() => cleanup())

  it('adds a webhook with its events, shows the secret only once, and a test ping reaches the receiver signed and shows as delivered in the log', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client } = await mountSettings(site)
    const hooks = await openWebhooks(el)
    const r = await receiver()

    addWebhook(hooks, r.url, ['conversation.created', 'message.created'])
    const secretEl = await waitFor(() => $(hooks, '.created code.secret'), 8_000, 'the secret')
    const secret = text(secretEl)
    const [saved, ...others] = await client.webhooks.list()
    assert(saved && others.length === 0, 'one webhook on the server')
    assert(secret === saved.secret && /^whsec_/.test(secret), `the server's secret is shown: ${secret}`)
    assert(saved.url === r.url && saved.events.slice().sort().join() === 'conversation.created,message.created' && saved.active, `saved: ${JSON.stringify(saved)}`)
    const listed = await waitFor(() => row(hooks, r.url), 5_000, 'the webhook in the list')
    assert(text(listed.querySelector('.events')).includes('conversation.created'), 'the list shows its events')
    assert(listed.querySelector<HTMLInputElement>('input[name="active"]')!.checked, 'shown enabled')
    await axeCheck(el)

    button($(hooks, '.created'), 'Done')!.click()
    await waitFor(() => !$(hooks, '.created'), 5_000, 'the secret note to close')
    assert(!hooks.shadowRoot!.innerHTML.includes(secret), 'the secret is shown nowhere after that')

    button(row(hooks, r.url), 'Send test')!.click()
    const delivered = await waitFor(() => $(hooks, 'table.log tr[data-status="delivered"]'), 10_000, 'a delivered ping in the log')
    const cells = [...delivered.querySelectorAll('td')].map(text)
    assert(cells[0] === 'ping' && cells[1] === 'Delivered' && cells[2] === '1' && cells[3] === 'HTTP 200' && cells[4] === '—', `the log row: ${cells.join(' | ')}`)
    assert($(hooks, `button[data-log="${saved.id}"]`)?.getAttribute('aria-expanded') === 'true', 'the log is open')

    const [ping, ...more] = await received(r)
    assert(ping && more.length === 0, 'the receiver got one request')
    assert(/^[0-9a-f-]{36}$/.test(ping.headers['webhook-id'] ?? ''), `webhook-id: ${ping.headers['webhook-id']}`)
    assert(await verifies(ping, secret), 'the signature verifies with the secret shown')
    await axeCheck(el)
  })

  it('rotates a secret: shows the new one once, and the next delivery is signed with the new and the old secret', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client } = await mountSettings(site)
    const hooks = await openWebhooks(el)
    const r = await receiver()
    addWebhook(hooks, r.url, ['message.created'])
    button(await waitFor(() => $(hooks, '.created'), 8_000, 'the first secret'), 'Done')!.click()
    await waitFor(() => !$(hooks, '.created'), 5_000, 'the secret note to close')
    const [old] = await client.webhooks.list()

    button(await waitFor(() => row(hooks, r.url), 8_000, 'the webhook in the list'), 'Rotate secret')!.click()
    const note = await waitFor(() => $(hooks, '.created'), 8_000, 'the new secret')
    const shown = text(note.querySelector('code.secret'))
    const [saved] = await client.webhooks.list()
    assert(shown === saved!.secret && shown !== old!.secret, `the new secret is shown: ${shown}`)
    assert(/has a new secret/.test(text(note)) && note.querySelector('time'), `the note says until when the old one signs: ${text(note)}`)
    assert(saved!.previousSecretValidUntil && Date.parse(saved!.previousSecretValidUntil) > Date.now() + 23 * 3_600_000, 'a 24-hour grace period')
    await axeCheck(el)

    button(row(hooks, r.url), 'Send test')!.click()
    await waitFor(() => $(hooks, 'table.log tr[data-status="delivered"]'), 10_000, 'a delivered ping')
    const [ping] = await received(r)
    assert(ping && (ping.headers['webhook-signature'] ?? '').split(' ').length === 2, `two signatures: ${ping?.headers['webhook-signature']}`)
    assert(await verifies(ping, shown), 'verifies with the new secret')
    assert(await verifies(ping, old!.secret), 'verifies with the old secret')
    assert(!(await verifies(ping, `whsec_${btoa('a wrong secret of 32 bytes......')}`)), 'not with another')
  })

  it('shows a receiver’s failure with its status and the next retry; edits events, disables, and deletes after confirming', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client } = await mountSettings(site)
    const hooks = await openWebhooks(el)
    const failing = await receiver({ status: 503 })
    addWebhook(hooks, failing.url, ['offline_message.created'])
    await waitFor(() => row(hooks, failing.url), 8_000, 'the webhook in the list')
    const [hook] = await client.webhooks.list()

    button(row(hooks, failing.url), 'Send test')!.click()
    const failed = await waitFor(() => [...$$(hooks, 'table.log tr[data-delivery]')].find((tr) => Number(text(tr.querySelectorAll('td')[2])) >= 1), 10_000, 'a tried delivery')
    const cells = [...failed.querySelectorAll('td')].map(text)
    assert(cells[1] === 'Pending' && cells[3] === 'HTTP 503', `a failed try, to be retried: ${cells.join(' | ')}`)
    assert(failed.querySelectorAll('td')[4]!.querySelector('time'), `the next retry's time: ${cells[4]}`)
    assert((await received(failing)).length >= 1, 'the receiver was called')
    await axeCheck(el)

    // Send it again from the log: queued under the same id.
    const tried = failed.dataset['delivery']!
    failed.querySelector<HTMLButtonElement>('button[data-redeliver]')!.click()
    await waitFor(() => /queued again/.test(text($(hooks, '[role="status"]'))), 5_000, 'queued again')
    const again = await waitFor(async () => (await client.webhooks.deliveries(hook!.id)).find((d) => d.id === tried), 5_000, 'the delivery')
    assert(again.id === tried, 'the same delivery')

    // Edit the events.
    button(row(hooks, failing.url), 'Edit')!.click()
    const form = await waitFor(() => $<HTMLFormElement>(hooks, `tr[data-webhook="${hook!.id}"] form`), 5_000, 'the edit form')
    for (const box of form.querySelectorAll<HTMLInputElement>('input[name="events"]')) box.checked = box.value === 'conversation.resolved' || box.value === 'offline_message.created'
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click()
    await waitFor(async () => (await client.webhooks.list())[0]!.events.slice().sort().join() === 'conversation.resolved,offline_message.created', 8_000, 'the events saved')
    await waitFor(() => text(row(hooks, failing.url)?.querySelector('.events')).includes('conversation.resolved'), 5_000, 'the list shows the new events')
    // The saved webhook says how its receiver is doing, under its URL.
    assert(/failed tr(y|ies) in a row/.test(text(row(hooks, failing.url)!.querySelector('.health'))), `the failures: ${text(row(hooks, failing.url))}`)

    // Disable.
    row(hooks, failing.url)!.querySelector<HTMLInputElement>('input[name="active"]')!.click()
    await waitFor(async () => (await client.webhooks.list())[0]!.active === false, 8_000, 'disabled on the server')

    // Delete: asks first; "Keep" keeps it.
    button(row(hooks, failing.url), 'Delete')!.click()
    button(await waitFor(() => $(hooks, '[role="group"][aria-label^="Confirm deleting"]'), 5_000, 'the confirmation'), 'Keep')!.click()
    await waitFor(() => button(row(hooks, failing.url), 'Delete'), 5_000, 'the row back')
    assert((await client.webhooks.list()).length === 1, 'still there after Keep')
    button(row(hooks, failing.url), 'Delete')!.click()
    ;(await waitFor(() => $<HTMLButtonElement>(hooks, '#confirm-delete'), 5_000, 'Yes, delete')).click()
    await waitFor(() => !row(hooks, failing.url), 8_000, 'the row gone')
    assert((await client.webhooks.list()).length === 0, 'deleted on the server')
  })

  it('shows the server’s errors next to a bad URL and missing events, and adds nothing', async () => {
    const site = await createSite({ agents: 1 })
    const { el, client } = await mountSettings(site)
    const hooks = await openWebhooks(el)
    addWebhook(hooks, 'ftp://example.com/hook', [])
    const urlErr = await waitFor(() => $(hooks, '.field-err[data-path="url"]'), 8_000, 'the URL error')
    assert(/http/.test(text(urlErr)), `URL error: ${text(urlErr)}`)
    assert(/at least one event/.test(text($(hooks, '.field-err[data-path="events"]'))), 'the events error')
    assert($(hooks, 'input[name="url"][aria-invalid="true"]'), 'the URL field is marked invalid')
    assert((await client.webhooks.list()).length === 0, 'nothing added')
    await axeCheck(el)
  })

  it('is not offered to agents who are not admins (they read the proactive messages, without changing them)', async () => {
    const site = await createSite({ agents: 2 })
    const { el } = await mountSettings(site, 1)
    const tabs = [...el.shadowRoot!.querySelectorAll('[role="tab"]')].map(text)
    assert(tabs.join() === 'Widget,Proactive messages,Agents,Teams,SLA,Contact attributes,Bans,Embed', `the tabs: ${tabs.join()}`)
    assert(!el.shadowRoot!.querySelector('lcd-settings-webhooks'), 'no webhooks section')
  })
})
