import type { ErrorCode, HttpErrorResponse } from '@live-chat/protocol'
import { LiveChatError, isErrorBody } from './errors.js'

/** A `fetch`-compatible function (the global one by default). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

/** Query string values; `undefined` values are left out, arrays are joined with commas. */
export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined

/** Options for one {@link HttpClient.request}. */
export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown
  query?: Record<string, QueryValue>
  /** Overrides the client's token for this call; `null` sends no Authorization header. */
  token?: string | null
  signal?: AbortSignal
}

/** Options for {@link HttpClient}. */
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
 * A thin JSON-over-fetch wrapper: sends JSON with a bearer token, returns the parsed body (or
 * `undefined` for 204) and throws {@link LiveChatError} for `{ error }` bodies, other non-2xx
 * answers and network failures (`unavailable`).
 */
export class HttpClient {
  readonly #baseUrl: string
  readonly #getToken: () => string | null
  readonly #fetch: FetchLike
  readonly #timeoutMs: number

  constructor(options: HttpClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.#getToken = options.getToken ?? (() => null)
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.#timeoutMs = options.timeoutMs ?? 30_000
  }

  /** GET `path`. */
  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options)
  }

  /** POST `body` to `path`. */
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body })
  }

  /** PATCH `path` with `body`. */
  patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body })
  }

  /** DELETE `path`. */
  delete<T = void>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options)
  }

  /** Sends one request and returns the parsed JSON answer (undefined for 204). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.#baseUrl + path + queryString(options.query)
    const headers: Record<string, string> = { accept: 'application/json' }
    const token = options.token === undefined ? this.#getToken() : options.token
    if (token) headers.authorization = `Bearer ${token}`
    const init: RequestInit = { method, headers }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json'
      init.body = JSON.stringify(options.body)
    }

    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs)
    const onAbort = (): void => controller.abort()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    init.signal = controller.signal

    let response: Response
    try {
      response = await this.#fetch(url, init)
    } catch (error) {
      if (options.signal?.aborted) throw new LiveChatError('aborted', `${method} ${path} was aborted`, { cause: error })
      const what = controller.signal.aborted ? 'timed out' : 'failed'
      throw LiveChatError.unavailable(`${method} ${path} ${what}`, error)
    } finally {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
    }

    if (response.status === 204) return undefined as T
    let body: unknown
    try {
      const text = await response.text()
      body = text === '' ? undefined : JSON.parse(text)
    } catch (error) {
      if (response.ok) throw LiveChatError.unavailable(`${method} ${path}: the answer is not JSON`, error)
      body = undefined
    }
    if (response.ok) return body as T

    const errorBody = (body as Partial<HttpErrorResponse> | undefined)?.error
    if (isErrorBody(errorBody)) throw LiveChatError.fromBody(errorBody, response.status)
    const code = codeForStatus(response.status)
    throw new LiveChatError(code, `${method} ${path} answered ${response.status}`, { status: response.status })
  }
}

/** Encodes a query object; empty when nothing is set. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    params.set(key, Array.isArray(value) ? value.join(',') : String(value))
  }
  const s = params.toString()
  return s === '' ? '' : `?${s}`
}

/** The error code for a bare HTTP status (when the body is not an ErrorBody, e.g. a proxy page). */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'invalid_payload'
    case 401:
      return 'unauthorized'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 409:
      return 'conflict'
    case 413:
      return 'payload_too_large'
    case 429:
      return 'rate_limited'
    case 502:
    case 503:
    case 504:
      return 'unavailable'
    default:
      return status >= 500 ? 'internal' : 'invalid_payload'
  }
}

/** Encodes one path segment (ids come from the server, but never trust them in a URL). */
export function seg(value: string): string {
  return encodeURIComponent(value)
}
