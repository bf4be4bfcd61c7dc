import type { Message } from '@live-chat/protocol'
import { describe, expect, it } from 'vitest'
import { addMessages, advance, cursor, maxSeq, messagesOf, track, type AutoTrack, type MessageStore } from './message-store.js'

function message(seq: number, conversationId = 'c1'): Message {
  return {
    id: `${conversationId}-${seq}`,
    conversationId,
    seq,
    clientId: null,
    senderType: 'agent',
    senderId: null,
    senderName: null,
    type: 'text',
    text: `m${seq}`,
    attachments: [],
    private: false,
    system: null,
    content: null,
    answer: null,
    createdAt: new Date(2026, 0, 1, 0, 0, seq).toISOString(),
    editedAt: null,
    deletedAt: null,
    rev: 0,
  }
}

/** The store with the functions bound to it, as the clients use them. */
function newStore(autoTrack: AutoTrack) {
  const store: MessageStore = new Map()
  return {
    add: (messages: Message[]) => addMessages(store, messages, autoTrack),
    advance: (id: string, afterSeq: number, page: Message[]) => advance(store, id, afterSeq, page),
    track: (id: string, seenSeq?: number) => track(store, id, seenSeq),
    untrack: (id: string) => store.delete(id),
    cursor: (id: string) => cursor(store, id),
    maxSeq: (id: string) => maxSeq(store, id),
    hasGap: (id: string) => maxSeq(store, id) > cursor(store, id),
    messages: (id: string) => messagesOf(store, id),
    ids: () => [...store.keys()],
    has: (id: string) => store.has(id),
  }
}

describe('MessageStore', () => {
  it('keeps messages sorted by seq and reports each seq as new once', () => {
    const store = newStore('start')
    expect(store.add([message(2), message(1)]).map((m) => m.seq)).toEqual([2, 1])
    // the same messages again (live event + sync, or a re-publish after a resend)
    expect(store.add([message(1), message(3), message(2)]).map((m) => m.seq)).toEqual([3])
    expect(store.messages('c1').map((m) => m.seq)).toEqual([1, 2, 3])
    expect(store.maxSeq('c1')).toBe(3)
  })

  it('moves the cursor over consecutive seqs only, so a hole is synced later', () => {
    const store = newStore('start')
    store.add([message(1), message(2), message(4)])
    expect(store.cursor('c1')).toBe(2)
    expect(store.hasGap('c1')).toBe(true)
    store.add([message(3)])
    expect(store.cursor('c1')).toBe(4)
    expect(store.hasGap('c1')).toBe(false)
  })

  it('a sync page moves the cursor to its last message even across seqs this side cannot see', () => {
    const store = newStore('start')
    store.add([message(1)])
    // seq 2 is a private note: the visitor's sync after 1 returns 3 and 4
    const page = [message(3), message(4)]
    store.add(page)
    store.advance('c1', 1, page)
    expect(store.cursor('c1')).toBe(4)
    expect(store.hasGap('c1')).toBe(false)
  })

  it('ignores a page that starts after the cursor (it does not prove the hole is empty)', () => {
    const store = newStore('start')
    store.add([message(1)])
    const page = [message(6)]
    store.add(page)
    store.advance('c1', 5, page)
    expect(store.cursor('c1')).toBe(1)
  })

  it('"start" tracks an unknown conversation from 0; "message" from just before its first message', () => {
    const visitor = newStore('start')
    visitor.add([message(7, 'x')])
    expect(visitor.cursor('x')).toBe(0)
    expect(visitor.hasGap('x')).toBe(true)

    const agent = newStore('message')
    agent.add([message(7, 'x')])
    expect(agent.cursor('x')).toBe(7)
    expect(agent.hasGap('x')).toBe(false)
  })

  it('track() only moves the cursor forward and untrack() forgets the conversation', () => {
    const store = newStore('message')
    store.track('c1', 10)
    store.track('c1', 4)
    expect(store.cursor('c1')).toBe(10)
    expect(store.ids()).toEqual(['c1'])
    store.untrack('c1')
    expect(store.has('c1')).toBe(false)
    expect(store.messages('c1')).toEqual([])
  })

  it('keeps conversations apart', () => {
    const store = newStore('start')
    store.add([message(1, 'a'), message(1, 'b'), message(2, 'a')])
    expect(store.messages('a').map((m) => m.seq)).toEqual([1, 2])
    expect(store.messages('b').map((m) => m.seq)).toEqual([1])
  })
})
