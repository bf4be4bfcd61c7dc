// Postgres text and jsonb cannot hold a NUL character, and UTF-8 cannot encode an unpaired
// surrogate (jsonb refuses its escape; text would silently store U+FFFD instead). Parsed input
// is checked for both, so such a character is the client's invalid_payload, never a database
// error.
import { AppError } from './errors.js'

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** The path ("a.b.0") of the first string (value or key) in `value` that cannot be stored, or null. */
function unstorablePath(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path.join('.') || '(root)' : null
  if (typeof value !== 'object' || value === null || path.length > 64) return null
  for (const [key, v] of Object.entries(value)) {
    const here = [...path, key]
    if (UNSTORABLE.test(key)) return here.join('.')
    const found = unstorablePath(v, here)
    if (found !== null) return found
  }
  return null
}

/** Returns `value`, or throws invalid_payload naming where it holds an unstorable character. */
export function requireStorable<T>(value: T, where: string): T {
  const path = unstorablePath(value)
  if (path === null) return value
  const message = 'must not contain NUL characters or unpaired surrogates'
  throw new AppError('invalid_payload', `invalid ${where}: ${path}: ${message}`, [{ path, message }])
}
