import { z } from 'zod'

/**
 * Every error a client can see. HTTP answers `{ error: ErrorBody }` with a 4xx/5xx status;
 * socket acks answer `{ ok: false, error: ErrorBody }`.
 */
export const ERROR_CODES = {
  /** The input did not match the schema; `details` lists the problems. */
  invalid_payload: 400,
  /** A webhook URL whose host is, or resolves to, a private, loopback, link-local or otherwise internal address (the operator may allow networks: WEBHOOK_ALLOWED_NETWORKS). */
  target_not_allowed: 400,
  /** No credentials, or credentials that are forged or for another site (expired ones: `token_expired`). */
  unauthorized: 401,
  /** The token has expired: agents log in again (or refresh before expiry, POST /api/auth/refresh); visitors ask for a new session. */
  token_expired: 401,
  /** The identity hash did not match the site's secret. */
  identity_invalid: 401,
  /** Authenticated, but not allowed to do this (wrong site, not an admin, ...). */
  forbidden: 403,
  /** The page embedding the widget is not one of the site's allowed origins. */
  origin_not_allowed: 403,
  /** No such thing, or not visible to the caller (never says which). */
  not_found: 404,
  /** The request did not arrive in time (Node's requestTimeout). */
  request_timeout: 408,
  /** A unique value is taken (e.g. a canned response shortcut, an email). */
  conflict: 409,
  /** The thing exists but cannot do that now (e.g. sending into a closed conversation). */
  invalid_state: 409,
  /** A message may be edited or unsent only within the site's edit window (WidgetConfig.editWindowSeconds) after it was sent. */
  edit_window_passed: 409,
  /** Someone else replied to the visitor after the seq the send named (`unlessRepliedAfter`): nothing was sent; send again without it to send anyway. */
  replied_meanwhile: 409,
  /** Only a message's own sender may edit or unsend it. */
  not_yours: 403,
  /** The body (or an uploaded file) is larger than the server accepts. */
  payload_too_large: 413,
  /** An uploaded file's content is not one of the accepted types (see WidgetConfig.upload.types), or a request body is not JSON. */
  unsupported_type: 415,
  /** Too many requests; retry after `retryAfter` seconds (HTTP also sends a Retry-After header). */
  rate_limited: 429,
  /** The request's headers are larger than the server reads (Node's limit, 16 KB by default). */
  headers_too_large: 431,
  /** A bug on our side. */
  internal: 500,
  /** A passing failure (database or network); the same request may be retried as is. */
  unavailable: 503,
} as const

export type ErrorCode = keyof typeof ERROR_CODES

const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]

export const ErrorBody = z.object({
  code: z.enum(ERROR_CODE_LIST),
  message: z.string(),
  /** Whether sending the same request again may succeed (idempotent requests only). */
  retryable: z.boolean().optional(),
  /** For rate_limited: seconds until the same request may succeed. */
  retryAfter: z.number().int().min(0).optional(),
  /** For invalid_payload: where the input was wrong. */
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type ErrorBody = z.infer<typeof ErrorBody>

/** Every HTTP error answer: `{ error: ErrorBody }`. */
export const HttpErrorResponse = z.object({ error: ErrorBody })
export type HttpErrorResponse = z.infer<typeof HttpErrorResponse>

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody }

/** The callback a socket command receives as its last argument. */
export type AckFn<T> = (result: Ack<T>) => void
