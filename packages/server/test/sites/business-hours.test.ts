// Business hours in availability: with business hours enabled, a site is offline outside them
// and on holidays, even with an agent online; visitors are told when that changes.
import request from 'supertest'
import { beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { SiteSettings, UpdateSiteSettings, WidgetConfig } from '@live-chat/protocol'
import { eventually, serverPerFile, waitFor, type AgentFixture, type SiteFixture } from '../helpers.js'

const t = serverPerFile()

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const everyDay = (start: string, end: string) => Object.fromEntries(DAYS.map((d) => [d, [{ start, end }]]))
const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`

/** A site with an admin connected and online (so only the clock can make it offline). */
async function openSite(): Promise<{ site: SiteFixture; admin: AgentFixture; agent: AgentClient }> {
  const site = await t.s.fx.site()
  const admin = await t.s.fx.agent(site.id, { role: 'admin' })
  const agent = new AgentClient({ url: t.s.url, token: admin.token })
  t.track(agent)
  await agent.connect(site.id)
  await eventually(async () => (await widget(site.id)).online, 5_000, 'the site to be online')
  return { site, admin, agent }
}

async function widget(siteId: string): Promise<WidgetConfig> {
  const res = await request(t.s.url).get(`/api/sites/${siteId}/widget`)
  expect(res.status).toBe(200)
  return res.body as WidgetConfig
}

const settings = (agent: AgentClient, widgetSettings: NonNullable<UpdateSiteSettings['widget']>) => agent.settings.update({ widget: widgetSettings })

describe('GET /api/sites/:siteId/widget with business hours', () => {
  it('with an agent online but hours that exclude now, says online: false; with hours that include now, true', async () => {
    const { site, agent } = await openSite()
    const now = new Date().getUTCHours()
    // A one-hour range six hours away from now, every day: surely closed.
    await settings(agent, { businessHoursEnabled: true, timezone: 'UTC', businessHours: everyDay(hh(now + 6), hh(now + 7)) })
    expect(await widget(site.id)).toMatchObject({ online: false, businessHoursEnabled: true })

    await settings(agent, { businessHours: everyDay('00:00', '24:00') })
    expect((await widget(site.id)).online).toBe(true)

    // Turning business hours off ignores them.
    await settings(agent, { businessHoursEnabled: false, businessHours: {} })
    expect((await widget(site.id)).online).toBe(true)
  })

  it('on a holiday (a date in the site’s time zone), says online: false all day', async () => {
    const { site, agent } = await openSite()
    const tz = 'Pacific/Kiritimati' // UTC+14: its date is often not UTC's
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date())
    await settings(agent, { businessHoursEnabled: true, timezone: tz, businessHours: everyDay('00:00', '24:00'), holidays: [today, '2030-01-01', today] })
    expect(await widget(site.id)).toMatchObject({ online: false, holidays: [today, '2030-01-01'].sort(), timezone: tz })
    await settings(agent, { holidays: [] })
    expect((await widget(site.id)).online).toBe(true)
  })

  it('tells connected visitors at once when new hours open or close the site', async () => {
    const { site, agent } = await openSite()
    const visitor = new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' })
    t.track(visitor)
    await visitor.connect()
    await visitor.startConversation({ message: 'hi' })
    expect(visitor.online).toBe(true)

    const closed = waitFor<{ online: boolean }>((fn) => visitor.on('availability', fn), (a) => !a.online)
    await settings(agent, { businessHoursEnabled: true, businessHours: {} })
    await closed
    const opened = waitFor<{ online: boolean }>((fn) => visitor.on('availability', fn), (a) => a.online)
    await settings(agent, { businessHours: everyDay('00:00', '24:00') })
    await opened
  })

  it('as the clock passes the opening and closing times, tells the visitors connected to this process', async () => {
    const { site, agent } = await openSite()
    await settings(agent, { businessHoursEnabled: true, timezone: 'Europe/Berlin', businessHours: { mon: [{ start: '09:00', end: '17:00' }] } })
    const visitor = new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' })
    t.track(visitor)
    await visitor.startConversation({ message: 'hi' })
    const seen: boolean[] = []
    visitor.on('availability', ({ online }) => seen.push(online))
    const clock = t.s.services.sites.clock
    // Monday 2026-11-23 in Berlin (UTC+1): 08:59 closed, 09:00 open, 16:59 open, 17:00 closed.
    await clock.tick(new Date('2026-11-23T07:59:00Z'))
    await clock.tick(new Date('2026-11-23T08:00:00Z'))
    await eventually(() => seen.at(-1) === true, 5_000, 'opening announced')
    await clock.tick(new Date('2026-11-23T15:59:00Z'))
    await clock.tick(new Date('2026-11-23T16:00:00Z'))
    await eventually(() => seen.at(-1) === false, 5_000, 'closing announced')
    expect(visitor.online).toBe(false)
  })
})

describe('PATCH /api/sites/:siteId/settings with business hours', () => {
  let site: SiteFixture
  let admin: AgentFixture
  beforeAll(async () => {
    site = await t.s.fx.site()
    admin = await t.s.fx.agent(site.id, { role: 'admin' })
  })
  const patch = (widget: unknown) => request(t.s.url).patch(`/api/sites/${site.id}/settings`).set('Authorization', `Bearer ${admin.token}`).send({ widget })

  it('stores ranges past midnight, until 24:00, and holidays sorted without repeats', async () => {
    const res = await patch({ businessHours: { fri: [{ start: '22:00', end: '02:00' }], sat: [{ start: '10:00', end: '24:00' }] }, holidays: ['2026-12-31', '2026-12-25', '2026-12-31'] })
    expect(res.status).toBe(200)
    expect((res.body as SiteSettings).widget).toMatchObject({
      businessHours: { fri: [{ start: '22:00', end: '02:00' }], sat: [{ start: '10:00', end: '24:00' }] },
      holidays: ['2026-12-25', '2026-12-31'],
    })
    expect((res.body as SiteSettings).widget).not.toHaveProperty('upload')
  })

  const bad: [string, unknown][] = [
    ['a date that does not exist', { holidays: ['2026-02-30'] }],
    ['a date in another format', { holidays: ['25.12.2026'] }],
    ['too many holidays', { holidays: Array.from({ length: 367 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)) }],
    ['a range that starts where it ends', { businessHours: { mon: [{ start: '09:00', end: '09:00' }] } }],
    ['a start of 24:00', { businessHours: { mon: [{ start: '24:00', end: '09:00' }] } }],
    ['an end of 24:30', { businessHours: { mon: [{ start: '09:00', end: '24:30' }] } }],
    ['an unknown weekday', { businessHours: { monday: [{ start: '09:00', end: '17:00' }] } }],
  ]
  for (const [name, widget] of bad) {
    it(`when given ${name}, answers 400 invalid_payload and changes nothing`, async () => {
      const before = await t.s.db.inSite(site.id, (tx) => tx.widgetSettings.findUniqueOrThrow({ where: { siteId: site.id } }))
      const res = await patch(widget)
      expect({ status: res.status, code: (res.body as { error: { code: string } }).error?.code }).toEqual({ status: 400, code: 'invalid_payload' })
      expect(await t.s.db.inSite(site.id, (tx) => tx.widgetSettings.findUniqueOrThrow({ where: { siteId: site.id } }))).toEqual(before)
    })
  }
})
