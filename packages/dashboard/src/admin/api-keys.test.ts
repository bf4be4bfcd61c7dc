import { sendKeys } from '@web/test-runner-commands'
import { assert, axeCheck, cleanup, createAgency, mount, personClient, waitFor, type TestAgency } from '../../../../test/browser/helpers.js'
import { fill, find, focused, q, qa, text } from '../../../../test/browser/dom.js'
import type { AgentClient } from '@live-chat/sdk'
import type { LcdAdminApiKeys } from './api-keys.js'
import './api-keys.js'

async function mountKeys(agency: TestAgency, client?: AgentClient): Promise<{ el: LcdAdminApiKeys; client: AgentClient }> {
  client ??= await personClient(agency)
  const el = document.createElement('lcd-admin-api-keys')
  el.client = client
  mount(el)
  await el.updateComplete
  return { el, client }
}

/** GET `path` on the server with `key` as the bearer: the status. */
async function withKey(agency: TestAgency, key: string, path: string): Promise<number> {
  return (await fetch(`${agency.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).status
}

describe('<lcd-admin-api-keys>', () => {
  afterEach(() => cleanup())

  it('creates a site key with chosen scopes and expiry, shows its secret once, lists it, and the key works within its scopes', async () => {
    const agency = await createAgency({ sites: 2 })
    const site = agency.sites[1]!
    const { el, client } = await mountKeys(agency)
    const name = await find<HTMLInputElement>(el, 'input[name="name"]')
    await waitFor(() => qa(el, 'select[name="siteId"] option').length === 3, 8_000, 'the sites to choose from')
    await axeCheck(el)
    // Every scope has a checkbox with its meaning.
    const boxes = qa<HTMLInputElement>(el, 'input[name="scopes"]')
    assert(boxes.length === 13, `scopes: ${boxes.length}`)
    assert(boxes.every((b) => text(b.closest('label')).length > b.value.length + 10), 'each scope says what it allows')

    fill(name, 'CRM sync')
    fill(q<HTMLSelectElement>(el, 'select[name="siteId"]')!, site.siteId)
    for (const b of boxes) if (b.value === 'conversations:read' || b.value === 'sites:read') b.click()
    const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
    fill(q<HTMLInputElement>(el, 'input[name="expires"]')!, day)
    q<HTMLButtonElement>(el, 'button[type="submit"]')!.click()

    const note = await find(el, '.created')
    assert(text(note).includes('you will not see it again'), `the note: ${text(note)}`)
    const secret = text(q(el, '.created code.secret'))
    assert(/^lck_/.test(secret), `the key: ${secret}`)
    assert(focused() === note, 'the note takes the focus')
    await axeCheck(el)

    const [key] = await client.apiKeys.list()
    assert(key && key.name === 'CRM sync' && key.siteId === site.siteId, `the server has it: ${JSON.stringify(key)}`)
    assert(key.scopes.slice().sort().join() === 'conversations:read,sites:read', `scopes: ${key.scopes.join()}`)
    assert(key.expiresAt?.startsWith(day.slice(0, 7)), `expires: ${key.expiresAt}`)
    const row = await find(el, `tr[data-key="${key.id}"]`)
    assert(text(row).includes(key.prefix) && text(row).includes(site.name) && text(row).includes('conversations:read'), `the row: ${text(row)}`)
    assert(text(row).includes(`by ${agency.owner.name}`), `who made it: ${text(row)}`)
    assert(secret.startsWith(key.prefix) && !text(row).includes(secret), 'the list shows only the prefix')

    // The key works on its site and scopes, and nowhere else.
    assert((await withKey(agency, secret, `/api/sites/${site.siteId}/conversations`)) === 200, 'conversations:read on its site')
    assert((await withKey(agency, secret, `/api/sites/${agency.sites[0]!.siteId}/conversations`)) === 403, 'another site refused')
    assert((await withKey(agency, secret, `/api/sites/${site.siteId}/webhooks`)) === 403, 'a scope it lacks refused')

    // Done: the secret is gone from the page for good; a fresh view shows when it was last used.
    q<HTMLButtonElement>(el, '.created button.link')!.click()
    await waitFor(() => !q(el, '.created'), 3_000, 'the note gone')
    assert(!(el.shadowRoot?.textContent ?? '').includes(secret), 'the secret is nowhere on the page')
    const again = (await mountKeys(agency, client)).el
    const used = await find(again, `tr[data-key="${key.id}"]`)
    assert(!text(used.querySelectorAll('td')[4]).includes('Never'), `last used: ${text(used.querySelectorAll('td')[4])}`)
  })

  it('says what is missing by keyboard alone (Enter with no scope), then revokes a key after confirming; the key is refused at once', async () => {
    const agency = await createAgency({ sites: 1 })
    const { el, client } = await mountKeys(agency)
    const name = await find<HTMLInputElement>(el, 'input[name="name"]')
    name.focus()
    await sendKeys({ type: 'Reporting' })
    await sendKeys({ press: 'Enter' })
    const problem = await find(el, '.field-err[data-path="scopes"]')
    assert(text(problem).length > 0, 'the scopes say what is wrong')
    assert((await client.apiKeys.list()).length === 0, 'nothing made')
    // Tab to the first scope checkbox, tick it with Space, Enter from the name field.
    const first = qa<HTMLInputElement>(el, 'input[name="scopes"]')[0]!
    first.focus()
    await sendKeys({ press: 'Space' })
    assert(first.checked, 'Space ticks a scope')
    name.focus()
    await sendKeys({ press: 'Enter' })
    await find(el, '.created')
    const secret = text(q(el, '.created code.secret'))
    const [key] = await client.apiKeys.list()
    assert(key, 'made')
    assert((await withKey(agency, secret, `/api/agency/sites`)) === 200, 'an all-sites key with sites:read lists the sites')

    const revoke = await find<HTMLButtonElement>(el, `button[data-revoke="${key.id}"]`)
    revoke.focus()
    await sendKeys({ press: 'Enter' })
    const dialog = await find<HTMLDialogElement>(el, 'lcd-confirm-dialog', 'dialog[open]')
    assert(text(q(el, 'lcd-confirm-dialog')).includes('refused at once'), 'the dialog says what happens')
    await axeCheck(el)
    dialog.querySelector<HTMLButtonElement>('button.confirm')!.click()
    await waitFor(() => text(q(el, `tr[data-key="${key.id}"]`)).includes('Revoked'), 8_000, 'shown revoked')
    assert(!q(el, `button[data-revoke="${key.id}"]`) && !q(el, '.created'), 'no Revoke and no secret left')
    assert(focused() === q(el, '#keys-h'), 'focus on the list heading')
    assert((await client.apiKeys.list())[0]!.revokedAt !== null, 'revoked on the server')
    const status = await withKey(agency, secret, `/api/agency/sites`)
    assert(status === 403 || status === 401, `the revoked key is refused: ${status}`)
  })
})
