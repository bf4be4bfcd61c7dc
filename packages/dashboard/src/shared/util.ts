import type { AgentRole } from '@live-chat/sdk'

/** Dispatches a bubbling, composed CustomEvent from `el`. */
export function fire<T>(el: EventTarget, type: string, detail: T): void {
  el.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** `14:05` today, `Nov 21` before. */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso)
  return d.toDateString() === now.toDateString() ? timeFormat.format(d) : dayFormat.format(d)
}

/** `Nov 21, 2026, 14:05`. */
export function fullTime(iso: string): string {
  return fullFormat.format(new Date(iso))
}

/** The time of day of a message. */
export function clock(iso: string): string {
  return timeFormat.format(new Date(iso))
}

/** One or two initials for an avatar. */
export function initials(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean)
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase()
}

/** A visitor's display name: their name, else email, else "Visitor" and a short id. */
export function visitorName(v: { name: string | null; email: string | null; id: string }): string {
  return v.name || v.email || `Visitor ${v.id.slice(0, 6)}`
}

/** The calendar day (YYYY-MM-DD) it is at `at` in `timeZone`. */
export function dayIn(at: string | Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(at))
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** The site roles, as Settings → Agents, invitations and the team page name them (one list). */
export const SITE_ROLES: readonly { role: AgentRole; label: string }[] = [
  { role: 'agent', label: 'Agent' },
  { role: 'supervisor', label: 'Supervisor' },
  { role: 'admin', label: 'Admin' },
]

/** A site role's name ("Supervisor"). */
export const siteRoleName = (role: string): string => SITE_ROLES.find((r) => r.role === role)?.label ?? role
