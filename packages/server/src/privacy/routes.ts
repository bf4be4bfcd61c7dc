import { Router } from 'express'
import type { Services } from '../services.js'
import { closed, download, prefetched } from '../history/routes.js'
import { agentOf, parse } from '../shared/http.js'
import type { Logger } from '../shared/logger.js'
import { VisitorParams } from '../shared/params.js'

/** A visitor's export and erasure (site admins and API keys). Mounted under /api/sites/:siteId after agent authentication. */
export function privacyRoutes(s: Services, log: Logger): Router {
  const r = Router({ mergeParams: true })

  r.get('/visitors/:visitorId/export', async (req, res) => {
    const { visitorId } = parse(VisitorParams, req.params, 'path')
    const signal = closed(res)
    const archive = await s.privacy.exportVisitor(agentOf(res), visitorId, signal)
    await download(req, res, log, signal, { type: 'application/zip', name: archive.filename }, await prefetched(archive.chunks))
  })

  r.delete('/visitors/:visitorId', async (req, res) => {
    const { visitorId } = parse(VisitorParams, req.params, 'path')
    res.json(await s.privacy.erase(agentOf(res), visitorId))
  })

  return r
}
