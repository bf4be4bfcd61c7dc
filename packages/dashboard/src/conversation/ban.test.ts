// "Ban visitor…" in the visitor panel and Settings → Bans, against the real server: an agent
// bans a visitor's email after a confirmation (the visitor is cut off and told only that chat is
// not available), the ban shows in the list, an IP range is banned by hand (a bad one is
// refused with the server's reason), and lifting lets the visitor back.
import { LiveChatClient, LiveChatError, MemoryStorage } from '@live-chat/sdk'
import type { LcdInbox } from '../inbox/inbox.js'
import type { LcdSettings } from '../settings/settings.js'
import { mountInbox } from '../../test/inbox.js'
import { mountSettings, openSettingsTab } from '../../test/settings.js'
import { agentClient, assert, axeCheck, cleanup, createSite, waitFor, type TestSite } from '../../../../test/browser/helpers.js'

const sr = (el: Element | null | undefined): ShadowRoot => {
  assert(el?.shadowRoot, `<${el?.localName}> has a shadow root`)
  return el.shadowRoot
}
const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? ''
const button = (root: ParentNode, label: string) => [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === label)
/** The visitor panel's "Ban visitor…" (the inbox is mounted wide: the panel shows). */
const panel = (el: LcdInbox) => sr(sr(sr(el).querySelector('lcd-visitor-panel')).querySelector('lcd-ban-visitor'))

const openBans = (el: LcdSettings) => openSettingsTab(el, 'Bans', 'lcd-settings-bans')

/** The visitor coming back on a new page (their token kept in the browser). */
async function reload(site: TestSite, token: string, visitors: LiveChatClient[]): Promise<LiveChatClient> {
  const storage = new MemoryStorage()
  storage.set(`visitor:${site.siteId}`, token)
  const client = new LiveChatClient({ url: site.url, siteId: site.siteId, storage })
  visitors.push(client)
  await client.connect()
  return client
}

/** What starting a conversation answers the visitor: 'ok', or the error's code and message. */
const tryStart = (visitor: LiveChatClient) =>
  visitor.startConversation({ message: 'Let me in' }).then(
    () => 'ok',
    (e: unknown) => `${LiveChatError.from(e).code}: ${LiveChatError.from(e).message}`,
  )

describe('banning visitors', () => {
  const visitors: LiveChatClient[] = []
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
  })

  it('"Ban visitor…" in the visitor panel bans their email after a confirmation; the visitor is cut off and told only that chat is not available', async () => {
    const site = await createSite({ agents: 1 })
    const me = await agentClient(site, 0, { online: true })
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(visitor)
    const { conversation } = await visitor.startConversation({ fields: { name: 'Tro Ll', email: 'troll@example.test' }, message: 'You are all useless' })
    const { el } = await mountInbox(site, me, conversation.id)

    const open = await waitFor(() => button(panel(el), 'Ban visitor…'), 8_000, 'the Ban visitor… button')
    open.click()
    const dialog = await waitFor(() => sr(panel(el).querySelector('lcd-confirm-dialog')).querySelector<HTMLDialogElement>('dialog[open]'), 3_000, 'the confirmation')
    assert(text(sr(panel(el).querySelector('lcd-confirm-dialog')).querySelector('h2')) === 'Ban Tro Ll?', 'the question names the visitor')
    const choices = [...panel(el).querySelectorAll<HTMLInputElement>('input[name="what"]')]
    assert(choices.map((c) => c.value).join() === 'visitor,email,address,subnet', `the choices: ${choices.map((c) => c.value).join()}`)
    assert(choices[0]!.checked, 'this visitor is the default')
    assert(text(choices[1]!.closest('label')) === 'Their email, troll@example.test', `the email choice: ${text(choices[1]!.closest('label'))}`)
    await axeCheck(sr(el).querySelector('lcd-visitor-panel')!)
    choices[1]!.click()
    panel(el).querySelector<HTMLInputElement>('input[name="reason"]')!.value = 'Abuse'
    panel(el).querySelector<HTMLSelectElement>('select[name="duration"]')!.value = 'week'

    const cut = new Promise<void>((resolve) => visitor.on('disconnected', () => resolve()))
    button(sr(panel(el).querySelector('lcd-confirm-dialog')), 'Ban')!.click()
    const status = await waitFor(() => panel(el).querySelector('[role="status"]'), 5_000, 'the banned status')
    assert(/^Banned: Email troll@example\.test until .+\.$/.test(text(status)), `the status: ${text(status)}`)
    assert(!dialog.open, 'the dialog closed')
    const [ban] = await me.bans.list()
    assert(ban?.kind === 'email' && ban.email === 'troll@example.test' && ban.reason === 'Abuse' && ban.expiresAt !== null, `the ban: ${JSON.stringify(ban)}`)
    assert(Math.abs(Date.parse(ban.expiresAt!) - Date.now() - 7 * 86_400_000) < 60_000, `a week: ${ban.expiresAt}`)

    // The visitor's socket was ended, and coming back (a new page, a new session) is refused, neutrally.
    await cut
    const again = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(again)
    await again.connect()
    const before = await tryStart(again)
    assert(before === 'ok', `someone else may chat: ${before}`)
    const refused = await again.updateProfile({ email: 'TROLL@example.test' }).then(() => 'ok', (e: unknown) => `${LiveChatError.from(e).code}: ${LiveChatError.from(e).message}`)
    assert(refused === 'forbidden: Chat is not available right now.', `giving the banned email: ${refused}`)
  })

  it('Settings → Bans lists the bans, bans an IP range by hand (refusing a bad one with the reason), and lifts a ban: the visitor may chat again', async () => {
    const site = await createSite({ agents: 2 })
    const admin = await agentClient(site, 0)
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    visitors.push(visitor)
    await visitor.startConversation({ fields: { name: 'Pat' }, message: 'Hello' })
    const token = visitor.token!
    await admin.bans.create({ kind: 'visitor', visitorId: visitor.visitor!.id, reason: 'Spam links' })
    // Back on a new page: still them, and refused, neutrally.
    const refused = await tryStart(await reload(site, token, visitors))
    assert(refused === 'forbidden: Chat is not available right now.', `banned: ${refused}`)

    const { el } = await mountSettings(site)
    const section = await openBans(el)
    const root = sr(section)
    const row = await waitFor(() => root.querySelector('tr[data-ban]'), 8_000, 'the ban')
    const banId = row.getAttribute('data-ban')!
    assert(text(row.querySelector('th')) === 'Visitor Pat Spam links', `what, and why: ${text(row.querySelector('th'))}`)
    assert(new RegExp(`^Until lifted by ${site.agents[0]!.name}, `).test(text(row.querySelector('td'))), `until when, by whom: ${text(row.querySelector('td'))}`)
    await axeCheck(section)

    // A bad range: the server's reason, nothing added.
    const form = root.querySelector('form')!
    form.querySelector<HTMLSelectElement>('[name="kind"]')!.value = 'ip'
    form.querySelector<HTMLInputElement>('[name="value"]')!.value = '203.0.113.0/33'
    button(form, 'Ban')!.click()
    const problem = await waitFor(() => root.querySelector('[role="alert"]'), 5_000, 'the refusal')
    assert(text(problem) === 'Not banned: invalid body: network: must be an IPv4 or IPv6 address or a CIDR range', `the refusal: ${text(problem)}`)
    assert(root.querySelectorAll('tr[data-ban]').length === 1, 'nothing added')
    form.querySelector<HTMLInputElement>('[name="value"]')!.value = '203.0.113.9/24'
    form.querySelector<HTMLInputElement>('[name="reason"]')!.value = 'A botnet'
    button(form, 'Ban')!.click()
    await waitFor(() => root.querySelectorAll('tr[data-ban]').length === 2 || null, 5_000, 'the new ban')
    assert(text(root.querySelector('tr[data-ban] th')) === 'IP 203.0.113.0/24 A botnet', `the range, as the server keeps it: ${text(root.querySelector('tr[data-ban] th'))}`)
    assert(!root.querySelector('[role="alert"]'), 'the refusal is gone')

    // A plain agent sees only the bans they made.
    const agent = await agentClient(site, 1)
    await agent.bans.create({ kind: 'email', email: 'mine@example.test' })
    const theirs = await openBans((await mountSettings(site, 1)).el)
    await waitFor(() => sr(theirs).querySelectorAll('tr[data-ban]').length === 1 || null, 8_000, "the agent's own ban only")
    assert(text(sr(theirs).querySelector('tr[data-ban] th')) === 'Email mine@example.test', 'their own')

    // Lifting the visitor's ban lets them back.
    button(root.querySelector(`tr[data-ban="${banId}"]`)!, 'Lift')!.click()
    await waitFor(() => !root.querySelector(`tr[data-ban="${banId}"]`), 5_000, 'the row gone')
    assert(text(root.querySelector('[role="status"]')) === 'Lifted the ban of Visitor Pat.', `the status: ${text(root.querySelector('[role="status"]'))}`)
    const back = await reload(site, token, visitors)
    assert((await tryStart(back)) === 'ok' && back.visitor?.id === visitor.visitor!.id, 'back, as the same visitor')
  })
})
