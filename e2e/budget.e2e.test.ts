// The widget's size budgets (bench/sizes.mjs, on the build `npm test` just made): the loader every
// page pays for stays within 2 KB gzip, and the full widget without its on-demand chunks within
// 30 KB, both with zlib's gzip -9 (as a proxy compressing on the fly sends them; our server's
// zopfli copies are smaller). A feature that needs more bytes goes into a chunk of its own.
import { expect, it } from 'vitest'
// @ts-expect-error: a plain ES module of the bench, without types
import { run } from '../bench/sizes.mjs'

interface Row {
  what: string
  gzip9: number
  budget?: number
  status?: string
}

it('keeps the loader within 2 KB and the widget core within 30 KB with gzip -9', async () => {
  const { rows } = (await run()) as { rows: Row[] }
  const budgeted = rows.filter((r) => r.budget)
  expect(budgeted.map((r) => r.what)).toEqual(['loader', 'full bundle'])
  for (const r of budgeted) expect(r.gzip9, `${r.what}: ${r.gzip9} B of ${r.budget} B`).toBeLessThanOrEqual(r.budget!)
  // Every on-demand chunk is listed on its own.
  expect(rows.some((r) => r.what === 'chunks/more.js')).toBe(true)
})
