// A visitor and an agent talk through the SDK, from Node.
// Start the server first (`npm start`), then: node examples/node-conversation.mjs
// Uses the demo site and the demo agent's login that `npm start` saved in .data/demo-login.json.
import fs from 'node:fs'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'

const url = process.env.LIVE_CHAT_URL ?? 'http://localhost:3000'
const siteId = process.env.LIVE_CHAT_SITE ?? '00000000-0000-4000-8000-000000000001'
const { email, password } = JSON.parse(fs.readFileSync(new URL('../.data/demo-login.json', import.meta.url), 'utf8'))

const agent = new AgentClient({ url })
await agent.login(email, password)
await agent.connect(siteId)
agent.on('message', async (m) => {
  console.log(`agent   <- [${m.seq}] ${m.senderType}: ${m.text}`)
  if (m.senderType === 'visitor' && m.text === 'Hello! Is anyone there?') {
    await agent.send(m.conversationId, 'Hi! I am here. How can I help?')
  }
})

const visitor = new LiveChatClient({ url, siteId, storage: 'memory' })
await visitor.connect()
console.log(`an agent is ${visitor.config.online ? 'online' : 'offline'}`)
const gotReply = new Promise((resolve) => visitor.on('message', (m) => m.senderType === 'agent' && resolve(m)))
const { conversation } = await visitor.startConversation({ fields: { name: 'Example Visitor' }, message: 'Hello! Is anyone there?' })
console.log(`visitor started conversation ${conversation.id} (${conversation.status}, agent: ${conversation.agent?.name ?? 'none yet'})`)
const reply = await gotReply
console.log(`visitor <- [${reply.seq}] ${reply.senderName}: ${reply.text}`)
await agent.conversations.resolve(conversation.id)
visitor.disconnect()
agent.disconnect()
