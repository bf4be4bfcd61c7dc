/**
 * How long input may be, apart from the schemas: `@live-chat/protocol/limits` pulls in no zod, so
 * the SDK and the dashboard count text exactly as the server does.
 *
 * Every length is in Unicode code points (what JSON Schema's minLength/maxLength count, and closer
 * to what a person sees than UTF-16 units): 10,000 emoji are 10,000 characters, not 20,000. zod's
 * string checks count the same way (test: packages/protocol/src/limits.test.ts).
 */
export const LIMITS = {
  messageText: 10_000,
  clientId: 64,
  name: 200,
  email: 320,
  phone: 50,
  url: 2_048,
  title: 300,
  tag: 50,
  /** A team's name. */
  teamName: 50,
  /** Teams an agent may be in. */
  teams: 50,
  tags: 20,
  customFields: 50,
  customValue: 1_000,
  feedback: 2_000,
  cannedContent: 10_000,
  syncPage: 200,
  listPage: 100,
  password: 1_024,
  /** Uploads one message may carry. */
  attachments: 10,
  /** Holidays a site may list. */
  holidays: 366,
  /** A rich message's button, option or card title (code points). */
  richLabel: 80,
  /** A card's text. */
  richText: 1_000,
  /** Buttons of a rich message or a card; options of a choice. */
  richItems: 10,
  /** Proactive messages (triggers) a site may have; a trigger's message text; a host event's name. */
  triggers: 50,
  triggerText: 1_000,
  triggerEvent: 100,
  /** Bans a site may hold at once (expired ones are cleared), and a ban's reason. */
  bans: 1_000,
  banReason: 500,
  /** Contacts: custom attributes a site may define, a list's options, a text value, a note on a contact, a company's name. */
  contactAttributes: 100,
  attributeOptions: 50,
  attributeText: 500,
  contactNote: 5_000,
  company: 200,
} as const

/** The length of `text` in Unicode code points, as every limit counts it. */
export function textLength(text: string): number {
  let n = text.length
  // Each surrogate pair is two units but one code point.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) (n--, i++)
    }
  }
  return n
}

/** `text` cut to at most `max` code points, never inside a surrogate pair. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text
  let units = 0
  for (let points = 0; points < max && units < text.length; points++) {
    const c = text.charCodeAt(units)
    const next = text.charCodeAt(units + 1)
    units += c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1
  }
  return text.slice(0, units)
}
