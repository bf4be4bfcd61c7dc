// A socket command: parse the payload with its schema, run one service call, ack the result.
// Whatever a client sends (no payload, no ack, a string, a huge object), the handler answers
// or ignores it; it never throws into socket.io.
import type { IncomingMessage } from 'node:http'
import type { Ack, CommandInput, CommandResult, CommandSchemas } from '@live-chat/protocol'
import type { z } from 'zod'
import { AppError, fromUnknown, invalidPayload } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import type { CommandGate } from '../ops/drain.js'
import { requireStorable } from '../shared/text.js'

interface RawSocket {
  id: string
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown
  once(event: 'disconnect', fn: () => void): unknown
  off(event: 'disconnect', fn: () => void): unknown
}

/** A command's event and the listener that serves it on every socket of the namespace. */
export interface Command<S extends RawSocket> {
  event: string
  listener: (this: S, ...args: unknown[]) => void
}

/**
 * What a command's `run` answers: the data of its event's ack. A command acked with `null` may
 * also return nothing (its service call's `void`); the ack then carries `null`.
 */
export type CommandReply<F> = [CommandResult<F>] extends [null] ? null | void : CommandResult<F>

/** A command's work: the socket (its actor is in socket.data) and the parsed input in, the ack's data out. */
export type CommandRun<C2S, Sock, K extends keyof C2S> = (socket: Sock, input: CommandInput<C2S[K]>) => Promise<CommandReply<C2S[K]>>

/**
 * Defines the socket command `event` of a namespace whose event map is `C2S`, once for every
 * socket: the payload is parsed with `schema` and `run` answers what the event map says the ack
 * carries, so an event the map does not have, a schema of another input or a result of another
 * type does not compile. The namespace's dispatcher calls the listener with the socket as `this`,
 * so one function serves every socket and a connection costs no set of closures (bench/memory.mjs:
 * about 2.5 KB less per idle connection).
 */
export function command<C2S, K extends keyof C2S & string, Sock extends RawSocket>(
  event: K,
  schema: z.ZodType<CommandInput<C2S[K]>>,
  run: CommandRun<C2S, Sock, K>,
  log: Logger,
  guard?: (socket: Sock) => Promise<void>,
): Command<Sock> {
  type R = CommandResult<C2S[K]>
  async function handle(socket: Sock, input: unknown, ack: (r: Ack<R>) => void): Promise<void> {
    let reply: Ack<R>
    // Binary attachments are not commands' inputs (zod would read a Buffer as an empty object).
    const binary = input instanceof ArrayBuffer || ArrayBuffer.isView(input)
    const parsed = binary ? schema.safeParse(Symbol('binary')) : schema.safeParse(input)
    if (!parsed.success) {
      reply = { ok: false, error: invalidPayload(parsed.error, `${event} payload`).toBody() }
    } else {
      try {
        const input = requireStorable(parsed.data, `${event} payload`)
        await guard?.(socket)
        reply = { ok: true, data: ((await run(socket, input)) ?? null) as R }
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
  return {
    event,
    listener(this: Sock, ...args: unknown[]) {
      const last = args.at(-1)
      const ack = typeof last === 'function' ? (last as (r: Ack<R>) => void) : () => undefined
      if (typeof last === 'function') args.pop()
      void handle(this, args[0], ack)
    },
  }
}

/**
 * Every command of a namespace, each with its schema from `schemas` (the protocol's
 * VISITOR_COMMANDS or AGENT_COMMANDS): a command of the event map left without a `run`, or a
 * `run` for an event the map does not have, does not compile. `guard` runs before every command
 * (after its payload parsed) and refuses it by throwing (the visitors': bans).
 */
export function commands<C2S, Sock extends RawSocket>(
  schemas: CommandSchemas<C2S>,
  runs: { [K in keyof C2S & string]: CommandRun<C2S, Sock, K> },
  log: Logger,
  guard?: (socket: Sock) => Promise<void>,
): Command<Sock>[] {
  return (Object.keys(runs) as (keyof C2S & string)[]).map((event) => command<C2S, typeof event, Sock>(event, schemas[event], runs[event], log, guard))
}

/** How app.ts sets a namespace up. */
export interface NamespaceOptions {
  /** The client's address from the handshake's HTTP request (see authenticateSockets). */
  clientIp?: (request: IncomingMessage) => string
  /** Counts and may refuse each command (the shutdown's drain, ops/drain.ts). */
  gate?: CommandGate
}

/** A socket's one listener for every event it receives (see dispatcher). */
export type Dispatcher<S> = (this: S, event: string, ...args: unknown[]) => void

/**
 * The one listener of a namespace's sockets, for every event (socket.io calls `onAny` listeners
 * with the socket as `this`, the event's name and its arguments, ack included): it finds the
 * command by name, lets `gate` count it (or refuse it: the drain of a shutdown, ops/drain.ts), and
 * runs it; an event no command serves is answered not_found. Made once per namespace, so a
 * connection holds one listener (`listen`), not an entry per command in its table of listeners
 * (bench/memory.mjs: 0.6-0.8 KB of V8 heap per idle visitor connection).
 */
export function dispatcher<S extends RawSocket>(commands: readonly Command<S>[], gate?: CommandGate): Dispatcher<S> {
  const byEvent = new Map(commands.map((c) => [c.event, c.listener]))
  return function (this: S, event: string, ...args: unknown[]) {
    const run = typeof event === 'string' ? byEvent.get(event) : undefined
    const ack = args.at(-1)
    if (run) {
      if (gate && typeof ack === 'function') {
        const gated = gate.enter(this, event, ack as Parameters<CommandGate['enter']>[2])
        if (!gated) return
        args[args.length - 1] = gated
      }
      return run.apply(this, args)
    }
    // An event no command serves: a caller waiting for an ack gets a clear error at once instead
    // of its own timeout; without an ack it is ignored.
    if (typeof ack !== 'function') return
    const error = new AppError('not_found', `No such command: ${JSON.stringify(String(event).slice(0, 100))}`)
    try {
      ;(ack as (r: Ack<never>) => void)({ ok: false, error: error.toBody() })
    } catch {
      // A client that cannot take an ack loses nothing: it sent nothing we serve.
    }
  }
}

/** Serves a socket's commands with the namespace's dispatcher. */
export function listen<S extends RawSocket>(socket: S, dispatch: Dispatcher<S>): void {
  socket.onAny(dispatch as (event: string, ...args: unknown[]) => void)
}

interface Handshaking<A> {
  handshake: { auth: unknown; address: string; headers: { origin?: string; 'user-agent'?: string } }
  request: IncomingMessage
  data: { actor: A }
}

/**
 * The namespace's handshake check: `authenticate` turns the handshake's `auth` payload (and the
 * page's origin) into an actor, or the connection is refused with the error in `err.data`.
 * `clientIp`: the client's address from the handshake's HTTP request, as Express's `req.ip` sees
 * it (behind TRUST_PROXY, from X-Forwarded-For; see app.ts); default the peer's address.
 */
export function authenticateSockets<A, S extends Handshaking<A>>(
  ns: { use(fn: (socket: S, next: (err?: Error) => void) => void): unknown },
  authenticate: (auth: Record<string, unknown>, origin: string | undefined, meta: { ip: string; userAgent?: string }) => Promise<A>,
  clientIp: (request: IncomingMessage) => string = (request) => request.socket.remoteAddress ?? '',
): void {
  ns.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>
    const ua = socket.handshake.headers['user-agent']
    authenticate(auth, socket.handshake.headers.origin, { ip: clientIp(socket.request), ...(ua ? { userAgent: ua } : {}) })
      .then((actor) => {
        socket.data.actor = actor
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
