import type { ErrorBody, ErrorCode } from '@live-chat/protocol'

/**
 * Error codes the SDK can report: every server code, plus `aborted` for work the client itself
 * cancelled (e.g. unsent messages dropped by `reset()`).
 */
export type LiveChatErrorCode = ErrorCode | 'aborted'

/** Options for {@link LiveChatError}'s constructor. */
export interface LiveChatErrorInit {
  /** HTTP status, when the error came from a REST call. */
  status?: number
  /** Whether the same request may succeed if sent again; default: true for `unavailable` and `rate_limited`. */
  retryable?: boolean
  /** For `invalid_payload`: where the input was wrong. */
  details?: ErrorBody['details']
  /** For `rate_limited`: seconds until the same request may succeed. */
  retryAfter?: number
  /** The underlying error (a network failure, a socket timeout). */
  cause?: unknown
}

/**
 * The one error type the SDK throws and emits. `code` is one of the protocol's error codes (or
 * `aborted`); network failures and timeouts are `unavailable` with `retryable: true`.
 */
export class LiveChatError extends Error {
  /** Machine-readable reason; stable across versions. */
  declare readonly code: LiveChatErrorCode
  /** HTTP status, when the error came from a REST call. */
  declare readonly status: number | undefined
  /** Whether sending the same request again may succeed. */
  declare readonly retryable: boolean
  /** For `invalid_payload`: where the input was wrong. */
  declare readonly details: ErrorBody['details'] | undefined
  /** For `rate_limited`: seconds until the same request may succeed (the outbox waits at least this long). */
  declare readonly retryAfter: number | undefined

  /**
   * @param code    One of the protocol's error codes, or `aborted`.
   * @param message Human-readable text (English, for logs; not for end users).
   */
  constructor(code: LiveChatErrorCode, message: string, init: LiveChatErrorInit = {}) {
    const { status, retryable, details, retryAfter, cause } = init
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'LiveChatError'
    this.code = code
    this.status = status
    this.retryable = retryable ?? (code === 'unavailable' || code === 'rate_limited')
    this.details = details
    this.retryAfter = retryAfter
  }

  /** Builds an error from a server `ErrorBody` (an HTTP `{ error }` body or a failed ack). */
  static fromBody(body: ErrorBody, status?: number): LiveChatError {
    return new LiveChatError(body.code, body.message, { status, retryable: body.retryable, details: body.details, retryAfter: body.retryAfter })
  }

  /** A network failure or timeout: code `unavailable`, retryable. */
  static unavailable(message: string, cause?: unknown): LiveChatError {
    return new LiveChatError('unavailable', message, { retryable: true, cause })
  }

  /** Wraps anything thrown into a LiveChatError (LiveChatErrors pass through unchanged). */
  static from(error: unknown): LiveChatError {
    return error instanceof LiveChatError
      ? error
      : isErrorBody(error)
        ? LiveChatError.fromBody(error)
        : LiveChatError.unavailable(error instanceof Error ? error.message : String(error), error)
  }

  /** The error as an ErrorBody (e.g. to hand to code that speaks the wire format). */
  toBody(): ErrorBody {
    const { code, message, retryable, details } = this
    return { code: code === 'aborted' ? 'unavailable' : code, message, retryable, details }
  }
}

/** True for an object shaped like an ErrorBody (`{ code: string, message: string }`). */
export function isErrorBody(value: unknown): value is ErrorBody {
  return typeof (value as ErrorBody | null)?.code === 'string' && typeof (value as ErrorBody).message === 'string'
}
