// A strict TypeScript app of the installed @live-chat/sdk, @live-chat/widget and
// @live-chat/dashboard (type-checked only: tsconfig.bundler.json and tsconfig.node16.json).
import { AgentClient, LiveChatClient, LiveChatError, type ConversationSummary, type ConversationsApi, type Message } from '@live-chat/sdk'
import { LiveChat, type LiveChatEvent } from '@live-chat/widget'
import { LiveChatDashboard } from '@live-chat/dashboard'

export async function visitor(url: string, siteId: string): Promise<Message> {
  const chat = new LiveChatClient({ url, siteId, storage: 'memory' })
  const seen: Message[] = []
  chat.on('message', (m) => seen.push(m))
  await chat.connect()
  const { conversation } = await chat.startConversation({ message: 'Hello' })
  return chat.send(conversation.id, 'Are you there?')
}

export async function agent(url: string, siteId: string, email: string, password: string): Promise<AgentClient> {
  const client = new AgentClient({ url })
  const session = await client.login(email, password)
  if ('twoFactor' in session) throw new Error('two-factor sign-in is on')
  await client.connect(siteId)
  client.on('conversation:created', (c: ConversationSummary) => void client.send(c.id, 'Hi, how can I help?'))
  client.on('signed-out', ({ error }) => console.log(error.code))
  return client
}

/** The agent client's sub-clients, from the published types. */
export async function triage(client: AgentClient): Promise<string[]> {
  const conversations: ConversationsApi = client.conversations
  const { items } = await conversations.list({ status: ['pending'] })
  for (const c of items) await conversations.assign(c.id, null)
  await client.webhooks.redeliver('webhook-id', 'delivery-id')
  return (await client.cannedResponses.list({ q: 'hello' })).map((r) => r.title)
}

export function widget(siteId: string): LiveChat {
  const el = document.createElement('live-chat')
  el.siteId = siteId
  el.server = 'https://chat.example.com'
  el.addEventListener('lc-message', (e) => console.log(e.detail.text, e.detail.seq))
  document.addEventListener('lc-unread-change', (e) => console.log(e.detail.count))
  const unread: LiveChatEvent<'lc-unread-change'> = new CustomEvent('lc-unread-change', { detail: { count: 1 } })
  el.dispatchEvent(unread)
  el.client?.on('message', (m) => console.log(m.id))
  el.open()
  return el instanceof LiveChat ? el : el
}

export function dashboard(token: string): LiveChatDashboard {
  const el = document.createElement('live-chat-dashboard')
  el.server = 'https://chat.example.com'
  el.token = token
  el.persist = true
  el.addEventListener('lcd-unread-change', (e) => console.log(e.detail.count))
  return el
}

export const isLiveChatError = (e: unknown): e is LiveChatError => e instanceof LiveChatError
