// The widget's CDN bundle replaces engine.io-parser's base64 decoder (./contrib/base64-arraybuffer.js,
// see rollup.config.js) with this. Engine.IO carries a binary message over long-polling as base64
// (a "b" packet) and decodes it into an ArrayBuffer; but Live Chat's socket events are JSON only,
// and this bundle's socket.io parser (socket-json-only.js) refuses every binary message, whatever
// its bytes: a parse error, after which socket.io-client reconnects. Decoding the bytes first is
// work thrown away, so the stand-in hands on an empty ArrayBuffer, which meets the same refusal.
export const decode = () => new ArrayBuffer(0)
