// verifyWebhook against signatures made independently (node:crypto's HMAC, as the Standard
// Webhooks spec describes them); the real server's deliveries are verified in
// packages/server/test/webhooks/receiver.test.ts.
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { verifyWebhook, WEBHOOK_TOLERANCE_SECONDS, WebhookVerificationError } from './webhooks.js'

const key = crypto.randomBytes(32)
const secret = `whsec_${key.toString('base64')}`
const other = `whsec_${crypto.randomBytes(32).toString('base64')}`
const body = JSON.stringify({ event: 'ping', siteId: 's', webhookId: 'w', createdAt: '2026-01-01T00:00:00.000Z', data: {} })
const now = Math.floor(Date.now() / 1000)

function sign(k: Buffer, id: string, ts: number, payload: string | Buffer): string {
  return `v1,${crypto.createHmac('sha256', k).update(`${id}.${ts}.`).update(payload).digest('base64')}`
}

function headers(over: Record<string, string> = {}): Record<string, string> {
  return { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': sign(key, 'msg_1', now, body), ...over }
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'accepted'
  } catch (e) {
    if (e instanceof WebhookVerificationError) return e.code
    throw e
  }
}

describe('verifyWebhook', () => {
  it('returns the parsed event for a string, a Buffer or an ArrayBuffer body, with Node or fetch headers', async () => {
    const expected = JSON.parse(body)
    expect(await verifyWebhook(body, headers(), secret)).toEqual(expected)
    expect(await verifyWebhook(Buffer.from(body), headers(), secret)).toEqual(expected)
    expect(await verifyWebhook(new TextEncoder().encode(body).buffer, headers(), secret)).toEqual(expected)
    expect(await verifyWebhook(body, new Headers(headers()), secret)).toEqual(expected)
    const upper = Object.fromEntries(Object.entries(headers()).map(([k, v]) => [k.toUpperCase(), v]))
    expect(await verifyWebhook(body, upper, secret)).toEqual(expected)
  })

  it('accepts when any signature matches any secret (rotation), and skips other versions', async () => {
    const both = `${sign(crypto.randomBytes(32), 'msg_1', now, body)} ${sign(key, 'msg_1', now, body)}`
    expect(await code(verifyWebhook(body, headers({ 'webhook-signature': both }), secret))).toBe('accepted')
    expect(await code(verifyWebhook(body, headers(), [other, secret]))).toBe('accepted')
    expect(await code(verifyWebhook(body, headers(), [other]))).toBe('invalid_signature')
    const v1a = sign(key, 'msg_1', now, body).replace(/^v1,/, 'v1a,')
    expect(await code(verifyWebhook(body, headers({ 'webhook-signature': v1a }), secret))).toBe('invalid_signature')
    expect(await code(verifyWebhook(body, headers({ 'webhook-signature': 'v1,not base64!' }), secret))).toBe('invalid_signature')
  })

  it('refuses a changed body, id or timestamp', async () => {
    expect(await code(verifyWebhook(body.replace('ping', 'pong'), headers(), secret))).toBe('invalid_signature')
    expect(await code(verifyWebhook(body, headers({ 'webhook-id': 'msg_2' }), secret))).toBe('invalid_signature')
    expect(await code(verifyWebhook(body, headers({ 'webhook-timestamp': String(now - 1) }), secret))).toBe('invalid_signature')
  })

  it('allows the tolerance either way and no more', async () => {
    const at = (ts: number, options = {}) => code(verifyWebhook(body, headers({ 'webhook-timestamp': String(ts), 'webhook-signature': sign(key, 'msg_1', ts, body) }), secret, { now: now * 1000, ...options }))
    expect(await at(now - WEBHOOK_TOLERANCE_SECONDS)).toBe('accepted')
    expect(await at(now - WEBHOOK_TOLERANCE_SECONDS - 1)).toBe('timestamp_too_old')
    expect(await at(now + WEBHOOK_TOLERANCE_SECONDS)).toBe('accepted')
    expect(await at(now + WEBHOOK_TOLERANCE_SECONDS + 1)).toBe('timestamp_too_new')
    expect(await at(now - 60, { toleranceSeconds: 30 })).toBe('timestamp_too_old')
    expect(await at(now - 3600, { toleranceSeconds: 7200 })).toBe('accepted')
    expect(await code(verifyWebhook(body, headers({ 'webhook-timestamp': '1e9' }), secret))).toBe('invalid_timestamp')
  })

  it('names missing headers, a body that is not JSON, and a secret that is not whsec_<base64>', async () => {
    const { 'webhook-signature': _, ...unsigned } = headers()
    expect(await code(verifyWebhook(body, unsigned, secret))).toBe('missing_headers')
    const text = 'not json'
    expect(await code(verifyWebhook(text, headers({ 'webhook-signature': sign(key, 'msg_1', now, text) }), secret))).toBe('invalid_body')
    await expect(verifyWebhook(body, headers(), 'whsec_***')).rejects.toThrow(TypeError)
  })
})
