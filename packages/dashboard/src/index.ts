// @live-chat/dashboard: the agent dashboard's elements. Importing this defines them all.
export { LiveChatDashboard, type Route } from './live-chat-dashboard.js'
export { LcdLogin } from './login.js'
export { LcdInbox } from './inbox.js'
export { LcdComposer } from './composer.js'
export { LcdCannedResponses } from './canned-responses.js'
export { LcdSettings } from './settings.js'
