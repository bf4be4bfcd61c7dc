// Contacts in the dashboard, against the real server: the visitor panel's contact (an agent edits
// the profile and every type of attribute, a refused edit says why and keeps nothing, notes are
// added, edited and deleted), Settings → Contact attributes (an admin adds, changes and deletes
// one; a plain agent only reads), and the inbox's contact attribute filter.
import { setViewport } from '@web/test-runner-commands'
import { LiveChatClient } from '@live-chat/sdk'
import type { LcdInbox } from '../inbox/inbox.js'
import type { LcdSettings } from '../settings/settings.js'
import { mountInbox } from '../../test/inbox.js'
import { mountSettings, openSettingsTab } from '../../test/settings.js'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor } from '../../../../test/browser/helpers.js'

const sr = (el: Element | null | undefined): ShadowRoot => {
  assert(el?.shadowRoot, `<${el?.localName}> has a shadow root`)
  return el.shadowRoot
}
const text = (el: Node | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? ''
const button = (root: ParentNode, label: string) => [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === label)
/** The visitor panel's contact (the inbox is mounted wide: the panel shows). */
const contact = (el: LcdInbox) => sr(sr(sr(el).querySelector('lcd-visitor-panel')).querySelector('lcd-contact'))
const set = (c: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string) => {
  c.value = value
  c.dispatchEvent(new Event('input'))
  c.dispatchEvent(new Event('change'))
}
const openAttributes = (el: LcdSettings) => openSettingsTab(el, 'Contact attributes', 'lcd-settings-contact-attributes')

describe('contacts', () => {
  const visitors: LiveChatClient[] = []
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
  })

  it('in the visitor panel an agent edits the profile and each type of attribute, sees a refused edit say why, and adds, edits and deletes notes', async () => {
    // Wide enough for the visitor panel beside the conversation (narrower, it is behind "Visitor details ›").
    await setViewport({ width: 1400, height: 900 })
    const site = await createSite({ agents: 1 })
    const me = await agentClient(site, 0, { online: true })
    await me.contacts.createAttribute({ key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] })
    await me.contacts.createAttribute({ key: 'seats', label: 'Seats', type: 'number' })
    await me.contacts.createAttribute({ key: 'renews', label: 'Renews on', type: 'date' })
    await me.contacts.createAttribute({ key: 'vip', label: 'VIP', type: 'boolean' })
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(visitor)
    const { conversation } = await visitor.startConversation({ fields: { name: 'Grace Hopper' }, message: 'About my invoice' })
    const visitorId = visitor.visitor!.id
    const { el } = await mountInbox(site, me, conversation.id)

    const edit = await waitFor(() => button(contact(el), 'Edit contact'), 8_000, 'the Edit contact button')
    assert(text(contact(el).querySelector('section')).includes('No company or attributes yet.'), 'nothing yet')
    edit.click()
    const form = await waitFor(() => contact(el).querySelector<HTMLFormElement>('form[aria-label="Edit contact"]'), 3_000, 'the contact form')
    await waitFor(() => contact(el).activeElement === form.querySelector('input[name="name"]'), 3_000, 'the name field to have the focus')
    const field = <T extends HTMLInputElement | HTMLSelectElement>(name: string) => form.querySelector<T>(`[name="${name}"]`)!
    assert(field<HTMLInputElement>('name').value === 'Grace Hopper', 'the name as the visitor gave it')
    set(field('email'), 'grace@navy.example')
    set(field('company'), 'US Navy')
    set(field('attr:plan'), 'pro')
    set(field('attr:seats'), '12')
    set(field('attr:renews'), '2027-01-31')
    set(field('attr:vip'), 'true')
    await axeCheck(sr(el).querySelector('lcd-visitor-panel')!)
    button(form, 'Save contact')!.click()
    await waitFor(() => text(contact(el).querySelector('[role="status"]')) === 'Contact saved.', 5_000, 'the saved status')
    const shown = [...contact(el).querySelectorAll('dt')].map((dt) => `${text(dt)}: ${text(dt.nextElementSibling)}`)
    assert(shown.length === 5 && shown[0] === 'Company: US Navy' && shown[1] === 'Plan: pro' && shown[2] === 'Seats: 12' && shown[4] === 'VIP: Yes', `shown: ${shown.join(' | ')}`)
    const saved = await me.contacts.get(visitorId)
    assert(saved.email === 'grace@navy.example' && saved.company === 'US Navy', `saved profile: ${saved.email} ${saved.company}`)
    assert(JSON.stringify(saved.attributes) === JSON.stringify({ plan: 'pro', renews: '2027-01-31', seats: 12, vip: true }), `saved values: ${JSON.stringify(saved.attributes)}`)
    // The panel's header shows the new email at once.
    await waitFor(() => text(sr(sr(el).querySelector('lcd-visitor-panel')).querySelector('a[href^="mailto:"]')) === 'grace@navy.example', 3_000, 'the new email in the panel')

    // Someone deletes an attribute meanwhile: the edit is refused with the server's reason, nothing is kept.
    button(contact(el), 'Edit contact')!.click()
    const again = await waitFor(() => contact(el).querySelector<HTMLFormElement>('form[aria-label="Edit contact"]'), 3_000, 'the form again')
    await me.contacts.deleteAttribute((await me.contacts.attributes()).find((a) => a.key === 'seats')!.id)
    set(again.querySelector<HTMLInputElement>('[name="company"]')!, 'Half saved')
    set(again.querySelector<HTMLInputElement>('[name="attr:seats"]')!, '13')
    button(again, 'Save contact')!.click()
    const alert = await waitFor(() => contact(el).querySelector('[role="alert"]'), 5_000, 'the refusal')
    assert(/^Not saved: .*attributes\.seats: no such attribute on this site/.test(text(alert)), `the refusal: ${text(alert)}`)
    assert((await me.contacts.get(visitorId)).company === 'US Navy', 'nothing of the refused edit was kept')
    button(again, 'Cancel')!.click()

    // Notes: added, edited, deleted.
    const note = await waitFor(() => contact(el).querySelector<HTMLTextAreaElement>('#new-note'), 3_000, 'the note field')
    set(note, 'Prefers email; renewal due in January.')
    button(contact(el), 'Add note')!.click()
    const item = await waitFor(() => contact(el).querySelector('li.note'), 5_000, 'the note')
    assert(text(item.querySelector('p')) === 'Prefers email; renewal due in January.', 'the note reads as written')
    assert(text(item).includes(site.agents[0]!.name), `its author: ${text(item)}`)
    button(item, 'Edit')!.click()
    const editor = await waitFor(() => contact(el).querySelector<HTMLTextAreaElement>('li.note textarea'), 3_000, 'the note editor')
    set(editor, 'Prefers email.')
    button(contact(el).querySelector('li.note')!, 'Save note')!.click()
    await waitFor(() => text(contact(el).querySelector('li.note p')) === 'Prefers email.', 5_000, 'the edited note')
    assert((await me.contacts.get(visitorId)).notes.map((n) => n.text).join() === 'Prefers email.', 'the server has the edit')
    button(contact(el).querySelector('li.note')!, 'Delete')!.click()
    await waitFor(() => !contact(el).querySelector('li.note'), 5_000, 'the note gone')
    assert((await me.contacts.get(visitorId)).notes.length === 0, 'deleted on the server')
  })

  it("Settings → Contact attributes: an admin adds a list, lets visitors set it, and deletes it after a confirmation; a plain agent only reads", async () => {
    const site = await createSite({ agents: 2 })
    const { el, client } = await mountSettings(site, 0)
    const page = await openAttributes(el)
    const root = sr(page)
    await waitFor(() => text(root).includes('No contact attributes yet.'), 5_000, 'the empty list')
    const form = root.querySelector<HTMLFormElement>('form.add')!
    set(form.querySelector<HTMLInputElement>('[name="label"]')!, 'Plan tier')
    assert(form.querySelector<HTMLInputElement>('[name="key"]')!.value === 'plan_tier', `the suggested key: ${form.querySelector<HTMLInputElement>('[name="key"]')!.value}`)
    set(form.querySelector<HTMLSelectElement>('[name="type"]')!, 'list')
    const opts = await waitFor(() => root.querySelector<HTMLInputElement>('form.add [name="options"]'), 3_000, 'the options field of a list')
    set(opts, 'free, pro, business')
    button(form, 'Add attribute')!.click()
    await waitFor(() => text(root.querySelector('[role="status"]')) === 'Added Plan tier.', 5_000, 'the added status')
    const row = root.querySelector('tr[data-attribute="plan_tier"]')!
    assert(text(row).includes('List · free, pro, business'), `the row: ${text(row)}`)
    await axeCheck(page)

    // A key taken: refused with the server's reason.
    set(form.querySelector<HTMLInputElement>('[name="label"]')!, 'Plan tier')
    button(form, 'Add attribute')!.click()
    await waitFor(() => /^Not added: an attribute "plan_tier" exists already/.test(text(root.querySelector('[role="alert"]'))), 5_000, 'the conflict')

    row.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click()
    await waitFor(() => text(root.querySelector('[role="status"]')) === 'Plan tier: the visitor may set it.', 5_000, 'the toggled status')
    assert((await client.contacts.attributes())[0]!.visitorMaySet, 'the server has it')

    // A plain agent sees the list, without the form or the buttons.
    const agent = await mountSettings(site, 1)
    const theirs = sr(await openAttributes(agent.el))
    await waitFor(() => theirs.querySelector('tr[data-attribute="plan_tier"]'), 5_000, "the plain agent's list")
    assert(!theirs.querySelector('form.add') && !button(theirs, 'Delete') && text(theirs).includes('Only admins change them.'), 'read-only for a plain agent')

    button(row, 'Delete')!.click()
    const dialog = sr(root.querySelector('lcd-confirm-dialog'))
    await waitFor(() => dialog.querySelector('dialog[open]'), 3_000, 'the confirmation')
    button(dialog, 'Delete attribute')!.click()
    await waitFor(() => text(root.querySelector('[role="status"]')) === 'Deleted Plan tier.', 5_000, 'the deleted status')
    assert((await client.contacts.attributes()).length === 0, 'deleted on the server')
  })

  it('the inbox narrows to the conversations whose contact has an attribute value', async () => {
    const site = await createSite({ agents: 1 })
    const me = await agentClient(site, 0)
    await me.contacts.createAttribute({ key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] })
    const start = async (name: string) => {
      const v = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
      visitors.push(v)
      await v.startConversation({ fields: { name }, message: `Hello from ${name}` })
      return v.visitor!.id
    }
    const ada = await start('Ada')
    const bob = await start('Bob')
    await me.contacts.update(ada, { attributes: { plan: 'pro' } })
    await me.contacts.update(bob, { attributes: { plan: 'free' } })
    const { el } = await mountInbox(site, me)
    const list = () => sr(sr(el).querySelector('lcd-conversation-list'))
    const shown = () => [...list().querySelectorAll('[role="option"]')].map((o) => text(o))
    await waitFor(() => shown().length === 2, 8_000, 'both conversations')
    ;[...list().querySelectorAll('button')].find((b) => /^More filters/.test(text(b)))!.click()
    const more = await waitFor(() => list().querySelector<HTMLElement>('#more:not([hidden])'), 3_000, 'the more filters')
    set(more.querySelector<HTMLSelectElement>('[name="attribute"]')!, 'plan')
    const value = await waitFor(() => list().querySelector<HTMLSelectElement>('#more [name="attributeValue"]'), 3_000, "the plan's values")
    assert([...value.options].map((o) => o.textContent).join() === 'Any value,free,pro', `the values: ${[...value.options].map((o) => o.textContent).join()}`)
    set(value, 'pro')
    await waitFor(() => shown().length === 1 && shown()[0]!.includes('Ada'), 5_000, "only Ada's conversation")
    await axeCheck(el)
    set(list().querySelector<HTMLSelectElement>('#more [name="attribute"]')!, '')
    await waitFor(() => shown().length === 2, 5_000, 'both again')
  })
})
