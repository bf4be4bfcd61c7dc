// Presence shared by every server process: each live socket is a row in
// mod_chat_connections, owned by the process (node) that holds it. A node heartbeats; when
// one stops (crash, kill -9), the others delete it and, by cascade, its connections.
import type { Database, Tx } from '../shared/db/index.js'
import { Prisma } from '../generated/prisma/client.js'
import { InFlight } from '../shared/in-flight.js'
import type { Logger } from '../shared/logger.js'

export const HEARTBEAT_MS = 10_000
/**
 * A node whose heartbeat is older than this is dead: the next heartbeat of any other node
 * deletes it and, by cascade, its connections. Heartbeats use the database clock (now()),
 * so clock skew between machines does not matter.
 */
export const NODE_TTL_SECONDS = 30

export interface NewConnection {
  socketId: string
  siteId: string
  kind: 'agent' | 'visitor'
  agentId?: string
  visitorId?: string
}

export class PresenceService {
  private timer: NodeJS.Timeout | undefined
  private readonly inflight = new InFlight()

  constructor(
    private readonly db: Database,
    /** This process's row in mod_chat_nodes, which its connections' rows name. */
    readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.db.prisma.$executeRaw`
      INSERT INTO mod_chat_nodes (id, heartbeat_at, started_at) VALUES (${this.nodeId}::uuid, now(), now())
      ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`
    this.timer = setInterval(() => {
      this.beat().catch((e: unknown) => this.log.warn({ err: e }, 'presence heartbeat failed'))
    }, HEARTBEAT_MS)
    this.timer.unref()
  }

  /** Refreshes this node and removes nodes (and their connections) that stopped beating. */
  async beat(): Promise<void> {
    await this.db.prisma.$executeRaw`UPDATE mod_chat_nodes SET heartbeat_at = now() WHERE id = ${this.nodeId}::uuid`
    await this.db.prisma.$executeRaw`
      DELETE FROM mod_chat_nodes WHERE heartbeat_at < now() - make_interval(secs => ${NODE_TTL_SECONDS})`
  }

  /** Keeps track of a presence update so stop() can wait for it. Never rejects. */
  track(p: Promise<unknown>): Promise<void> {
    const safe = p.then(
      () => undefined,
      (e: unknown) => this.log.warn({ err: e }, 'presence update failed'),
    )
    return this.inflight.track(safe)
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.inflight.settled()
    await this.db.prisma.$executeRaw`DELETE FROM mod_chat_nodes WHERE id = ${this.nodeId}::uuid`
  }

  add(tx: Tx, c: NewConnection) {
    return tx.connection.create({
      data: { socketId: c.socketId, nodeId: this.nodeId, siteId: c.siteId, kind: c.kind, agentId: c.agentId ?? null, visitorId: c.visitorId ?? null },
    })
  }

  async remove(tx: Tx, socketId: string): Promise<void> {
    await tx.connection.deleteMany({ where: { socketId } })
  }

  /** The agents or visitors of the transaction's site (of `ids`, when given) with at least one live connection (see visitorOnlineSql). */
  async online(tx: Tx, kind: 'agent' | 'visitor', ids?: string[]): Promise<Set<string>> {
    const key = kind === 'agent' ? 'agentId' : 'visitorId'
    const rows = await tx.connection.findMany({
      where: { kind, ...(ids ? { [key]: { in: ids } } : {}) },
      select: { agentId: true, visitorId: true },
      distinct: [key],
    })
    return new Set(rows.map((r) => r[key]!))
  }

  /** How many live connections one agent or visitor has. */
  connections(tx: Tx, kind: 'agent' | 'visitor', id: string): Promise<number> {
    return tx.connection.count({ where: kind === 'agent' ? { agentId: id } : { visitorId: id } })
  }
}

/** In SQL, whether the visitor `visitorId` of the site `siteId` is online: as PresenceService.online, a live connection of theirs. */
export function visitorOnlineSql(siteId: Prisma.Sql, visitorId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM mod_chat_connections o WHERE o.site_id = ${siteId} AND o.kind = 'visitor' AND o.visitor_id = ${visitorId})`
}
