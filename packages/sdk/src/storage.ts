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
    const ls = localStorageOrNull()
    if (ls) {
      try {
        const value = ls.getItem(this.#prefix + key)
        if (value !== null) return value
      } catch {
        // fall through to the memory copy
      }
    }
    return this.#fallback.get(key)
  }

  /** @inheritDoc */
  set(key: string, value: string): void {
    const ls = localStorageOrNull()
    if (ls) {
      try {
        ls.setItem(this.#prefix + key, value)
        this.#fallback.remove(key)
        return
      } catch {
        // quota or access error: keep it in memory
      }
    }
    this.#fallback.set(key, value)
  }

  /** @inheritDoc */
  remove(key: string): void {
    this.#fallback.remove(key)
    const ls = localStorageOrNull()
    if (!ls) return
    try {
      ls.removeItem(this.#prefix + key)
    } catch {
      // nothing more we can do
    }
  }
}

interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** `globalThis.localStorage`, or null when absent or when merely reading it throws. */
function localStorageOrNull(): StorageLike | null {
  try {
    const ls = (globalThis as { localStorage?: StorageLike }).localStorage
    return ls && typeof ls.getItem === 'function' ? ls : null
  } catch {
    return null
  }
}

/** What the clients accept for their `storage` option. */
export type StorageOption = 'memory' | 'local' | TokenStorage

/** Turns a `storage` option into a TokenStorage; the default is `local` in browsers, else `memory`. */
export function resolveStorage(option: StorageOption | undefined): TokenStorage {
  const choice = option ?? (isBrowser() ? 'local' : 'memory')
  if (choice === 'memory') return new MemoryStorage()
  if (choice === 'local') return new LocalStorage()
  return choice
}

/** True when running in a page (a `window` and a `document` exist). */
export function isBrowser(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined'
}
