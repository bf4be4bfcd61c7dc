// Who views which conversation (collision detection): an agent's dashboard says it shows a
// conversation; every agent of the site hears who views it now; several tabs of one agent are one
// viewer; a closed tab stops viewing by itself; bad input and another site's conversation are refused.
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient, type ConversationViewers, type LiveChatError } from '@live-chat/sdk'
import { ask, connectRaw, eventually, rawSocket, serverPerFile } from '../helpers.js'

const t = serverPerFile()

async function setup() {
  const site = await t.s.fx.site()
  const [a, b] = await Promise.all([t.s.fx.agent(site.id, { name: 'Ada' }), t.s.fx.agent(site.id, { name: 'Bo' })])
  const agent = (token: string) => t.track(new AgentClient({ url: t.s.url, token }))
  const ada = agent(a.token)
  const bo = agent(b.token)
  await Promise.all([ada.connect(site.id), bo.connect(site.id)])
  const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
  const { conversation } = await visitor.startConversation({ message: 'Hello' })
  return { site, a, b, ada, bo, agent, id: conversation.id }
}

/** The latest viewers:changed of `id` a client heard. */
function heard(client: AgentClient, id: string) {
  let last: ConversationViewers | null = null
  client.on('viewers', (v) => {
    if (v.conversationId === id) last = v
  })
  return () => (last as ConversationViewers | null)?.agents.map((x) => x.name).join(',') ?? null
}

describe('viewers', () => {
  it('every agent hears who views a conversation; tabs count once; leaving and closing a tab end it', async () => {
    const { site, a, ada, bo, agent, id } = await setup()
    const boHears = heard(bo, id)
    expect(await ada.viewConversation(id)).toEqual({ conversationId: id, agents: [{ id: a.id, name: 'Ada' }] })
    await eventually(() => boHears() === 'Ada', 5_000, 'Bo to hear Ada views it')
    expect((await bo.viewConversation(id)).agents.map((x) => x.name)).toEqual(['Ada', 'Bo'])
    expect(await bo.viewers()).toEqual([{ conversationId: id, agents: [expect.objectContaining({ name: 'Ada' }), expect.objectContaining({ name: 'Bo' })] }])

    // A second tab of Ada's: still one Ada. It closes: Ada still views (her first tab).
    const tab = agent(a.token)
    await tab.connect(site.id)
    expect((await tab.viewConversation(id)).agents.map((x) => x.name)).toEqual(['Ada', 'Bo'])
    tab.disconnect()
    await new Promise((r) => setTimeout(r, 300))
    expect((await bo.viewers())[0]!.agents.map((x) => x.name)).toEqual(['Ada', 'Bo'])

    // Ada leaves it; then Bo's dashboard goes away: nobody views it.
    expect((await ada.viewConversation(id, false)).agents.map((x) => x.name)).toEqual(['Bo'])
    await eventually(() => boHears() === 'Bo', 5_000, 'Bo to hear Ada left')
    const adaHears = heard(ada, id)
    bo.disconnect()
    await eventually(() => adaHears() === '', 5_000, 'Ada to hear nobody views it')
    expect(await ada.viewers()).toEqual([])
  })

  it('refuses bad input and a conversation the agent cannot see, and holds nothing for them', async () => {
    const { site, a, ada, id } = await setup()
    const other = await setup()
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: LiveChatError) => e.code)
    expect(await code(ada.viewConversation(other.id))).toBe('not_found')
    expect(await other.ada.viewers()).toEqual([])
    const socket = await connectRaw(rawSocket(t.s.url, '/agent', { token: a.token, siteId: site.id }))
    try {
      for (const bad of [{}, { conversationId: id }, { conversationId: 'not-a-uuid', viewing: true }, { conversationId: id, viewing: 'yes' }, null, 'x']) {
        expect(await ask(socket, 'conversation:view', bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } })
      }
      expect(await ada.viewers()).toEqual([])
    } finally {
      socket.close()
    }
  })
})
