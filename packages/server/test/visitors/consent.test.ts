// A pre-chat consent field: the site's wording (and policy link), a tick the server checks too,
// and each consent kept on the visitor with the wording and link as they were, and the time.
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient, type LiveChatError } from '@live-chat/sdk'
import { serverPerFile } from '../helpers.js'

const t = serverPerFile()
const WORDING = 'I agree that Acme keeps this conversation to answer me.'

async function consentSite(required = true) {
  const site = await t.s.fx.site()
  const admin = await t.s.fx.agent(site.id, { role: 'admin' })
  const agent = t.track(new AgentClient({ url: t.s.url, token: admin.token }))
  await agent.connect(site.id)
  await agent.settings.update({ widget: { preChatEnabled: true, preChatFields: [{ name: 'privacy', label: WORDING, type: 'consent', required, url: 'https://acme.example/privacy' }] } })
  return { site, agent }
}

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: LiveChatError) => `${e.code} ${JSON.stringify(e.details ?? [])}`)

describe('consent fields', () => {
  it('a required consent needs a tick (true): missing, false or text are refused, nothing is stored', async () => {
    const { site, agent } = await consentSite()
    for (const custom of [undefined, { privacy: false }, { privacy: 'yes' }, { privacy: null }]) {
      const v = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
      expect(await code(v.startConversation({ message: 'Hi', ...(custom ? { fields: { custom } } : {}) }))).toBe(`invalid_payload ${JSON.stringify([{ path: 'fields.custom.privacy', message: 'required' }])}`)
    }
    expect((await agent.conversations.list()).items).toEqual([])
  })

  it('keeps each consent with its wording, link and time, once per wording; a new wording is a new consent', async () => {
    const { site, agent } = await consentSite()
    const storage = new Map<string, string>()
    const v = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: { get: (k) => storage.get(k) ?? null, set: (k, x) => void storage.set(k, x), remove: (k) => void storage.delete(k) } }))
    const before = Date.now()
    const { conversation } = await v.startConversation({ message: 'Hi', fields: { custom: { privacy: true } } })
    const seen = await agent.conversations.get(conversation.id)
    expect(seen.visitor.consents).toEqual([{ field: 'privacy', text: WORDING, url: 'https://acme.example/privacy', givenAt: expect.any(String) }])
    expect(Date.parse(seen.visitor.consents[0]!.givenAt)).toBeGreaterThanOrEqual(before - 1_000)

    // The same wording again (a profile update): still one.
    await v.updateProfile({ custom: { privacy: true } })
    expect((await agent.conversations.get(conversation.id)).visitor.consents).toHaveLength(1)

    // The site rewords it; the visitor agrees again: both are kept, oldest first.
    const reworded = `${WORDING} For 90 days.`
    await agent.settings.update({ widget: { preChatFields: [{ name: 'privacy', label: reworded, type: 'consent', required: true }] } })
    await v.updateProfile({ custom: { privacy: true } })
    expect((await agent.conversations.get(conversation.id)).visitor.consents.map((c) => [c.text, c.url])).toEqual([
      [WORDING, 'https://acme.example/privacy'],
      [reworded, null],
    ])
  })

  it('a tick in a field that is no consent field keeps no consent; an optional consent may be left out', async () => {
    const { site, agent } = await consentSite(false)
    const v = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
    const { conversation } = await v.startConversation({ message: 'Hi', fields: { custom: { newsletter: true } } })
    expect((await agent.conversations.get(conversation.id)).visitor.consents).toEqual([])
  })

  it('refuses a policy link that is not https, and a wording over 500 characters', async () => {
    const { agent } = await consentSite()
    for (const [field, path] of [
      [{ name: 'privacy', label: WORDING, type: 'consent', required: true, url: 'http://acme.example/privacy' }, 'widget.preChatFields.0.url'],
      [{ name: 'privacy', label: WORDING, type: 'consent', required: true, url: 'javascript:alert(1)' }, 'widget.preChatFields.0.url'],
      [{ name: 'privacy', label: 'x'.repeat(501), type: 'consent', required: true }, 'widget.preChatFields.0.label'],
    ] as const) {
      const e = await agent.settings.update({ widget: { preChatFields: [field] } }).then(() => null, (x: LiveChatError) => x)
      expect(e?.code).toBe('invalid_payload')
      expect(e?.details?.map((d) => d.path)).toContain(path)
    }
  })
})
