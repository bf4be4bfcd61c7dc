/**
 * Where the SDK keeps what must survive a page reload (the visitor token, unsent messages).
 * Keys are per site, e.g. `visitor:<siteId>` and `outbox:<siteId>`.
 */
export interface TokenStorage {
  /** The stored value, or null when there is none. */
  get(key: string): string | null
  /** Stores a value (replacing any earlier one). */
  set(key: string, value: string): void
  /** Removes a value; does nothing when there is none. */
  remove(key: string): void
}

/** Keeps values in memory only: they are gone when the page or process ends. */
export class MemoryStorage implements TokenStorage {
  readonly #values = new Map<string, string>()

  /** @inheritDoc */
  get(key: string): string | null {
    return this.#values.get(key) ?? null
  }

  /** @inheritDoc */
  set(key: string, value: string): void {
    this.#values.set(key, value)
  }

  /** @inheritDoc */
  remove(key: string): void {
    this.#values.delete(key)
  }
}

/**
 * Keeps values in `window.localStorage` under `prefix + key`.
 *
 * Where localStorage is missing (Node, some webviews) or throws (Safari private mode, a sandboxed
 * iframe, a full quota), values are kept in memory instead, so callers never see an exception.
 */
export class LocalStorage implements TokenStorage {
  readonly #prefix: string
  readonly #fallback = new MemoryStorage()

  /** @param prefix Prepended to every key; default `live-chat:`. */
  constructor(prefix = 'live-chat:') {
    this.#prefix = prefix
  }

  /** @inheritDoc */
  get(key: string): string | null {
    return local((ls) => ls.getItem(this.#prefix + key)) ?? this.#fallback.get(key)
  }

  /** @inheritDoc */
  set(key: string, value: string): void {
    if (local((ls) => (ls.setItem(this.#prefix + key, value), true))) this.#fallback.remove(key)
    else this.#fallback.set(key, value) // quota or access error: keep it in memory
  }

  /** @inheritDoc */
  remove(key: string): void {
    this.#fallback.remove(key)
    local((ls) => ls.removeItem(this.#prefix + key))
  }
}

/**
 * Runs `fn` with `localStorage`; undefined when it is missing or anything throws (reading the
 * global itself throws in sandboxed iframes; its methods may be absent or throw elsewhere).
 */
function local<T>(fn: (ls: Storage) => T): T | undefined {
  try {
    return fn(localStorage)
  } catch {
    return undefined
  }
}

/** What the clients accept for their `storage` option. */
export type StorageOption = 'memory' | 'local' | TokenStorage

/** Turns a `storage` option into a TokenStorage; the default is `local` in browsers, else `memory`. */
export function resolveStorage(option: StorageOption | undefined): TokenStorage {
  option ??= globalThis.document ? 'local' : 'memory' // local in browsers
  return option === 'memory' ? new MemoryStorage() : option === 'local' ? new LocalStorage() : option
}

