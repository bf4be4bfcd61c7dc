// `npm run bench` (after `npm run build`): runs each bench module in turn, prints its table and
// writes every figure to bench/results.json (committed, so changes in the figures are reviewed).
// A bench module exports `name` and `run()`, which prints its own table and resolves to
// `{ name, rows, ok }`; `ok: false` (a budget exceeded, a goal missed) makes the run exit 1 after all ran.
// Run some only: `node bench/index.mjs sizes`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sizes from './sizes.mjs'
import * as throughput from './throughput.mjs'
import * as latency from './latency.mjs'
import * as memory from './memory.mjs'
import * as history from './history.mjs'
import * as widget from './widget.mjs'
import * as queue from './queue.mjs'
import * as failover from './failover.mjs'

const benches = [sizes, widget, throughput, latency, memory, history, queue, failover]

const here = path.dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const results = []
let ok = true
for (const bench of benches) {
  if (only.length && !only.includes(bench.name)) continue
  console.log(`\n== ${bench.name}`)
  const result = await bench.run()
  results.push(result)
  ok &&= result.ok !== false
}
const file = path.join(here, 'results.json')
const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { benches: {} }
// Each bench carries the date of its own run: a partial run keeps the others' figures as they were.
const date = new Date().toISOString()
const benchesOut = { ...previous.benches, ...Object.fromEntries(results.map((r) => [r.name, { date, ...r }])) }
const out = {
  date,
  node: process.version,
  machine: { platform: process.platform, arch: process.arch, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '' },
  benches: benchesOut,
}
fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
console.log(`\nwrote ${path.relative(process.cwd(), file)}${ok ? '' : ' — a budget or goal is missed (OVER or FAIL above)'}`)
if (!ok) process.exitCode = 1
