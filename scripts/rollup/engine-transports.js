// The Engine.IO transports the widget's CDN bundle ships (rollup.config.js aliases
// engine.io-client's own transports/index.js to this file). WebSocket first, and long-polling
// over fetch() as the fallback for networks that block WebSockets; the XHR polling transport
// and WebTransport (never used unless configured) stay out, a few KB lighter.
import { WS } from 'engine.io-client/build/esm/transports/websocket.js'
import { Fetch } from 'engine.io-client/build/esm/transports/polling-fetch.js'

export const transports = {
  websocket: WS,
  polling: Fetch,
}
