// API keys: server-to-server access for an agency's platform, agency-wide or for one site, each
// with its scopes (scopes.ts says which routes a scope opens; every other route refuses keys).
// The key `lck_<id>_<secret>` is shown once; only SHA-256 of the secret is stored, and a key is
// found by its id (row-level security shows exactly that row) and compared in constant time.
// Keys never manage keys: creating, listing and revoking them takes an agency owner or admin.
import crypto from 'node:crypto'
import type { ApiKey, ApiKeyCreated, ApiKeyScope, CreateApiKey } from '@live-chat/protocol'
import type { z } from 'zod'
import type { Prisma } from '../generated/prisma/client.js'
import type { RequestMeta } from '../accounts/sessions.js'
import { requireAgencyAdmin } from '../agency/service.js'
import { auditActor, auditMeta, type AuditService, type AuditWho } from '../audit/service.js'
import { NO_AGENT, type AgencyActor, type AgentActor, type Context } from '../shared/context.js'
import { AppError, forbidden, notFound } from '../shared/errors.js'
import { isUuid } from '../shared/params.js'
import { makeApiKey, parseApiKey, secretMatches } from '../shared/secrets.js'
import { scopeFor, type RequestRoute } from './scopes.js'

type KeyRow = Prisma.ApiKeyGetPayload<object>
export type NewApiKey = z.output<typeof CreateApiKey>

/** lastUsedAt is written at most this often per key (requests in between do not write). */
const TOUCH_EVERY_MS = 60_000

/** Who makes a key: a signed-in owner or admin, or the operator's CLI (no user). */
export interface KeyCreator {
  userId: string | null
  who: AuditWho
  meta?: RequestMeta
}

export class ApiKeyService {
  constructor(
    private readonly ctx: Context,
    private readonly audit: AuditService,
  ) {}

  // ------------------------------------------------------------------ managing keys

  /** By an owner or admin, or the operator's CLI (then created by nobody, recorded as the operator). */
  async create(actor: AgencyActor, input: NewApiKey): Promise<ApiKeyCreated> {
    requireManager(actor)
    return this.createFor(actor.agencyId, input, { userId: actor.operator ? null : actor.userId, who: auditActor(actor), meta: auditMeta(actor) })
  }

  /** Makes a key of `agencyId` (the permission is the caller's to check): the secret, this once. */
  async createFor(agencyId: string, input: NewApiKey, by: KeyCreator): Promise<ApiKeyCreated> {
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt)
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw badInput('expiresAt', 'must be in the future')
    const scopes = [...new Set(input.scopes)]
    if (input.siteId && scopes.includes('audit:read')) throw badInput('scopes', 'audit:read is for agency-wide keys (siteId null)')
    const siteId = input.siteId?.toLowerCase() ?? null
    const id = crypto.randomUUID()
    const made = makeApiKey(id)
    const row = await this.ctx.db.inAgency(agencyId, async (tx) => {
      if (siteId) {
        const site = await tx.site.findUnique({ where: { id: siteId }, select: { agencyId: true } })
        if (site?.agencyId !== agencyId) throw notFound('site')
      }
      const row = await tx.apiKey.create({
        data: { id, agencyId, siteId, name: input.name, prefix: made.prefix, secretHash: made.hash, scopes, createdById: by.userId, expiresAt },
      })
      await this.audit.recordIn(tx, {
        agencyId,
        siteId,
        action: 'api_key.created',
        actor: by.who,
        target: { type: 'api_key', id, label: input.name },
        data: { prefix: made.prefix, siteId, scopes, expiresAt: expiresAt?.toISOString() ?? null },
        ...(by.meta ? { meta: by.meta } : {}),
      })
      return row
    })
    return { key: (await this.withCreators([row]))[0]!, secret: made.token }
  }

  /** Every key of the agency, newest first, revoked ones too (never a secret). */
  async list(actor: AgencyActor): Promise<ApiKey[]> {
    requireManager(actor)
    const rows = await this.ctx.db.inAgency(actor.agencyId, (tx) => tx.apiKey.findMany({ where: { agencyId: actor.agencyId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }))
    return this.withCreators(rows)
  }

  /** Revokes at once (the next request with the key is refused); revoking again changes nothing. */
  async revoke(actor: AgencyActor, id: string): Promise<void> {
    requireManager(actor)
    if (!isUuid(id)) throw notFound('API key')
    const keyId = id.toLowerCase()
    await this.ctx.db.inAgency(actor.agencyId, async (tx) => {
      const row = await tx.apiKey.findUnique({ where: { id: keyId } })
      if (!row) throw notFound('API key')
      // Only the request that revokes it records it (two at once: one event).
      const { count } = await tx.apiKey.updateMany({ where: { id: keyId, revokedAt: null }, data: { revokedAt: new Date() } })
      if (count === 0) return
      await this.audit.recordIn(tx, {
        agencyId: actor.agencyId,
        siteId: row.siteId,
        action: 'api_key.revoked',
        actor: auditActor(actor),
        target: { type: 'api_key', id: keyId, label: row.name },
        data: { prefix: row.prefix },
        meta: auditMeta(actor),
      })
    })
  }

  private async withCreators(rows: KeyRow[]): Promise<ApiKey[]> {
    const ids = [...new Set(rows.map((r) => r.createdById).filter((x): x is string => x !== null))]
    const users = ids.length ? await this.ctx.db.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : []
    const names = new Map(users.map((u) => [u.id, u.name]))
    return rows.map((r) => toApiKey(r, r.createdById ? (names.get(r.createdById) ?? null) : null))
  }

  // ------------------------------------------------------------------ acting with a key

  /**
   * The actor of a site route called with a key: an admin of the site that is no agent
   * (agentId and userId NO_AGENT), with the key's scopes. Refused (403) when the site is not the
   * key's agency's, or not the key's own site, or the route needs a scope the key lacks.
   */
  async siteActor(token: string, siteId: unknown, route: RequestRoute | undefined, meta: RequestMeta = {}): Promise<AgentActor> {
    const row = await this.verify(token)
    const site = isUuid(siteId) ? await this.ctx.db.prisma.site.findUnique({ where: { id: siteId.toLowerCase() }, select: { id: true, agencyId: true } }) : null
    if (!site || site.agencyId !== row.agencyId || (row.siteId !== null && row.siteId !== site.id)) throw forbidden('this API key may not act on this site')
    this.requireScope(row, route)
    await this.touch(row)
    return {
      kind: 'agent',
      siteId: site.id,
      agencyId: site.agencyId,
      agentId: NO_AGENT,
      userId: NO_AGENT,
      role: 'admin',
      name: row.name,
      key: keyOf(row),
      ...metaOf(meta),
    }
  }

  /** The actor of an agency route called with a key: agency-wide keys only, as an agency admin. */
  async agencyActor(token: string, route: RequestRoute | undefined, meta: RequestMeta = {}): Promise<AgencyActor> {
    const row = await this.verify(token)
    if (row.siteId !== null) throw forbidden('a site API key cannot act on the agency')
    this.requireScope(row, route)
    await this.touch(row)
    return { kind: 'agency', agencyId: row.agencyId, userId: NO_AGENT, role: 'admin', name: row.name, key: keyOf(row), ...metaOf(meta) }
  }

  /** The key's row: 401 when no such key exists, 403 when it was revoked or has expired. */
  private async verify(token: string): Promise<KeyRow> {
    const parsed = parseApiKey(token)
    if (!parsed) throw new AppError('unauthorized', 'not a valid API key')
    const row = await this.ctx.db.scoped({ lookupId: parsed.id }, (tx) => tx.apiKey.findUnique({ where: { id: parsed.id } }))
    if (!row || !secretMatches(row.secretHash, parsed.secret)) throw new AppError('unauthorized', 'unknown API key')
    if (row.revokedAt) throw forbidden('this API key was revoked')
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw forbidden('this API key has expired')
    return row
  }

  private requireScope(row: KeyRow, route: RequestRoute | undefined): void {
    const scope = route ? scopeFor(route) : null
    if (!scope) throw forbidden('API keys cannot use this route')
    if (!row.scopes.includes(scope)) throw forbidden(`this API key lacks the scope ${scope}`)
  }

  /** Records the use, at most once a minute per key (across processes: the condition is in the update). */
  private async touch(row: KeyRow): Promise<void> {
    const now = Date.now()
    if (row.lastUsedAt && now - row.lastUsedAt.getTime() < TOUCH_EVERY_MS) return
    const stale = new Date(now - TOUCH_EVERY_MS)
    await this.ctx.db.inAgency(row.agencyId, (tx) =>
      tx.apiKey.updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] }, data: { lastUsedAt: new Date(now) } }),
    )
  }
}

/** Managing keys takes a signed-in agency owner or admin: never a key. */
function requireManager(actor: AgencyActor): void {
  requireAgencyAdmin(actor)
  if (actor.key) throw forbidden('API keys cannot manage API keys')
}

function badInput(path: string, message: string): AppError {
  return new AppError('invalid_payload', `invalid body: ${path}: ${message}`, [{ path, message }])
}

const keyOf = (row: KeyRow) => ({ id: row.id, name: row.name, scopes: row.scopes, siteId: row.siteId })
const metaOf = (meta: RequestMeta) => ({ ...(meta.ip ? { ip: meta.ip } : {}), ...(meta.userAgent ? { userAgent: meta.userAgent } : {}) })

function toApiKey(r: KeyRow, createdBy: string | null): ApiKey {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    siteId: r.siteId,
    scopes: r.scopes as ApiKeyScope[],
    createdBy,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }
}
