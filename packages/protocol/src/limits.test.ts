import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { clipText, LIMITS, textLength } from './limits.js'
import { SendMessage } from './schemas.js'

const EMOJI = '😀' // one code point, two UTF-16 units

describe('text lengths count code points', () => {
  it('textLength counts a surrogate pair once and a lone surrogate as one', () => {
    expect([textLength(''), textLength('abc'), textLength(EMOJI.repeat(3)), textLength(`a${EMOJI}é`), textLength('\uD83D'), textLength('\uDE00\uD83D')]).toEqual([0, 3, 3, 3, 1, 2])
  })

  it('clipText never cuts a surrogate pair', () => {
    expect(clipText(`ab${EMOJI}${EMOJI}`, 3)).toBe(`ab${EMOJI}`)
    expect(clipText(`${EMOJI}${EMOJI}`, 1)).toBe(EMOJI)
    expect(clipText('abc', 5)).toBe('abc')
  })

  it("zod's string checks (what the server parses with) count the same way as textLength", () => {
    const max = z.string().max(3)
    const min = z.string().min(3)
    for (const s of [EMOJI.repeat(3), EMOJI.repeat(4), `a${EMOJI}`, `a${EMOJI}b`, 'abcd']) {
      expect({ s, max: max.safeParse(s).success, min: min.safeParse(s).success }).toEqual({ s, max: textLength(s) <= 3, min: textLength(s) >= 3 })
    }
  })

  it('a message may hold LIMITS.messageText emoji, or a mix of astral and BMP characters, and not one more', () => {
    const msg = (text: string) => SendMessage.safeParse({ conversationId: crypto.randomUUID(), clientId: 'client-0001', text }).success
    const half = LIMITS.messageText / 2
    expect([msg(EMOJI.repeat(LIMITS.messageText)), msg(EMOJI.repeat(LIMITS.messageText + 1))]).toEqual([true, false])
    expect([msg(EMOJI.repeat(half) + 'é'.repeat(half)), msg(EMOJI.repeat(half) + 'é'.repeat(half + 1))]).toEqual([true, false])
  })
})
