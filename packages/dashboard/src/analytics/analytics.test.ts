// The analytics page (#analytics) of <live-chat-dashboard>, on conversations seeded through the
// SDK against the real server. Expected figures come from what the test seeded, not from the report.
import { LiveChatClient, type AgentClient } from '@live-chat/sdk'
import { agentClient, assert, axeCheck, cleanup, createSite, mount, nextDownload, waitFor, type TestSite } from '../../../../test/browser/helpers.js'
import type { LiveChatDashboard } from '../live-chat-dashboard.js'
import type { LcdAnalytics } from './analytics.js'
import '../index.js'

const ZONE = 'Europe/Paris'
const visitors: LiveChatClient[] = []

async function visitor(site: TestSite, fields: { name: string; email?: string }, message: string, offline = false): Promise<{ v: LiveChatClient; id: string }> {
  const v = new LiveChatClient({ url: site.url, siteId: site.siteId, storage: 'memory' })
  visitors.push(v)
  await v.connect()
  const { conversation } = await v.startConversation({ fields, message, ...(offline ? { offline: true } : {}) })
  return { v, id: conversation.id }
}

/** Today, and `days` before, in the zone (sv-SE writes dates as YYYY-MM-DD). */
function day(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toLocaleDateString('sv-SE', { timeZone: ZONE })
}

/** [weekday (0 = Monday), hour] now in the zone. */
function weekdayHour(at = new Date()): [number, number] {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, weekday: 'short', hour: '2-digit', hourCycle: 'h23' }).formatToParts(at)
  const wd = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.find((p) => p.type === 'weekday')!.value)
  return [wd, Number(parts.find((p) => p.type === 'hour')!.value)]
}

function dashboard(site: TestSite, token: string): LiveChatDashboard {
  const el = document.createElement('live-chat-dashboard')
  el.server = site.url
  el.token = token
  el.style.height = '900px'
  el.style.width = '1280px'
  return mount(el)
}

const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim()
const page = (el: LiveChatDashboard) => el.shadowRoot!.querySelector<LcdAnalytics>('lcd-analytics')
const $ = <T extends Element = HTMLElement>(el: LiveChatDashboard, selector: string) => page(el)?.shadowRoot?.querySelector<T>(selector) ?? null
const tile = (el: LiveChatDashboard, kpi: string) => text($(el, `[data-kpi="${kpi}"] dd.value`))

describe('<lcd-analytics>', () => {
  beforeEach(() => history.replaceState(null, '', location.pathname))
  afterEach(() => {
    for (const v of visitors.splice(0)) v.disconnect()
    cleanup()
    history.replaceState(null, '', location.pathname)
  })

  it('shows the seeded figures in tiles, charts, the heat grid and the agent table, and downloads them as CSV', async () => {
    const site = await createSite({ agents: 2, settings: { timezone: ZONE } })
    const admin = await agentClient(site, 0)
    const mate = await agentClient(site, 1)
    // Away: nothing is routed automatically; each conversation goes to whom the test says.
    await admin.setStatus('away')
    await mate.setStatus('away')
    const [me, other] = [site.agents[0]!, site.agents[1]!]
    const started = weekdayHour()

    const handle = async (agent: AgentClient, agentId: string, c: { v: LiveChatClient; id: string }, reply: string, rating: number) => {
      await agent.conversations.assign(c.id, agentId)
      await agent.send(c.id, reply)
      await agent.conversations.resolve(c.id)
      await c.v.rate(c.id, rating)
    }
    await handle(admin, me.agentId, await visitor(site, { name: 'Ada' }, 'Where is my order?'), 'Let me check.', 5)
    await handle(mate, other.agentId, await visitor(site, { name: 'Bob' }, 'A question on pricing'), 'Sure, ask away.', 3)
    await visitor(site, { name: 'Cleo', email: 'cleo@example.com' }, 'Please call me back', true)
    const ended = weekdayHour()
    // Seeded: 3 conversations (one an offline message), 3 visitor and 2 agent messages, ratings 5 and 3.
    await waitFor(async () => (await admin.analytics.report({ from: day(-29), to: day() })).conversations === 3, 10_000, 'the report to count the seeded conversations')

    const el = dashboard(site, admin.token!)
    const link = await waitFor(() => [...(el.shadowRoot?.querySelectorAll('nav a') ?? [])].find((a) => text(a) === 'Analytics'), 10_000, 'the Analytics link')
    ;(link as HTMLAnchorElement).click()
    await waitFor(() => tile(el, 'conversations') === '3', 10_000, `the conversations tile (shows ${tile(el, 'conversations')})`)
    assert(location.hash === '#analytics', `the route: ${location.hash}`)
    assert(el.shadowRoot!.querySelector('a[aria-current="page"]')?.textContent === 'Analytics', 'the nav marks Analytics')
    assert($<HTMLButtonElement>(el, '.presets button[aria-pressed="true"]')?.textContent?.trim() === 'Last 30 days', 'last 30 days by default')
    assert($<HTMLInputElement>(el, 'input[name="from"]')!.value === day(-29) && $<HTMLInputElement>(el, 'input[name="to"]')!.value === day(), 'the range ends today in the site’s zone')
    assert(tile(el, 'messages') === '5', `messages: ${tile(el, 'messages')}`)
    assert(tile(el, 'offline') === '1', `offline: ${tile(el, 'offline')}`)
    assert(tile(el, 'missed') === '0', `missed: ${tile(el, 'missed')}`)
    assert(tile(el, 'csat') === '4.0 / 5', `CSAT: ${tile(el, 'csat')}`)
    assert(/^2 ratings$/.test(text($(el, '[data-kpi="csat"] dd.sub'))), `CSAT count: ${text($(el, '[data-kpi="csat"] dd.sub'))}`)
    assert(/^(\d+s|\d+m( \d+s)?)$/.test(tile(el, 'first-response-median')), `first response in words: ${tile(el, 'first-response-median')}`)

    // Charts: images named by their summary, with the numbers as tables.
    const charts = [...page(el)!.shadowRoot!.querySelectorAll('lcd-chart')]
    assert(charts.length === 2, 'two charts')
    const perDay = charts[0]!.shadowRoot!.querySelector('canvas[role="img"]')!
    assert(/3 in total/.test(perDay.getAttribute('aria-label') ?? ''), `per-day summary: ${perDay.getAttribute('aria-label')}`)
    const todayRow = [...charts[0]!.shadowRoot!.querySelectorAll('tbody tr')].at(-1)!
    assert(text(todayRow.querySelector('td')) === '3', `today's row in the table: ${text(todayRow)}`)
    const csat = [...charts[1]!.shadowRoot!.querySelectorAll('tbody tr')].map((tr) => text(tr.querySelector('td')))
    assert(csat.join() === '0,0,1,0,1', `the ratings table: ${csat.join()}`)

    // The heat grid: 7 weekdays × 24 hours, the seeded conversations in the hour they started.
    const rows = [...page(el)!.shadowRoot!.querySelectorAll('table.heat tbody tr')]
    assert(rows.length === 7 && rows.every((r) => r.querySelectorAll('td').length === 24), 'a 7 × 24 grid')
    const counts = rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(text(td)) || 0))
    const filled = counts.flatMap((row, d) => row.flatMap((n, h) => (n ? [[d, h, n]] : [])))
    assert(filled.reduce((sum, [, , n]) => sum + n!, 0) === 3, `3 conversations in the grid: ${JSON.stringify(filled)}`)
    assert(filled.every(([d, h]) => [started, ended].some(([wd, hr]) => wd === d && hr === h)), `in the hour they started: ${JSON.stringify(filled)} (${started} – ${ended})`)
    const hot = rows[filled[0]![0]!]!.querySelectorAll('td')[filled[0]![1]!]!
    assert(/^h[1-4]$/.test(hot.className), `a coloured cell: ${hot.className}`)

    // Per agent.
    const agentRow = (id: string) => [...($(el, `table.agents tr[data-agent="${id}"]`)?.querySelectorAll('td') ?? [])].map(text)
    const [handled, messages, , rated] = agentRow(me.agentId)
    assert(handled === '1' && messages === '1' && /^5[.,]0 \(1 rating\)$/.test(rated ?? ''), `the admin's row: ${agentRow(me.agentId).join(' | ')}`)
    assert(agentRow(other.agentId)[0] === '1' && /^3[.,]0/.test(agentRow(other.agentId)[3] ?? ''), `the teammate's row: ${agentRow(other.agentId).join(' | ')}`)
    await axeCheck(el)

    // CSV of the same range.
    const download = nextDownload()
    ;[...page(el)!.shadowRoot!.querySelectorAll('button')].find((b) => text(b) === 'Download CSV')!.click()
    const file = await download
    assert(file.name === `analytics-${day(-29)}-to-${day()}.csv`, `file name: ${file.name}`)
    const lines = (await file.text()).replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean)
    assert(/^date,conversations,messages,/.test(lines[0] ?? ''), `the CSV's header: ${lines[0]}`)
    assert(lines.length === 32, `a row per day of the 30 and a total: ${lines.length} lines`)
    assert(/^total,3,5,/.test(lines.at(-1) ?? ''), `the total row: ${lines.at(-1)}`)

    // Presets and custom dates.
    ;[...page(el)!.shadowRoot!.querySelectorAll<HTMLButtonElement>('.presets button')].find((b) => text(b) === 'Last 7 days')!.click()
    await waitFor(() => $<HTMLInputElement>(el, 'input[name="from"]')?.value === day(-6), 5_000, 'the 7-day range')
    await waitFor(() => tile(el, 'conversations') === '3', 8_000, 'the same figures for 7 days')
    const from = $<HTMLInputElement>(el, 'input[name="from"]')!
    const to = $<HTMLInputElement>(el, 'input[name="to"]')!
    to.value = '2020-01-31'
    to.dispatchEvent(new Event('change'))
    from.value = '2020-01-01'
    from.dispatchEvent(new Event('change'))
    const empty = await waitFor(() => $(el, '.empty'), 8_000, 'the empty state')
    assert(/No conversations in this period/.test(text(empty)), `empty state: ${text(empty)}`)
    assert(!$(el, '.presets button[aria-pressed="true"]'), 'no preset is pressed for custom dates')
    await axeCheck(el)
  })

  it('is not offered to agents who are not admins', async () => {
    const site = await createSite({ agents: 2 })
    const agent = await agentClient(site, 1)
    const el = dashboard(site, agent.token!)
    await waitFor(() => el.shadowRoot?.querySelector('select#status'), 10_000, 'signed in')
    const links = [...el.shadowRoot!.querySelectorAll('nav a')].map(text)
    assert(!links.includes('Analytics'), `no Analytics link: ${links.join(', ')}`)
    location.hash = '#analytics'
    const note = await waitFor(() => $(el, '[role="note"]'), 10_000, 'the analytics page')
    assert(/Only site admins/.test(text(note)), `a note says why: ${text(note)}`)
    assert(!$(el, 'dl.tiles'), 'no figures')
  })
})
