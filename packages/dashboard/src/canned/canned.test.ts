import type { CannedResponse } from '@live-chat/sdk'
import { assert } from '../../../../test/browser/helpers.js'
import { fillVariables, matchCanned, slashQuery } from './canned.js'

const eq = (actual: unknown, expected: unknown, what: string) => assert(JSON.stringify(actual) === JSON.stringify(expected), `${what}: ${JSON.stringify(actual)} (expected ${JSON.stringify(expected)})`)

describe('fillVariables', () => {
  const ctx = { visitor: { name: 'Ada Lovelace', email: 'ada@example.com' }, agent: { name: 'Grace Hopper' } }

  it('fills the visitor and agent variables', () => {
    eq(fillVariables('{{visitor.name}} <{{visitor.email}}>, {{visitor.first_name}} / {{agent.name}}, {{ agent.first_name }}', ctx), 'Ada Lovelace <ada@example.com>, Ada / Grace Hopper, Grace', 'filled')
  })

  it('uses the fallback when a value is missing or empty, and never leaves raw braces', () => {
    const anon = { visitor: { name: '  ', email: null }, agent: null }
    eq(fillVariables('Hi {{visitor.first_name | there}}, {{visitor.email|no email}} {{agent.name}}.', anon), 'Hi there, no email .', 'fallbacks')
    eq(fillVariables('Ticket {{ticket.id}}{{order.id | none}}', ctx), 'Ticket none', 'unknown variables')
    eq(fillVariables('Hi {{visitor.name | there}}', ctx), 'Hi Ada Lovelace', 'a present value wins over its fallback')
  })
})

describe('slashQuery', () => {
  it('finds a / at the start or after whitespace, up to the caret', () => {
    eq(slashQuery('/gr', 3), { start: 0, query: 'gr' }, 'at the start')
    eq(slashQuery('Hello\n/re', 9), { start: 6, query: 're' }, 'after a newline')
    eq(slashQuery('and/or', 6), null, 'inside a word')
    eq(slashQuery('/gr more', 8), null, 'once a space follows')
    eq(slashQuery('/gr more', 3), { start: 0, query: 'gr' }, 'with the caret after the query')
  })
})

describe('matchCanned', () => {
  const r = (shortcut: string | null, title: string) => ({ id: title, shortcut, title }) as CannedResponse
  const list = [r('bye', 'Goodbye greeting'), r('grats', 'Congratulations'), r('greet', 'Greeting'), r(null, 'Agreed'), r('refund', 'Refunds')]

  it('lists shortcut prefix matches first, then title and shortcut substrings', () => {
    eq(matchCanned(list, 'gr').map((c) => c.title), ['Congratulations', 'Greeting', 'Goodbye greeting', 'Agreed'], 'order')
    eq(matchCanned(list, 'GREET').map((c) => c.title), ['Greeting', 'Goodbye greeting'], 'case-insensitive')
    eq(matchCanned(list, '').length, 5, 'everything for a bare slash')
    eq(matchCanned(list, 'xyz'), [], 'nothing')
  })
})
