import { Router } from 'express'
import { RequestTranscript } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { parse, visitorOf } from '../shared/http.js'
import { VisitorConversationParams } from '../shared/params.js'

/** The visitor's email routes; mounted behind requireVisitor. */
export function visitorEmailRoutes(s: Services): Router {
  const r = Router()
  r.post('/conversations/:id/transcript', async (req, res) => {
    const { id } = parse(VisitorConversationParams, req.params, 'path')
    const { email } = parse(RequestTranscript, req.body ?? {}, 'body')
    res.json(await s.emails.transcript(visitorOf(res), id, email))
  })
  return r
}
