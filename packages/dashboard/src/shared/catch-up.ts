// A state loaded by a request and kept live by events: an event heard while a load is on its way
// may be newer than the load's answer (read before the event's change), so it is applied again on
// top of that answer; and of loads that overlap (a reconnect during the first), only the latest
// one's answer is applied.

export class CatchUp<E> {
  #loads = 0
  #heard: E[] | null = null

  /** Whether a load is on its way. */
  get loading(): boolean {
    return this.#heard !== null
  }

  /** An event, as it is applied live: kept to be applied again if a load is on its way. */
  heard(event: E): void {
    this.#heard?.push(event)
  }

  /**
   * Runs `load`; when it answers and no later load started, `apply` its answer, then `replay` the
   * events heard meanwhile. Resolves to whether the answer was applied; rejects as `load` does.
   */
  async load<T>(load: () => Promise<T>, apply: (answer: T) => void, replay: (event: E) => void): Promise<boolean> {
    const n = ++this.#loads
    const heard: E[] = (this.#heard = [])
    try {
      const answer = await load()
      if (n !== this.#loads) return false
      apply(answer)
      for (const e of heard) replay(e)
      return true
    } finally {
      if (n === this.#loads) this.#heard = null
    }
  }

  /** Forgets a load on its way (its answer will not be applied). */
  reset(): void {
    this.#loads++
    this.#heard = null
  }
}
