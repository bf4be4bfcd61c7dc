import type { PreChatField, WidgetConfig } from '@live-chat/sdk'

/** A pre-chat or offline form field. */
export interface Field {
  name: string
  label: string
  type: PreChatField['type']
  required: boolean
  options?: string[]
  /** A consent field's link (the site's privacy policy). */
  url?: string
}

export type Say = (key: 'name' | 'email' | 'message' | 'required' | 'invalidEmail' | 'invalidPhone') => string

/** The pre-chat form's fields from the site settings (an email field added when the site requires one). */
export function preChatFields(c: WidgetConfig | null, say: Say): Field[] {
  if (!c) return []
  const fields: Field[] = c.preChatEnabled ? c.preChatFields.map((f) => ({ ...f })) : []
  if (c.requireEmail && !fields.some((f) => f.name === 'email')) fields.unshift({ name: 'email', label: say('email'), type: 'email', required: true })
  return fields
}
