// History test data written straight into the tables (inside the site's row-level security),
// with the dates, ratings and missed marks that no quick real flow could produce.
import type { Attachment, ConversationStatus, Priority } from '@live-chat/protocol'
import type { Database } from '../../src/shared/db/index.js'

export interface SeedMessage {
  text?: string | null
  sender?: 'visitor' | 'agent' | 'system'
  /** Stored sender name; default: the visitor's name for visitor messages, "Agent Smith" for agents. */
  name?: string | null
  private?: boolean
  attachments?: Attachment[]
}

export interface SeedConversation {
  visitor?: { name?: string | null; email?: string | null; phone?: string | null }
  subject?: string | null
  status?: ConversationStatus
  priority?: Priority
  agentId?: string | null
  tags?: string[]
  rating?: number | null
  missedAt?: Date | null
  offline?: boolean
  createdAt?: Date
  lastActivityAt?: Date
  messages?: SeedMessage[]
}

export interface Seeded extends SeedConversation {
  id: string
  visitorId: string
  createdAt: Date
  lastActivityAt: Date
  messages: SeedMessage[]
}

/** Inserts the conversations (each with its own visitor) and their messages; returns them with ids, in order. */
export async function seedConversations(db: Database, site: { id: string; agencyId: string }, list: SeedConversation[]): Promise<Seeded[]> {
  return db.inSite(site.id, async (tx) => {
    const out: Seeded[] = []
    for (const c of list) {
      const createdAt = c.createdAt ?? new Date()
      const lastActivityAt = c.lastActivityAt ?? createdAt
      const visitor = await tx.visitor.create({
        data: { siteId: site.id, name: c.visitor?.name ?? null, email: c.visitor?.email ?? null, phone: c.visitor?.phone ?? null },
      })
      const messages = c.messages ?? []
      const conv = await tx.conversation.create({
        data: {
          siteId: site.id,
          agencyId: site.agencyId,
          visitorId: visitor.id,
          status: c.status ?? 'pending',
          priority: c.priority ?? 'normal',
          assignedAgentId: c.agentId ?? null,
          tags: c.tags ?? [],
          subject: c.subject ?? null,
          rating: c.rating ?? null,
          missedAt: c.missedAt ?? null,
          offline: c.offline ?? false,
          createdAt,
          lastActivityAt,
          lastSeq: messages.length,
          lastPublicSeq: messages.length,
        },
      })
      if (messages.length) {
        await tx.message.createMany({
          data: messages.map((m, i) => {
            const sender = m.sender ?? 'visitor'
            return {
              siteId: site.id,
              conversationId: conv.id,
              seq: i + 1,
              senderType: sender,
              senderName: m.name !== undefined ? m.name : sender === 'visitor' ? (c.visitor?.name ?? null) : sender === 'agent' ? 'Agent Smith' : null,
              messageType: sender === 'system' ? 'system' : m.attachments?.length ? 'file' : 'text',
              content: m.text ?? null,
              attachments: (m.attachments ?? []) as never,
              metadata: sender === 'system' ? { event: 'resolved', agentId: null } : {},
              isPrivate: m.private ?? false,
              createdAt: new Date(createdAt.getTime() + (i + 1) * 1000),
            }
          }),
        })
      }
      out.push({ ...c, id: conv.id, visitorId: visitor.id, createdAt, lastActivityAt, messages })
    }
    return out
  })
}

/** GET with an agent's token; resolves with the status and the parsed JSON body. */
export async function getJson<T = unknown>(url: string, token: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T }
}

/**
 * A plain RFC 4180 reader for the tests (csv-parse is not installed): quoted fields with ""
 * escapes and line breaks inside, CRLF or LF records, a leading BOM dropped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += ch
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/** Rows as objects keyed by the header row. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text)
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])))
}
