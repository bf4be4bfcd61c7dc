// Runs the analytics job once in a process of its own, against DATABASE_URL, and prints its
// result as JSON: the other "node" of aggregation.test.ts.
import { Aggregator } from '../../src/analytics/aggregate.js'
import { openDatabase } from '../../src/shared/db/index.js'
import { createLogger } from '../../src/shared/logger.js'

async function main(): Promise<void> {
  const db = await openDatabase({ url: process.env.DATABASE_URL, migrate: false, poolSize: 2 })
  try {
    const result = await new Aggregator(db, createLogger('silent')).run()
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    await db.close()
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
