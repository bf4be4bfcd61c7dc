// The queue as visitors see it (queue/service.ts): each waiting visitor's place, oldest first,
// pushed as the queue moves, and the estimated wait made from the site's own history and capacity.
import { describe, expect, it } from 'vitest'
import { LiveChatClient } from '@live-chat/sdk'
import type { QueuePosition, WidgetConfig } from '@live-chat/protocol'
import { rooms } from '../../src/realtime/types.js'
import { COALESCE_MS } from '../../src/queue/service.js'
import { agentOnline, connectRaw, eventually, rawSocket, serverPerFile, startServer, type AgentFixture } from '../helpers.js'

const file = serverPerFile()
const online = (a: AgentFixture) => agentOnline(file.s.url, a, file.track)

async function visitorStarts(siteId: string, text = 'hello') {
  const client = file.track(new LiveChatClient({ url: file.s.url, siteId, storage: 'memory' }))
  const { conversation } = await client.startConversation({ message: text })
  return { client, id: conversation.id, status: conversation.status }
}

/** The visitor's place as their client knows it, once it is `position` (null: no longer waiting). */
const placeIs = (v: { client: LiveChatClient; id: string }, position: number | null, what = 'place') =>
  eventually(() => (v.client.getQueuePosition(v.id)?.position ?? null) === position, 5_000, `${what} ${position}`).then(() => v.client.getQueuePosition(v.id))

describe('queue positions', () => {
  it('tells each waiting visitor their place, oldest first, and moves everyone up as the queue moves', async () => {
    const { s } = file
    const site = await s.fx.site()
    const agent = await online(await s.fx.agent(site.id, { capacity: 1 }))
    const served = await visitorStarts(site.id, 'served at once')
    expect(served.status).toBe('active')
    const waiting = []
    for (const text of ['one', 'two', 'three', 'four']) waiting.push(await visitorStarts(site.id, text))
    // An offline message waits for the team, not in the queue.
    const away = file.track(new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' }))
    await away.startConversation({ message: 'call me back', offline: true, fields: { email: 'x@example.test' } })
    for (const [i, v] of waiting.entries()) await placeIs(v, i + 1)
    expect(served.client.getQueuePosition(served.id)).toBeUndefined()

    // The agent frees their seat: the first in line is taken, the rest move up.
    await agent.conversations.resolve(served.id)
    await placeIs(waiting[0]!, null, 'taken')
    for (const [i, v] of waiting.slice(1).entries()) await placeIs(v, i + 1)

    // A visitor in the middle leaves: those behind move up.
    await waiting[2]!.client.closeConversation(waiting[2]!.id)
    await placeIs(waiting[3]!, 2)
    await placeIs(waiting[1]!, 1)

    // A reconnecting visitor is told their place at once.
    const again = waiting[3]!.client
    again.disconnect()
    const heard = new Promise<QueuePosition>((resolve) => again.on('queue', resolve))
    await again.connect()
    expect(await heard).toMatchObject({ conversationId: waiting[3]!.id, position: 2 })

    // The team answers the first in line without taking it: they no longer wait, the rest move up.
    await agent.send(waiting[1]!.id, 'Hi! I am with you in a minute.')
    await placeIs(waiting[1]!, null, 'answered')
    await placeIs(waiting[3]!, 1)
  })

  it("recomputes a site's queue on the team's first reply in a conversation, not on every reply", async () => {
    const { s } = file
    const site = await s.fx.site()
    const agent = await online(await s.fx.agent(site.id, { capacity: 1 }))
    const served = await visitorStarts(site.id, 'served at once')
    const waiting = await visitorStarts(site.id, 'waiting')
    await placeIs(waiting, 1)
    const queue = s.services.queue
    const recomputes: string[] = []
    const changed = queue.changed.bind(queue)
    queue.changed = (siteId) => {
      if (siteId === site.id) recomputes.push(siteId)
      changed(siteId)
    }
    try {
      await agent.send(served.id, 'first reply')
      expect(recomputes).toHaveLength(1)
      for (const text of ['second', 'third', 'fourth']) await agent.send(served.id, text)
      expect(recomputes).toHaveLength(1)
      // The first reply in another conversation (the waiting one) moves the queue again.
      await agent.send(waiting.id, 'with you soon')
      expect(recomputes).toHaveLength(2)
      await placeIs(waiting, null, 'answered')
    } finally {
      queue.changed = changed
    }
  })

  it('reads the queue for a visitor who connects only when they have a conversation waiting', async () => {
    const { s } = file
    const quiet = await s.fx.site()
    const busy = await s.fx.site()
    const queue = s.services.queue
    const told: string[] = []
    const tell = queue.tell.bind(queue)
    queue.tell = (siteId, visitorId) => {
      told.push(siteId)
      return tell(siteId, visitorId)
    }
    try {
      // A visitor with nothing waiting: connected (their presence row written), the queue not read.
      const session = await s.fx.visitorSession(quiet.id)
      file.track(await connectRaw(rawSocket(s.url, '/visitor', { token: session.token })))
      const present = () => s.db.inSite(quiet.id, (tx) => tx.connection.count({ where: { kind: 'visitor' } }))
      await eventually(async () => (await present()) === 1, 5_000, 'the idle visitor present')
      expect(told).toEqual([])
      // A visitor waiting (no agent online): told their place when they come back.
      const waiting = await visitorStarts(busy.id)
      await placeIs(waiting, 1)
      waiting.client.disconnect()
      told.length = 0
      const heard = new Promise<QueuePosition>((resolve) => waiting.client.on('queue', resolve))
      await waiting.client.connect()
      expect(await heard).toMatchObject({ conversationId: waiting.id, position: 1 })
      expect(told).toEqual([busy.id])
    } finally {
      queue.tell = tell
    }
  })

  it('a reading of the queue that arrives after its conversation was taken or answered gives it no place', async () => {
    // The crossing seen in CI: a recompute reads the queue, an agent takes (or answers) the first in
    // line and the visitor hears it, then the recompute's emit arrives. Replayed here in that order.
    const { s } = file
    const site = await s.fx.site()
    const agent = await online(await s.fx.agent(site.id, { capacity: 1 }))
    const served = await visitorStarts(site.id, 'served at once')
    const [taken, answered] = [await visitorStarts(site.id, 'taken'), await visitorStarts(site.id, 'answered')]
    await placeIs(taken, 1)
    await placeIs(answered, 2)
    const stale = await s.services.queue.waiting(site.id)
    expect(stale.map((w) => w.position.conversationId)).toEqual([taken.id, answered.id])

    await agent.conversations.resolve(served.id)
    await eventually(() => taken.client.getConversation(taken.id)?.status === 'active', 5_000, 'taken')
    const heard = new Promise<string>((resolve) => answered.client.on('message', (m) => m.senderType === 'agent' && resolve(m.conversationId)))
    await agent.send(answered.id, 'with you soon')
    expect(await heard).toBe(answered.id)
    await placeIs(taken, null, 'taken')
    await placeIs(answered, null, 'answered')

    for (const w of stale) s.app.io.of('/visitor').to(rooms.visitor(w.visitorId)).emit('queue:position', w.position)
    // A later announcement (here: the visitor's own, on asking) does arrive, so the stale ones have too.
    const probe = await visitorStarts(site.id, 'probe')
    await placeIs(probe, 1)
    expect(taken.client.getQueuePosition(taken.id)).toBeUndefined()
    expect(answered.client.getQueuePosition(answered.id)).toBeUndefined()
  })

  it('with no agent available, or no history yet, gives the place without an estimate', async () => {
    const { s } = file
    const site = await s.fx.site()
    const v = await visitorStarts(site.id)
    expect(await placeIs(v, 1)).toMatchObject({ estimatedWaitSeconds: null })
  })
})

describe('the estimate', () => {
  it("is made from the site's handling time and capacity; its typical first reply is in the widget config", async () => {
    const { s } = file
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id, { capacity: 2 })
    const agent = await online(a)
    // History: six chats, each held 6 minutes from assignment to resolve, answered after 90 s.
    for (let i = 0; i < 6; i++) {
      const v = await visitorStarts(site.id, `past ${i}`)
      await agent.conversations.resolve(v.id)
      await s.db.inSite(site.id, async (tx) => {
        await tx.$executeRaw`UPDATE mod_chat_messages SET created_at = now() - interval '10 minutes' WHERE conversation_id = ${v.id}::uuid AND metadata->>'event' = 'assigned'`
        await tx.$executeRaw`UPDATE mod_chat_conversations SET resolved_at = now() - interval '4 minutes',
          first_message_at = now() - interval '10 minutes', first_response_at = now() - interval '10 minutes' + interval '90 seconds' WHERE id = ${v.id}::uuid`
      })
    }
    // The widget loads above read the history while it was still empty; a thin history is read again after 5 s.
    const reply = async () => ((await (await fetch(`${s.url}/api/sites/${site.id}/widget`)).json()) as WidgetConfig).typicalReplySeconds
    await eventually(async () => (await reply()) === 90, 10_000, 'the typical first reply (90 s) in the widget config')

    // Both slots busy; three wait: a slot frees every 360 s / 2 slots = 180 s.
    for (const text of ['busy 1', 'busy 2']) expect((await visitorStarts(site.id, text)).status).toBe('active')
    const waiting = []
    for (const text of ['w1', 'w2', 'w3']) waiting.push(await visitorStarts(site.id, text))
    for (const [i, v] of waiting.entries()) expect(await placeIs(v, i + 1)).toMatchObject({ estimatedWaitSeconds: 180 * (i + 1) })
  })
})

describe('closing', () => {
  it('waits for a recompute in progress, and a change after it schedules none (the database closes next)', async () => {
    // A server of its own: its queue is stopped here.
    const own = await startServer()
    const siteId = (await own.fx.site()).id
    const client = new LiveChatClient({ url: own.url, siteId, storage: 'memory' })
    try {
      const { conversation } = await client.startConversation({ message: 'waiting' })
      await eventually(() => client.getQueuePosition(conversation.id)?.position === 1, 5_000, 'a place')
      let heard = 0
      client.on('queue', () => heard++)

      // A recompute is running when the app stops its queue: stop() returns once it has ended.
      let announced = false
      void own.services.queue.announce(siteId).then(() => (announced = true))
      await own.services.queue.stop()
      expect(announced).toBe(true)

      await eventually(() => heard === 1, 5_000, 'the place it announced')

      // A change after the stop (an agent's socket leaving during the close) recomputes nothing.
      const before = heard
      own.services.queue.changed(siteId)
      const { visitorId } = await own.db.inSite(siteId, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: conversation.id } }))
      await own.services.queue.tell(siteId, visitorId)
      await new Promise((r) => setTimeout(r, 4 * COALESCE_MS))
      expect(heard).toBe(before)
    } finally {
      client.disconnect()
      await own.close()
    }
  })
})
