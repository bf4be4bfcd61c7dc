// The widget's CDN files (AppOptions.widgetDir): the loader at /live-chat.js, the full bundle and
// its chunks under /widget/, loadable from any origin, cached by how their names change, with
// ETag revalidation, sent as the build's precompressed brotli or gzip copy to browsers that accept
// one; nothing else in or outside the folder is served. Fake files stand in for the build, so this
// needs no `npm run build`.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
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
  // The build's compressed copies (rollup.config.js `precompress`); the full bundle has both,
  // the chunk gzip only, the loader none.
  const full = fs.readFileSync(path.join(dir, 'live-chat.full.js'))
  fs.writeFileSync(path.join(dir, 'live-chat.full.js.br'), zlib.brotliCompressSync(full))
  fs.writeFileSync(path.join(dir, 'live-chat.full.js.gz'), zlib.gzipSync(full))
  fs.writeFileSync(path.join(dir, `${CHUNK}.gz`), zlib.gzipSync(fs.readFileSync(path.join(dir, CHUNK))))
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

/** The raw bytes and headers of a GET (no client-side decompression, unlike fetch and supertest). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const parts: Buffer[] = []
        res.on('data', (b: Buffer) => parts.push(b))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }))
      })
      .on('error', reject)
  })
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

  it('sends the precompressed copy the browser prefers (brotli, else gzip), as the same script', async () => {
    const url = `${s.url}/widget/live-chat.full.js`
    const original = fs.readFileSync(path.join(dir, 'live-chat.full.js'))
    const br = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.status).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['vary']).toMatch(/accept-encoding/i)
    expect(br.headers['content-type']).toMatch(/^text\/javascript(;|$)/)
    expect(br.headers['cache-control']).toBe(STABLE_CACHE)
    expect(br.headers['access-control-allow-origin']).toBe('*')
    expect(br.body).toEqual(fs.readFileSync(path.join(dir, 'live-chat.full.js.br')))
    expect(zlib.brotliDecompressSync(br.body)).toEqual(original)

    const gz = await rawGet(url, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gz.body)).toEqual(original)
    // The ETag names the bytes sent, so a cache never answers one encoding with the other.
    expect(gz.headers['etag']).not.toBe(br.headers['etag'])

    const plain = await rawGet(url, {})
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toEqual(original)

    const chunk = await rawGet(`${s.url}/widget/${CHUNK}`, { 'accept-encoding': 'br, gzip' })
    expect(chunk.headers['content-encoding']).toBe('gzip') // the only copy there is
    expect(chunk.headers['cache-control']).toBe(IMMUTABLE_CACHE)
    expect(zlib.gunzipSync(chunk.body).toString()).toBe('export const strings = {};\n')

    const loader = await rawGet(`${s.url}/live-chat.js`, { 'accept-encoding': 'br, gzip' })
    expect(loader.headers['content-encoding']).toBeUndefined() // no copy: sent as it is
    expect(loader.body.toString()).toBe('(()=>{/* loader */})();\n')
  })

  it('answers a path that is not valid percent-encoding with a JSON 400', async () => {
    const res = await request(s.app.app).get('/widget/%E0%A4%A.js')
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_payload')
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

describe('dashboard page', () => {
  let d: TestServer
  let page: string
  beforeAll(async () => {
    page = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-dashboard-'))
    fs.mkdirSync(path.join(page, 'assets'))
    fs.writeFileSync(path.join(page, 'index.html'), '<!doctype html><live-chat-dashboard></live-chat-dashboard>\n')
    fs.writeFileSync(path.join(page, 'assets', 'dashboard.js'), 'console.log(1)\n')
    fs.writeFileSync(path.join(page, 'assets', 'dashboard.js.br'), zlib.brotliCompressSync('console.log(1)\n'))
    fs.writeFileSync(path.join(page, 'assets', 'admin-C_Dr5Su7.js'), 'console.log(2)\n')
    d = await startServer({ dashboardDir: page })
  })
  afterAll(async () => {
    await d?.close()
    fs.rmSync(page, { recursive: true, force: true })
  })

  it('serves the page at /dashboard/ (revalidated each load) and its scripts, brotli when accepted', async () => {
    expect((await request(d.app.app).get('/dashboard')).status).toBe(301)
    const html = await request(d.app.app).get('/dashboard/')
    expect(html.status).toBe(200)
    expect(html.headers['content-type']).toMatch(/^text\/html/)
    expect(html.headers['cache-control']).toBe('no-cache')
    expect(html.text).toContain('<live-chat-dashboard>')
    const js = await rawGet(`${d.url}/dashboard/assets/dashboard.js`, { 'accept-encoding': 'br' })
    expect(js.headers['content-encoding']).toBe('br')
    expect(zlib.brotliDecompressSync(js.body).toString()).toBe('console.log(1)\n')
    // Scripts load from any origin (a platform embeds <live-chat-dashboard>); the page does not.
    expect(js.headers['access-control-allow-origin']).toBe('*')
    expect(js.headers['cross-origin-resource-policy']).toBe('cross-origin')
    expect(js.headers['cache-control']).toBe(STABLE_CACHE)
    const chunk = await request(d.app.app).get('/dashboard/assets/admin-C_Dr5Su7.js')
    expect(chunk.headers['cache-control']).toBe(IMMUTABLE_CACHE)
    expect(chunk.headers['access-control-allow-origin']).toBe('*')
    expect(html.headers['access-control-allow-origin']).toBeUndefined()
    expect(html.headers['cross-origin-resource-policy']).toBe('same-origin')
    expect(html.headers['x-frame-options']).toBe('DENY')
    const missing = await request(d.app.app).get('/dashboard/assets/nope.js')
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('not_found')
  })
})
