import { once } from 'node:events'
import { Router, type Request, type Response } from 'express'
import { ListConversationsQuery, TranscriptQuery } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { AppError } from '../shared/errors.js'
import { agentOf, parse } from '../shared/http.js'
import type { Logger } from '../shared/logger.js'
import { IdParams } from '../shared/params.js'
import { exportCsv, transcriptCsv, transcriptJson, transcriptText } from './formats.js'

export const TYPES = { json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8', txt: 'text/plain; charset=utf-8' } as const

/** Transcripts and the bulk export, for any agent of the site. Mounted under /api/sites/:siteId after agent authentication. */
export function historyRoutes(s: Services, log: Logger): Router {
  const r = Router({ mergeParams: true })

  r.get('/conversations/:id/transcript', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    const { format } = parse(TranscriptQuery, req.query, 'query')
    const actor = agentOf(res)
    const header = await s.history.transcriptHeader(actor, id)
    const signal = closed(res)
    const messages = await prefetched(s.history.transcriptMessages(actor, header, signal))
    const chunks = format === 'csv' ? transcriptCsv(messages) : format === 'txt' ? transcriptText(header, messages) : transcriptJson(header, messages)
    await download(req, res, log, signal, { type: TYPES[format], name: `conversation-${id.toLowerCase()}.${format}` }, chunks)
  })

  r.get('/exports/conversations.csv', async (req, res) => {
    const { cursor, limit, ...filter } = parse(ListConversationsQuery, req.query, 'query')
    if (cursor !== undefined || limit !== undefined) {
      throw new AppError('invalid_payload', 'invalid query: the export takes every matching conversation (no cursor or limit)', [
        { path: cursor !== undefined ? 'cursor' : 'limit', message: 'not allowed here' },
      ])
    }
    const signal = closed(res)
    const rows = await prefetched(s.history.exportRows(agentOf(res), filter, signal))
    const day = new Date().toISOString().slice(0, 10)
    await download(req, res, log, signal, { type: TYPES.csv, name: `conversations-${day}.csv` }, exportCsv(rows))
  })

  return r
}

/** Aborts when the response is over: finished, or the client went away (then reading stops). */
export function closed(res: Response): AbortSignal {
  const abort = new AbortController()
  res.once('close', () => abort.abort())
  return abort.signal
}

/**
 * Reads the first item now, so that a failure before anything is sent becomes the usual JSON
 * error answer; then yields it and the rest.
 */
export async function prefetched<T>(source: AsyncGenerator<T>): Promise<AsyncGenerator<T>> {
  const first = await source.next()
  return (async function* () {
    try {
      if (first.done) return
      yield first.value
      yield* source
    } finally {
      await source.return(undefined)
    }
  })()
}

/**
 * Sends `chunks` as a file download, honouring backpressure: after a write the socket cannot take
 * yet, the next chunk is read only once it drained. A failure after the first byte cannot become
 * a JSON answer any more: the connection is cut, so the client sees a broken download rather
 * than a complete-looking file.
 */
export async function download(
  req: Request,
  res: Response,
  log: Logger,
  signal: AbortSignal,
  file: { type: string; name: string },
  chunks: AsyncGenerator<string | Uint8Array>,
): Promise<void> {
  res.status(200)
  res.setHeader('Content-Type', file.type)
  // The names are built from a UUID and a date: nothing to escape.
  res.setHeader('Content-Disposition', `attachment; filename="${file.name}"`)
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) break
      if (!res.write(chunk)) await once(res, 'drain', { signal })
    }
    if (!res.destroyed) res.end()
  } catch (err) {
    if (res.destroyed || (err as Error).name === 'AbortError') {
      log.debug({ url: req.path }, 'download abandoned by the client')
      return
    }
    log.error({ err, method: req.method, url: req.path }, 'download failed after it started')
    res.destroy()
  } finally {
    await chunks.return(undefined)
  }
}
