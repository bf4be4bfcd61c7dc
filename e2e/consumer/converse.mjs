// Run inside the consumer project (node converse.mjs <url> <siteId> <email> <password>): an agent
// and a visitor converse through the installed @live-chat/sdk; prints what each saw as JSON.
import { AgentClient, LiveChatClient } from '@live-chat/sdk'

const [url, siteId, email, password] = process.argv.slice(2)
setTimeout(() => {
  console.error('timed out')
  process.exit(1)
}, 30_000).unref()

const next = (client, event, match = () => true) =>
  new Promise((resolve) => {
    const off = client.on(event, (value) => {
      if (!match(value)) return
      off()
      resolve(value)
    })
  })

const agent = new AgentClient({ url })
const visitor = new LiveChatClient({ url, siteId, storage: 'memory' })
try {
  await agent.login(email, password)
  await agent.connect(siteId)
  const created = next(agent, 'conversation:created')
  const started = await visitor.startConversation({ message: 'Do you ship to Lisbon?' })
  const conversation = await created
  const reply = next(visitor, 'message', (m) => m.senderType === 'agent')
  const heard = next(agent, 'message', (m) => m.senderType === 'visitor' && m.text === 'Great, thanks!')
  await agent.send(conversation.id, 'We do, in two days.')
  const answer = await reply
  await visitor.send(started.conversation.id, 'Great, thanks!')
  await heard
  console.log(JSON.stringify({
    sdk: import.meta.resolve('@live-chat/sdk'),
    visitorConversation: started.conversation.id,
    agentConversation: conversation.id,
    visitorHeard: answer.text,
    agentHeard: (await agent.getMessages(conversation.id)).map((m) => `${m.senderType}: ${m.text}`),
  }))
} finally {
  visitor.disconnect()
  agent.disconnect()
}
process.exit(0)
