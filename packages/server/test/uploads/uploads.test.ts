// Uploading files (visitors and agents) and serving them: the type comes from the bytes, bad
// bodies get a clear error and store nothing, and the served headers keep a file from running
// as a page of the server's origin.
import http from 'node:http'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, type ErrorCode, type UploadedFile, type WidgetConfig } from '@live-chat/protocol'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { SAMPLES } from './samples.js'

let s: TestServer
let site: SiteFixture
let agent: AgentFixture
let visitorToken: string

beforeAll(async () => {
  s = await startServer()
  site = await s.fx.site()
  agent = await s.fx.agent(site.id)
  visitorToken = (await s.fx.visitorSession(site.id)).token
})
afterAll(() => s.close())

const uploadsIn = (siteId: string) => s.db.inSite(siteId, (tx) => tx.upload.count())

function visitorUpload(file: Buffer, filename: string, contentType = 'application/octet-stream', field = 'file') {
  return request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${visitorToken}`).attach(field, file, { filename, contentType })
}

function expectError(res: request.Response, code: ErrorCode): void {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status: ERROR_CODES[code],
    body: { error: expect.objectContaining({ code, message: expect.stringMatching(/\S/) }) },
  })
}

describe('POST /api/visitor/uploads', () => {
  const accepted: [keyof typeof SAMPLES, string, string, string][] = [
    ['png', 'screenshot.png', 'image/png', 'screenshot.png'],
    ['jpeg', 'photo.jpeg', 'image/jpeg', 'photo.jpeg'],
    ['gif', 'anim.gif', 'image/gif', 'anim.gif'],
    ['webp', 'pic.webp', 'image/webp', 'pic.webp'],
    ['pdf', 'invoice.pdf', 'application/pdf', 'invoice.pdf'],
    ['text', 'notes.txt', 'text/plain', 'notes.txt'],
    // The declared type and extension do not count: the bytes do.
    ['png', 'not-really.pdf', 'image/png', 'not-really.png'],
    ['pdf', '../../secret/report', 'application/pdf', 'report.pdf'],
  ]
  for (const [sample, filename, type, name] of accepted) {
    it(`when given ${sample} bytes named "${filename}", stores them as ${type} "${name}" and answers 201 with the file`, async () => {
      const res = await visitorUpload(SAMPLES[sample], filename, 'application/x-whatever')
      expect(res.status).toBe(201)
      const file = res.body as UploadedFile
      expect(file).toEqual({ id: expect.any(String), url: `/uploads/${file.id}/${encodeURIComponent(name)}`, name, type, size: SAMPLES[sample].length })
      const served = await request(s.url).get(file.url).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = []
        r.on('data', (c: Buffer) => chunks.push(c))
        r.on('end', () => cb(null, Buffer.concat(chunks)))
      })
      expect(served.status).toBe(200)
      expect(Buffer.compare(served.body as Buffer, SAMPLES[sample])).toBe(0)
    })
  }

  it('when the content is HTML in a file named .png, refuses it with 415 unsupported_type and stores nothing', async () => {
    const before = await uploadsIn(site.id)
    for (const [bytes, filename] of [[SAMPLES.html, 'cat.png'], [SAMPLES.svg, 'logo.svg'], [SAMPLES.zip, 'files.zip'], [SAMPLES.binary, 'blob.bin']] as const) {
      const res = await visitorUpload(bytes, filename, 'image/png')
      expectError(res, 'unsupported_type')
      expect((res.body as { error: { message: string } }).error.message).toContain('image/png')
    }
    expect(await uploadsIn(site.id)).toBe(before)
  })

  const malformed: [string, () => request.Test][] = [
    ['a JSON body', () => request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${visitorToken}`).send({ file: 'aGVsbG8=' })],
    ['no body at all', () => request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${visitorToken}`)],
    ['the file in a part named "upload"', () => visitorUpload(SAMPLES.png, 'a.png', 'image/png', 'upload')],
    ['only a text field', () => request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${visitorToken}`).field('file', 'just text')],
    ['two files', () => visitorUpload(SAMPLES.png, 'a.png').attach('file', SAMPLES.gif, 'b.gif')],
    ['a file and a field', () => visitorUpload(SAMPLES.png, 'a.png').field('name', 'x')],
    ['an empty file', () => visitorUpload(Buffer.alloc(0), 'empty.txt')],
    [
      'multipart without a boundary',
      () => request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${visitorToken}`).set('Content-Type', 'multipart/form-data; charset=utf-8').send('--x\r\n'),
    ],
    [
      'a multipart body cut short',
      () =>
        request(s.url)
          .post('/api/visitor/uploads')
          .set('Authorization', `Bearer ${visitorToken}`)
          .set('Content-Type', 'multipart/form-data; boundary=XyZ')
          .send('--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello'),
    ],
  ]
  for (const [name, send] of malformed) {
    it(`when given ${name}, answers 400 invalid_payload and stores nothing`, async () => {
      const before = await uploadsIn(site.id)
      expectError(await send(), 'invalid_payload')
      expect(await uploadsIn(site.id)).toBe(before)
    })
  }

  it('without a visitor token, answers 401 unauthorized', async () => {
    expectError(await request(s.url).post('/api/visitor/uploads').attach('file', SAMPLES.png, 'a.png'), 'unauthorized')
    expectError(await request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${agent.token}`).attach('file', SAMPLES.png, 'a.png'), 'unauthorized')
  })
})

describe('POST /api/sites/:siteId/uploads', () => {
  it('stores an agent’s file in the site and answers 201', async () => {
    const res = await request(s.url).post(`/api/sites/${site.id}/uploads`).set('Authorization', `Bearer ${agent.token}`).attach('file', SAMPLES.pdf, 'terms.pdf')
    expect(res.status).toBe(201)
    const row = await s.db.inSite(site.id, (tx) => tx.upload.findUniqueOrThrow({ where: { id: (res.body as UploadedFile).id } }))
    expect(row).toMatchObject({ siteId: site.id, agentId: agent.id, visitorId: null, messageId: null, name: 'terms.pdf', contentType: 'application/pdf' })
  })

  it('for an agent of another site, answers 403 forbidden and stores nothing', async () => {
    const other = await s.fx.site()
    const stranger = await s.fx.agent(other.id)
    const before = await uploadsIn(site.id)
    expectError(await request(s.url).post(`/api/sites/${site.id}/uploads`).set('Authorization', `Bearer ${stranger.token}`).attach('file', SAMPLES.pdf, 'x.pdf'), 'forbidden')
    expect(await uploadsIn(site.id)).toBe(before)
  })
})

describe('GET /uploads/:id/:name', () => {
  let image: UploadedFile
  let pdf: UploadedFile
  let text: UploadedFile
  beforeAll(async () => {
    image = (await visitorUpload(SAMPLES.png, 'Bild März.png')).body as UploadedFile
    pdf = (await visitorUpload(SAMPLES.pdf, 'Rechnung "Nr 1".pdf')).body as UploadedFile
    text = (await visitorUpload(SAMPLES.text, 'log.txt')).body as UploadedFile
  })

  const COMMON = {
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, max-age=31536000, immutable',
    'cross-origin-resource-policy': 'cross-origin',
  }

  it('serves an image inline with its detected type and the protective headers', async () => {
    const res = await request(s.url).get(image.url)
    expect(res.status).toBe(200)
    expect(res.headers).toMatchObject({
      ...COMMON,
      'content-type': 'image/png',
      'content-disposition': `inline; filename="Bild M_rz.png"; filename*=UTF-8''Bild%20M%C3%A4rz.png`,
    })
  })

  it('serves anything else as a download', async () => {
    const res = await request(s.url).get(pdf.url)
    expect(res.headers).toMatchObject({
      ...COMMON,
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="Rechnung Nr 1.pdf"; filename*=UTF-8''Rechnung%20Nr%201.pdf`,
    })
    const t = await request(s.url).get(text.url)
    expect(t.headers).toMatchObject({ ...COMMON, 'content-type': 'text/plain; charset=utf-8' })
    expect(t.headers['content-disposition']).toMatch(/^attachment; /)
  })

  it('needs no credentials (the id is the key), and ignores the name part', async () => {
    const res = await request(s.url).get(`/uploads/${image.id}/anything.html`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('image/png')
  })

  it('when the file does not exist, answers 404 with the error body', async () => {
    for (const path of [`/uploads/${crypto.randomUUID()}/x.png`, '/uploads/not-a-uuid/x.png', `/uploads/${image.id}`, '/uploads/']) {
      const res = await request(s.url).get(path)
      expect({ path, status: res.status, body: res.body as unknown }).toEqual({
        path,
        status: 404,
        body: { error: { code: 'not_found', message: expect.stringMatching(/\S/) } },
      })
    }
  })
})

describe('GET /api/sites/:siteId/widget', () => {
  it('tells the widget what it may upload', async () => {
    const res = await request(s.url).get(`/api/sites/${site.id}/widget`)
    expect((res.body as WidgetConfig).upload).toEqual({
      maxBytes: 10 * 1024 * 1024,
      types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'],
    })
  })
})

describe('the upload limit', () => {
  const LIMIT = 4_096
  let small: TestServer
  let token: string
  let siteId: string
  beforeAll(async () => {
    small = await startServer({ uploadMaxBytes: LIMIT })
    siteId = (await small.fx.site()).id
    token = (await small.fx.visitorSession(siteId)).token
  })
  afterAll(() => small.close())
  const count = () => small.db.inSite(siteId, (tx) => tx.upload.count())
  const text = (n: number) => Buffer.alloc(n, 'a')

  it('takes a file of exactly the limit, and the widget config says the limit', async () => {
    const res = await request(small.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${token}`).attach('file', text(LIMIT), 'max.txt')
    expect(res.status).toBe(201)
    expect(((await request(small.url).get(`/api/sites/${siteId}/widget`)).body as WidgetConfig).upload.maxBytes).toBe(LIMIT)
  })

  it('when the file is one byte over, answers 413 payload_too_large and stores nothing', async () => {
    const before = await count()
    const res = await request(small.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${token}`).attach('file', text(LIMIT + 1), 'big.txt')
    expectError(res, 'payload_too_large')
    expect(await count()).toBe(before)
  })

  it('when the declared length is far over, answers 413 without reading the body', async () => {
    const before = await count()
    const res = await request(small.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${token}`).attach('file', text(200_000), 'huge.txt')
    expectError(res, 'payload_too_large')
    expect(await count()).toBe(before)
  })

  it('when a chunked body (no declared length) passes the limit, stops it with 413 and stores nothing', async () => {
    const before = await count()
    const url = new URL('/api/visitor/uploads', small.url)
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=B0undary', 'transfer-encoding': 'chunked' },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      req.write('--B0undary\r\nContent-Disposition: form-data; name="file"; filename="stream.txt"\r\nContent-Type: text/plain\r\n\r\n')
      for (let i = 0; i < 10; i++) req.write(text(1_000))
      req.end('\r\n--B0undary--\r\n')
    })
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining(String(LIMIT)) } })
    expect(await count()).toBe(before)
  })

  it('after refusals, the same connection and server go on serving', async () => {
    const res = await request(small.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${token}`).attach('file', SAMPLES.png, 'ok.png')
    expect(res.status).toBe(201)
  })
})
