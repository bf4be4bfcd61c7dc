// An SPA using the widget from npm: `npm install @live-chat/widget` and import it once.
import '@live-chat/widget'

const chat = document.querySelector('live-chat')
const log = document.querySelector('#log')
const unread = document.querySelector('#unread')
const write = (line) => (log.textContent = `${new Date().toLocaleTimeString()}  ${line}\n` + log.textContent)

// The element's DOM events, with typed details (see LiveChatEventMap).
chat.addEventListener('lc-ready', (e) => write(`ready: site "${e.detail.config.widgetTitle}"`))
chat.addEventListener('lc-open', () => write('window opened'))
chat.addEventListener('lc-close', () => write('window closed'))
chat.addEventListener('lc-conversation-start', (e) => write(`conversation started: ${e.detail.id}`))
chat.addEventListener('lc-message', (e) => write(`message from ${e.detail.senderType}: ${e.detail.text ?? '(attachment)'}`))
chat.addEventListener('lc-unread-change', (e) => {
  unread.hidden = e.detail.count === 0
  unread.textContent = String(e.detail.count)
})

// The SDK client behind the widget, for what the element does not surface.
chat.addEventListener('lc-ready', () => {
  chat.client.on('availability', ({ online }) => write(`team ${online ? 'online' : 'offline'}`))
  chat.client.on('typing', ({ typing, name }) => typing && write(`${name ?? 'agent'} is typing`))
})

document.querySelector('#help').addEventListener('click', () => chat.toggle())
document.querySelector('#logout').addEventListener('click', () => {
  chat.reset()
  write('logged out: the visitor was forgotten')
})

// A hash router: tell the team which page the visitor is on.
const route = () => {
  const page = location.hash.replace('#/', '') || 'home'
  document.querySelector('#title').textContent = page[0].toUpperCase() + page.slice(1)
  document.title = `${page} — Acme App`
  chat.client?.visitPage(location.href, document.title).catch(() => {})
}
addEventListener('hashchange', route)
route()
