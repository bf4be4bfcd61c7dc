// The business hours part of the widget settings form: on/off, opening ranges per weekday, the
// time zone and the holidays. Template functions: state lives in <lcd-settings-widget>.
import { html, nothing, type TemplateResult } from 'lit'
import type { SiteSettings } from '@live-chat/sdk'
import type { FieldErrors } from '../shared/form.js'

type Widget = SiteSettings['widget']
export type HoursSettings = Pick<Widget, 'businessHoursEnabled' | 'businessHours' | 'timezone' | 'holidays'>

export const WEEKDAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const

let zones: string[] | null = null
/** Every IANA time zone the browser knows (UTC first). */
export function timeZones(): string[] {
  if (!zones) {
    const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
    zones = ['UTC', ...all.filter((z) => z !== 'UTC')]
  }
  return zones
}

/**
 * The business hours editor. `set` receives the changed fields; `errors` holds the server's
 * problems under `widget.*`.
 */
export function businessHoursEditor(v: HoursSettings, set: (changes: Partial<HoursSettings>) => void, errors: FieldErrors): TemplateResult {
  const hours = v.businessHours
  const setDay = (day: string, ranges: { start: string; end: string }[]) => {
    const next = { ...hours }
    if (ranges.length) next[day] = ranges
    else delete next[day]
    set({ businessHours: next })
  }
  const zoneList = timeZones().includes(v.timezone) ? timeZones() : [v.timezone, ...timeZones()]
  const tzErr = errors.aria('widget.timezone')
  return html`<fieldset>
    <legend>Business hours</legend>
    <label class="check"
      ><input type="checkbox" name="businessHoursEnabled" .checked=${v.businessHoursEnabled} @change=${(e: Event) => set({ businessHoursEnabled: (e.target as HTMLInputElement).checked })} />
      Only open during business hours</label
    >
    <p class="muted hint">Outside these hours, and on holidays, visitors see the offline message and form.</p>
    <label
      >Time zone
      <select
        name="timezone"
        .value=${v.timezone}
        aria-invalid=${tzErr.invalid}
        aria-describedby=${tzErr.describedby}
        @change=${(e: Event) => set({ timezone: (e.target as HTMLSelectElement).value })}
      >
        ${zoneList.map((z) => html`<option value=${z} ?selected=${z === v.timezone}>${z}</option>`)}
      </select>
      ${errors.text('widget.timezone')}
    </label>
    <table class="hours">
      <caption class="sr-only">
        Opening hours per weekday (HH:MM, 24-hour clock)
      </caption>
      <tbody>
        ${WEEKDAYS.map(([day, name]) => {
          const ranges = hours[day] ?? []
          const base = `widget.businessHours.${day}`
          return html`<tr data-day=${day}>
            <th scope="row">${name}</th>
            <td>
              ${ranges.length ? nothing : html`<span class="muted">Closed</span>`}
              ${ranges.map((r, i) => {
                const put = (patch: Partial<typeof r>) => setDay(day, ranges.map((x, j) => (j === i ? { ...x, ...patch } : x)))
                const s = errors.aria(`${base}.${i}.start`, `${base}.${i}`)
                const en = errors.aria(`${base}.${i}.end`, `${base}.${i}`)
                return html`<div class="range">
                  <input
                    class="time"
                    name="${day}-${i}-start"
                    inputmode="numeric"
                    placeholder="09:00"
                    aria-label="${name} range ${i + 1} opens at"
                    .value=${r.start}
                    aria-invalid=${s.invalid}
                    aria-describedby=${s.describedby}
                    @input=${(e: Event) => put({ start: (e.target as HTMLInputElement).value.trim() })}
                  />
                  <span aria-hidden="true">–</span>
                  <input
                    class="time"
                    name="${day}-${i}-end"
                    inputmode="numeric"
                    placeholder="17:00"
                    aria-label="${name} range ${i + 1} closes at"
                    .value=${r.end}
                    aria-invalid=${en.invalid}
                    aria-describedby=${en.describedby}
                    @input=${(e: Event) => put({ end: (e.target as HTMLInputElement).value.trim() })}
                  />
                  <button type="button" class="link danger" aria-label="Remove ${name} range ${i + 1}" @click=${() => setDay(day, ranges.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                  ${errors.text(`${base}.${i}`)}
                </div>`
              })}
              <button type="button" class="link" aria-label="Add range on ${name}" @click=${() => setDay(day, [...ranges, { start: '09:00', end: '17:00' }])}>
                Add range
              </button>
              ${errors.text(base, true)}
            </td>
          </tr>`
        })}
      </tbody>
    </table>
    ${errors.text('widget.businessHours', true)}
    <p class="muted hint">A range that ends before it starts runs past midnight; "24:00" means until midnight.</p>
    <div class="list" role="group" aria-labelledby="holidays-h">
      <span id="holidays-h" class="label">Holidays (closed all day)</span>
      <ul>
        ${v.holidays.map(
          (d, i) =>
            html`<li>
              <span>${d}</span>
              <button type="button" class="link danger" aria-label="Remove holiday ${d}" @click=${() => set({ holidays: v.holidays.filter((_, j) => j !== i) })}>
                Remove
              </button>
              ${errors.text(`widget.holidays.${i}`)}
            </li>`,
        )}
      </ul>
      <div class="add">
        <input type="date" name="holiday" aria-label="Holiday date" />
        <button
          type="button"
          @click=${(e: Event) => {
            const input = (e.target as HTMLElement).parentElement!.querySelector('input')!
            if (input.value && !v.holidays.includes(input.value)) set({ holidays: [...v.holidays, input.value].sort() })
            input.value = ''
          }}
        >
          Add holiday
        </button>
      </div>
      ${errors.text('widget.holidays', true)}
    </div>
  </fieldset>`
}
