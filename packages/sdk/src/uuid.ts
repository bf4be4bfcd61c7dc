/**
 * A random UUID v4 for idempotency keys. Uses `crypto.randomUUID()` where it exists; pages served
 * over plain http lack it (secure contexts only), so fall back to `crypto.getRandomValues`, which
 * every browser and Node 20 have.
 */
export function uuid(): string {
  const c = (globalThis as { crypto?: Partial<Crypto> }).crypto
  if (typeof c?.randomUUID === 'function') return c.randomUUID()
  const bytes = new Uint8Array(16)
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes)
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
