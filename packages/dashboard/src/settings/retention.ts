// The site's retention policy in the settings form: what happens to old conversations, and after
// how many days without activity (the server applies it every hour; REST.md, "Retention").
import { html, nothing } from 'lit'
import type { SiteSettings } from '@live-chat/sdk'
import type { FieldErrors } from '../shared/form.js'

type Retention = SiteSettings['retention']

/** The days offered when a policy is first turned on. */
const DEFAULT_DAYS = 365

const HINTS: Record<Retention['mode'], string> = {
  off: 'Conversations and visitors are kept until you delete the site, or erase a visitor from the inbox.',
  delete:
    'Conversations whose last activity is older are deleted with their messages and files; so are visitors left without conversations and not seen for as long. Analytics keep their counts.',
  anonymise:
    'Conversations whose last activity is older keep their counts, times and ratings for analytics, but lose every message text, file and rating comment. A visitor’s name, email and other details go once all their conversations are that old and they were not seen since. Visitors who never chatted are deleted.',
}

/** The fieldset; `change` gets the new policy. */
export function retentionFieldset(r: Retention, errors: FieldErrors, change: (r: Retention) => void) {
  const a = errors.aria('retention.days')
  const pick = (mode: Retention['mode']) => change(mode === 'off' ? { mode } : { mode, days: r.mode === 'off' ? DEFAULT_DAYS : r.days })
  return html`<fieldset>
    <legend>Data retention</legend>
    <label
      >Old conversations
      <select name="retentionMode" aria-describedby="retention-hint" @change=${(e: Event) => pick((e.target as HTMLSelectElement).value as Retention['mode'])}>
        <option value="off" ?selected=${r.mode === 'off'}>Keep them</option>
        <option value="delete" ?selected=${r.mode === 'delete'}>Delete them</option>
        <option value="anonymise" ?selected=${r.mode === 'anonymise'}>Anonymise them</option>
      </select>
    </label>
    ${r.mode === 'off'
      ? nothing
      : html`<label
          >After this many days without activity
          <input
            name="retentionDays"
            type="number"
            min="1"
            max="36500"
            step="1"
            .value=${Number.isNaN(r.days) ? '' : String(r.days)}
            aria-invalid=${a.invalid}
            aria-describedby=${a.describedby === nothing ? 'retention-hint' : `retention-hint ${a.describedby}`}
            @input=${(e: Event) => change({ mode: r.mode, days: (e.target as HTMLInputElement).valueAsNumber })}
          />
          ${errors.text('retention.days')}</label
        >`}
    <p class="muted hint" id="retention-hint">${HINTS[r.mode]} ${r.mode === 'off' ? '' : 'Applied every hour.'}</p>
    ${errors.text('retention', true)}
  </fieldset>`
}
