import { Router } from 'express'
import { CreateWebhook, RotateWebhookSecret, UpdateWebhook } from '@live-chat/protocol'
import { agentOf, parse } from '../shared/http.js'
import { DeliveryParams, IdParams } from '../shared/params.js'
import type { WebhookService } from './service.js'

/** Mounted under /api/sites/:siteId after agent authentication. Admins only (the service checks). */
export function webhookRoutes(webhooks: WebhookService): Router {
  const r = Router({ mergeParams: true })
  r.get('/webhooks', async (_req, res) => {
    res.json({ items: await webhooks.list(agentOf(res)) })
  })
  r.post('/webhooks', async (req, res) => {
    res.status(201).json(await webhooks.create(agentOf(res), parse(CreateWebhook, req.body, 'body')))
  })
  r.patch('/webhooks/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await webhooks.update(agentOf(res), id, parse(UpdateWebhook, req.body, 'body')))
  })
  r.delete('/webhooks/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    await webhooks.remove(agentOf(res), id)
    res.status(204).end()
  })
  r.get('/webhooks/:id/deliveries', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json({ items: await webhooks.deliveries(agentOf(res), id) })
  })
  r.post('/webhooks/:id/deliveries/:deliveryId/redeliver', async (req, res) => {
    const { id, deliveryId } = parse(DeliveryParams, req.params, 'path')
    res.status(202).json(await webhooks.redeliver(agentOf(res), id, deliveryId))
  })
  r.post('/webhooks/:id/test', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.status(202).json(await webhooks.test(agentOf(res), id))
  })
  r.post('/webhooks/:id/secret/rotate', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await webhooks.rotateSecret(agentOf(res), id, parse(RotateWebhookSecret, req.body, 'body')))
  })
  return r
}
