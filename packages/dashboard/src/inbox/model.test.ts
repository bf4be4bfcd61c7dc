import type { ConversationSummary } from '@live-chat/sdk'
import { assert } from '../../../../test/browser/helpers.js'
import { newer } from './model.js'

/** A conversation as the server summarises it, at `lastSeq`, with `changes`. */
function summary(lastSeq: number, changes: Partial<ConversationSummary> = {}): ConversationSummary {
  const at = `2026-12-07T10:00:${String(lastSeq).padStart(2, '0')}.000Z`
  return {
    id: '00000000-0000-4000-8000-000000000001',
    siteId: '00000000-0000-4000-8000-000000000002',
    status: 'pending',
    offline: false,
    priority: 'normal',
    tags: [],
    subject: null,
    visitor: { id: '00000000-0000-4000-8000-000000000003' } as ConversationSummary['visitor'],
    assignedAgentId: null,
    teamId: null,
    lastSeq,
    lastPublicSeq: lastSeq,
    lastMessage: { seq: lastSeq, senderType: 'visitor', text: `Message ${lastSeq}`, private: false, deleted: false, createdAt: at },
    rating: null,
    ratingFeedback: null,
    queuedAt: null,
    createdAt: '2026-12-07T10:00:00.000Z',
    lastActivityAt: at,
    firstMessageAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    missedAt: null,
    sla: null,
    visitorDeliveredSeq: 0,
    visitorReadSeq: 0,
    agentDeliveredSeq: 0,
    agentReadSeq: 0,
    ...changes,
  }
}

describe('newer', () => {
  it('keeps the state of a later snapshot when an earlier one arrives after it (a list page answered late)', () => {
    const resolved = summary(5, { status: 'resolved', assignedAgentId: 'agent-1', resolvedAt: '2026-12-07T10:00:05.000Z' })
    // The page was read at seq 4, before the resolve, but its visitor had read further meanwhile.
    const page = summary(4, { status: 'active', assignedAgentId: 'agent-1', visitorReadSeq: 4 })
    const c = newer(resolved, 5, page)
    assert(c.status === 'resolved' && c.resolvedAt === resolved.resolvedAt, `status ${c.status}: the late page took the conversation back`)
    assert(c.lastSeq === 5 && c.lastMessage?.seq === 5, `lastSeq ${c.lastSeq}, last message ${c.lastMessage?.seq}`)
    assert(c.visitorReadSeq === 4, `the page's read mark is kept: ${c.visitorReadSeq}`)
  })

  it('takes a snapshot newer than the known state even when messages have moved what is known further on', () => {
    // Known: state of seq 3 (pending), moved on to seq 6 by a message event; then the snapshot of
    // seq 4 (the conversation was assigned at 4) arrives after that message.
    const known = summary(6, { status: 'pending' })
    const assigned = summary(4, { status: 'active', assignedAgentId: 'agent-2' })
    const c = newer(known, 3, assigned)
    assert(c.status === 'active' && c.assignedAgentId === 'agent-2', `status ${c.status}, agent ${c.assignedAgentId}`)
    assert(c.lastSeq === 6 && c.lastMessage?.seq === 6 && c.lastActivityAt === known.lastActivityAt, `the message of seq 6 stays the preview: ${c.lastMessage?.seq}`)
  })

  it('takes a snapshot of the same seq (changes without a line: tags, priority, subject)', () => {
    const c = newer(summary(5, { tags: ['old'] }), 5, summary(5, { tags: ['vip'], priority: 'high' }))
    assert(c.tags.join() === 'vip' && c.priority === 'high', `tags ${c.tags}, priority ${c.priority}`)
  })

  it('takes the first snapshot as it is', () => {
    const first = summary(2)
    assert(newer(undefined, 0, first) === first, 'the first snapshot')
  })
})
