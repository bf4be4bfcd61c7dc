// Background work a service started and did not await (a recompute after a change, a presence
// write, a webhook send), kept so that its stop can wait for it: the app closes the database only
// after its services stopped, and work still running then would hold a transaction open on a pool
// that is gone (a connection left idle in its transaction until the server ends it).
export class InFlight {
  private readonly running = new Set<Promise<unknown>>()

  /** How many are running. */
  get size(): number {
    return this.running.size
  }

  /** Keeps `p` until it settles, and returns it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p)
    const done = () => this.running.delete(p)
    p.then(done, done)
    return p
  }

  /** Waits until nothing is running, including work started while it waits. Never rejects. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }
}
