/**
 * A random UUID v4 for idempotency keys. Uses `crypto.randomUUID()` where it exists; pages served
 * over plain http lack it (secure contexts only), so fall back to `crypto.getRandomValues`, which
 * every browser and Node 20 have: in the template each 0 and 1 becomes a random hex digit, each 8
 * one of 8, 9, a, b (the RFC 4122 variant); the 4 is the version.
 */
export function uuid(): string {
  return (
    crypto.randomUUID?.() ??
    '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
      (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16),
    )
  )
}
