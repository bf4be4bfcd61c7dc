import { Router } from 'express'
import { ContactNoteBody, CreateContactAttribute, UpdateContact, UpdateContactAttribute } from '@live-chat/protocol'
import { z } from 'zod'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'
import { IdParams, VisitorParams } from '../shared/params.js'

const NoteParams = z.object({ siteId: z.uuid(), visitorId: z.uuid(), id: z.uuid() })

/** Mounted under /api/sites/:siteId after agent authentication: contacts and their attribute definitions. */
export function contactRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/contact-attributes', async (_req, res) => {
    res.json({ items: await s.contacts.attributes(agentOf(res)) })
  })
  r.post('/contact-attributes', async (req, res) => {
    res.status(201).json(await s.contacts.createAttribute(agentOf(res), parse(CreateContactAttribute, req.body, 'body')))
  })
  r.patch('/contact-attributes/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.contacts.updateAttribute(agentOf(res), id, parse(UpdateContactAttribute, req.body, 'body')))
  })
  r.delete('/contact-attributes/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    await s.contacts.deleteAttribute(agentOf(res), id)
    res.status(204).end()
  })
  r.get('/visitors/:visitorId', async (req, res) => {
    const { visitorId } = parse(VisitorParams, req.params, 'path')
    res.json(await s.contacts.get(agentOf(res), visitorId))
  })
  r.patch('/visitors/:visitorId', async (req, res) => {
    const { visitorId } = parse(VisitorParams, req.params, 'path')
    res.json(await s.contacts.update(agentOf(res), visitorId, parse(UpdateContact, req.body, 'body')))
  })
  r.post('/visitors/:visitorId/notes', async (req, res) => {
    const { visitorId } = parse(VisitorParams, req.params, 'path')
    res.status(201).json(await s.contacts.addNote(agentOf(res), visitorId, parse(ContactNoteBody, req.body, 'body').text))
  })
  r.patch('/visitors/:visitorId/notes/:id', async (req, res) => {
    const { visitorId, id } = parse(NoteParams, req.params, 'path')
    res.json(await s.contacts.editNote(agentOf(res), visitorId, id, parse(ContactNoteBody, req.body, 'body').text))
  })
  r.delete('/visitors/:visitorId/notes/:id', async (req, res) => {
    const { visitorId, id } = parse(NoteParams, req.params, 'path')
    await s.contacts.deleteNote(agentOf(res), visitorId, id)
    res.status(204).end()
  })
  return r
}
