import type { AgentRole } from '@live-chat/protocol'
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
}

export interface AgentActor {
  kind: 'agent'
  siteId: string
  agentId: string
  userId: string
  role: AgentRole
  name: string
  /** When the access token it came with expires (unix ms): an agent's socket ends then (see auth:renew). */
  tokenExpiresAt?: number
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
