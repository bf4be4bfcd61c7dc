import type { UploadedFile } from '@live-chat/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LiveChatError } from './errors.js'
import { createHttpClient } from './http.js'
import { checkUploadSize, messageContent, uploadFile } from './upload.js'

const FILE: UploadedFile = { id: 'u1', url: '/uploads/u1/a.png', name: 'a.png', type: 'image/png', size: 3 }

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

describe('messageContent', () => {
  it('without attachments, needs a text like before', () => {
    expect(messageContent('hi', undefined)).toEqual({ text: 'hi' })
    expect(() => messageContent('  ', [])).toThrow(LiveChatError)
    expect(() => messageContent('x'.repeat(10_001), undefined)).toThrow(/longer than/)
  })

  it('with attachments, sends their ids, and leaves out an empty text', () => {
    expect(messageContent('', ['u1', FILE])).toEqual({ attachments: ['u1', 'u1'] })
    expect(messageContent(undefined, [FILE])).toEqual({ attachments: ['u1'] })
    expect(messageContent('look', [FILE])).toEqual({ text: 'look', attachments: ['u1'] })
  })

  it('refuses more than 10 attachments, ones without an id, and an over-long text', () => {
    expect(() => messageContent('hi', Array.from({ length: 11 }, (_, i) => `u${i}`))).toThrow(expect.objectContaining({ code: 'invalid_payload' }))
    expect(() => messageContent('hi', [{ ...FILE, id: '' }])).toThrow(expect.objectContaining({ code: 'invalid_payload' }))
    expect(() => messageContent('x'.repeat(10_001), [FILE])).toThrow(expect.objectContaining({ code: 'invalid_payload' }))
  })
})

describe('checkUploadSize', () => {
  it('refuses a file over the limit at once, and lets anything through when the limit is unknown', () => {
    const limits = { maxBytes: 3, types: [] }
    expect(() => checkUploadSize(new Blob(['abc']), limits)).not.toThrow()
    expect(() => checkUploadSize(new Blob(['abcd']), limits)).toThrow(expect.objectContaining({ code: 'payload_too_large' }))
    expect(() => checkUploadSize(new Blob(['abcd']), undefined)).not.toThrow()
  })
})

describe('uploadFile without XMLHttpRequest (fetch)', () => {
  it('posts one part named "file" with the given name and the token, and reports completion', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => json(201, FILE))
    const http = createHttpClient({ baseUrl: 'http://chat.test', getToken: () => 'tok', fetch })
    const progress = vi.fn()
    await expect(uploadFile(http, '/api/visitor/uploads', new Blob(['abc']), { name: 'a.png', onProgress: progress })).resolves.toEqual(FILE)
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('http://chat.test/api/visitor/uploads')
    expect(init?.headers).toMatchObject({ authorization: 'Bearer tok' })
    expect(init?.headers).not.toHaveProperty('content-type') // fetch sets the multipart boundary
    const form = init?.body as FormData
    const keys: string[] = []
    form.forEach((_, key) => keys.push(key))
    expect(keys).toEqual(['file'])
    expect((form.get('file') as File).name).toBe('a.png')
    expect(progress).toHaveBeenCalledWith(3, 3)
  })

  it('turns an error answer into a LiveChatError, and an abort into "aborted"', async () => {
    const refuse = createHttpClient({ baseUrl: 'http://x', fetch: async () => json(415, { error: { code: 'unsupported_type', message: 'no' } }) })
    await expect(uploadFile(refuse, '/u', new Blob(['<html>']))).rejects.toMatchObject({ code: 'unsupported_type', status: 415 })
    const proxy = createHttpClient({ baseUrl: 'http://x', fetch: async () => new Response('<h1>Too large</h1>', { status: 413 }) })
    await expect(uploadFile(proxy, '/u', new Blob(['x']))).rejects.toMatchObject({ code: 'payload_too_large', status: 413 })
    const controller = new AbortController()
    const hang = createHttpClient({
      baseUrl: 'http://x',
      fetch: (_u, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    })
    const pending = uploadFile(hang, '/u', new Blob(['x']), { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
  })
})

/** A stand-in XMLHttpRequest that records what is sent and lets the test answer. */
class FakeXhr {
  static last: FakeXhr | undefined
  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: unknown
  status = 0
  responseText = ''
  timeout = 0
  aborted = false
  upload: { onprogress?: (e: Partial<ProgressEvent>) => void; onload?: (e: Partial<ProgressEvent>) => void } = {}
  onload?: () => void
  onerror?: () => void
  ontimeout?: () => void
  onabort?: () => void
  constructor() {
    FakeXhr.last = this
  }
  open(method: string, url: string) {
    this.method = method
    this.url = url
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value
  }
  send(body: unknown) {
    this.body = body
  }
  abort() {
    this.aborted = true
    this.onabort?.()
  }
  answer(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.onload?.()
  }
}

describe('uploadFile with XMLHttpRequest (browsers, with onProgress)', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })
  /** The request an upload just made (its module loads first: see http.ts). */
  const sent = async (): Promise<FakeXhr> => {
    const xhr = await vi.waitUntil(() => FakeXhr.last)
    FakeXhr.last = undefined
    return xhr
  }
  const http = createHttpClient({ baseUrl: 'http://chat.test', getToken: () => 'tok', fetch: vi.fn() })

  it('reports progress as the body goes up and resolves with the answer', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    const progress: [number, number][] = []
    const done = uploadFile(http, '/api/visitor/uploads', new Blob(['abcdef']), { name: 'f.png', onProgress: (l, t) => progress.push([l, t]) })
    const xhr = await sent()
    expect({ method: xhr.method, url: xhr.url, auth: xhr.headers['authorization'] }).toEqual({ method: 'POST', url: 'http://chat.test/api/visitor/uploads', auth: 'Bearer tok' })
    expect(((xhr.body as FormData).get('file') as File).name).toBe('f.png')
    xhr.upload.onprogress!({ lengthComputable: true, loaded: 100, total: 300 })
    xhr.upload.onprogress!({ lengthComputable: false, loaded: 150, total: 0 })
    xhr.upload.onload!({ lengthComputable: true, loaded: 300, total: 300 })
    xhr.answer(201, FILE)
    await expect(done).resolves.toEqual(FILE)
    expect(progress).toEqual([[100, 300], [300, 300]])
  })

  it('turns error answers, network failures and aborts into LiveChatErrors', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    const onProgress = () => undefined
    const refused = uploadFile(http, '/u', new Blob(['x']), { onProgress })
    ;(await sent()).answer(413, { error: { code: 'payload_too_large', message: 'too big' } })
    await expect(refused).rejects.toMatchObject({ code: 'payload_too_large', status: 413, message: 'too big' })

    const failed = uploadFile(http, '/u', new Blob(['x']), { onProgress })
    ;(await sent()).onerror!()
    await expect(failed).rejects.toMatchObject({ code: 'unavailable', retryable: true })

    const controller = new AbortController()
    const aborted = uploadFile(http, '/u', new Blob(['x']), { onProgress, signal: controller.signal })
    const request = await sent()
    controller.abort()
    await expect(aborted).rejects.toMatchObject({ code: 'aborted' })
    expect(request.aborted).toBe(true)

    // Aborted while the request's module loads: no request goes out.
    const early = new AbortController()
    const never = uploadFile(http, '/u', new Blob(['x']), { onProgress, signal: early.signal })
    early.abort()
    await expect(never).rejects.toMatchObject({ code: 'aborted' })
    expect(FakeXhr.last).toBeUndefined()
  })
})
