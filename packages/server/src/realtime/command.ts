// A socket command: parse the payload with its schema, run one service call, ack the result.
// Whatever a client sends (no payload, no ack, a string, a huge object), the handler answers
// or ignores it; it never throws into socket.io.
import type { Ack } from '@live-chat/protocol'
import type { z } from 'zod'
import { fromUnknown, invalidPayload } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import { requireStorable } from '../shared/text.js'

interface RawSocket {
  id: string
  on(event: string, listener: (...args: unknown[]) => void): unknown
}

export function command<S extends z.ZodType, R>(
  socket: RawSocket,
  event: string,
  schema: S,
  run: (input: z.infer<S>) => Promise<R>,
  log: Logger,
): void {
  socket.on(event, (...args: unknown[]) => {
    const last = args.at(-1)
    const ack = typeof last === 'function' ? (last as (r: Ack<R>) => void) : () => undefined
    if (typeof last === 'function') args.pop()
    void handle(args[0], ack)
  })

  async function handle(input: unknown, ack: (r: Ack<R>) => void): Promise<void> {
    let reply: Ack<R>
    // Binary attachments are not commands' inputs (zod would read a Buffer as an empty object).
    const binary = input instanceof ArrayBuffer || ArrayBuffer.isView(input)
    const parsed = binary ? schema.safeParse(Symbol('binary')) : schema.safeParse(input)
    if (!parsed.success) {
      reply = { ok: false, error: invalidPayload(parsed.error, `${event} payload`).toBody() }
    } else {
      try {
        reply = { ok: true, data: (await run(requireStorable(parsed.data, `${event} payload`))) ?? (null as R) }
      } catch (e) {
        const err = fromUnknown(e)
        if (err.code === 'internal') log.error({ err: e, event, socket: socket.id }, 'socket command failed')
        else if (err.code === 'unavailable') log.warn({ err: e, event }, 'socket command failed: unavailable')
        reply = { ok: false, error: err.toBody() }
      }
    }
    try {
      ack(reply)
    } catch (e) {
      log.warn({ err: e, event }, 'ack failed')
    }
  }
}

interface Handshaking<A> {
  handshake: { auth: unknown; headers: { origin?: string } }
  data: { actor: A; conversations: Map<string, string> }
}

/**
 * The namespace's handshake check: `authenticate` turns the handshake's `auth` payload (and the
 * page's origin) into an actor, or the connection is refused with the error in `err.data`.
 */
export function authenticateSockets<A, S extends Handshaking<A>>(
  ns: { use(fn: (socket: S, next: (err?: Error) => void) => void): unknown },
  authenticate: (auth: Record<string, unknown>, origin: string | undefined) => Promise<A>,
): void {
  ns.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>
    authenticate(auth, socket.handshake.headers.origin)
      .then((actor) => {
        socket.data.actor = actor
        socket.data.conversations = new Map()
        next()
      })
      .catch((e: unknown) => next(handshakeError(e)))
  })
}

/** Turns a refused handshake into the error a client sees in `connect_error` (err.data is an ErrorBody). */
export function handshakeError(e: unknown): Error & { data?: unknown } {
  const body = fromUnknown(e).toBody()
  return Object.assign(new Error(body.message), { data: body })
}
