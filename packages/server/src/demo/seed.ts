// The demo a fresh `npm start` shows: one agency, one site with a fixed id, one admin agent
// and a few canned responses. Created once; later starts only print the login.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { hashPassword } from '../shared/auth.js'
import type { Database } from '../shared/db/index.js'
import type { Services } from '../services.js'

export const DEMO_SITE_ID = '00000000-0000-4000-8000-000000000001'
export const DEMO_EMAIL = 'demo@example.com'

export interface DemoLogin {
  siteId: string
  email: string
  /** Null when the account existed before this data folder (its password is whatever was set). */
  password: string | null
}

export async function seedDemo(db: Database, services: Services, dataDir: string): Promise<DemoLogin> {
  const file = path.join(dataDir, 'demo-login.json')
  let site = await services.sites.find(DEMO_SITE_ID)
  if (!site) {
    const agency = await db.prisma.agency.create({ data: { name: 'Demo Agency' } })
    site = await services.sites.create({ id: DEMO_SITE_ID, agencyId: agency.id, name: 'Demo Site' })
  }
  let password: string | null = readSaved(file)
  let user = await db.prisma.user.findUnique({ where: { email: DEMO_EMAIL } })
  if (!user) {
    password = crypto.randomBytes(9).toString('base64url')
    user = await db.prisma.user.create({
      data: { email: DEMO_EMAIL, name: 'Demo Agent', passwordHash: await hashPassword(password), agencyId: site.agencyId, agencyRole: 'owner' },
    })
    fs.mkdirSync(dataDir, { recursive: true })
    fs.writeFileSync(file, JSON.stringify({ email: DEMO_EMAIL, password }), { mode: 0o600 })
  }
  const userId = user.id
  await db.inSite(DEMO_SITE_ID, async (tx) => {
    const member = await tx.agent.findUnique({ where: { siteId_userId: { siteId: DEMO_SITE_ID, userId } } })
    if (!member) {
      const agent = await tx.agent.create({ data: { siteId: DEMO_SITE_ID, userId, role: 'admin', title: 'Support' } })
      await tx.cannedResponse.createMany({
        data: [
          { siteId: DEMO_SITE_ID, title: 'Greeting', shortcut: 'hello', content: 'Hi {{visitor.name | there}}! How can I help you today?', createdById: agent.id },
          { siteId: DEMO_SITE_ID, title: 'Thanks', shortcut: 'thanks', content: 'Thanks for reaching out. Have a great day!', createdById: agent.id },
          { siteId: DEMO_SITE_ID, title: 'One moment', shortcut: 'wait', content: 'Let me check that for you; one moment please.', createdById: agent.id },
        ],
      })
    }
  })
  return { siteId: DEMO_SITE_ID, email: DEMO_EMAIL, password }
}

function readSaved(file: string): string | null {
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { password?: unknown }
    return typeof saved.password === 'string' ? saved.password : null
  } catch {
    return null
  }
}
