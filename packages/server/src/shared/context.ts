import type { AgencyRole, AgentRole } from '@live-chat/protocol'
import type { Config } from '../config.js'
import type { Tokens } from './auth.js'
import type { Database } from './db/index.js'
import type { Logger } from './logger.js'
import type { Publisher } from '../realtime/publisher.js'
import type { Metrics } from '../ops/metrics.js'
import type { RateLimits } from './rate-limit.js'

/** Who is acting: every service call names one, and it always carries the site. */
export interface VisitorActor {
  kind: 'visitor'
  siteId: string
  visitorId: string
  /** Where the request or socket came from (behind TRUST_PROXY, the client's address): what IP bans match. */
  ip?: string
}

export interface AgentActor {
  kind: 'agent'
  siteId: string
  /** The site's agency. */
  agencyId: string
  /** The membership acting; NO_AGENT for an API key (which is no agent). */
  agentId: string
  /** The user acting; NO_AGENT for an API key. */
  userId: string
  /** The effective site role: an agency owner or admin is an admin of every site of the agency. */
  role: AgentRole
  name: string
  /** The session of the access token (absent for an API key). */
  sessionId?: string
  /** Set when an API key acts (see api-keys/): what it may do is its scopes, checked per route. */
  key?: { id: string; name: string; scopes: readonly string[]; siteId: string | null }
  /** When the access token it came with expires (unix ms): an agent's socket ends then (see auth:renew). */
  tokenExpiresAt?: number
  /** The operator's CLI acting as an admin of the site (recorded as the operator). */
  operator?: true
  /** Where the request came from, for the audit log. */
  ip?: string
  userAgent?: string
}

/** The agentId and userId of an API key's actor: matches no row, so nothing is "theirs". */
export const NO_AGENT = '00000000-0000-0000-0000-000000000000'

/** Someone acting on an agency as a whole (agency routes): a user with their agency role, or an agency-wide API key. */
export interface AgencyActor {
  kind: 'agency'
  agencyId: string
  /** NO_AGENT for an API key. */
  userId: string
  role: AgencyRole
  name: string
  sessionId?: string
  key?: { id: string; name: string; scopes: readonly string[]; siteId: string | null }
  /** The operator's CLI (live-chat-server admin …): an owner of any agency, recorded as the operator. */
  operator?: true
  ip?: string
  userAgent?: string
}

export type Actor = VisitorActor | AgentActor

/** What every service gets. */
export interface Context {
  db: Database
  log: Logger
  tokens: Tokens
  publish: Publisher
  config: Pick<Config, 'publicUrl' | 'env' | 'uploadMaxBytes'>
  /** This process's id in mod_chat_nodes. */
  nodeId: string
  /** Prometheus metrics of this app (ops/metrics.ts); absent where nothing is measured. */
  metrics?: Metrics
  /** Abuse limits (shared/rate-limit.ts), applied where requests come in (routes, socket commands). */
  limits: RateLimits
}
