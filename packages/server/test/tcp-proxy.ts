// A tiny round-robin TCP load balancer (node:net), as deployed in front of several server
// processes: each new connection goes to the next upstream that accepts it, so a client whose
// process died reconnects to a live one. Also a plug to pull: close() cuts every connection
// (e.g. to take a database away from a server).
import net from 'node:net'

export interface TcpProxy {
  port: number
  close(): Promise<void>
}

/** @param listenPort Where to listen (default: a free port), e.g. a port a process already tries to reach. */
export async function startProxy(upstreams: number[], host = '127.0.0.1', listenPort = 0): Promise<TcpProxy> {
  const pairs = new Set<{ down: net.Socket; up?: net.Socket }>()
  let next = 0
  const server = net.createServer((down) => {
    const pair: { down: net.Socket; up?: net.Socket } = { down }
    pairs.add(pair)
    down.pause()
    down.on('error', () => undefined)
    down.once('close', () => {
      pairs.delete(pair)
      pair.up?.destroy()
    })
    // Try each upstream once, starting with the next in turn; a refused one is skipped.
    const first = next++
    const attempt = (i: number): void => {
      if (i === upstreams.length || down.destroyed) return void down.destroy()
      const port = upstreams[(first + i) % upstreams.length]!
      const up = net.connect(port, host)
      up.once('error', () => {
        if (pair.up === up) return void down.destroy()
        up.destroy()
        attempt(i + 1)
      })
      up.once('connect', () => {
        if (down.destroyed) return void up.destroy()
        pair.up = up
        up.on('error', () => down.destroy())
        up.once('close', () => down.destroy())
        down.pipe(up)
        up.pipe(down)
        down.resume()
      })
    }
    attempt(0)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(listenPort, host, () => resolve())
  })
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const p of pairs) {
        p.down.destroy()
        p.up?.destroy()
      }
      await closed
    },
  }
}
