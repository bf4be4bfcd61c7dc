import { z } from 'zod'

const uuid = z.uuid({ message: 'must be a UUID' })
export const SiteParams = z.object({ siteId: uuid })
export const IdParams = z.object({ siteId: uuid, id: uuid })
export const VisitorConversationParams = z.object({ id: uuid })
export const DeliveryParams = z.object({ siteId: uuid, id: uuid, deliveryId: uuid })
export const AgentParams = z.object({ siteId: uuid, agentId: uuid })
export const VisitorParams = z.object({ siteId: uuid, visitorId: uuid })

/** A well-formed UUID, whatever its case (Postgres reads both; compare lower-cased). */
export const isUuid = (v: unknown): v is string => uuid.safeParse(v).success
