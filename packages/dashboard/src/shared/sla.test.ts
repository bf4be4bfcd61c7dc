import { html, render } from 'lit'
import type { SlaClock } from '@live-chat/sdk'
import { assert, waitFor } from '../../../../test/browser/helpers.js'
import { slaStatus } from './sla.js'

const clock = (dueInMs: number, breached = false): SlaClock => ({
  kind: 'first_response',
  startedAt: new Date(Date.now() - 60_000).toISOString(),
  dueAt: new Date(Date.now() + dueInMs).toISOString(),
  breachedAt: breached ? new Date().toISOString() : null,
})

describe('the SLA clock', () => {
  it('says what is due and how long is left: amber in the last 10 minutes, red once overdue', () => {
    const now = Date.now()
    assert(slaStatus({ ...clock(0), dueAt: null }, now) === null, 'no due time yet: nothing')
    const far = slaStatus(clock(2 * 3_600_000 + 5 * 60_000), now)!
    assert(far.state === 'ok' && /^First reply in 2h [45]m$/.test(far.text), `far: ${JSON.stringify(far)}`)
    const soon = slaStatus({ ...clock(4 * 60_000), kind: 'next_response' }, now)!
    assert(soon.state === 'soon' && /^Next reply in [34]m/.test(soon.text), `soon: ${JSON.stringify(soon)}`)
    const late = slaStatus(clock(-12 * 60_000, true), now)!
    assert(late.state === 'overdue' && /^First reply overdue 1[12]m/.test(late.text), `late: ${JSON.stringify(late)}`)
  })

  it('in the list (compact), shows only a clock due within the hour or overdue', async () => {
    const host = document.createElement('div')
    document.body.append(host)
    render(
      html`<lcd-sla-clock compact .clock=${clock(3 * 3_600_000)}></lcd-sla-clock><lcd-sla-clock compact .clock=${clock(-60_000, true)}></lcd-sla-clock
        ><lcd-sla-clock .clock=${clock(3 * 3_600_000)}></lcd-sla-clock>`,
      host,
    )
    const [far, late, full] = [...host.querySelectorAll('lcd-sla-clock')]
    await waitFor(() => late!.shadowRoot?.querySelector('span'), 3_000, 'the overdue pill')
    assert(!far!.shadowRoot!.querySelector('span'), 'a clock hours away is not in the list')
    assert(late!.shadowRoot!.querySelector('span.overdue')?.getAttribute('role') === 'timer', 'overdue, as a timer')
    assert(/^⏱ 1m late$/.test(late!.shadowRoot!.querySelector('span')?.textContent?.trim() ?? ''), `short in the list: ${late!.shadowRoot!.querySelector('span')?.textContent}`)
    assert(/First reply in 2h|First reply in 3h/.test(full!.shadowRoot!.querySelector('span')?.textContent ?? ''), 'the conversation shows it in full')
    host.remove()
  })
})
