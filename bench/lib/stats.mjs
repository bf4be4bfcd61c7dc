// Small helpers shared by the benches: percentiles, number formatting, the verdict line, env knobs.
import fs from 'node:fs'

/** The q-quantile (0..1) of numbers, nearest rank. */
export function quantile(values, q) {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

export const median = (values) => quantile(values, 0.5)

/** A positive number from the environment, or the default. */
export function envNumber(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`)
  return n
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export const round = (n, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null)

/** 'PASS' or 'FAIL' for a figure against its goal. */
export const verdict = (ok) => (ok ? 'PASS' : 'FAIL')

/** Runs `fn` over items with at most `limit` running at once; resolves to the results in order. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/**
 * Measures two servers in turns over `rounds` rounds (a then b, then b then a, ...), so that a
 * stall of the machine weighs on both rather than on whichever ran then. `measure(rig)` runs one
 * round on one; resolves to each rig's results by its `kind`, in round order.
 */
export async function takeTurns(a, b, rounds, measure) {
  const out = { [a.kind]: [], [b.kind]: [] }
  for (let r = 0; r < rounds; r++) {
    for (const rig of r % 2 === 0 ? [a, b] : [b, a]) out[rig.kind].push(await measure(rig))
  }
  return out
}

/** The soft limit on open files of this process (server children inherit it): every socket is one. */
export function openFilesLimit() {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
    const soft = Number(line?.split(/\s+/)[3])
    return Number.isFinite(soft) ? soft : Infinity
  } catch {
    return Infinity
  }
}
