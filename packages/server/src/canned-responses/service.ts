// Canned responses: shared ones (managed by admins) and personal ones (their author's own).
import type { CannedResponse, CreateCannedResponse, UpdateCannedResponse } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import type { AgentActor, Context } from '../shared/context.js'
import { AppError, forbidden, fromUnknown, notFound } from '../shared/errors.js'

type Row = Prisma.CannedResponseGetPayload<object>

function toCanned(r: Row): CannedResponse {
  return {
    id: r.id,
    siteId: r.siteId,
    title: r.title,
    shortcut: r.shortcut,
    content: r.content,
    category: r.category,
    tags: r.tags,
    isPersonal: r.isPersonal,
    createdById: r.createdById,
    usageCount: r.usageCount,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

const shortcutTaken = (e: unknown) =>
  fromUnknown(e).code === 'conflict' ? new AppError('conflict', 'this shortcut is already used in this site') : e

export class CannedResponseService {
  constructor(private readonly ctx: Context) {}

  /** The shared responses and the actor's personal ones, by shortcut then title. */
  async list(actor: AgentActor, q: { q?: string; category?: string }): Promise<CannedResponse[]> {
    const rows = await this.ctx.db.inSite(actor.siteId, (tx) =>
      tx.cannedResponse.findMany({
        where: {
          AND: [
            { OR: [{ isPersonal: false }, { createdById: actor.agentId }] },
            q.category ? { category: q.category } : {},
            q.q
              ? {
                  OR: [
                    { shortcut: { startsWith: q.q.replace(/^\//, ''), mode: 'insensitive' } },
                    { title: { contains: q.q, mode: 'insensitive' } },
                    { content: { contains: q.q, mode: 'insensitive' } },
                  ],
                }
              : {},
          ],
        },
        orderBy: [{ shortcut: 'asc' }, { title: 'asc' }],
        take: 500,
      }),
    )
    return rows.map(toCanned)
  }

  async create(actor: AgentActor, input: CreateCannedResponse): Promise<CannedResponse> {
    const isPersonal = input.isPersonal ?? false
    if (!isPersonal && actor.role !== 'admin') throw forbidden('only a site admin may add shared responses; mark it personal')
    try {
      const row = await this.ctx.db.inSite(actor.siteId, (tx) =>
        tx.cannedResponse.create({
          data: {
            siteId: actor.siteId,
            title: input.title,
            shortcut: input.shortcut ?? null,
            content: input.content,
            category: input.category ?? null,
            tags: input.tags ?? [],
            isPersonal,
            createdById: actor.agentId,
          },
        }),
      )
      return toCanned(row)
    } catch (e) {
      throw shortcutTaken(e)
    }
  }

  async update(actor: AgentActor, id: string, input: UpdateCannedResponse): Promise<CannedResponse> {
    try {
      const row = await this.ctx.db.inSite(actor.siteId, async (tx) => {
        const r = await this.editable(tx, actor, id)
        const becomesShared = input.isPersonal === false && r.isPersonal
        if (becomesShared && actor.role !== 'admin') throw forbidden('only a site admin may share a response')
        return tx.cannedResponse.update({ where: { id }, data: input })
      })
      return toCanned(row)
    } catch (e) {
      throw shortcutTaken(e)
    }
  }

  /**
   * Counts one use of a response the actor can see (a shared one, or their own personal one) and
   * returns it. The increment is one statement, so concurrent uses all count; `updatedAt` keeps
   * meaning "last edited" (Prisma's @updatedAt would move it on any update).
   */
  async use(actor: AgentActor, id: string): Promise<CannedResponse> {
    const row = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const counted = await tx.$executeRaw`
        UPDATE mod_chat_canned_responses SET usage_count = usage_count + 1
        WHERE id = ${id}::uuid AND (is_personal = false OR created_by = ${actor.agentId}::uuid)`
      // Someone else's personal response does not exist as far as this agent can tell.
      if (counted === 0) throw notFound('canned response')
      return tx.cannedResponse.findUniqueOrThrow({ where: { id } })
    })
    return toCanned(row)
  }

  async remove(actor: AgentActor, id: string): Promise<void> {
    await this.ctx.db.inSite(actor.siteId, async (tx) => {
      await this.editable(tx, actor, id)
      await tx.cannedResponse.delete({ where: { id } })
    })
  }

  private async editable(tx: Prisma.TransactionClient, actor: AgentActor, id: string): Promise<Row> {
    const r = await tx.cannedResponse.findUnique({ where: { id } })
    // Someone else's personal response does not exist as far as this agent can tell.
    if (!r || (r.isPersonal && r.createdById !== actor.agentId)) throw notFound('canned response')
    if (!r.isPersonal && actor.role !== 'admin') throw forbidden('only a site admin may change shared responses')
    return r
  }
}
