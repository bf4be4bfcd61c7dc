import { afterEach, describe, expect, it } from 'vitest'
import { LocalStorage, MemoryStorage, resolveStorage } from './storage.js'

/** A minimal localStorage stand-in. */
class FakeLocalStorage {
  readonly data = new Map<string, string>()
  getItem(key: string): string | null {
    return this.data.get(key) ?? null
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value)
  }
  removeItem(key: string): void {
    this.data.delete(key)
  }
}

const g = globalThis as { localStorage?: unknown }

afterEach(() => {
  delete g.localStorage
})

describe('MemoryStorage', () => {
  it('gets what was set, null otherwise, and forgets removed keys', () => {
    const s = new MemoryStorage()
    expect(s.get('visitor:a')).toBeNull()
    s.set('visitor:a', 'token')
    expect(s.get('visitor:a')).toBe('token')
    s.remove('visitor:a')
    expect(s.get('visitor:a')).toBeNull()
    s.remove('missing') // no throw
  })
})

describe('LocalStorage', () => {
  it('stores under the prefix in localStorage, one key per site', () => {
    const ls = new FakeLocalStorage()
    g.localStorage = ls
    const s = new LocalStorage()
    s.set('visitor:site-1', 't1')
    s.set('visitor:site-2', 't2')
    expect(ls.data.get('live-chat:visitor:site-1')).toBe('t1')
    expect(s.get('visitor:site-2')).toBe('t2')
    s.remove('visitor:site-1')
    expect(ls.data.has('live-chat:visitor:site-1')).toBe(false)
  })

  it('honours a custom prefix', () => {
    const ls = new FakeLocalStorage()
    g.localStorage = ls
    new LocalStorage('x/').set('k', 'v')
    expect([...ls.data.keys()]).toEqual(['x/k'])
  })

  it('without localStorage, behaves as memory', () => {
    const s = new LocalStorage()
    s.set('k', 'v')
    expect(s.get('k')).toBe('v')
    s.remove('k')
    expect(s.get('k')).toBeNull()
  })

  it('when localStorage throws (private mode, full quota), behaves as memory', () => {
    g.localStorage = {
      getItem() {
        throw new Error('SecurityError')
      },
      setItem() {
        throw new Error('QuotaExceededError')
      },
      removeItem() {
        throw new Error('SecurityError')
      },
    }
    const s = new LocalStorage()
    expect(() => s.set('k', 'v')).not.toThrow()
    expect(s.get('k')).toBe('v')
    expect(() => s.remove('k')).not.toThrow()
    expect(s.get('k')).toBeNull()
  })

  it('when merely reading globalThis.localStorage throws, behaves as memory', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new Error('SecurityError: sandboxed iframe')
      },
    })
    const s = new LocalStorage()
    s.set('k', 'v')
    expect(s.get('k')).toBe('v')
  })
})

describe('resolveStorage', () => {
  it('defaults to memory outside browsers and passes custom storages through', () => {
    expect(resolveStorage(undefined)).toBeInstanceOf(MemoryStorage)
    expect(resolveStorage('local')).toBeInstanceOf(LocalStorage)
    const mine = new MemoryStorage()
    expect(resolveStorage(mine)).toBe(mine)
  })
})
