// The widget's CDN bundle replaces socket.io-parser's binary support (./binary.js and
// ./is-binary.js, see rollup.config.js) with this. Live Chat's socket events carry JSON only —
// files go over HTTP uploads — so the walk over every outgoing payload looking for Blobs and
// ArrayBuffers, and the reassembly of binary attachments, need not ship. Should a binary packet
// ever arrive, the decoder throws and socket.io-client treats it as a parse error (reconnects),
// exactly as it does for any malformed packet.
export const isBinary = () => false
export const hasBinary = () => false
const unsupported = () => {
  throw new Error('binary socket.io packets are not supported by this build')
}
export const deconstructPacket = unsupported
export const reconstructPacket = unsupported
