/**
 * The value lists of the protocol's enums, without zod: the zod enums are built from these, and a
 * bundle that must not carry zod (the dashboard) imports them from `@live-chat/protocol/enums`,
 * so each list is written once.
 */
export const CONVERSATION_STATUSES = ['pending', 'active', 'resolved', 'closed'] as const
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export const AGENT_STATUSES = ['online', 'away', 'busy', 'offline'] as const
export const PRE_CHAT_FIELD_TYPES = ['text', 'email', 'phone', 'select', 'textarea', 'consent', 'team'] as const
export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const
