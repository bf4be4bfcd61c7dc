// Reading one uploaded file from a multipart/form-data request, streamed through busboy and
// refused (payload_too_large) as soon as it passes the limit, so a large body never sits in memory.
import type { IncomingMessage } from 'node:http'
import busboy from 'busboy'
import { AppError } from '../shared/errors.js'

export interface ReceivedFile {
  /** The file name the client gave (unsafe until made safe). */
  filename: string | undefined
  bytes: Buffer
}

/** Room for the multipart boundaries and part headers around the file itself. */
const ENVELOPE_BYTES = 64 * 1024

const FIELD = 'file'
const HOW = `send multipart/form-data with one file part named "${FIELD}"`

const invalid = (why: string) => new AppError('invalid_payload', `invalid body: ${why}; ${HOW}`, [{ path: FIELD, message: why }])
export const tooLarge = (maxBytes: number) => new AppError('payload_too_large', `the file is larger than ${maxBytes} bytes`)

/** Reads the one file part named "file"; anything else in the body is refused. */
export function receiveFile(req: IncomingMessage, maxBytes: number): Promise<ReceivedFile> {
  const type = req.headers['content-type'] ?? ''
  if (!/^multipart\/form-data\s*;/i.test(type)) return Promise.reject(invalid('the body is not multipart/form-data'))
  // A declared length far over the limit is refused before reading any of it.
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) return Promise.reject(tooLarge(maxBytes))

  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      // busboy signals 'limit' on reaching fileSize (not on passing it): one byte more than allowed.
      // File names are UTF-8 in every browser (busboy's default is latin1).
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: maxBytes + 1, files: 1, fields: 0 } })
    } catch {
      reject(invalid('the multipart boundary is missing or malformed'))
      return
    }
    let received: ReceivedFile | undefined
    let done = false
    const fail = (e: AppError) => {
      if (done) return
      done = true
      // Stop parsing; the rest of the body is read and dropped by Node after the answer.
      req.unpipe(parser)
      parser.removeAllListeners()
      parser.on('error', () => undefined)
      req.resume()
      reject(e)
    }
    // A part without a name (Content-Disposition with no name=) arrives with `field` undefined.
    parser.on('file', (field: string | undefined, stream, info) => {
      if (field !== FIELD) {
        stream.resume()
        fail(invalid(`unexpected file part "${String(field ?? '').slice(0, 50)}"`))
        return
      }
      const chunks: Buffer[] = []
      stream.on('error', () => fail(invalid('the multipart body is malformed')))
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('limit', () => {
        stream.resume()
        fail(tooLarge(maxBytes))
      })
      stream.on('end', () => {
        if (!stream.truncated) received = { filename: unescapeFilename(info.filename), bytes: Buffer.concat(chunks) }
      })
    })
    parser.on('field', (name: string | undefined) => fail(invalid(`unexpected field "${String(name ?? '').slice(0, 50)}"`)))
    parser.on('filesLimit', () => fail(invalid('more than one file')))
    parser.on('fieldsLimit', () => fail(invalid('unexpected fields')))
    parser.on('error', () => fail(invalid('the multipart body is malformed')))
    parser.on('close', () => {
      if (done) return
      if (!received) return fail(invalid(`no part named "${FIELD}"`))
      if (received.bytes.length === 0) return fail(invalid('the file is empty'))
      done = true
      resolve(received)
    })
    req.on('close', () => {
      if (!req.complete) fail(invalid('the upload was interrupted'))
    })
    req.pipe(parser)
  })
}

/** Browsers send `"`, CR and LF in a multipart file name as %22, %0D and %0A (WHATWG HTML, form-data). */
function unescapeFilename(name: string | undefined): string | undefined {
  return name?.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n')
}
