import type { Namespace, Socket } from 'socket.io'
import type {
  AgentClientToServer,
  AgentServerToClient,
  VisitorClientToServer,
  VisitorServerToClient,
} from '@live-chat/protocol'
import type { AgentActor, VisitorActor } from '../shared/context.js'

export interface VisitorSocketData {
  actor: VisitorActor
  /**
   * Conversations this socket was allowed to touch, with their visitor (saves a query per typing
   * event). Made on first use: most sockets of an idle widget never touch one.
   */
  conversations?: Map<string, string>
}

export interface AgentSocketData {
  actor: AgentActor
  /** As the visitor's (made on first use). */
  conversations?: Map<string, string>
  /** Its connection row is written (viewer rows refer to it). */
  present?: Promise<void>
  /** The conversations this socket shows (announced again when it goes away). */
  viewing?: Set<string>
  /** Ends the socket when its access token expires (moved by auth:renew). */
  expiry?: ReturnType<typeof setTimeout>
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type NoInterServer = {}

export type VisitorNamespace = Namespace<VisitorClientToServer, VisitorServerToClient, NoInterServer, VisitorSocketData>
export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, NoInterServer, AgentSocketData>
export type VisitorSocket = Socket<VisitorClientToServer, VisitorServerToClient, NoInterServer, VisitorSocketData>
export type AgentSocket = Socket<AgentClientToServer, AgentServerToClient, NoInterServer, AgentSocketData>

/** Rooms. Agents of a site share one room; each visitor (all their tabs) has one. */
export const rooms = {
  siteAgents: (siteId: string) => `site:${siteId}`,
  siteVisitors: (siteId: string) => `site:${siteId}`,
  /** The site of a `siteVisitors` room, or null for any other room. */
  siteOfVisitorsRoom: (room: string) => (room.startsWith('site:') ? room.slice('site:'.length) : null),
  visitor: (visitorId: string) => `visitor:${visitorId}`,
  /** One agent's sockets of one site (a membership id belongs to one site): their mentions. */
  agent: (agentId: string) => `agent:${agentId}`,
}
