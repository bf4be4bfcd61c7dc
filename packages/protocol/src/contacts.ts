// Contacts: the visitor as a contact the team keeps — an editable profile (name, email, phone,
// company), agents' notes on them, and typed custom attributes the site defines (text, number,
// date, list, boolean), set by agents, API keys and (for attributes marked so) the visitor.
import { z } from 'zod'
import { LIMITS } from './limits.js'
import { ContactNote, VisitorDetail } from './types.js'

const Id = z.uuid()
const Time = z.iso.datetime()

export const CONTACT_ATTRIBUTE_TYPES = ['text', 'number', 'date', 'list', 'boolean'] as const
export const ContactAttributeTypeSchema = z.enum(CONTACT_ATTRIBUTE_TYPES)
export type ContactAttributeType = z.infer<typeof ContactAttributeTypeSchema>

/** An attribute's key: what the API, the SDK and the inbox filter name it by. */
export const AttributeKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,49}$/, 'lowercase letters, digits and "_", starting with a letter (at most 50)')

const Label = z.string().trim().min(1).max(100)
const Options = z
  .array(z.string().trim().min(1).max(100))
  .min(1)
  .max(LIMITS.attributeOptions)
  .refine((o) => new Set(o).size === o.length, 'options must differ')

export const CreateContactAttribute = z
  .object({
    key: AttributeKey,
    label: Label,
    type: ContactAttributeTypeSchema,
    /** Type `list`: the values it may take (required); no other type has options. */
    options: Options.optional(),
    /** The visitor may set it (widget, SDK `setAttributes`); otherwise only agents and API keys. */
    visitorMaySet: z.boolean().optional(),
  })
  .refine((v) => (v.type === 'list') === (v.options !== undefined), { message: 'a list has options; other types have none', path: ['options'] })
export type CreateContactAttribute = z.infer<typeof CreateContactAttribute>

/** The key and type never change (values are stored by type); a list's options may (values no longer among them are removed). */
export const UpdateContactAttribute = z
  .object({ label: Label.optional(), options: Options.optional(), visitorMaySet: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, 'nothing to update')
export type UpdateContactAttribute = z.infer<typeof UpdateContactAttribute>

export const ContactAttribute = z.object({
  id: Id,
  siteId: Id,
  key: z.string(),
  label: z.string(),
  type: ContactAttributeTypeSchema,
  options: z.array(z.string()),
  visitorMaySet: z.boolean(),
  createdAt: Time,
})
export type ContactAttribute = z.infer<typeof ContactAttribute>

/**
 * A value as written and read: text and list a string (a list's one of its options), number a
 * finite number, date `YYYY-MM-DD`, boolean true or false. Null (on write) removes it.
 */
export const AttributeValue = z.union([z.string().max(LIMITS.attributeText), z.number(), z.boolean()])
export type AttributeValue = z.infer<typeof AttributeValue>

export const AttributeValues = z
  .record(z.string().min(1).max(50), AttributeValue.nullable())
  .refine((r) => Object.keys(r).length <= LIMITS.contactAttributes, `at most ${LIMITS.contactAttributes} attributes`)

const nullableText = (max: number) => z.string().trim().max(max).nullable().optional()

/** PATCH …/visitors/:visitorId: an agent's or API key's edit of the contact ("" or null clears a field). */
export const UpdateContact = z
  .object({
    name: nullableText(LIMITS.name),
    email: z.union([z.email().max(LIMITS.email), z.literal(''), z.null()]).optional(),
    phone: nullableText(LIMITS.phone),
    company: nullableText(LIMITS.company),
    /** By key; each is checked against the site's definition, and none is kept if one is wrong. */
    attributes: AttributeValues.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'nothing to update')
export type UpdateContact = z.infer<typeof UpdateContact>

export const ContactNoteBody = z.object({ text: z.string().trim().min(1).max(LIMITS.contactNote) })
export type ContactNoteBody = z.infer<typeof ContactNoteBody>


/** GET …/visitors/:visitorId: the visitor as a contact. */
export const Contact = VisitorDetail.extend({
  /** Their attributes' values by key (unset ones are absent). */
  attributes: z.record(z.string(), AttributeValue),
  /** Agents' notes on them, oldest first. */
  notes: z.array(ContactNote),
})
export type Contact = z.infer<typeof Contact>

/** The `contact.merged` webhook event's data: who was merged into whom, and the conversations that followed. */
export const ContactMerged = z.object({ visitorId: Id, mergedVisitorIds: z.array(Id), conversationIds: z.array(Id) })
export type ContactMerged = z.infer<typeof ContactMerged>
