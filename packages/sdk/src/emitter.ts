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

/** A registered function; `once` wrappers remember the function they wrap. */
type Registered = ((payload: unknown) => unknown) & { original?: unknown }

/**
 * Typed event emitter with `on` / `off` / `once`. `E` maps each event name to its payload type
 * (`void` for events without a payload). A listener that throws never stops the other
 * listeners nor the code that emitted: the error goes to `onListenerError` (default:
 * `console.error`).
 */
export class Emitter<E extends object> {
  readonly #listeners = new Map<PropertyKey, Set<Registered>>()
  readonly #onListenerError: ListenerErrorHandler

  /** @param onListenerError Receives errors thrown by listeners; default logs with console.error. */
  constructor(onListenerError: ListenerErrorHandler = (error, event) => console.error(`[live-chat] a listener for "${event}" threw:`, error)) {
    this.#onListenerError = onListenerError
  }

  /**
   * Calls `fn` every time `event` is emitted.
   * @returns A function that removes this listener (same as calling `off(event, fn)`).
   */
  on<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    this.#listeners.set(event, (this.#listeners.get(event) ?? new Set()).add(fn as Registered))
    return () => this.off(event, fn)
  }

  /** Removes a listener added with `on` or `once`. Does nothing if it is not registered. */
  off<K extends keyof E>(event: K, fn: Listener<E[K]>): void {
    const set = this.#listeners.get(event)
    if (!set) return
    for (const registered of set) if (registered === fn || registered.original === fn) set.delete(registered)
    if (!set.size) this.#listeners.delete(event)
  }

  /**
   * Calls `fn` the next time `event` is emitted, then removes it.
   * @returns A function that removes the listener before it fires.
   */
  once<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    const wrapper: Registered = (payload) => {
      this.off(event, fn)
      return (fn as Registered)(payload)
    }
    wrapper.original = fn
    return this.on(event, wrapper as Listener<E[K]>)
  }

  /** Calls every listener of `event` in the order they were added. */
  emit<K extends keyof E>(event: K, ...args: EmitArgs<E[K]>): void {
    const report = (error: unknown): void => {
      try {
        this.#onListenerError(error, String(event))
      } catch {
        // The error handler itself failed: nothing sensible is left to do.
      }
    }
    for (const fn of [...(this.#listeners.get(event) ?? [])]) {
      try {
        // A listener's returned promise (if any) is watched for a rejection.
        Promise.resolve(fn(args[0])).catch(report)
      } catch (error) {
        report(error)
      }
    }
  }

  /** How many listeners `event` has (all events when omitted). */
  listenerCount(event?: keyof E): number {
    let n = 0
    for (const [key, set] of this.#listeners) if (event === undefined || key === event) n += set.size
    return n
  }

  /** Removes every listener of `event`, or of all events when omitted. */
  removeAllListeners(event?: keyof E): void {
    if (event === undefined) this.#listeners.clear()
    else this.#listeners.delete(event)
  }
}
