import type { PreChatField, VisitorFields, WidgetConfig } from '@live-chat/sdk'

/** A pre-chat or offline form field. */
export interface Field {
  name: string
  label: string
  type: PreChatField['type']
  required: boolean
  options?: string[]
}

type Say = (key: 'name' | 'email' | 'message' | 'required' | 'invalidEmail' | 'invalidPhone') => string

/** The pre-chat form's fields from the site settings (an email field added when the site requires one). */
export function preChatFields(c: WidgetConfig | null, say: Say): Field[] {
  if (!c) return []
  const fields: Field[] = c.preChatEnabled ? c.preChatFields.map((f) => ({ ...f })) : []
  if (c.requireEmail && !fields.some((f) => f.name === 'email')) fields.unshift({ name: 'email', label: say('email'), type: 'email', required: true })
  return fields
}

/** The offline form: an email to answer to is required. */
export function offlineFields(say: Say): Field[] {
  return [
    { name: 'name', label: say('name'), type: 'text', required: false },
    { name: 'email', label: say('email'), type: 'email', required: true },
    { name: 'message', label: say('message'), type: 'textarea', required: true },
  ]
}

export interface FormResult {
  /** Field name → error text; empty when the form is valid. */
  errors: Record<string, string>
  /** `name`, `email` and `phone` go to the visitor's profile; other fields are custom data. */
  fields: VisitorFields
  message: string | undefined
}

/** Checks a submitted form against its fields. */
export function readForm(fields: Field[], data: FormData, say: Say): FormResult {
  const errors: Record<string, string> = {}
  const out: VisitorFields = {}
  const custom: Record<string, string> = {}
  let message: string | undefined
  for (const f of fields) {
    const v = String(data.get(f.name) ?? '').trim()
    if (!v) {
      if (f.required) errors[f.name] = say('required')
      continue
    }
    if (f.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) errors[f.name] = say('invalidEmail')
    else if (f.type === 'phone' && !/^\+?[\d\s().-]{5,}$/.test(v)) errors[f.name] = say('invalidPhone')
    else if (f.name === 'message') message = v
    else if (f.name === 'name' || f.name === 'email' || f.name === 'phone') out[f.name] = v
    else custom[f.name] = v
  }
  if (Object.keys(custom).length) out.custom = custom
  return { errors, fields: out, message }
}
