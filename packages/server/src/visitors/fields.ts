// Contact details a visitor gives (pre-chat form, profile edits).
import type { Consent, PreChatField, VisitorFields } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import type { Tx } from '../shared/db/index.js'
import { AppError } from '../shared/errors.js'
import { refuseBanned } from '../bans/service.js'
import { writeAttributes } from '../contacts/attributes.js'

type VisitorRow = Prisma.VisitorGetPayload<object>
type WidgetRow = Prisma.WidgetSettingsGetPayload<object>

const COLUMN_FIELDS = new Set(['name', 'email', 'phone'])

/** Enforces the site's required fields (require email, required pre-chat fields) on the server too. */
export function checkPreChat(settings: WidgetRow | null, visitor: VisitorRow, fields: VisitorFields | undefined): void {
  if (!settings) return
  const value = (name: string): unknown => {
    if (COLUMN_FIELDS.has(name)) return (fields as Record<string, unknown> | undefined)?.[name] ?? (visitor as Record<string, unknown>)[name]
    return fields?.custom?.[name] ?? (visitor.customData as Record<string, unknown> | null)?.[name]
  }
  const missing: string[] = []
  if (settings.requireEmail && !value('email')) missing.push('email')
  if (settings.preChatEnabled) {
    for (const f of (settings.preChatFields ?? []) as unknown as PreChatField[]) {
      const v = value(f.name)
      // A consent is given only by a tick (true), never by any other value.
      const given = f.type === 'consent' ? v === true : v !== undefined && v !== null && v !== ''
      // A "team" pick is never required here: without teams the widget does not show the field,
      // and a conversation without a team waits in the site's general queue.
      if (f.required && !given && f.type !== 'team' && !missing.includes(f.name)) missing.push(f.name)
    }
  }
  if (missing.length > 0) {
    throw new AppError(
      'invalid_payload',
      `invalid payload: required: ${missing.join(', ')}`,
      missing.map((m) => ({ path: COLUMN_FIELDS.has(m) ? `fields.${m}` : `fields.custom.${m}`, message: 'required' })),
    )
  }
}

/** `settings`: the site's widget settings when the caller has them already (else read if needed). */
export async function applyVisitorFields(tx: Tx, visitor: VisitorRow, fields: VisitorFields, settings?: WidgetRow | null): Promise<VisitorRow> {
  const data: Prisma.VisitorUpdateInput = {}
  const consents = await consentsGiven(tx, visitor, fields, settings)
  if (consents) data.consents = consents as unknown as Prisma.InputJsonValue
  if (fields.name !== undefined) data.name = fields.name || null
  // A verified visitor's email came from the host site's server; the browser may not change it.
  if (fields.email !== undefined && !(visitor.verified && visitor.email)) {
    data.email = fields.email.toLowerCase()
    // A banned email is refused whoever gives it (the pre-chat and offline forms, a profile edit).
    await refuseBanned(tx, visitor.siteId, { email: data.email })
  }
  if (fields.phone !== undefined) data.phone = fields.phone || null
  if (fields.company !== undefined) data.company = fields.company || null
  // Only the attributes the site lets visitors set (others: forbidden, and nothing of the update is kept).
  if (fields.attributes) await writeAttributes(tx, visitor.siteId, visitor.id, fields.attributes, { visitorOnly: true })
  if (fields.custom) data.customData = { ...((visitor.customData ?? {}) as Record<string, unknown>), ...fields.custom } as Prisma.InputJsonValue
  if (Object.keys(data).length === 0) return visitor
  return tx.visitor.update({ where: { id: visitor.id }, data })
}

/**
 * The visitor's consents after these fields: a tick (true) in one of the site's consent fields is
 * kept with the field's wording and link as they are now, and the time; the same wording once.
 * Null when nothing new was given.
 */
async function consentsGiven(tx: Tx, visitor: VisitorRow, fields: VisitorFields, known?: WidgetRow | null): Promise<Consent[] | null> {
  const ticked = Object.entries(fields.custom ?? {}).flatMap(([k, v]) => (v === true ? [k] : []))
  if (!ticked.length) return null
  const settings = known !== undefined ? known : await tx.widgetSettings.findUnique({ where: { siteId: visitor.siteId } })
  const kept = Array.isArray(visitor.consents) ? (visitor.consents as unknown as Consent[]) : []
  const added: Consent[] = []
  for (const f of ((settings?.preChatFields ?? []) as unknown as PreChatField[]).filter((x) => x.type === 'consent' && ticked.includes(x.name))) {
    if (kept.some((c) => c.field === f.name && c.text === f.label && c.url === (f.url ?? null))) continue
    added.push({ field: f.name, text: f.label, url: f.url ?? null, givenAt: new Date().toISOString() })
  }
  return added.length ? [...kept, ...added] : null
}
