// Uploads: files and images sent in chat. A visitor or an agent uploads a file first (its type
// is detected from the bytes and checked against the allowlist, its name made safe), then sends
// a message naming the upload's id; the message's transaction attaches it, once and for good.
//
// The bytes are stored in Postgres (mod_chat_uploads.data) on purpose: every server process can
// serve any file without a shared disk or an object store, and files are backed up, restored and
// deleted together with the conversations they belong to.
import type { Attachment, UploadedFile, UploadLimits } from '@live-chat/protocol'
import type { Actor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, invalidState, notFound } from '../shared/errors.js'
import { isUuid } from '../shared/params.js'
import { detectType, safeFileName, UPLOAD_TYPES } from './content.js'
import { tooLarge, type ReceivedFile } from './multipart.js'

export interface StoredFile {
  name: string
  contentType: string
  data: Uint8Array
}

/** The uploads a message will carry; `link` attaches them to the stored message. */
export interface AttachmentPlan {
  attachments: Attachment[]
  link(messageId: string): Promise<void>
}

const NO_ATTACHMENTS: AttachmentPlan = { attachments: [], link: async () => undefined }

const uploader = (actor: Actor) => (actor.kind === 'visitor' ? { visitorId: actor.visitorId } : { agentId: actor.agentId })

export class UploadService {
  constructor(private readonly ctx: Context) {}

  /** What the server accepts (WidgetConfig.upload). */
  limits(): UploadLimits {
    return { maxBytes: this.ctx.config.uploadMaxBytes, types: [...UPLOAD_TYPES] }
  }

  get maxBytes(): number {
    return this.ctx.config.uploadMaxBytes
  }

  /** Stores a received file after checking what it really is. */
  async create(actor: Actor, file: ReceivedFile): Promise<UploadedFile> {
    if (file.bytes.length > this.maxBytes) throw tooLarge(this.maxBytes)
    const type = await detectType(file.bytes)
    if (!type) {
      throw new AppError('unsupported_type', `the file's content is not one of the accepted types (${UPLOAD_TYPES.join(', ')}); its name and declared type do not count`)
    }
    const row = await this.ctx.db.inSite(actor.siteId, (tx) =>
      tx.upload.create({
        data: {
          siteId: actor.siteId,
          ...uploader(actor),
          name: safeFileName(file.filename, type),
          contentType: type,
          size: file.bytes.length,
          data: new Uint8Array(file.bytes), // (a copy: Prisma wants a plain ArrayBuffer behind it)
        },
        select: { id: true, name: true, contentType: true, size: true },
      }),
    )
    return { id: row.id, ...this.attachment(row) }
  }

  /** The file behind GET /uploads/:id/:name. The id is the capability; it names no site. */
  async file(id: string): Promise<StoredFile> {
    if (!isUuid(id)) throw notFound('file')
    const [found] = await this.ctx.db.prisma.$queryRaw<{ siteId: string | null }[]>`SELECT mod_chat_upload_site(${id}::uuid) AS "siteId"`
    const siteId = found?.siteId
    if (!siteId) throw notFound('file')
    const file = await this.ctx.db.inSite(siteId, (tx) =>
      tx.upload.findUnique({ where: { id }, select: { name: true, contentType: true, data: true } }),
    )
    if (!file) throw notFound('file')
    return file
  }

  /**
   * Checks the uploads a message names, inside the message's transaction: each must be in the
   * site (row-level security hides the others), uploaded by this sender, and not attached yet.
   * Nothing is written until `link`, which attaches them all or fails the transaction.
   */
  async plan(tx: Tx, actor: Actor, ids: string[] | undefined): Promise<AttachmentPlan> {
    if (!ids || ids.length === 0) return NO_ATTACHMENTS
    const wanted = ids.map((i) => i.toLowerCase())
    const rows = await tx.upload.findMany({
      where: { id: { in: wanted } },
      select: { id: true, name: true, contentType: true, size: true, visitorId: true, agentId: true, messageId: true },
    })
    const byId = new Map(rows.map((r) => [r.id, r]))
    const mine = uploader(actor)
    const attachments = wanted.map((id) => {
      const row = byId.get(id)
      const own = row && ('visitorId' in mine ? row.visitorId === mine.visitorId : row.agentId === mine.agentId)
      // Another sender's upload is as invisible as another site's.
      if (!row || !own) throw new AppError('not_found', `upload ${id} not found (upload the file first, as the sender of this message)`)
      if (row.messageId) throw invalidState(`upload ${id} is already attached to another message; upload it again`)
      return this.attachment(row)
    })
    return {
      attachments,
      link: async (messageId) => {
        const { count } = await tx.upload.updateMany({ where: { id: { in: wanted }, messageId: null, ...mine }, data: { messageId } })
        // A concurrent message took one of them first: this one fails whole.
        if (count !== wanted.length) throw invalidState('an upload was attached to another message meanwhile; upload it again')
      },
    }
  }

  private attachment(row: { id: string; name: string; contentType: string; size: number }): Attachment {
    return {
      url: `${this.ctx.config.publicUrl}/uploads/${row.id}/${encodeURIComponent(row.name)}`,
      name: row.name,
      type: row.contentType,
      size: row.size,
    }
  }
}
