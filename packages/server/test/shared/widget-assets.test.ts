// The widget's CDN files (AppOptions.widgetDir): the loader at /live-chat.js, the full bundle and
// its chunks under /widget/, loadable from any origin, cached by how their names change, with
// ETag revalidation; nothing else in or outside the folder is served. Fake files stand in for the
// build, so this needs no `npm run build`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IMMUTABLE_CACHE, STABLE_CACHE } from '../../src/shared/widget-assets.js'
import { startServer, type TestServer } from '../helpers.js'

let s: TestServer
let dir: string
const CHUNK = 'chunks/es-AbC123.js'

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-widget-'))
  fs.mkdirSync(path.join(dir, 'chunks'))
  fs.writeFileSync(path.join(dir, 'live-chat.js'), '(()=>{/* loader */})();\n')
  fs.writeFileSync(path.join(dir, 'live-chat.full.js'), 'import("./chunks/es-AbC123.js");\n')
  fs.writeFileSync(path.join(dir, 'live-chat.full.js.map'), '{"version":3,"sources":[],"mappings":""}\n')
  fs.writeFileSync(path.join(dir, CHUNK), 'export const strings = {};\n')
  fs.writeFileSync(path.join(dir, '.secret'), 'not for the web\n')
  fs.writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-outside.js`), 'outside\n')
  s = await startServer({ widgetDir: dir })
})
afterAll(async () => {
  await s?.close()
  fs.rmSync(dir, { recursive: true, force: true })
  fs.rmSync(path.join(path.dirname(dir), `${path.basename(dir)}-outside.js`), { force: true })
})

function expectScript(res: request.Response, cache: string, body: string): void {
  expect(res.status).toBe(200)
  expect(res.headers['content-type']).toMatch(/^text\/javascript(;|$)/)
  expect(res.headers['access-control-allow-origin']).toBe('*')
  expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin')
  expect(res.headers['x-content-type-options']).toBe('nosniff')
  expect(res.headers['cache-control']).toBe(cache)
  expect(res.headers['etag']).toBeTruthy()
  expect(res.text).toBe(body)
}

describe('widget assets', () => {
  it('serves the loader at /live-chat.js with a short, revalidated cache', async () => {
    const res = await request(s.app.app).get('/live-chat.js').set('Origin', 'https://shop.example')
    expectScript(res, STABLE_CACHE, '(()=>{/* loader */})();\n')
  })

  it('serves the full bundle under /widget/ with the stable cache', async () => {
    const res = await request(s.app.app).get('/widget/live-chat.full.js')
    expectScript(res, STABLE_CACHE, 'import("./chunks/es-AbC123.js");\n')
    const loader = await request(s.app.app).get('/widget/live-chat.js')
    expectScript(loader, STABLE_CACHE, '(()=>{/* loader */})();\n')
  })

  it('caches hashed chunks for a year, immutable', async () => {
    const res = await request(s.app.app).get(`/widget/${CHUNK}`)
    expectScript(res, IMMUTABLE_CACHE, 'export const strings = {};\n')
  })

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await request(s.app.app).get('/live-chat.js')
    const again = await request(s.app.app).get('/live-chat.js').set('If-None-Match', first.headers['etag']!)
    expect(again.status).toBe(304)
    expect(again.headers['cache-control']).toBe(STABLE_CACHE)
  })

  it('answers HEAD without a body', async () => {
    const res = await request(s.app.app).head('/widget/live-chat.full.js')
    expect(res.status).toBe(200)
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0)
  })

  it('redirects /live-chat.full.js (the loader’s sibling URL) to /widget/', async () => {
    const res = await request(s.app.app).get('/live-chat.full.js')
    expect(res.status).toBe(302)
    expect(res.headers['location']).toBe('widget/live-chat.full.js')
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(new URL(res.headers['location']!, `${s.url}/live-chat.full.js`).pathname).toBe('/widget/live-chat.full.js')
  })

  it('answers 404 for files that are not there, dotfiles, folders and paths outside the folder', async () => {
    for (const p of [
      '/widget/nope.js',
      '/widget/chunks/nope-123.js',
      '/widget/.secret',
      '/widget/',
      '/widget/chunks',
      `/widget/../${path.basename(dir)}-outside.js`,
      `/widget/%2e%2e/${path.basename(dir)}-outside.js`,
      '/live-chat.js/x',
    ]) {
      const res = await request(s.app.app).get(p)
      expect(res.status, p).toBe(404)
      expect(res.headers['cache-control'] ?? '', p).not.toContain('immutable')
    }
  })

  it('serves nothing when no widgetDir is given', async () => {
    const bare = await startServer()
    try {
      for (const p of ['/live-chat.js', '/widget/live-chat.full.js']) expect((await request(bare.app.app).get(p)).status, p).toBe(404)
    } finally {
      await bare.close()
    }
  })
})
