// What the visitor panel's ban and Settings → Bans share: the durations offered, and a ban in words.
import type { Ban, CreateBan } from '@live-chat/sdk'

/** How long a ban lasts: key, label, milliseconds (null: until lifted). */
export const BAN_DURATIONS: [string, string, number | null][] = [
  ['hour', '1 hour', 3_600_000],
  ['day', '1 day', 86_400_000],
  ['week', '7 days', 7 * 86_400_000],
  ['month', '30 days', 30 * 86_400_000],
  ['forever', 'Until lifted', null],
]

/** `expiresAt` for a duration's key (none: until lifted). */
export function banExpiry(key: FormDataEntryValue | null): Pick<CreateBan, 'expiresAt'> {
  const ms = BAN_DURATIONS.find(([k]) => k === key)?.[2] ?? null
  return ms === null ? {} : { expiresAt: new Date(Date.now() + ms).toISOString() }
}

/** What a ban covers, in words. */
export function banTarget(b: Ban): string {
  if (b.kind === 'email') return `Email ${b.email}`
  if (b.kind === 'ip') return `IP ${b.network}`
  return `Visitor ${b.visitor?.name || b.visitor?.email || b.visitor?.id.slice(0, 8) || ''}`
}
