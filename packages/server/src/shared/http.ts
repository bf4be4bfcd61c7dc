// Express helpers: parse with a schema, authenticate, and answer errors as { error: { code, message } }.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express'
import type { z } from 'zod'
import { bearer } from './auth.js'
import type { RequestMeta } from '../accounts/sessions.js'
import type { RequestRoute } from '../api-keys/scopes.js'
import type { AgentActor, VisitorActor } from './context.js'
import { AppError, fromUnknown, invalidPayload } from './errors.js'
import type { Logger } from './logger.js'
import { requireStorable } from './text.js'

export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const r = schema.safeParse(value ?? {})
  if (!r.success) throw invalidPayload(r.error, where)
  return requireStorable(r.data, where)
}

export interface Locals {
  visitor?: VisitorActor
  agent?: AgentActor
}

export const visitorOf = (res: Response): VisitorActor => (res.locals as Locals).visitor!
export const agentOf = (res: Response): AgentActor => (res.locals as Locals).agent!

export function requireVisitor(authenticate: (token: unknown, origin: string | undefined) => Promise<VisitorActor>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    ;(res.locals as Locals).visitor = await authenticate(bearer(req.headers.authorization), req.headers.origin)
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
