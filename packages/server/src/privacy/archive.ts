// A .zip written as it is sent, by yazl (weighed against archiver, whose streaming zip pulls in a
// dozen packages, and fflate, small and already in the tree through file-type, but which writes no
// Zip64: an archive over 4 GB or 65,535 files would be corrupt; yazl writes Zip64 when needed,
// streams through Node's pipes with their backpressure, and depends on one tiny package).
// Each entry's content is read only when the archive gets to it, so the archive holds one chunk of
// one entry at a time, whatever its size.
import { Readable } from 'node:stream'
import { ZipFile } from 'yazl'

export interface ArchiveEntry {
  /** Its path in the archive (forward slashes, no leading slash). */
  path: string
  /** Deflate it (text); false stores it as it is (images and PDFs are compressed already). */
  compress: boolean
  mtime?: Date
  /** Its bytes, read when the archive gets to it. */
  content: () => AsyncIterable<string | Uint8Array>
}

/**
 * The archive of `entries`, in order, as chunks. A failure while reading an entry ends the
 * chunks with that error (the download is then cut: see history/routes.ts download()); stopping
 * early (the client went away) stops the reading.
 */
export async function* zipArchive(entries: readonly ArchiveEntry[]): AsyncGenerator<Uint8Array> {
  const zip = new ZipFile()
  const out = zip.outputStream as Readable
  zip.on('error', (err: Error) => out.destroy(err))
  for (const e of entries) {
    zip.addReadStreamLazy(e.path, { compress: e.compress, ...(e.mtime ? { mtime: e.mtime } : {}) }, (cb) => {
      const content = Readable.from(e.content(), { objectMode: false })
      content.once('error', (err: Error) => zip.emit('error', err))
      cb(null, content)
    })
  }
  zip.end()
  try {
    for await (const chunk of out) yield chunk as Uint8Array
  } finally {
    out.destroy()
  }
}
