/**
 * Proactive messages (triggers): a site's rules for greeting a visitor first, with a message from
 * a named agent or the team. The enabled ones' public part rides in the anonymous WidgetConfig;
 * the widget evaluates the rules in the page and stores nothing until the visitor replies.
 */
import { z } from 'zod'
import { LIMITS } from './limits.js'

const Id = z.uuid()

/** How often one visitor may see a trigger: once per page view, per browser session, or per `capDays` days. */
export const TriggerCapSchema = z.enum(['page', 'session', 'days'])
export type TriggerCap = z.infer<typeof TriggerCapSchema>

const EventName = z
  .string()
  .trim()
  .min(1)
  .max(LIMITS.triggerEvent)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, ".", ":", "-" and "_"')

/** Every rule that is set must hold for the trigger to show. */
export const TriggerRules = z.object({
  /**
   * The page: a glob (`*` is anything) matched against the path with its query (`/pricing*`), or
   * against the whole URL when it starts with `http`. Null: any page.
   */
  url: z.string().trim().min(1).max(LIMITS.url).nullable().default(null),
  /** Seconds on the page before it shows. */
  seconds: z.number().int().min(0).max(3_600).nullable().default(null),
  /** How far down the page (percent) the visitor has scrolled. */
  scroll: z.number().int().min(1).max(100).nullable().default(null),
  /** Only visitors who were on the site before (needs `triggersMayStore`: without a memory, nobody returns). */
  returning: z.boolean().default(false),
  /** A named event from the host page: `LiveChat('trigger', name)` or the element's `trigger(name)`. */
  event: EventName.nullable().default(null),
  /** Only within the site's business hours (its business-hours setting decides). */
  businessHours: z.boolean().default(false),
})
export type TriggerRules = z.infer<typeof TriggerRules>

/** What the widget gets of an enabled trigger (WidgetConfig.triggers). */
export const PublicTrigger = z.object({
  id: Id,
  rules: TriggerRules,
  text: z.string(),
  /** The named agent (display name and avatar), or the team (the site's name, no avatar). */
  sender: z.object({ name: z.string(), avatarUrl: z.string().nullable() }),
  cap: TriggerCapSchema,
  /** With cap `days`: at most once in this many days. */
  capDays: z.number().int().min(1).max(365),
})
export type PublicTrigger = z.infer<typeof PublicTrigger>

/** Per trigger, over its life: shown (anonymous beacons), replied (conversations it started), answered by an agent. */
export const TriggerFunnel = z.object({
  shown: z.number().int().min(0),
  replied: z.number().int().min(0),
  conversations: z.number().int().min(0),
})
export type TriggerFunnel = z.infer<typeof TriggerFunnel>

export const Trigger = PublicTrigger.extend({
  siteId: Id,
  name: z.string(),
  enabled: z.boolean(),
  /** The agent the message comes from; null: the team. */
  agentId: Id.nullable(),
  /** The team a conversation started from it is for (unless the page or the pre-chat form names one); null: none. */
  teamId: Id.nullable(),
  funnel: TriggerFunnel,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})
export type Trigger = z.infer<typeof Trigger>

export const CreateTrigger = z.object({
  name: z.string().trim().min(1).max(LIMITS.title),
  enabled: z.boolean().optional(),
  text: z.string().trim().min(1).max(LIMITS.triggerText),
  agentId: Id.nullable().optional(),
  teamId: Id.nullable().optional(),
  rules: TriggerRules.optional(),
  cap: TriggerCapSchema.optional(),
  capDays: z.number().int().min(1).max(365).optional(),
})
export type CreateTrigger = z.input<typeof CreateTrigger>

export const UpdateTrigger = CreateTrigger.partial().refine((v) => Object.keys(v).length > 0, 'nothing to update')
export type UpdateTrigger = z.input<typeof UpdateTrigger>
