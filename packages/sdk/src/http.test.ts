import { describe, expect, it, vi } from 'vitest'
import { LiveChatError } from './errors.js'
import { createHttpClient, queryString } from './http.js'

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

describe('HttpClient', () => {
  it('sends JSON with the bearer token and returns the parsed body', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => json(200, { ok: 1 }))
    const http = createHttpClient({ baseUrl: 'https://chat.example.com/', getToken: () => 'tok', fetch })
    await expect(http('POST', '/api/x', { body: { a: 1 } })).resolves.toEqual({ ok: 1 })
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('https://chat.example.com/api/x')
    expect(init?.method).toBe('POST')
    expect(init?.body).toBe('{"a":1}')
    expect(init?.headers).toMatchObject({ authorization: 'Bearer tok', 'content-type': 'application/json' })
  })

  it('sends no Authorization header when there is no token or token: null is given', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => json(200, {}))
    const http = createHttpClient({ baseUrl: 'http://x', getToken: () => 'tok', fetch })
    await http('GET', '/a', { token: null })
    expect(fetch.mock.calls[0]![1]?.headers).not.toHaveProperty('authorization')
  })

  it('returns undefined for 204', async () => {
    const http = createHttpClient({ baseUrl: 'http://x', fetch: async () => new Response(null, { status: 204 }) })
    await expect(http('DELETE', '/a')).resolves.toBeUndefined()
  })

  it('throws a LiveChatError built from an { error } body', async () => {
    const body = { error: { code: 'invalid_payload', message: 'bad', details: [{ path: 'text', message: 'empty' }] } }
    const http = createHttpClient({ baseUrl: 'http://x', fetch: async () => json(400, body) })
    const error = await http('GET', '/a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LiveChatError)
    expect(error).toMatchObject({ code: 'invalid_payload', status: 400, retryable: false, details: body.error.details })
  })

  it('maps a bare error status (e.g. a proxy page) to a code', async () => {
    const http = createHttpClient({ baseUrl: 'http://x', fetch: async () => new Response('<html>', { status: 502 }) })
    await expect(http('GET', '/a')).rejects.toMatchObject({ code: 'unavailable', status: 502, retryable: true })
  })

  it('turns a network failure into a retryable "unavailable"', async () => {
    const http = createHttpClient({
      baseUrl: 'http://x',
      fetch: async () => {
        throw new TypeError('fetch failed')
      },
    })
    await expect(http('GET', '/a')).rejects.toMatchObject({ code: 'unavailable', retryable: true })
  })

  it("responseType 'blob' resolves with the body as is, and still throws for an error answer", async () => {
    const csv = '\uFEFFa,b\r\n"x,1",2\r\n'
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response(csv, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } }))
    const http = createHttpClient({ baseUrl: 'http://x', fetch })
    const blob = await http<Blob>('GET', '/file', { responseType: 'blob' })
    expect(blob).toBeInstanceOf(Blob)
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await blob.arrayBuffer())).toBe(csv)
    expect(fetch.mock.calls[0]![1]?.headers).toMatchObject({ accept: '*/*' })
    const failing = createHttpClient({ baseUrl: 'http://x', fetch: async () => json(404, { error: { code: 'not_found', message: 'conversation not found' } }) })
    await expect(failing('GET', '/file', { responseType: 'blob' })).rejects.toMatchObject({ code: 'not_found', status: 404 })
  })

  it('turns a timeout into a retryable "unavailable"', async () => {
    const fetch = (_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))
    const http = createHttpClient({ baseUrl: 'http://x', fetch, timeoutMs: 10 })
    await expect(http('GET', '/a')).rejects.toMatchObject({ code: 'unavailable', retryable: true, message: 'GET /a timed out' })
  })
})

describe('queryString', () => {
  it('leaves out undefined values and joins arrays with commas', () => {
    expect(queryString({ status: ['pending', 'active'], mine: true, q: undefined, limit: 5 })).toBe('?status=pending%2Cactive&mine=true&limit=5')
    expect(queryString({})).toBe('')
  })
})

describe('LiveChatError', () => {
  it('respects the server\'s retryable flag and defaults it by code', () => {
    expect(LiveChatError.fromBody({ code: 'unavailable', message: 'x' }).retryable).toBe(true)
    expect(LiveChatError.fromBody({ code: 'unavailable', message: 'x', retryable: false }).retryable).toBe(false)
    expect(LiveChatError.fromBody({ code: 'not_found', message: 'x' }).retryable).toBe(false)
    expect(LiveChatError.from(new Error('socket gone'))).toMatchObject({ code: 'unavailable', retryable: true })
  })
})
