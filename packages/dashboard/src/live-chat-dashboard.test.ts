// <live-chat-dashboard>: sign-in, the session kept across reloads (with `persist`), the agent's
// status, teammates' presence, pages by URL hash, sign-out; against the real server.
import { agentClient, assert, axeCheck, cleanup, createSite, mount, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { LiveChatClient } from '@live-chat/sdk'
import type { LiveChatDashboard } from './live-chat-dashboard.js'
import './index.js'

const KEY = 'live-chat-dashboard:session'

function dashboard(site: TestSite, attrs: Record<string, string> = {}): LiveChatDashboard {
  const el = document.createElement('live-chat-dashboard')
  el.server = site.url
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  el.style.height = '700px'
  return mount(el)
}

const $ = <T extends Element>(root: Element, selector: string): T | null => root.shadowRoot!.querySelector<T>(selector)

async function signIn(el: LiveChatDashboard, email: string, password: string): Promise<void> {
  const login = await waitFor(() => $<HTMLElement>(el, 'lcd-login'), 5_000, 'the sign-in form')
  await (login as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete
  const form = login.shadowRoot!.querySelector('form')!
  form.querySelector<HTMLInputElement>('[name=email]')!.value = email
  form.querySelector<HTMLInputElement>('[name=password]')!.value = password
  form.querySelector<HTMLButtonElement>('button[type=submit]')!.click()
}

describe('<live-chat-dashboard>', () => {
  beforeEach(() => {
    localStorage.clear()
    history.replaceState(null, '', location.pathname)
  })
  afterEach(() => {
    cleanup()
    localStorage.clear()
  })

  it('refuses a wrong password with a message, then signs in and comes online', async () => {
    const site = await createSite({ agents: 2 })
    const el = dashboard(site)
    await signIn(el, site.agents[0]!.email, 'not-the-password')
    const login = $(el, 'lcd-login')!
    const alert = await waitFor(() => login.shadowRoot!.querySelector('[role=alert]'), 10_000, 'the error')
    assert(/wrong email or password/i.test(alert.textContent ?? ''), `error: ${alert.textContent}`)
    await axeCheck(el)

    await signIn(el, site.agents[0]!.email, site.agents[0]!.password)
    const status = await waitFor(() => $<HTMLSelectElement>(el, 'select#status'), 10_000, 'the status menu')
    assert(status.value === 'online', `status ${status.value}`)
    assert(el.agent?.id === site.agents[0]!.agentId, 'the signed-in agent')
    // The server sees the agent online too (what routing and the widget go by).
    const teammate = await agentClient(site, 1)
    await waitFor(async () => (await teammate.agents.list()).find((a) => a.id === site.agents[0]!.agentId)?.status === 'online', 5_000, 'online on the server')
    await axeCheck(el)
  })

  it('shows teammates with their live status, changes its own, and moves between pages by hash', async () => {
    const site = await createSite({ agents: 2 })
    const el = dashboard(site)
    await signIn(el, site.agents[0]!.email, site.agents[0]!.password)
    await waitFor(() => $(el, 'select#status'), 10_000, 'signed in')
    const mate = () => $<HTMLElement>(el, `.mate[aria-label^="${site.agents[1]!.name}"]`)
    await waitFor(() => mate()?.getAttribute('aria-label')?.endsWith('offline'), 5_000, 'the teammate, offline')
    const teammate = await agentClient(site, 1)
    await teammate.setStatus('busy')
    await waitFor(() => mate()?.getAttribute('aria-label')?.endsWith('busy'), 5_000, 'the teammate, busy')

    const status = $<HTMLSelectElement>(el, 'select#status')!
    status.value = 'away'
    status.dispatchEvent(new Event('change'))
    await waitFor(async () => (await teammate.agents.list()).find((a) => a.id === site.agents[0]!.agentId)?.status === 'away', 5_000, 'away on the server')

    location.hash = '#canned'
    await waitFor(() => $(el, 'lcd-canned-responses'), 5_000, 'the canned responses page')
    assert($(el, 'a[aria-current=page]')?.textContent === 'Canned responses', 'nav marks the page')
    location.hash = '#settings'
    await waitFor(() => $(el, 'lcd-settings'), 5_000, 'the settings page')
    assert($<HTMLElement>(el, 'lcd-inbox')!.hidden, 'the inbox stays, hidden')
    location.hash = '#inbox'
    await waitFor(() => !$<HTMLElement>(el, 'lcd-inbox')!.hidden, 5_000, 'the inbox again')
  })

  it('with `persist`, keeps the session across a reload and forgets it on sign-out', async () => {
    const site = await createSite({ agents: 1 })
    const first = dashboard(site, { persist: '' })
    await signIn(first, site.agents[0]!.email, site.agents[0]!.password)
    await waitFor(() => $(first, 'select#status'), 10_000, 'signed in')
    assert(localStorage.getItem(KEY), 'the token is kept')
    first.remove()

    // "Reload": a new element finds the session and skips the sign-in form.
    const second = dashboard(site, { persist: '' })
    await waitFor(() => $(second, 'select#status'), 10_000, 'signed in again without the form')
    const out = Array.from(second.shadowRoot!.querySelectorAll('button')).find((b) => b.textContent === 'Sign out')!
    out.click()
    await waitFor(() => $(second, 'lcd-login'), 5_000, 'the sign-in form')
    assert(!localStorage.getItem(KEY), 'the token is gone')
  })

  it('tells the page the unread count once per change, in the title too, and zero after sign-out', async () => {
    const site = await createSite({ agents: 1 })
    const counts: number[] = []
    const onUnread = (e: Event) => counts.push((e as CustomEvent<{ count: number }>).detail.count)
    document.addEventListener('lcd-unread-change', onUnread)
    const visitor = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
    try {
      const el = dashboard(site)
      await signIn(el, site.agents[0]!.email, site.agents[0]!.password)
      await waitFor(() => $(el, 'select#status'), 10_000, 'signed in')
      await visitor.startConversation({ message: 'Is anyone there?' })
      await waitFor(() => counts.at(-1) === 1, 10_000, `an unread count of 1 (got ${counts.join(',')})`)
      assert(counts.filter((c) => c === 1).length === 1, `one event for the change to 1, not one per element (got ${counts.join(',')})`)
      assert(/^\(1\)/.test(document.title), `the title counts it: ${document.title}`)

      Array.from(el.shadowRoot!.querySelectorAll('button')).find((b) => b.textContent === 'Sign out')!.click()
      await waitFor(() => counts.at(-1) === 0, 5_000, `zero after sign-out (got ${counts.join(',')})`)
      assert(!document.title.startsWith('('), `the title has no count: ${document.title}`)
    } finally {
      visitor.disconnect()
      document.removeEventListener('lcd-unread-change', onUnread)
    }
  })

  it('without `persist` stores nothing, and a stale stored token leads to the sign-in form', async () => {
    const site = await createSite({ agents: 1 })
    localStorage.setItem(KEY, 'not-a-valid-token')
    const stale = dashboard(site, { persist: '' })
    await waitFor(() => $(stale, 'lcd-login'), 10_000, 'the sign-in form')
    assert(!localStorage.getItem(KEY), 'the stale token is dropped')
    stale.remove()

    const el = dashboard(site)
    await signIn(el, site.agents[0]!.email, site.agents[0]!.password)
    await waitFor(() => $(el, 'select#status'), 10_000, 'signed in')
    assert(localStorage.length === 0, `nothing stored: ${Object.keys(localStorage).join(', ')}`)
  })
})
