// Uploads and attachments, shared by both clients: a file goes up first (POST …/uploads), then a
// message names it by id. Browsers report upload progress through XMLHttpRequest (fetch cannot;
// see createHttpClient); everywhere else the upload is a fetch with FormData (Node 20 has both globally).
import type { UploadedFile, UploadLimits } from '@live-chat/protocol'
import { LIMITS } from '@live-chat/protocol/limits'
import { LiveChatError } from './errors.js'
import type { HttpClient } from './http.js'
import { checkText, invalidMessage } from './util.js'

/** The protocol's LIMITS.attachments. */
export const ATTACHMENTS_MAX = LIMITS.attachments

/** Uploads may take a while on a slow network; the REST default (30 s) is too short for them. */
const UPLOAD_TIMEOUT_MS = 10 * 60_000

/** Options for `upload()` on either client. */
export interface UploadOptions {
  /** The file name to send; default the File's own name, else "file". The server makes it safe. */
  name?: string
  /**
   * Progress of the request body, in bytes (`total` includes a little multipart framing). In
   * browsers it is called as the upload goes; elsewhere once, when it is done.
   */
  onProgress?: (loaded: number, total: number) => void
  /** Cancels the upload; the promise rejects with `aborted`. */
  signal?: AbortSignal
}

/** Options for `send()` on either client. */
export interface SendOptions {
  /**
   * Uploaded files to attach (at most 10): their ids, or what `upload()` returned. With at least
   * one, the text may be empty.
   */
  attachments?: (string | UploadedFile)[]
}

/** The text and attachment ids a message is sent with; what the server would refuse throws `invalid_payload`. */
export function messageContent(text: string | undefined, attachments: SendOptions['attachments']): { text?: string; attachments?: string[] } {
  const ids = (attachments ?? []).map((a) => (typeof a === 'string' ? a : a?.id))
  if (ids.length > ATTACHMENTS_MAX || !ids.every((id) => id && typeof id === 'string')) {
    throw invalidMessage('attachments', `must be 1 to ${ATTACHMENTS_MAX} upload ids`)
  }
  if (!ids[0]) return { text: checkText(text as string) }
  if (text === undefined || (typeof text === 'string' && !text.trim())) return { attachments: ids as string[] }
  return { text: checkText(text), attachments: ids as string[] }
}

/** Refuses at once a file larger than the server accepts (when its limits are known). */
export function checkUploadSize(file: Blob, limits: UploadLimits | undefined): void {
  if (limits && file.size > limits.maxBytes) {
    throw new LiveChatError('payload_too_large', `The file is too large (${file.size} > ${limits.maxBytes} bytes)`)
  }
}

/** POSTs `file` as the multipart part "file" to `path` and resolves with the stored upload. */
export async function uploadFile(http: HttpClient, path: string, file: Blob, options: UploadOptions = {}): Promise<UploadedFile> {
  const { onProgress } = options
  const form = new FormData()
  form.append('file', file, options.name ?? (file as Partial<File>).name ?? 'file')
  const uploaded = await http<UploadedFile>('POST', path, { form, timeoutMs: UPLOAD_TIMEOUT_MS, signal: options.signal, onProgress })
  // Without XMLHttpRequest (fetch) progress is only known at the end.
  if (typeof XMLHttpRequest !== 'function') onProgress?.(file.size, file.size)
  return uploaded
}
