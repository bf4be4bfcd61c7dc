// Local HTTP receivers for webhook tests, on 127.0.0.1 (which those tests' servers are told to allow).
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

async function listen(server: http.Server, port: number): Promise<number> {
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return (server.address() as AddressInfo).port
}

/** A receiver that records requests and answers `box.answer()` (default 200), after `box.delayMs`. */
export async function receiver(port = 0) {
  const got: Received[] = []
  const box = { answer: () => 200, delayMs: 0 }
  const server = http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      got.push({ headers: req.headers, body, at: Date.now() })
      setTimeout(() => {
        res.statusCode = box.answer()
        res.end()
      }, box.delayMs)
    })
  })
  const p = await listen(server, port)
  return {
    got,
    box,
    port: p,
    url: `http://127.0.0.1:${p}/hook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

/** A receiver that takes every request and never answers: `waiting` counts those it holds. */
export async function blackHole() {
  const held = new Set<http.ServerResponse>()
  let received = 0
  const server = http.createServer((req, res) => {
    received++
    held.add(res)
    req.resume()
    res.on('close', () => held.delete(res))
  })
  const p = await listen(server, 0)
  return {
    url: `http://127.0.0.1:${p}/hook`,
    get received() {
      return received
    },
    get waiting() {
      return held.size
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
