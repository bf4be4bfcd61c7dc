// fast-check arbitraries for hostile input: wrong types, huge and strange strings, deep nesting,
// prototype-pollution keys, numbers JSON cannot carry or Postgres cannot store, bad UUIDs. And
// `mutate()`, which breaks one valid payload in one of those ways (a payload wrong at its first
// field only tests the first check; one wrong field at a time reaches every check behind it).
import crypto from 'node:crypto'
import fc from 'fast-check'

/**
 * The same inputs on every run (CI), few enough for about a minute for the whole suite. To look
 * further: FUZZ_SEED=<n> FUZZ_RUNS=<runs per property> npm run test:fuzz.
 */
export const SEED = Number(process.env['FUZZ_SEED'] ?? 20261124)

/** Sets fast-check's seed and runs per property (FUZZ_RUNS overrides `runs`) for a test file. */
export function configureFuzz(runs: number): void {
  fc.configureGlobal({ seed: SEED, numRuns: Number(process.env['FUZZ_RUNS'] ?? runs) })
}

export const nest = (depth: number, wrap: (v: unknown) => unknown, leaf: unknown = 'junk'): unknown => {
  let v = leaf
  for (let i = 0; i < depth; i++) v = wrap(v)
  return v
}

/** An object with an own property named `key` (a spread or `obj[key] =` would set the prototype instead). */
export function withOwnKey<T extends object>(obj: T, key: string, value: unknown): T {
  Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true })
  return obj
}

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'] as const

/** Strings that have broken parsers, databases and renderers before. */
export const unicodeEdge: fc.Arbitrary<string> = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'nul\u0000inside',
  '\uD800',
  'lone \uDFFF surrogate',
  '\uFEFFbom',
  '\u202Eright-to-left',
  '\u200B\u200C\u200D',
  'e\u0301'.repeat(300),
  '🙂👩‍👩‍👧‍👦🏳️‍🌈'.repeat(50),
  '\r\n\t\v\f\b',
  '\\u0000',
  '%00%ff%zz',
  "'; DROP TABLE mod_chat_messages;--",
  '<img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '${7*7}{{7*7}}',
  'Ω≈ç√∫˜µ≤≥÷',
  '\u{10FFFF}\u{E0001}',
)

/** Numbers at and past the edges: JSON turns NaN and ±Infinity into null; 2^31 and up do not fit an int4. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, -1, 0.5, 1e-300, 1e308, -1e308, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 64),
  fc.double(),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
)

const uuid = () => crypto.randomUUID()
/** Ids that are almost UUIDs, and well-formed ones nobody has. */
export const badUuid: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '-'.repeat(36),
    'g'.repeat(8) + '-0000-4000-8000-' + '0'.repeat(12),
    `{${uuid()}}`,
    `${uuid()}0`,
    ` ${uuid()}`,
    uuid().replace(/-/g, ''),
    uuid().toUpperCase(),
    "1' OR '1'='1",
  ),
  fc.uuid(),
)

/** Strings past every limit (the largest fit a socket frame and the 100 kB JSON limit only sometimes). */
export const hugeString: fc.Arbitrary<string> = fc.constantFrom(10_001, 20_000, 99_000, 200_000).chain((n) =>
  fc.constantFrom('x'.repeat(n), '🙂'.repeat(Math.ceil(n / 2)), 'a\u0000'.repeat(Math.ceil(n / 2)), '<'.repeat(n)),
)

/** Deeply nested arrays and objects, up to 2,000 levels. */
export const deep: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 20, max: 2_000 }), fc.boolean())
  .map(([depth, arrays]) => nest(depth, arrays ? (v) => [v] : (v) => ({ a: v })))

/** Objects whose own keys are __proto__, constructor, …, with polluting values. */
export const protoObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.constantFrom(...PROTO_KEYS), fc.constantFrom<unknown>({ polluted: 'yes' }, { prototype: { polluted: 'yes' } }, 'polluted', 1, null))
  .map(([key, value]) => withOwnKey({}, key, value))

/** Any hostile value: a wrong type, an edge string or number, huge, deep or polluting. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.anything({ maxDepth: 3, maxKeys: 5, withBigInt: false, withBoxedValues: false, withTypedArray: false, withSparseArray: false }), weight: 4 },
  { arbitrary: unicodeEdge, weight: 3 },
  { arbitrary: edgeNumber, weight: 3 },
  { arbitrary: badUuid, weight: 3 },
  { arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, [], {}, [null], ''), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: protoObject, weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
)

function setPath(target: Record<string, unknown>, path: string, value: unknown, remove = false): void {
  const keys = path.split('.')
  let obj: Record<string, unknown> = target
  for (const k of keys.slice(0, -1)) {
    const next = obj[k]
    if (typeof next !== 'object' || next === null) return
    obj = next as Record<string, unknown>
  }
  const last = keys.at(-1)!
  if (remove) delete obj[last]
  else withOwnKey(obj, last, value)
}

/**
 * A payload broken in one way: replaced whole, one or two fields (dotted paths reach nested ones)
 * set to hostile values or removed, a polluting key added, or wrapped in an array.
 * `valid()` must return a fresh object each call.
 */
export function mutate(valid: () => Record<string, unknown>, fields: readonly string[]): fc.Arbitrary<unknown> {
  const field = fields.length ? fc.constantFrom(...fields) : fc.constant('x')
  return fc.oneof(
    { arbitrary: hostile, weight: 2 },
    { arbitrary: fc.tuple(field, hostile).map(([f, v]) => set(valid(), f, v)), weight: 6 },
    // Strings every string field must survive (NUL, lone surrogates, …), with text around them or not.
    { arbitrary: fc.tuple(field, unicodeEdge, fc.boolean()).map(([f, v, padded]) => set(valid(), f, padded ? `a ${v} b` : v)), weight: 3 },
    { arbitrary: fc.tuple(field, hostile, field, hostile).map(([f, v, g, w]) => set(set(valid(), f, v), g, w)), weight: 2 },
    { arbitrary: field.map((f) => remove(valid(), f)), weight: 2 },
    { arbitrary: fc.tuple(fc.constantFrom(...PROTO_KEYS), hostile).map(([k, v]) => withOwnKey(valid(), k, v)), weight: 2 },
    { arbitrary: fc.tuple(field, fc.constantFrom(...PROTO_KEYS), hostile).map(([f, k, v]) => set(valid(), f, withOwnKey({}, k, v))), weight: 1 },
    { arbitrary: fc.constant(null).map(() => [valid()]), weight: 1 },
  )
}

function set(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  setPath(obj, path, value)
  return obj
}

function remove(obj: Record<string, unknown>, path: string): Record<string, unknown> {
  setPath(obj, path, undefined, true)
  return obj
}

/** Short, printable: for showing a counterexample without megabytes of it. */
export function preview(v: unknown): string {
  let s: string
  try {
    s = JSON.stringify(v) ?? String(v)
  } catch (e) {
    s = `(not JSON: ${(e as Error).message})`
  }
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s
}
