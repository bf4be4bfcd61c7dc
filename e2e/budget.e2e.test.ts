// The widget's size budgets (bench/sizes.mjs, on the build `npm test` just made): the loader every
// page pays for stays within 2 KB gzip, and the full widget without its on-demand chunks within
// 30 KB. A feature that needs more bytes goes into a chunk of its own.
import { expect, it } from 'vitest'
// @ts-expect-error: a plain ES module of the bench, without types
import { run } from '../bench/sizes.mjs'

interface Row {
  what: string
  gzip: number
  budgetGzip?: number
  status?: string
}

it('keeps the loader within 2 KB and the widget core within 30 KB gzip', async () => {
  const { rows } = (await run()) as { rows: Row[] }
  const budgeted = rows.filter((r) => r.budgetGzip)
  expect(budgeted.map((r) => r.what)).toEqual(['loader', 'full bundle'])
  for (const r of budgeted) expect(r.gzip, `${r.what}: ${r.gzip} B of ${r.budgetGzip} B`).toBeLessThanOrEqual(r.budgetGzip!)
  // Every on-demand chunk is listed on its own.
  expect(rows.some((r) => r.what === 'chunks/more.js')).toBe(true)
})
