/**
 * @live-chat/sdk/webhooks — checks that a webhook delivery really comes from your Live Chat
 * server, for receivers in Node (≥ 20), Deno, Bun, Cloudflare Workers and other edge runtimes.
 *
 * Deliveries are signed per Standard Webhooks (https://www.standardwebhooks.com): `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
 * several space-separated while a rotated secret is in its grace period). The HMAC is checked by
 * WebCrypto (`crypto.subtle.verify`, a constant-time comparison), so this module has no
 * dependency and never loads socket.io.
 *
 * ```ts
 * import { verifyWebhook } from '@live-chat/sdk/webhooks'
 * const event = await verifyWebhook(rawBody, request.headers, process.env.LIVE_CHAT_WEBHOOK_SECRET!)
 * if (event.event === 'message.created') console.log(event.data.message.text)
 * ```
 */
import type { WebhookPayload } from '@live-chat/protocol'

/** How far a delivery's timestamp may be from now (Standard Webhooks recommends 5 minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300

/** Request headers as Node (`req.headers`) or fetch (`request.headers`) give them. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

export interface VerifyWebhookOptions {
  /** Seconds the timestamp may be off from now, either way (default 300). */
  toleranceSeconds?: number
  /** The receiver's clock (default `Date.now()`). */
  now?: Date | number
}

export type WebhookVerificationErrorCode =
  /** `webhook-id`, `webhook-timestamp` or `webhook-signature` is missing. */
  | 'missing_headers'
  /** `webhook-timestamp` is not a number of seconds. */
  | 'invalid_timestamp'
  /** Older than the tolerance: possibly a replay. */
  | 'timestamp_too_old'
  /** Further in the future than the tolerance. */
  | 'timestamp_too_new'
  /** No signature matches the secret(s) and the body. */
  | 'invalid_signature'
  /** The signature matches, but the body is not JSON. */
  | 'invalid_body'

/** A delivery that is not authentic (answer it with a 4xx, do not act on it). */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError'
  constructor(
    readonly code: WebhookVerificationErrorCode,
    message: string,
  ) {
    super(message)
  }
}

const PREFIX = 'whsec_'
const encoder = new TextEncoder()

/**
 * Checks a delivery and returns its event, typed by `event`. Throws WebhookVerificationError
 * when it is not authentic or too old/new, and a TypeError when a secret is not `whsec_<base64>`.
 *
 * @param body the raw request body, exactly as received (not parsed and re-serialized JSON)
 * @param headers the request's headers
 * @param secret the webhook's secret; several are accepted (e.g. both while you switch over)
 */
export async function verifyWebhook(body: string | Uint8Array | ArrayBuffer, headers: WebhookHeaders, secret: string | readonly string[], options: VerifyWebhookOptions = {}): Promise<WebhookPayload> {
  const keys = await Promise.all((typeof secret === 'string' ? [secret] : secret).map(importSecret))
  const id = header(headers, 'webhook-id')
  const timestamp = header(headers, 'webhook-timestamp')
  const signatures = header(headers, 'webhook-signature')
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature headers are required')

  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp must be unix seconds')
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS
  const now = Math.floor(Number(options.now ?? Date.now()) / 1000)
  const at = Number(timestamp)
  if (now - at > tolerance) throw new WebhookVerificationError('timestamp_too_old', `the delivery was signed ${now - at} s ago (more than ${tolerance} s)`)
  if (at - now > tolerance) throw new WebhookVerificationError('timestamp_too_new', `the delivery is dated ${at - now} s ahead (more than ${tolerance} s)`)

  const bytes = typeof body === 'string' ? encoder.encode(body) : new Uint8Array(body)
  const prefix = encoder.encode(`${id}.${timestamp}.`)
  const signed = new Uint8Array(prefix.length + bytes.length)
  signed.set(prefix)
  signed.set(bytes, prefix.length)

  // Only v1 (HMAC-SHA256) signatures; others (e.g. v1a, asymmetric) are skipped, as the spec says.
  const candidates = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .slice(0, 10)
    .map((s) => fromBase64(s.slice(3)))
    .filter((s): s is Uint8Array<ArrayBuffer> => s !== null)
  let valid = false
  for (const key of keys) for (const sig of candidates) if (await crypto.subtle.verify('HMAC', key, sig, signed)) valid = true
  if (!valid) throw new WebhookVerificationError('invalid_signature', 'no signature matches the secret and the body')

  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as WebhookPayload
  } catch {
    throw new WebhookVerificationError('invalid_body', 'the body is not JSON')
  }
}

async function importSecret(secret: string): Promise<CryptoKey> {
  const raw = fromBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret)
  if (!raw || raw.length === 0) throw new TypeError('a webhook secret is whsec_ followed by base64')
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>
  const value = record[name] ?? Object.entries(record).find(([k]) => k.toLowerCase() === name)?.[1]
  return typeof value === 'string' ? value : value?.[0]
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}
