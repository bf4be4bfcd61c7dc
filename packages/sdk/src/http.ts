import type { ErrorCode, HttpErrorResponse } from '@live-chat/protocol'
import { LiveChatError, isErrorBody } from './errors.js'

/** A `fetch`-compatible function (the global one by default). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

/** Query string values; `undefined` values are left out, arrays are joined with commas. */
export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined

/** Options for one {@link HttpClient} request. */
export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown
  /** Sent as multipart/form-data (instead of `body`). */
  form?: FormData
  query?: Record<string, QueryValue>
  /** Overrides the client's token for this call; `null` sends no Authorization header. */
  token?: string | null
  signal?: AbortSignal
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number
  /**
   * Progress of the request body, in bytes. Where XMLHttpRequest exists it is called as the body
   * goes up; elsewhere (fetch) never.
   */
  onProgress?: (loaded: number, total: number) => void
  /**
   * `'blob'` resolves with the answer's body as a Blob (a download: CSV, text, a JSON file kept
   * as is) instead of parsing it; error answers are still thrown as {@link LiveChatError}.
   */
  responseType?: 'json' | 'blob'
}

/** Options for {@link createHttpClient}. */
export interface HttpClientOptions {
  /** The server's base URL, e.g. `https://chat.example.com`; REST paths are appended to it. */
  baseUrl: string
  /** Returns the bearer token to send, or null for none. */
  getToken?: () => string | null
  fetch?: FetchLike
  /** Give up (as `unavailable`) after this long; default 30 s. */
  timeoutMs?: number
}

/**
 * Sends one request (JSON `body`, or `form` as multipart) and resolves with the parsed JSON
 * answer (undefined when empty), or a Blob with `responseType: 'blob'`; made by {@link createHttpClient}.
 */
export type HttpClient = <T>(method: string, path: string, options?: RequestOptions) => Promise<T>

/**
 * A thin JSON-over-fetch client: sends JSON with a bearer token, returns the parsed body (or
 * `undefined` for an empty one, e.g. 204) and throws {@link LiveChatError} for `{ error }`
 * bodies, other non-2xx answers and network failures or timeouts (`unavailable`); the timeout
 * covers the whole exchange, body included. Uploads with `onProgress` go through XMLHttpRequest
 * where it exists (browsers), for its progress events.
 */
export function createHttpClient(client: HttpClientOptions): HttpClient {
  return async <T>(method: string, path: string, options: RequestOptions = {}): Promise<T> => {
    const { body, form, signal, onProgress, responseType = 'json', token = client.getToken?.() } = options
    const what = `${method} ${path}`
    const aborted = (cause?: unknown): LiveChatError => new LiveChatError('aborted', `${what} was aborted`, { cause })
    if (signal?.aborted) throw aborted()
    const url = client.baseUrl.replace(/\/+$/, '') + path + queryString(options.query)
    const headers: Record<string, string> = { accept: responseType === 'blob' ? '*/*' : 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    // fetch sets the multipart content-type (with its boundary) for a form itself.
    if (!form && body !== undefined) headers['content-type'] = 'application/json'
    const data = form ?? (body === undefined ? undefined : JSON.stringify(body))
    const controller = new AbortController()
    const abort = (): void => controller.abort()
    const timer = setTimeout(abort, options.timeoutMs ?? client.timeoutMs ?? 30_000)
    signal?.addEventListener('abort', abort, { once: true })
    let answered: [status: number, text: string]
    let blob: Blob | undefined
    try {
      answered = await (onProgress && typeof XMLHttpRequest === 'function' && responseType !== 'blob'
        ? // Loaded when first needed (an upload with progress): pages that never upload do not carry it.
          import('./xhr.js').then((m) => m.send(method, url, headers, data, onProgress, controller.signal))
        : (client.fetch ?? fetch)(url, { method, headers, body: data, signal: controller.signal }).then(async (response) => {
            if (response.ok && responseType === 'blob') {
              blob = await response.blob()
              return [response.status, '']
            }
            return [
              response.status,
              // An error status is answered by its code even when its body cannot be read.
              await response.text().catch((error: unknown) => {
                if (response.ok) throw error
                return ''
              }),
            ]
          }))
    } catch (error) {
      throw signal?.aborted ? aborted(error) : LiveChatError.unavailable(`${what} ${controller.signal.aborted ? 'timed out' : 'failed'}`, error)
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
    }
    return blob ? (blob as T) : answer<T>(...answered, what)
  }
}

/**
 * The error code for a bare HTTP status (when the body is not an ErrorBody, e.g. a proxy page);
 * other 5xx are `internal`, other 4xx `invalid_payload`.
 */
const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid_payload',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_type',
  429: 'rate_limited',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
}

/**
 * The parsed JSON of an answer with `status` and body `text` (undefined when empty); throws
 * {@link LiveChatError} for an `{ error }` body or any other non-2xx answer. `what` names the
 * request in messages.
 */
export function answer<T>(status: number, text: string, what: string): T {
  const ok = status > 199 && status < 300
  let body: Partial<HttpErrorResponse> | undefined
  try {
    body = text ? JSON.parse(text) : undefined
  } catch (error) {
    if (ok) throw LiveChatError.unavailable(`${what}: the answer is not JSON`, error)
  }
  if (ok) return body as T
  if (isErrorBody(body?.error)) throw LiveChatError.fromBody(body.error, status)
  throw new LiveChatError(STATUS_CODES[status] ?? (status < 500 ? 'invalid_payload' : 'internal'), `${what} answered ${status}`, { status })
}

/** Encodes a query object (arrays joined with commas, null and undefined left out); empty when nothing is set. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) if (value != null) params.set(key, String(value))
  const s = `${params}`
  return s && `?${s}`
}

/** Encodes one path segment (ids come from the server, but never trust them in a URL). */
export const seg: (value: string) => string = encodeURIComponent
