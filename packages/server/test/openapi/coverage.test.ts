// The OpenAPI document against the app itself: every route Express mounts (read from its router
// stack) has its operation in the route table (src/openapi/operations.ts), and every operation
// is a route the app has. The document is valid OpenAPI 3.1 and served at /api/openapi.json.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { KEY_ROUTES } from '../../src/api-keys/scopes.js'
import { buildOpenApiDocument } from '../../src/openapi/document.js'
import { OPERATIONS } from '../../src/openapi/operations.js'
import { appRoutes, type AppRoute } from '../api-keys/fixtures.js'
import { serverPerFile } from '../helpers.js'

// With the widget's folder (empty: only its routes matter), so its routes are mounted too.
const t = serverPerFile({ widgetDir: mkdtempSync(path.join(os.tmpdir(), 'widget-')) })

/** Static files, not API: the widget's loader and its redirect to the full build. */
const STATIC_FILES = new Set(['GET /live-chat.js', 'GET /live-chat.full.js'])
const documented = new Set(OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`))
const names = (routes: AppRoute[]) => routes.map((r) => `${r.method} ${r.path}`)

/** Routes without an operation. */
const undocumented = (routes: AppRoute[]) => names(routes).filter((r) => !documented.has(r) && !STATIC_FILES.has(r))

describe('the route table', () => {
  it('has an operation for every route the app mounts', () => {
    expect(undocumented(appRoutes(t.s.app.app))).toEqual([])
  })

  it('has no operation the app does not mount', () => {
    const routed = new Set(names(appRoutes(t.s.app.app)))
    expect([...documented].filter((d) => !routed.has(d))).toEqual([])
  })

  it('sees every kind of route: probes, /api, mounted routers, uploads, static files (the walk is real)', () => {
    const found = names(appRoutes(t.s.app.app))
    expect(found).toEqual(expect.arrayContaining(['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /uploads/:id/:name', 'GET /api/openapi.json', 'POST /api/visitor/uploads', 'GET /api/agency/audit.csv', 'POST /api/sites/:siteId/webhooks/:id/test', ...STATIC_FILES]))
    expect(found.length).toBe(OPERATIONS.length + STATIC_FILES.size)
  })

  it('would fail for a route added without its operation', () => {
    expect(undocumented([...appRoutes(t.s.app.app), { method: 'POST', path: '/api/sites/:siteId/conversations/:id/snooze' }])).toEqual(['POST /api/sites/:siteId/conversations/:id/snooze'])
  })

  it('names each operation once and each route once', () => {
    expect(new Set(OPERATIONS.map((o) => o.id)).size).toBe(OPERATIONS.length)
    expect(documented.size).toBe(OPERATIONS.length)
  })
})

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument()

  it('is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(structuredClone(doc) as unknown as Parameters<Validator['validate']>[0])
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('lets API keys call exactly the routes of the scope table, each with its scope', () => {
    const keyed = Object.entries(doc.paths ?? {}).flatMap(([p, item]) =>
      Object.entries(item as Record<string, { security?: Record<string, string[]>[] }>).flatMap(([method, op]) =>
        (op.security ?? []).filter((s) => 'apiKey' in s).map((s) => [`${method.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`, s['apiKey']![0]]),
      ),
    )
    expect(Object.fromEntries(keyed)).toEqual(KEY_ROUTES)
  })

  it('describes every webhook event and the ping', () => {
    expect(Object.keys(doc.webhooks ?? {}).sort()).toEqual(['conversation.assigned', 'conversation.created', 'conversation.missed', 'conversation.resolved', 'conversation.sla_breached', 'message.created', 'message.deleted', 'message.updated', 'offline_message.created', 'ping', 'visitor.erased'])
  })

  it('is served at /api/openapi.json: public, cacheable, revalidated by ETag, readable from other origins', async () => {
    const res = await request(t.s.url).get('/api/openapi.json').set('Origin', 'https://docs.example')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.headers['cache-control']).toBe('public, max-age=300')
    expect(res.headers['access-control-allow-origin']).toBe('https://docs.example')
    expect(res.body).toEqual(JSON.parse(JSON.stringify(doc)))
    const again = await request(t.s.url).get('/api/openapi.json').set('If-None-Match', res.headers['etag']!)
    expect(again.status).toBe(304)
  })
})
