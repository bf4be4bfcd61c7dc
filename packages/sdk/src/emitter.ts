/**
 * A small typed event emitter. Each event carries at most one payload; events whose payload type
 * is `void` are emitted without an argument.
 *
 * @example
 * const events = new Emitter<{ message: Message; ready: void }>()
 * const stop = events.on('message', (m) => console.log(m.text))
 * events.emit('ready')
 * stop()
 */

/** A listener for one event of an event map. */
export type Listener<T> = [T] extends [void] ? () => void : (payload: T) => void

/** Arguments `emit` takes for an event: nothing for `void` payloads, else the payload. */
export type EmitArgs<T> = [T] extends [void] ? [] : [payload: T]

/** Called when a listener throws (or its returned promise rejects). */
export type ListenerErrorHandler = (error: unknown, event: string) => void

const defaultErrorHandler: ListenerErrorHandler = (error, event) => {
  console.error(`[live-chat] a listener for "${event}" threw:`, error)
}

/**
 * Typed event emitter with `on` / `off` / `once`. `E` maps each event name to its payload type
 * (`void` for events without a payload). A listener that throws never stops the other
 * listeners nor the code that emitted: the error goes to `onListenerError` (default:
 * `console.error`).
 */
export class Emitter<E extends object> {
  readonly #listeners = new Map<keyof E, Set<(payload: unknown) => unknown>>()
  readonly #onListenerError: ListenerErrorHandler

  /** @param onListenerError Receives errors thrown by listeners; default logs with console.error. */
  constructor(onListenerError: ListenerErrorHandler = defaultErrorHandler) {
    this.#onListenerError = onListenerError
  }

  /**
   * Calls `fn` every time `event` is emitted.
   * @returns A function that removes this listener (same as calling `off(event, fn)`).
   */
  on<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event)
    if (!set) {
      set = new Set()
      this.#listeners.set(event, set)
    }
    set.add(fn as (payload: unknown) => unknown)
    return () => this.off(event, fn)
  }

  /** Removes a listener added with `on` or `once`. Does nothing if it is not registered. */
  off<K extends keyof E>(event: K, fn: Listener<E[K]>): void {
    const set = this.#listeners.get(event)
    if (!set) return
    set.delete(fn as (payload: unknown) => unknown)
    // `once` wrappers remember the function they wrap.
    for (const registered of set) {
      if ((registered as OnceWrapper).original === fn) set.delete(registered)
    }
    if (set.size === 0) this.#listeners.delete(event)
  }

  /**
   * Calls `fn` the next time `event` is emitted, then removes it.
   * @returns A function that removes the listener before it fires.
   */
  once<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    const wrapper: OnceWrapper = (payload: unknown) => {
      this.off(event, fn)
      return (fn as (payload: unknown) => unknown)(payload)
    }
    wrapper.original = fn
    return this.on(event, wrapper as unknown as Listener<E[K]>)
  }

  /** Calls every listener of `event` in the order they were added. */
  emit<K extends keyof E>(event: K, ...args: EmitArgs<E[K]>): void {
    const set = this.#listeners.get(event)
    if (!set) return
    const payload = args[0]
    for (const fn of [...set]) {
      try {
        const result = fn(payload)
        if (isThenable(result)) result.then(undefined, (error) => this.#report(error, event))
      } catch (error) {
        this.#report(error, event)
      }
    }
  }

  /** How many listeners `event` has (all events when omitted). */
  listenerCount(event?: keyof E): number {
    if (event !== undefined) return this.#listeners.get(event)?.size ?? 0
    let n = 0
    for (const set of this.#listeners.values()) n += set.size
    return n
  }

  /** Removes every listener of `event`, or of all events when omitted. */
  removeAllListeners(event?: keyof E): void {
    if (event === undefined) this.#listeners.clear()
    else this.#listeners.delete(event)
  }

  #report(error: unknown, event: keyof E): void {
    try {
      this.#onListenerError(error, String(event))
    } catch {
      // The error handler itself failed: nothing sensible is left to do.
    }
  }
}

type OnceWrapper = ((payload: unknown) => unknown) & { original?: unknown }

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
