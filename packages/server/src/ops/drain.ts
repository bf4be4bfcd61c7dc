// Graceful shutdown: what is in flight (HTTP requests, socket commands waiting for their ack)
// is counted, so close() can stop taking new work, let the work already started finish (up to
// a bound), and only then disconnect sockets and close the database. Acked means stored: a
// command is never cut between its write and its ack by a shutdown.
import type { RequestHandler } from 'express'
import type { ErrorBody } from '@live-chat/protocol'
import { withTimeout, type Metrics, type NamespaceName } from './metrics.js'

/** A socket as the gate sees it: told when it goes. */
interface CommandSocket {
  once(event: 'disconnect', fn: () => void): unknown
  off(event: 'disconnect', fn: () => void): unknown
}

type Ack = (reply: { ok?: unknown; error?: ErrorBody } | undefined, ...rest: unknown[]) => void

/**
 * What the command layer (realtime/command.ts) asks before it runs a socket command that has an
 * ack: `enter` counts it until it is acked and returns the ack to answer with, or answers the
 * refusal itself and returns undefined (the command must not start).
 */
export interface CommandGate {
  enter(socket: CommandSocket, event: string, ack: Ack): Ack | undefined
}

const SHUTTING_DOWN: ErrorBody = { code: 'unavailable', message: 'the server is shutting down; retry', retryable: true }

export class Drain {
  #draining = false
  #http = 0
  #commands = 0
  /** Socket commands whose handler has not answered yet, their socket gone or not. */
  #working = 0
  #idle: (() => void)[] = []
  /** Per socket with commands running: their ends, and its one disconnect listener. */
  #running = new WeakMap<CommandSocket, { ends: Set<() => void>; gone: () => void }>()

  constructor(private readonly metrics?: Metrics) {}

  /** True once a shutdown started: /readyz answers 503 and new socket commands are refused. */
  get draining(): boolean {
    return this.#draining
  }

  /** HTTP requests and socket commands in flight. */
  get inFlight(): number {
    return this.#http + this.#commands
  }

  /**
   * Socket commands still running, counting those whose socket is gone (which inFlight does not
   * wait for): their work may still write and announce.
   */
  get working(): number {
    return this.#working
  }

  /** Counts HTTP requests until their response is sent or the connection drops. */
  http(): RequestHandler {
    return (_req, res, next) => {
      this.#http++
      let open = true
      const end = () => {
        if (!open) return
        open = false
        this.#http--
        this.#check()
      }
      res.once('finish', end)
      res.once('close', end)
      // The client should open its next request elsewhere (the listener is closed).
      if (this.#draining) res.setHeader('Connection', 'close')
      next()
    }
  }

  /**
   * The gate of a namespace's socket commands (see CommandGate): counts each until it is acked,
   * and times message:send. While draining, new commands are refused with a retryable error (the
   * SDK's outbox resends them after reconnecting to another process); they never start. Nothing
   * is kept per socket between commands: while a socket has commands running, it has one
   * disconnect listener that ends them all (#running).
   */
  commands(name: NamespaceName): CommandGate {
    return {
      enter: (socket, event, ack) => {
        if (this.#draining) {
          ack({ ok: false, error: SHUTTING_DOWN })
          return undefined
        }
        const started = performance.now()
        this.#commands++
        this.#working++
        // A command of a socket that is gone is not waited for: nobody would get its ack, and its
        // client resends it (same clientId) wherever it reconnects.
        let open = this.#running.get(socket)
        if (!open) {
          const ends = new Set<() => void>()
          const gone = () => {
            for (const end of [...ends]) end()
          }
          open = { ends, gone }
          this.#running.set(socket, open)
          socket.once('disconnect', gone)
        }
        const { ends, gone } = open
        const end = () => {
          if (!ends.delete(end)) return
          if (ends.size === 0) {
            socket.off('disconnect', gone)
            this.#running.delete(socket)
          }
          this.#commands--
          this.#check()
        }
        ends.add(end)
        return (reply, ...rest) => {
          this.#working--
          end()
          if (event === 'message:send') this.metrics?.messageSent(name, reply?.ok === true, (performance.now() - started) / 1000)
          ack(reply, ...rest)
        }
      },
    }
  }

  /**
   * Starts draining and waits until nothing is in flight, or `timeoutMs`.
   * @returns Whether everything finished in time.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.#draining = true
    if (this.inFlight === 0) return true
    const idle = new Promise<void>((resolve) => this.#idle.push(resolve))
    return withTimeout(idle, timeoutMs).then(
      () => true,
      () => false,
    )
  }

  #check(): void {
    if (this.inFlight > 0) return
    for (const resolve of this.#idle.splice(0)) resolve()
  }
}

interface Transport {
  close(): unknown
  once(event: 'close', fn: () => void): unknown
}

/**
 * Closes the transport of every socket of these namespaces after what is buffered for it (the
 * last acks) is written: engine.io's close() on shutdown discards that buffer. Clients see a
 * transport close and reconnect (through the load balancer, to another process). Waits up to
 * `timeoutMs`.
 */
export async function closeTransports(namespaces: { sockets: Map<string, { conn: Transport }> }[], timeoutMs: number): Promise<void> {
  // One transport carries a client's sockets of every namespace.
  const transports = new Set(namespaces.flatMap((ns) => [...ns.sockets.values()].map((s) => s.conn)))
  const closing = [...transports].map(
    (conn) =>
      new Promise<void>((resolve) => {
        conn.once('close', resolve)
        conn.close()
      }),
  )
  await withTimeout(Promise.all(closing), timeoutMs).catch(() => undefined)
}
