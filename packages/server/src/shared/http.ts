// Express helpers: parse with a schema, authenticate, and answer errors as { error: { code, message } }.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express'
import type { ErrorCode } from '@live-chat/protocol'
import type { z } from 'zod'
import { bearer } from './auth.js'
import type { RequestMeta } from '../accounts/sessions.js'
import type { RequestRoute } from '../api-keys/scopes.js'
import type { AgentActor, VisitorActor } from './context.js'
import { AppError, fromUnknown, invalidPayload } from './errors.js'
import type { Logger } from './logger.js'
import { requireStorable } from './text.js'

/**
 * Parses a route's input with its schema. Bodies and queries were checked whole at the door
 * (requestInput); path parameters are checked here. No body at all parses as `{}`.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  if (value instanceof NotJson) throw new AppError('unsupported_type', `the body must be JSON (Content-Type: application/json), not ${value.type}`)
  const r = schema.safeParse(value ?? {})
  if (!r.success) throw invalidPayload(r.error, where)
  return where === 'path' ? requireStorable(r.data, where) : r.data
}

/** Stands in for a body that is not JSON: a route that reads a body answers 415 (see parse). */
class NotJson {
  constructor(readonly type: string) {}
}

/**
 * Every /api request, after the JSON parser, before any route: the query string and the JSON body
 * are checked whole (keys the schemas would drop included) for text Postgres cannot store
 * (shared/text.ts), and a body that is not JSON is marked so that a route that reads a body
 * answers 415 unsupported_type (a route that takes none ignores it; uploads read their multipart
 * stream themselves). No body at all, or an empty one, means no fields: `{}`.
 */
export const requestInput: RequestHandler = (req, _res, next) => {
  requireStorable(req.query, 'query')
  if (req.body === undefined) {
    const length = req.headers['content-length']
    const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
    if (hasBody && !req.is('application/json')) req.body = new NotJson(req.headers['content-type'] ?? 'a body without a Content-Type')
  } else requireStorable(req.body, 'body')
  next()
}

export interface Locals {
  visitor?: VisitorActor
  agent?: AgentActor
}

export const visitorOf = (res: Response): VisitorActor => (res.locals as Locals).visitor!
export const agentOf = (res: Response): AgentActor => (res.locals as Locals).agent!

export function requireVisitor(authenticate: (token: unknown, origin: string | undefined, ip: string | undefined) => Promise<VisitorActor>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    ;(res.locals as Locals).visitor = await authenticate(bearer(req.headers.authorization), req.headers.origin, req.ip)
    next()
  }
}

/** Site routes: an agent's access token, or an API key (whose scopes are checked against the route). */
export function requireAgent(authenticate: (token: unknown, siteId: unknown, meta: RequestMeta, route: RequestRoute) => Promise<AgentActor>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    ;(res.locals as Locals).agent = await authenticate(bearer(req.headers.authorization), req.params['siteId'], requestMeta(req), requestRoute(req))
    next()
  }
}

/** The method and full path of a request (for an API key's scopes, see api-keys/scopes.ts). */
export function requestRoute(req: Request): RequestRoute {
  return { method: req.method, path: req.baseUrl + req.path }
}

/** Where a request came from: its address (behind TRUST_PROXY, the client's) and user agent. */
export function requestMeta(req: Request): RequestMeta {
  return { ip: req.ip, userAgent: req.headers['user-agent'] }
}

/** The last handler: every error becomes a JSON error body; unknown ones are logged, never shown. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = bodyParserError(err) ?? fromUnknown(err)
    if (e.code === 'internal') log.error({ err, method: req.method, url: req.path }, 'request failed')
    else if (e.code === 'unavailable') log.warn({ err, method: req.method, url: req.path }, 'request failed: unavailable')
    if (res.headersSent) return
    if (e.retryable) res.setHeader('Retry-After', String(e.retryAfter ?? 1))
    res.status(e.status).json({ error: e.toBody() })
  }
}

function bodyParserError(err: unknown): AppError | undefined {
  // Express's router could not decode a path parameter ("%", "%zz", invalid UTF-8).
  if (err instanceof URIError) return new AppError('invalid_payload', 'invalid path: not valid percent-encoding')
  const type = (err as { type?: unknown })?.type
  if (type === 'entity.parse.failed') return new AppError('invalid_payload', 'invalid body: not valid JSON')
  if (type === 'entity.too.large') return new AppError('payload_too_large', 'the body is too large')
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new AppError('invalid_payload', 'invalid body: unsupported encoding')
  if (typeof type === 'string' && type.startsWith('request.')) return new AppError('invalid_payload', 'invalid body')
  return undefined
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } })
}

// ------------------------------------------------------------------ errors answered before Express

/** A complete HTTP/1.1 error answer in the documented shape, for a socket no ServerResponse owns. */
function rawErrorResponse(status: number, code: ErrorCode, message: string): string {
  const body = JSON.stringify({ error: { code, message } })
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  )
}

/**
 * Node's HTTP parser refuses a request before Express sees it (headers over the limit, a request
 * line or header it cannot parse, a request that took too long): without this listener Node
 * answers a bare 431/400/408 with no body. The same statuses, with the documented error body.
 * For http.Server's 'clientError' event; it runs only for such requests.
 */
export function clientError(err: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage
  if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const [status, code, message]: [number, ErrorCode, string] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'the request headers are too large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request_timeout', 'the request took too long to arrive']
          : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
            ? [413, 'payload_too_large', 'the chunk extensions are too large']
            : [400, 'invalid_payload', 'not a valid HTTP request']
    socket.write(rawErrorResponse(status, code, message))
  }
  socket.destroy(err)
}

/** What engine.io's 'connection_error' event carries (its request keeps the response as `res`). */
export interface EngineConnectionError {
  req: IncomingMessage & { res?: ServerResponse | null; websocket?: unknown }
  code: number
  message: string
  context?: { message?: unknown }
}

/** engine.io's own code for a request its allowRequest refused (Server.errors.FORBIDDEN); every other code answers 400. */
const ENGINE_FORBIDDEN = 4

/**
 * engine.io refuses a bad Socket.io request itself (an unknown transport or session id, a bad
 * handshake): 400 or 403 with `{ code: 0, message: "Transport unknown" }`. It emits
 * 'connection_error' just before writing, and writes nothing once an answer was sent, so this
 * answers first, with the same status and message in the documented shape. For io.engine's
 * 'connection_error' event: it runs only for refused requests, never on the normal path.
 */
export function engineError(e: EngineConnectionError): void {
  const [status, code]: [number, ErrorCode] = e.code === ENGINE_FORBIDDEN ? [403, 'forbidden'] : [400, 'invalid_payload']
  const message = typeof e.context?.message === 'string' ? e.context.message : e.message
  const res = e.req.res
  if (res) {
    if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: { code, message } }))
    return
  }
  // A WebSocket upgrade refused before its handshake (after it, only a close frame may be sent).
  const socket = e.req.socket
  if (e.req.websocket || !socket.writable) return
  socket.on('error', () => undefined)
  socket.write(rawErrorResponse(status, code, message))
  socket.destroy()
}
