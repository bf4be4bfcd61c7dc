import { afterAll, beforeAll, describe, it } from 'vitest'
import { coreFlow } from '../core-flow.js'
import { startServer, type TestServer } from '../helpers.js'

let s: TestServer
beforeAll(async () => {
  s = await startServer()
})
afterAll(() => s.close())

describe('a conversation on Postgres', () => {
  it('a visitor and an agent converse end to end through the SDK', () => coreFlow(s))
})
