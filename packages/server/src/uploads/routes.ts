import { Router, type Response } from 'express'
import type { Services } from '../services.js'
import type { Actor } from '../shared/context.js'
import { notFoundHandler, type Locals } from '../shared/http.js'
import { isImage } from './content.js'
import { receiveFile } from './multipart.js'

/**
 * POST /uploads for whoever the router it is mounted in authenticated: the visitor routes
 * (/api/visitor/uploads) and the agent's site routes (/api/sites/:siteId/uploads).
 */
export function uploadRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.post('/uploads', async (req, res) => {
    const actor = actorOf(res)
    if (actor.kind === 'visitor') await s.limits.upload(actor)
    const file = await receiveFile(req, s.uploads.maxBytes)
    res.status(201).json(await s.uploads.create(actor, file))
  })
  return r
}

function actorOf(res: Response): Actor {
  const { visitor, agent } = res.locals as Locals
  const actor = visitor ?? agent
  if (!actor) throw new Error('uploadRoutes mounted without authentication')
  return actor
}

/**
 * GET /uploads/:id/:name — the files, outside /api. The unguessable id is the capability. The
 * headers keep a file from ever running as a page of this origin: the detected type with
 * nosniff, a sandboxing CSP, and a download (not inline) for anything but images.
 */
export function servedUploads(s: Services): Router {
  const r = Router()
  r.get('/:id/:name', async (req, res) => {
    const file = await s.uploads.file(req.params.id)
    const inline = isImage(file.contentType)
    res.set({
      'Content-Type': file.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : file.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', file.name),
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, max-age=31536000, immutable',
      // The widget shows images on the host site's pages, another origin.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    })
    res.send(Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength))
  })
  r.use(notFoundHandler)
  return r
}

/** `inline; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 with RFC 5987). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
