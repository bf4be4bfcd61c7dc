// The node-postgres client of every pool (Prisma's driver adapter's, the direct pools', the reads'):
// node-postgres's own, but a statement called in the promise form runs in the callback form, in a
// promise of ours. With node-postgres's promise form, a quarter of what each result allocated (its
// rows above all) survived every young-generation collection of V8 and was promoted, until the
// next full collection, though nothing held it after the call: each scavenge took 8-21 ms instead
// of 1-2 (25 wide rows read in a transaction, in a loop, `node --trace-gc`; the same rows through
// the callback form, or through pool.query, which uses it inside, left nothing). See bench/README.md,
// "The reads' tail and V8's young generation".
import pg from 'pg'

type Query = (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) => unknown
const query = pg.Client.prototype.query as unknown as Query

export class Client extends pg.Client {}

Client.prototype.query = function (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) {
  // A callback, or a submittable query (a cursor, a stream): node-postgres's own way.
  if (typeof callback === 'function' || typeof values === 'function' || (typeof config === 'object' && config !== null && 'submit' in config)) {
    return query.call(this, config, values, callback)
  }
  return new Promise((resolve, reject) => {
    query.call(this, config, values, (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result)))
  }).catch((error: Error) => {
    // As node-postgres's promise form does: the stack of the caller (its awaits), not of the socket's read.
    Error.captureStackTrace(error)
    throw error
  })
} as typeof pg.Client.prototype.query
