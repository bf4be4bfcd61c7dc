// A visitor's export: everything the site holds about them, as one .zip (archive.ts) holding
// `visitor.json` (a VisitorExport, @live-chat/protocol) and the bytes of every file they sent or
// were sent, at `files/<upload id>/<name>`. The document is written a batch of messages at a time
// with the transcripts' own reading (history/service.ts), and each file is read only when the
// archive gets to it, so an export of any size holds one batch or one file in memory. Like the
// other downloads it is not a snapshot: what changes while it is written may or may not be in it.
import type { ExportedFile, ExportedMessage, VisitorExport } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import type { HistoryService } from '../history/service.js'
import { toTranscriptMessage } from '../history/service.js'
import { toMessageEdit } from '../messages/edits.js'
import type { AgentActor } from '../shared/context.js'
import type { Database, Tx } from '../shared/db/index.js'
import { AppError, notFound } from '../shared/errors.js'
import { toVisitorDetail } from '../shared/map.js'
import { zipArchive, type ArchiveEntry } from './archive.js'
import { readAttributes } from '../contacts/attributes.js'
import { toContactNote } from '../contacts/service.js'

/** What an export reads first, in one transaction: everything but the messages and the files' bytes. */
export interface ExportPlan {
  head: Omit<VisitorExport, 'conversations'>
  conversations: { id: string; lastActivityAt: Date }[]
  /** The files attached to each message, by message id. */
  files: Map<string, ExportedFile[]>
}

interface FileRow {
  id: string
  name: string
  contentType: string
  size: number
  createdAt: Date
  messageId: string | null
}

const exported = (f: FileRow): ExportedFile => ({ id: f.id, name: f.name, type: f.contentType, size: f.size, uploadedAt: f.createdAt.toISOString(), path: `files/${f.id}/${f.name}` })

/** Reads the visitor, their conversations and their files' names (not their bytes); `not_found` when the site has no such visitor. */
export async function planExport(tx: Tx, siteId: string, visitorId: string): Promise<ExportPlan> {
  const v = await tx.visitor.findUnique({ where: { id: visitorId } })
  if (!v || v.mergedIntoId) throw notFound('visitor')
  const site = await tx.site.findUniqueOrThrow({ where: { id: siteId }, select: { id: true, name: true, widgetSettings: { select: { timezone: true } } } })
  const conversations = await tx.conversation.findMany({ where: { visitorId }, select: { id: true, lastActivityAt: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })
  // Their own uploads (sent or not), and the files agents sent in their conversations.
  const rows = await tx.$queryRaw<FileRow[]>`
    SELECT u.id, u.name, u.content_type AS "contentType", u.size, u.created_at AS "createdAt", u.message_id AS "messageId"
    FROM mod_chat_uploads u
    WHERE u.site_id = ${siteId}::uuid AND (u.visitor_id = ${visitorId}::uuid OR u.message_id IN (
      SELECT m.id FROM mod_chat_messages m JOIN mod_chat_conversations c ON c.id = m.conversation_id
      WHERE c.site_id = ${siteId}::uuid AND c.visitor_id = ${visitorId}::uuid))
    ORDER BY u.created_at, u.id`
  const files = new Map<string, ExportedFile[]>()
  for (const f of rows) if (f.messageId) files.set(f.messageId, [...(files.get(f.messageId) ?? []), exported(f)])
  const { online: _, ...visitor } = toVisitorDetail(v, false)
  return {
    head: {
      format: 'live-chat.visitor-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      site: { id: site.id, name: site.name, timezone: site.widgetSettings?.timezone ?? 'UTC' },
      visitor: {
        ...visitor,
        ipAddress: v.ipAddress,
        attributes: await readAttributes(tx, visitorId),
        notes: (await tx.contactNote.findMany({ where: { visitorId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map(toContactNote),
      },
      unsentFiles: rows.filter((f) => !f.messageId).map(exported),
    },
    conversations,
    files,
  }
}

/** The archive's chunks: `visitor.json`, then every file. */
export function exportArchive(db: Database, history: HistoryService, actor: AgentActor, plan: ExportPlan, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const files = [...plan.head.unsentFiles, ...[...plan.files.values()].flat()]
  const entries: ArchiveEntry[] = [
    { path: 'visitor.json', compress: true, content: () => exportDocument(db, history, actor, plan, signal) },
    ...files.map((f) => ({ path: f.path, compress: f.type === 'text/plain', mtime: new Date(f.uploadedAt), content: () => fileBytes(db, actor.siteId, f.id) })),
  ]
  return zipArchive(entries)
}

/**
 * `visitor.json`, a piece at a time: the head, then each conversation (its transcript's header)
 * with its messages a batch at a time, each with its earlier texts and its files.
 */
async function* exportDocument(db: Database, history: HistoryService, actor: AgentActor, plan: ExportPlan, signal?: AbortSignal): AsyncGenerator<string> {
  // The last key's empty array is cut off, then filled piece by piece (as transcriptJson does).
  yield JSON.stringify({ ...plan.head, conversations: [] }).slice(0, -2)
  let firstConversation = true
  for (const { id, lastActivityAt } of plan.conversations) {
    if (signal?.aborted) return
    const header = await history.transcriptHeader(actor, id).catch((e: unknown) => {
      // Deleted since the plan was read (retention): it is simply not in the export.
      if (e instanceof AppError && e.code === 'not_found') return null
      throw e
    })
    if (!header) continue
    const { visitor: _, ...conversation } = header.conversation
    yield (firstConversation ? '' : ',') + JSON.stringify({ ...conversation, lastActivityAt: lastActivityAt.toISOString(), messages: [] }).slice(0, -2)
    firstConversation = false
    let firstBatch = true
    for await (const rows of history.messageRows(actor.siteId, id, signal)) {
      const edits = await db.inSite(actor.siteId, (tx) => tx.messageEdit.findMany({ where: { messageId: { in: rows.map((m) => m.id) } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }))
      const editsOf = new Map<string, typeof edits>()
      for (const e of edits) editsOf.set(e.messageId, [...(editsOf.get(e.messageId) ?? []), e])
      yield (firstBatch ? '' : ',') + rows.map((m) => JSON.stringify(exportedMessage(m, header.conversation.visitor.name, editsOf.get(m.id) ?? [], plan.files))).join(',')
      firstBatch = false
    }
    yield ']}'
  }
  yield ']}\n'
}

function exportedMessage(m: Prisma.MessageGetPayload<object>, visitorName: string | null, edits: Prisma.MessageEditGetPayload<object>[], files: Map<string, ExportedFile[]>): ExportedMessage {
  return {
    id: m.id,
    ...toTranscriptMessage(m, visitorName),
    edits: edits.map(toMessageEdit),
    files: files.get(m.id) ?? [],
  }
}

async function* fileBytes(db: Database, siteId: string, id: string): AsyncGenerator<Uint8Array> {
  const file = await db.inSite(siteId, (tx) => tx.upload.findUnique({ where: { id }, select: { data: true } }))
  // (unsent or erased since the export began: cut the download rather than hand out an empty file)
  if (!file) throw new AppError('not_found', `file ${id} was removed while the export was written; export again`)
  yield file.data
}
