// The OpenAPI 3.1 document of the HTTP API, built from the route table (operations.ts) and the
// zod schemas of @live-chat/protocol by zod-openapi (which renders zod 4's own JSON Schema).
// Served at GET /api/openapi.json and shipped as openapi.json in the package (scripts/openapi.ts).
import { readFileSync } from 'node:fs'
import { Router } from 'express'
import { z } from 'zod'
import { createDocument, type ZodOpenApiObject, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi'
import * as protocol from '@live-chat/protocol'
import { ERROR_CODES, HttpErrorResponse, WebhookPayloads } from '@live-chat/protocol'
import { KEY_ROUTES } from '../api-keys/scopes.js'
import { OPERATIONS, PATH_PARAMS, type Answer, type Operation } from './operations.js'

/** Express's `/a/:id` as OpenAPI's `/a/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}')

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

const SECURITY_SCHEMES = {
  agentToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An agent access token: `token` of POST /api/auth/login (or of setup, invitation, two-factor sign-in). Short-lived: renew with POST /api/auth/refresh.',
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'lck_…',
    description:
      "An agency's API key (`secret` of POST /api/agency/api-keys), sent as `Authorization: Bearer lck_…`. A key may call only the routes that list a scope for it here, and needs that scope; a key for one site reaches that site only.",
  },
  visitorToken: {
    type: 'http',
    scheme: 'bearer',
    description: "A visitor session token: `token` of POST /api/sites/{siteId}/visitor-sessions. Checked against the page's Origin.",
  },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN of the server configuration.' },
} as const

/** Every status an error may have, with the codes that use it (from ERROR_CODES, the one list). */
const CODES_BY_STATUS = new Map<number, string[]>()
for (const [code, status] of Object.entries(ERROR_CODES)) CODES_BY_STATUS.set(status, [...(CODES_BY_STATUS.get(status) ?? []), code])

const errorAnswer = (status: number | 'default') => ({
  description: status === 'default' ? 'Any other error (409 conflict or invalid_state, 500 internal, 503 unavailable, …): the standard error body.' : `Error: ${CODES_BY_STATUS.get(status)?.map((c) => `\`${c}\``).join(', ')}`,
  content: { 'application/json': { schema: HttpErrorResponse } },
})

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content', 503: 'Not ready' }

function answer(status: number, a: Answer) {
  if (a === null) return { description: STATUS_TEXT[status] ?? String(status) }
  if (a instanceof z.ZodType) return { description: STATUS_TEXT[status] ?? String(status), content: { 'application/json': { schema: a } } }
  return {
    description: a.description ?? STATUS_TEXT[status] ?? String(status),
    content: Object.fromEntries(Object.entries(a.content).map(([type, schema]) => [type, { schema }])),
    ...(a.headers ? { headers: a.headers } : {}),
  }
}

/** The error statuses an operation can answer, besides `default`. */
function errorStatuses(op: Operation, params: string[]): number[] {
  const out = new Set<number>()
  if (op.body || op.query || params.length > 0) out.add(400)
  if (op.auth !== 'public') out.add(401)
  if (op.auth === 'site' || op.auth === 'agency' || op.auth === 'visitor') out.add(403)
  if (params.length > 0 || op.auth === 'metrics') out.add(404)
  // A JSON body over 100 kB; a body that is not JSON (or a file of a type not accepted).
  if (op.body) (out.add(413), out.add(415))
  if (op.limited) out.add(429)
  return [...out]
}

function security(op: Operation): Record<string, string[]>[] {
  switch (op.auth) {
    case 'public':
      return []
    case 'visitor':
      return [{ visitorToken: [] }]
    case 'agent':
      return [{ agentToken: [] }]
    case 'metrics':
      return [{ metricsToken: [] }, {}]
    case 'site':
    case 'agency': {
      const scope = KEY_ROUTES[`${op.method.toUpperCase()} ${op.path}`]
      return scope ? [{ agentToken: [] }, { apiKey: [scope] }] : [{ agentToken: [] }]
    }
  }
}

function operation(op: Operation): ZodOpenApiOperationObject {
  const params = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1]!)
  const path = params.length > 0 ? z.object(Object.fromEntries(params.map((name) => [name, PATH_PARAMS[name] ?? z.uuid()]))) : undefined
  const responses: ZodOpenApiResponsesObject = {}
  for (const [status, a] of Object.entries(op.ok)) responses[status as '200'] = answer(Number(status), a!)
  for (const status of errorStatuses(op, params)) responses[String(status) as '400'] ??= errorAnswer(status)
  responses.default = errorAnswer('default')
  const scope = KEY_ROUTES[`${op.method.toUpperCase()} ${op.path}`]
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description || scope ? { description: [op.description, scope && `API keys need the \`${scope}\` scope.`].filter(Boolean).join('\n\n') } : {}),
    security: security(op),
    ...(path || op.query ? { requestParams: { ...(path ? { path } : {}), ...(op.query ? { query: op.query } : {}) } } : {}),
    ...(op.body === 'multipart'
      ? {
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: { file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'One file part named `file`; no other parts.' } },
                },
              },
            },
          },
        }
      : op.body
        ? // No body at all means no fields ({}), so a body is required only where {} is refused.
          { requestBody: { required: !op.body.safeParse({}).success, content: { 'application/json': { schema: op.body } } } }
        : {}),
    responses,
  }
}

/** Standard Webhooks (https://www.standardwebhooks.com); `verifyWebhook` in @live-chat/sdk/webhooks checks them. */
const WEBHOOK_HEADERS = z.object({
  'webhook-id': z.uuid().meta({ description: 'The delivery id: the same on every retry, so receivers can drop duplicates.' }),
  'webhook-timestamp': z.string().meta({ description: 'Unix seconds when this attempt was signed.' }),
  'webhook-signature': z.string().meta({
    description:
      'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the webhook\'s `secret` (`whsec_<base64>`, the part after `whsec_` decoded); two while a rotated secret is in its grace period.',
  }),
})

function webhooks(): ZodOpenApiPathsObject {
  return Object.fromEntries(
    Object.entries(WebhookPayloads).map(([event, schema]) => [
      event,
      {
        post: {
          operationId: `webhook.${event}`,
          tags: ['Webhooks'],
          summary: event === 'ping' ? 'Sent by "send test" (POST …/webhooks/{id}/test)' : `Sent on ${event} to the webhooks subscribed to it`,
          requestParams: { header: WEBHOOK_HEADERS },
          requestBody: { required: true, content: { 'application/json': { schema } } },
          responses: {
            '2XX': { description: 'Received. Any other answer (or none within the timeout) is retried with backoff; redirects are not followed.' },
          },
        },
      },
    ]),
  )
}

/**
 * The zod schemas @live-chat/protocol exports, named as exported (an enum's `Schema` suffix
 * dropped), as shared components. Input-only ones (with a transform, which has no output shape)
 * are left inline where a route takes them: zod-openapi renders every named component both ways.
 */
function protocolSchemas(): Record<string, z.ZodType> {
  const out: Record<string, z.ZodType> = {}
  for (const [name, value] of Object.entries(protocol)) {
    if (value instanceof z.ZodType && renderable(value)) out[name.replace(/(.)Schema$/, '$1')] = value
  }
  for (const [event, schema] of Object.entries(WebhookPayloads)) out[`WebhookPayload.${event}`] = schema
  return out
}

function renderable(schema: z.ZodType): boolean {
  try {
    z.toJSONSchema(schema, { io: 'output' })
    return true
  } catch {
    return false
  }
}

export function buildOpenApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {}
  for (const op of OPERATIONS) (paths[openApiPath(op.path)] ??= {})[op.method] = operation(op)
  const doc: ZodOpenApiObject = {
    openapi: '3.1.1',
    info: {
      title: 'Live Chat API',
      version: VERSION,
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'The HTTP API of a Live Chat server. Real-time traffic (messages as they happen, typing, presence) goes over Socket.io, described by the event maps of `@live-chat/protocol`. The guide to auth, errors, pagination, rate limits and idempotency is REST.md in `@live-chat/protocol`. Every error answers `{ "error": ErrorBody }`. Request bodies are JSON (`Content-Type: application/json`; another type is 415 `unsupported_type`), and no body at all means `{}`. String lengths (`minLength`, `maxLength`) count Unicode code points, as JSON Schema defines them, and the server counts the same way: 10,000 emoji fit a `maxLength` of 10,000.',
    },
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    webhooks: webhooks(),
    components: { schemas: protocolSchemas(), securitySchemes: SECURITY_SCHEMES },
  }
  return createDocument(doc, {
    outputIdSuffix: 'Output',
    // zod writes a UUID's regex beside `format: uuid` each time; the format says it (and ajv checks it).
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === 'uuid') delete jsonSchema.pattern
    },
  })
}

let built: string | undefined
/** The document as JSON text, built once. */
export const openApiJson = (): string => (built ??= JSON.stringify(buildOpenApiDocument(), null, 2) + '\n')

/** GET /api/openapi.json: public and cacheable (Express adds an ETag and answers 304 to If-None-Match). */
export function openApiRoutes(): Router {
  const r = Router()
  r.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300')
    res.type('application/json').send(openApiJson())
  })
  return r
}
