import { Router } from 'express'
import { AuditQuery } from '@live-chat/protocol'
import { agencyOf } from '../agency/routes.js'
import { closed, download, prefetched, TYPES } from '../history/routes.js'
import type { Services } from '../services.js'
import { AppError } from '../shared/errors.js'
import { parse } from '../shared/http.js'
import type { Logger } from '../shared/logger.js'
import { auditCsv } from './csv.js'

/** The agency's audit log: mounted in the agency router (agency owners and admins, or a key with audit:read). */
export function auditRoutes(s: Services, log: Logger): Router {
  const r = Router()
  r.get('/audit', async (req, res) => {
    res.json(await s.audit.list(agencyOf(res), parse(AuditQuery, req.query, 'query')))
  })
  r.get('/audit.csv', async (req, res) => {
    const { cursor, limit: _limit, ...filter } = parse(AuditQuery, req.query, 'query')
    const paged = cursor !== undefined ? 'cursor' : (req.query as Record<string, unknown>)['limit'] !== undefined ? 'limit' : null
    if (paged) throw new AppError('invalid_payload', 'invalid query: the export takes every matching event (no cursor or limit)', [{ path: paged, message: 'not allowed here' }])
    const signal = closed(res)
    const rows = await prefetched(s.audit.exportRows(agencyOf(res), filter, signal))
    const day = new Date().toISOString().slice(0, 10)
    await download(req, res, log, signal, { type: TYPES.csv, name: `audit-${day}.csv` }, auditCsv(rows))
  })
  return r
}
