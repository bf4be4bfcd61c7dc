import crypto from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pino, type DestinationStream, type Logger } from 'pino'
import { pinoHttp, type HttpLogger } from 'pino-http'

export type { Logger }

/** Paths never written to logs: credentials and tokens wherever they appear. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'identitySecret',
  '*.identitySecret',
  'hash',
  '*.hash',
]

/** JSON lines on stdout (or on `destination`, e.g. a test's stream). */
export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'live-chat' } }, destination)
}

// Query parameters whose values are logged as they are; any other value (a token someone put in
// a link, a search text) is logged as [redacted].
const PLAIN_QUERY = new Set(['limit', 'format', 'EIO', 'transport'])

/** The request's path and query, with the value of every parameter but a few harmless ones redacted. */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = url
    .slice(q + 1)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=')
      const key = eq < 0 ? p : p.slice(0, eq)
      return eq < 0 || PLAIN_QUERY.has(key) ? p : `${key}=[redacted]`
    })
  return params.length > 0 ? `${url.slice(0, q)}?${params.join('&')}` : url.slice(0, q)
}

// An id from the proxy in front (nginx's $request_id) ties its log line to ours; anything else gets a new one.
const REQUEST_ID = /^[\w.:-]{1,128}$/

type Req = IncomingMessage & { originalUrl?: string; ip?: string }

/**
 * Access lines: one per request (none for the probes in `ignore`), with method, url (see
 * loggedUrl), status, response time, request id and the client's address: no headers, no
 * body. The request id is answered in X-Request-Id.
 */
export function accessLog(log: Logger, ignore: (req: IncomingMessage) => boolean): HttpLogger {
  return pinoHttp({
    logger: log,
    autoLogging: { ignore },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id']
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID()
      res.setHeader('X-Request-Id', id)
      return id
    },
    serializers: {
      req: (req: { id: unknown; method: string; raw: Req }) => ({
        id: req.id,
        method: req.method,
        url: loggedUrl(req.raw.originalUrl ?? req.raw.url ?? ''),
        // Express's req.ip: the client's address, through the proxy when TRUST_PROXY is set.
        remoteAddress: req.raw.ip ?? req.raw.socket?.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  })
}
