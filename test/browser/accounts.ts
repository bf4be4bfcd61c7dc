// Helpers of the account flows' browser tests (server side in ./server-plugin.mjs): a second
// server process that sends email to a real local SMTP server and what it received, a fresh
// server waiting for its first-run setup, TOTP codes as an authenticator app makes them, and
// REST calls made as a given user.
import type { ErrorBody } from '@live-chat/protocol'
import type { LiveChatDashboard } from '../../packages/dashboard/src/live-chat-dashboard.js'
import { command, mount, waitFor } from './helpers.js'
import { fill, find, q } from './dom.js'

/** The base URL of the server process that sends email (same database as createSite's). */
export async function mailServer(): Promise<string> {
  return (await command<{ url: string }>('lc-mail-server')).url
}

export interface Mail {
  subject: string
  text: string
  html: string
}

/** The emails the mail server sent to `to`, oldest first. */
export async function mailsTo(to: string): Promise<Mail[]> {
  return (await command<{ mails: Mail[] }>('lc-mail', { to })).mails
}

/**
 * Waits for an email to `to` with a dashboard link of `kind` and gives its `#<kind>/<token>`
 * fragment (what the page is opened with).
 */
export async function linkIn(to: string, kind: 'invite' | 'reset', ms = 10_000): Promise<string> {
  const end = performance.now() + ms
  const pattern = new RegExp(`/dashboard/(#${kind}/[A-Za-z0-9._~-]+)`)
  for (;;) {
    for (const m of (await mailsTo(to)).reverse()) {
      const found = pattern.exec(m.text)
      if (found) return found[1]!
    }
    if (performance.now() > end) throw new Error(`no email with a #${kind}/ link to ${to} within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A new server on an empty database, and the setup link it would print at start. */
export function setupServer(): Promise<{ url: string; link: string }> {
  return command('lc-setup-server')
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function base32Bytes(text: string): Uint8Array<ArrayBuffer> {
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = BASE32.indexOf(c)
    if (v < 0) throw new Error(`not base32: ${c}`)
    value = ((value << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out.push((value >>> bits) & 0xff)
    }
  }
  return new Uint8Array(out)
}

/** The 6-digit code an authenticator app shows for `secret` (base32) at `at` (RFC 6238: HMAC-SHA1, 30-second steps). */
export async function totp(secret: string, at = Date.now()): Promise<string> {
  const counter = Math.floor(at / 30_000)
  const message = new DataView(new ArrayBuffer(8))
  message.setUint32(0, Math.floor(counter / 2 ** 32))
  message.setUint32(4, counter >>> 0)
  const key = await crypto.subtle.importKey('raw', base32Bytes(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
  const h = new Uint8Array(await crypto.subtle.sign('HMAC', key, message.buffer))
  const o = h[19]! & 15
  const n = (((h[o]! & 0x7f) << 24) | (h[o + 1]! << 16) | (h[o + 2]! << 8) | h[o + 3]!) % 1_000_000
  return String(n).padStart(6, '0')
}

/** A REST call as the holder of `token` (for what the account screens do not do themselves: invite, require two-factor, remove). */
export async function api<T = unknown>(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T & { error?: ErrorBody } }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T & { error?: ErrorBody } }
}

/** A <live-chat-dashboard> for the server at `url`, mounted (cleanup() removes it). */
export function openDashboard(url: string): LiveChatDashboard {
  const el = document.createElement('live-chat-dashboard')
  el.server = url
  el.style.height = '760px'
  return mount(el)
}

/** Fills and submits the sign-in form of `el` (waits for it). */
export async function submitSignIn(el: LiveChatDashboard, email: string, password: string): Promise<void> {
  const form = await find<HTMLFormElement>(el, 'lcd-login', 'form')
  fill(form.querySelector<HTMLInputElement>('[name=email]')!, email)
  fill(form.querySelector<HTMLInputElement>('[name=password]')!, password)
  form.requestSubmit()
}

/** Waits until `el` shows a site: signed in and connected (the status menu is in the header). */
export function signedIn(el: LiveChatDashboard, ms = 10_000): Promise<HTMLSelectElement> {
  return waitFor(() => q<HTMLSelectElement>(el, 'select#status'), ms, 'signed in')
}

/** A dashboard for the server at `url`, signed in through its form as `email`, showing a site. */
export async function dashboardOf(url: string, email: string, password: string): Promise<LiveChatDashboard> {
  const el = openDashboard(url)
  await submitSignIn(el, email, password)
  await signedIn(el)
  return el
}
