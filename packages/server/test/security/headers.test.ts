// Security headers on every HTTP answer (helmet, and the same basics on Socket.io's own), the
// dashboard's strict Content Security Policy, and the widget's scripts and the uploads still
// loadable from other sites' pages (CORS and Cross-Origin-Resource-Policy).
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { createLogger } from '../../src/shared/logger.js'
import { root } from '../processes.js'
import { SECRET, startServer, type TestServer } from '../helpers.js'
import { SAMPLES } from '../uploads/samples.js'

const dashboardDir = path.join(root, 'packages/dashboard/public')
let widgetDir: string
let s: TestServer
beforeAll(async () => {
  widgetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-widget-'))
  fs.writeFileSync(path.join(widgetDir, 'live-chat.js'), '(()=>{})();\n')
  fs.writeFileSync(path.join(widgetDir, 'live-chat.full.js'), 'export {};\n')
  s = await startServer({ widgetDir, dashboardDir })
})
afterAll(async () => {
  await s?.close()
  fs.rmSync(widgetDir, { recursive: true, force: true })
})

const NOTHING = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/** What every answer carries, whatever it is. */
function expectBasics(res: request.Response): void {
  expect(res.headers['x-content-type-options']).toBe('nosniff')
  expect(res.headers['referrer-policy']).toBe('no-referrer')
  expect(res.headers['x-powered-by']).toBeUndefined()
  expect(res.headers['x-dns-prefetch-control']).toBe('off')
  expect(res.headers['x-permitted-cross-domain-policies']).toBe('none')
  expect(res.headers['origin-agent-cluster']).toBe('?1')
}

describe('API and other answers', () => {
  it('JSON answers (success, error, 404) may not run, load or be framed, and stay same-origin resources', async () => {
    const site = await s.fx.site()
    for (const res of [
      await request(s.url).get('/healthz'),
      await request(s.url).get(`/api/sites/${site.id}/widget`),
      await request(s.url).get('/api/visitor/me'),
      await request(s.url).get('/api/nothing/here'),
      await request(s.url).get('/nothing/here'),
    ]) {
      expectBasics(res)
      expect(res.headers['content-security-policy']).toBe(NOTHING)
      expect(res.headers['x-frame-options']).toBe('DENY')
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin')
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin')
      // Plain http here: no HSTS (it would pin a development host to https).
      expect(res.headers['strict-transport-security']).toBeUndefined()
    }
  })

  it('the widget’s API calls from another origin still get CORS answers', async () => {
    const site = await s.fx.site()
    const res = await request(s.url).get(`/api/sites/${site.id}/widget`).set('Origin', 'https://shop.example')
    expect(res.status).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example')
    const preflight = await request(s.url)
      .options(`/api/sites/${site.id}/visitor-sessions`)
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization')
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example')
  })

  it('Socket.io’s own HTTP answers (long-polling) get the basic headers too', async () => {
    const res = await request(s.url).get('/socket.io/?EIO=4&transport=polling')
    expect(res.status).toBe(200)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toBe(NOTHING)
    expect(res.headers['x-frame-options']).toBe('DENY')
  })

  it('with an https public URL, answers add Strict-Transport-Security', async () => {
    const app = await createApp({ db: s.db, secret: SECRET, env: 'test', publicUrl: 'https://chat.example.com', logger: createLogger('silent') })
    try {
      const res = await request(app.app).get('/healthz')
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000')
    } finally {
      await app.close()
    }
  })
})

describe('the widget’s scripts and the uploads', () => {
  it('the loader and the full bundle are loadable by any site’s page: CORS *, Cross-Origin-Resource-Policy cross-origin, nosniff', async () => {
    for (const file of ['/live-chat.js', '/widget/live-chat.full.js']) {
      const res = await request(s.url).get(file).set('Origin', 'https://shop.example')
      expect(res.status).toBe(200)
      expectBasics(res)
      expect(res.headers['content-type']).toMatch(/^text\/javascript/)
      expect(res.headers['access-control-allow-origin']).toBe('*')
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin')
      expect(res.headers['cross-origin-embedder-policy']).toBeUndefined()
    }
    const redirect = await request(s.url).get('/live-chat.full.js')
    expect(redirect.status).toBe(302)
    expect(redirect.headers['cross-origin-resource-policy']).toBe('cross-origin')
  })

  it('uploads show on other sites’ pages (cross-origin) but never run: their own sandboxing policy', async () => {
    const site = await s.fx.site()
    const { token } = await s.fx.visitorSession(site.id)
    const up = await request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${token}`).attach('file', SAMPLES.png, 'a.png')
    expect(up.status).toBe(201)
    const res = await request(s.url).get((up.body as { url: string }).url)
    expect(res.status).toBe(200)
    expectBasics(res)
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin')
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
  })
})

describe('the dashboard page', () => {
  it('has a strict policy: own scripts only (no inline script, no eval), its inline <style> by hash, connections to itself, no framing', async () => {
    const html = fs.readFileSync(path.join(dashboardDir, 'index.html'), 'utf8')
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => `'sha256-${crypto.createHash('sha256').update(m[1]!).digest('base64')}'`)
    expect(styles.length).toBeGreaterThan(0)
    const res = await request(s.url).get('/dashboard/')
    expect(res.status).toBe(200)
    expectBasics(res)
    expect(res.headers['x-frame-options']).toBe('DENY')
    const csp = Object.fromEntries(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    )
    expect(csp).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", ...styles],
      'img-src': ["'self'", 'data:', 'blob:', 'https:'],
      'connect-src': ["'self'"],
      'font-src': ["'self'"],
      'media-src': ["'self'", 'data:', 'blob:'],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    })
    expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval/)
    // The page itself has no inline script for the policy to allow.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })
})
