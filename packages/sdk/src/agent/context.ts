import type { AgentClientToServer, AgentSession, CommandInput, CommandResult } from '@live-chat/protocol'
import type { HttpClient, QueryValue } from '../http.js'

/**
 * @internal What {@link AgentClient}'s sub-clients (`agent.conversations`, `agent.webhooks`, …)
 * use of it: its one REST client, the path of its current site, its socket's acked commands and
 * its sign-in. Each sub-client holds one of these and nothing else, so all requests go through
 * the client's token, timeouts and error handling.
 */
export interface AgentContext {
  /** A REST request with the client's token (or `token: null` for the public routes). */
  readonly http: HttpClient
  /** `/api/sites/<siteId, else the current site><path>`; `invalid_state` when neither is known. */
  site(path: string, siteId?: string): string
  /** An acked command on the client's `/agent` socket. */
  command<K extends keyof AgentClientToServer & string>(
    event: K,
    input: CommandInput<AgentClientToServer[K]>,
  ): Promise<CommandResult<AgentClientToServer[K]>>
  /** Keeps a new session's token, as `login()` does (emits `token`, plans the refresh). */
  signedIn(session: Pick<AgentSession, 'token' | 'expiresAt'>): void
}

/**
 * @internal What each sub-client is made of: the client's {@link AgentContext}, given once.
 * (As stripe-node's resources share `StripeResource`.)
 */
export abstract class AgentApi {
  /** @internal */
  protected readonly ctx: AgentContext

  /** @internal */
  constructor(ctx: AgentContext) {
    this.ctx = ctx
  }
}

/** Options for the downloads (`conversations.transcript`, `conversations.export`, `analytics.csv`, `audit.csv`). */
export interface DownloadOptions {
  signal?: AbortSignal
  /** Give up (as `unavailable`) after this long, the body included; default 5 minutes. */
  timeoutMs?: number
}

const DOWNLOAD_TIMEOUT_MS = 300_000

/** @internal A file from the server's `path`, as a Blob (downloads get a longer default timeout). */
export function download(ctx: AgentContext, path: string, query: Record<string, QueryValue>, options: DownloadOptions): Promise<Blob> {
  return ctx.http<Blob>('GET', path, {
    query,
    responseType: 'blob',
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
  })
}
