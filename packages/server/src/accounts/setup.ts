// First run: while the server has no account at all, a setup link (printed at start, see main.ts)
// lets one person create the workspace: its owner, the agency and the first site, in one
// transaction. Every start makes a new link while setup is needed; completing setup spends them
// all, and from then on setup answers 409.
import crypto from 'node:crypto'
import type { AgencySite, AgentSession, CompleteSetup, SetupState } from '@live-chat/protocol'
import type { z } from 'zod'
import type { AgencyService } from '../agency/service.js'
import type { AgentService } from '../agents/service.js'
import type { AuditService } from '../audit/service.js'
import type { Prisma } from '../generated/prisma/client.js'
import { hashPassword } from '../shared/auth.js'
import type { Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { invalidState } from '../shared/errors.js'
import { makeLinkToken } from '../shared/secrets.js'
import { toAgencySite, type SiteService } from '../sites/service.js'
import { checkLink, parseLink } from './links.js'
import type { RequestMeta } from './sessions.js'

// Arbitrary constant: setups running at once take turns, so exactly one makes the workspace.
const SETUP_LOCK = 7_260_431_119

export class SetupService {
  constructor(
    private readonly ctx: Context,
    private readonly agencies: AgencyService,
    private readonly sites: SiteService,
    private readonly agents: AgentService,
    private readonly audit: AuditService,
  ) {}

  async state(): Promise<SetupState> {
    return { needed: await needed(this.ctx.db.prisma) }
  }

  /** A new setup link's token while setup is needed (only its hash is stored); null once set up. */
  async issue(): Promise<string | null> {
    if (!(await needed(this.ctx.db.prisma))) return null
    const id = crypto.randomUUID()
    const { token, hash } = makeLinkToken(id)
    await this.ctx.db.prisma.setupToken.create({ data: { id, tokenHash: hash } })
    return token
  }

  /** Refuses a token that is unknown (404) or spent, or any once the server is set up (409). */
  async verify(token: string): Promise<void> {
    await check(this.ctx.db.prisma, token)
  }

  /** Creates the owner, the agency and the first site, spends every setup link, and signs the owner in. */
  async complete(input: z.output<typeof CompleteSetup>, meta: RequestMeta): Promise<{ session: AgentSession; site: AgencySite }> {
    // Refused before the (slow) password hash; checked again under the lock.
    await this.verify(input.token)
    const passwordHash = await hashPassword(input.password)
    const userId = crypto.randomUUID()
    const owner = { type: 'user' as const, id: userId, label: input.name }
    const site = await this.ctx.db.scoped({}, async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK}::bigint)`
      await check(tx, input.token)
      // Also points the transaction's row-level security at the new agency.
      const { id: agencyId } = await this.agencies.create(input.agencyName, owner, tx)
      await tx.user.create({
        data: { id: userId, agencyId, agencyRole: 'owner', email: input.email.toLowerCase(), name: input.name, passwordHash },
      })
      // Makes the owner an admin of it (and points the transaction's site setting at it).
      const site = await this.sites.create({ agencyId, name: input.siteName, allowedOrigins: [...new Set(input.domains)] }, tx)
      await tx.setupToken.updateMany({ where: { usedAt: null }, data: { usedAt: new Date() } })
      await this.audit.recordIn(tx, {
        agencyId,
        siteId: site.id,
        action: 'setup.completed',
        actor: owner,
        target: { type: 'agency', id: agencyId, label: input.agencyName },
        data: { siteName: site.name, domains: site.allowedOrigins },
        meta,
      })
      return toAgencySite(site, await tx.agent.count({ where: { siteId: site.id, removedAt: null } }))
    })
    return { session: await this.agents.signIn(userId, meta), site }
  }
}

async function needed(db: Tx): Promise<boolean> {
  return (await db.user.findFirst({ select: { id: true } })) === null
}

async function check(db: Tx, token: string): Promise<void> {
  if (!(await needed(db))) throw invalidState('the server is already set up; sign in instead')
  const { id, secret } = parseLink(token, 'setup link')
  checkLink(await db.setupToken.findUnique({ where: { id } }), secret, 'setup link')
}

