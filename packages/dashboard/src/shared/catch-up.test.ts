import { assert } from '../../../../test/browser/helpers.js'
import { CatchUp } from './catch-up.js'

/** A load whose answer the test releases. */
function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('CatchUp', () => {
  it('applies the answer, then the events heard while it was on its way; none after', async () => {
    const c = new CatchUp<string>()
    const state: string[] = []
    const answer = deferred<string[]>()
    const done = c.load(() => answer.promise, (a) => state.splice(0, state.length, ...a), (e) => state.push(`again ${e}`))
    assert(c.loading, 'loading')
    c.heard('x')
    answer.resolve(['old'])
    assert((await done) === true, 'applied')
    assert(state.join() === 'old,again x', `state: ${state.join()}`)
    assert(!c.loading, 'no longer loading')
    c.heard('y') // nothing on its way: applied live only, never again
    assert(state.join() === 'old,again x', `state: ${state.join()}`)
  })

  it('of two loads that overlap, applies the latest only, whichever answers first', async () => {
    const c = new CatchUp<string>()
    const applied: string[] = []
    const first = deferred<string>()
    const second = deferred<string>()
    const a = c.load(() => first.promise, (v) => applied.push(v), () => undefined)
    const b = c.load(() => second.promise, (v) => applied.push(v), () => undefined)
    second.resolve('second')
    first.resolve('first')
    assert((await b) === true && (await a) === false, 'the second applied, the first not')
    assert(applied.join() === 'second', `applied: ${applied.join()}`)
  })

  it('rejects as its load does and stops loading; after reset(), an answer on its way is not applied', async () => {
    const c = new CatchUp<string>()
    const failing = deferred<string>()
    const failed = c.load(() => failing.promise, () => assert(false, 'not applied'), () => undefined)
    failing.reject(new Error('down'))
    let error = ''
    await failed.catch((e: Error) => (error = e.message))
    assert(error === 'down' && !c.loading, `rejected (${error}), not loading`)

    const late = deferred<string>()
    const dropped = c.load(() => late.promise, () => assert(false, 'not applied'), () => undefined)
    c.reset()
    assert(!c.loading, 'reset: not loading')
    late.resolve('late')
    assert((await dropped) === false, 'not applied')
  })
})
