import { describe, expect, it } from 'vitest'
import { parseMentions } from './service.js'

const agents = [
  { id: 'ann', name: 'Ann' },
  { id: 'ann-lee', name: 'Ann Lee' },
  { id: 'bob', name: 'Bob Marsh' },
  { id: 'zoe', name: 'Zoë Ångström' },
]

describe('parseMentions', () => {
  it('when a bare @ is followed by a name, takes the longest name the text starts with, in any case', () => {
    expect(parseMentions('@ann lee can you check?', agents)).toEqual(['ann-lee'])
    expect(parseMentions('@Ann, can you check?', agents)).toEqual(['ann'])
    expect(parseMentions('@Ann Leeds is not Ann Lee', agents)).toEqual(['ann'])
  })

  it('when a name is bracketed, matches it exactly (spaces and accents included)', () => {
    expect(parseMentions('ping @[bob marsh] and @[Zoë Ångström]', agents)).toEqual(['bob', 'zoe'])
    expect(parseMentions('@[Bob] is nobody', agents)).toEqual([])
    expect(parseMentions('@[Bob Marsh', agents)).toEqual([])
  })

  it('when the text has an email address, a repeat or an unknown name, names each agent once and nobody else', () => {
    expect(parseMentions('mail ann@example.com', agents)).toEqual([])
    expect(parseMentions('@Bob Marsh @bob marsh @[Bob Marsh] @nobody', agents)).toEqual(['bob'])
    expect(parseMentions('@Bob Marshall', agents)).toEqual([])
    expect(parseMentions('', agents)).toEqual([])
  })
})
