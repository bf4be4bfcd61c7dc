import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_RATE_LIMITS, loadConfig } from '../../src/config.js'

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lc-config-'))

describe('loadConfig', () => {
  it('when nothing is set, runs on the embedded database with a generated secret kept in the data folder', () => {
    const dir = tmp()
    const c = loadConfig({ DATA_DIR: dir })
    expect(c).toMatchObject({ port: 3000, env: 'development', databaseUrl: undefined, demo: true, publicUrl: 'http://localhost:3000' })
    expect(c.secret).toHaveLength(64)
    expect(fs.readFileSync(path.join(dir, 'secret'), 'utf8')).toBe(c.secret)
    expect(loadConfig({ DATA_DIR: dir }).secret).toBe(c.secret)
  })

  it('when values are bad, names each one with what is wrong, and never echoes secrets or URLs', () => {
    let message = ''
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://u:hunter2@x/db', REDIS_URL: 'http://x', SECRET: 'short', LOG_LEVEL: 'loud', DEMO: 'maybe' })
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      message = (e as Error).message
    }
    expect(message).toContain('PORT: must be a number (got "abc")')
    expect(message).toContain('DATABASE_URL: must be a URL starting with postgres:// or postgresql://')
    expect(message).toContain('REDIS_URL: must be a URL starting with redis:// or rediss://')
    expect(message).toContain('SECRET: must be at least 32 characters')
    expect(message).toContain('LOG_LEVEL: must be one of')
    expect(message).toContain('DEMO: must be true or false')
    expect(message).not.toContain('hunter2')
    expect(message).not.toContain('short')
  })

  it('in production, requires SECRET and turns the demo off', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp() })).toThrow(/SECRET: required in production/)
    const c = loadConfig({ NODE_ENV: 'production', SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://db/app' })
    expect(c.demo).toBe(false)
  })

  it('rejects a port out of range and an app database URL without the owner URL', () => {
    expect(() => loadConfig({ PORT: '70000', DATA_DIR: tmp() })).toThrow(/PORT: must be 0–65535/)
    expect(() => loadConfig({ DATABASE_APP_URL: 'postgres://app@db/x', DATA_DIR: tmp() })).toThrow(/DATABASE_APP_URL: needs DATABASE_URL/)
  })

  it('takes the upload limit in bytes, 10 MB by default, and refuses a bad one', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).uploadMaxBytes).toBe(10 * 1024 * 1024)
    expect(loadConfig({ DATA_DIR: tmp(), UPLOAD_MAX_BYTES: '2048' }).uploadMaxBytes).toBe(2048)
    expect(() => loadConfig({ DATA_DIR: tmp(), UPLOAD_MAX_BYTES: '10MB' })).toThrow(/UPLOAD_MAX_BYTES: must be a number of bytes \(got "10MB"\)/)
    expect(() => loadConfig({ DATA_DIR: tmp(), UPLOAD_MAX_BYTES: '0' })).toThrow(/UPLOAD_MAX_BYTES: must be at least 1/)
    expect(() => loadConfig({ DATA_DIR: tmp(), UPLOAD_MAX_BYTES: String(200 * 1024 * 1024) })).toThrow(/UPLOAD_MAX_BYTES: must be at most/)
  })

  it('takes rate limits as <count>/<seconds> or off, with defaults, and refuses anything else', () => {
    const dir = tmp()
    expect(loadConfig({ DATA_DIR: dir }).rateLimits).toEqual(DEFAULT_RATE_LIMITS)
    const c = loadConfig({ DATA_DIR: dir, RATE_LIMIT_MESSAGES: '10/5', RATE_LIMIT_LOGIN: 'off', RATE_LIMIT_UPLOADS: '0/60', RATE_LIMIT_PREFIX: 'shop:rl' })
    expect(c.rateLimits).toEqual({ ...DEFAULT_RATE_LIMITS, messages: { points: 10, seconds: 5 }, login: null, uploads: null, prefix: 'shop:rl' })
    expect(() => loadConfig({ DATA_DIR: dir, RATE_LIMIT_SESSIONS: '100 per minute' })).toThrow(/RATE_LIMIT_SESSIONS: must be <count>\/<seconds> \(like 60\/60\) or off/)
  })

  it('serves the examples unless in production, where SERVE_EXAMPLES turns them on', () => {
    const prod = { NODE_ENV: 'production', SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://db/app' }
    expect(loadConfig({ DATA_DIR: tmp() }).serveExamples).toBe(true)
    expect(loadConfig({ DATA_DIR: tmp(), SERVE_EXAMPLES: 'false' }).serveExamples).toBe(false)
    expect(loadConfig(prod).serveExamples).toBe(false)
    expect(loadConfig({ ...prod, SERVE_EXAMPLES: 'true' }).serveExamples).toBe(true)
    expect(() => loadConfig({ ...prod, SERVE_EXAMPLES: 'sometimes' })).toThrow(/SERVE_EXAMPLES: must be true or false \(got "sometimes"\)/)
  })

  it('waits 60 s for the database at start by default; DATABASE_CONNECT_TIMEOUT_MS in milliseconds, 0 for one try', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).databaseConnectTimeoutMs).toBe(60_000)
    expect(loadConfig({ DATA_DIR: tmp(), DATABASE_CONNECT_TIMEOUT_MS: '0' }).databaseConnectTimeoutMs).toBe(0)
    expect(() => loadConfig({ DATA_DIR: tmp(), DATABASE_CONNECT_TIMEOUT_MS: '1m' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS: must be a number of milliseconds \(got "1m"\)/)
  })

  it('takes the networks webhooks may reach as CIDRs or addresses, none by default, and refuses anything else', () => {
    const dir = tmp()
    expect(loadConfig({ DATA_DIR: dir }).webhookAllowedNetworks).toEqual([])
    expect(loadConfig({ DATA_DIR: dir, WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8, fd00::/8,192.168.1.20' }).webhookAllowedNetworks).toEqual(['10.0.0.0/8', 'fd00::/8', '192.168.1.20'])
    expect(() => loadConfig({ DATA_DIR: dir, WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8,intranet' })).toThrow(/WEBHOOK_ALLOWED_NETWORKS: must be CIDRs or IP addresses/)
    expect(() => loadConfig({ DATA_DIR: dir, WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/33' })).toThrow(/WEBHOOK_ALLOWED_NETWORKS/)
  })

  it('treats empty variables as unset', () => {
    const c = loadConfig({ PORT: '', REDIS_URL: '', DATA_DIR: tmp() })
    expect(c.port).toBe(3000)
    expect(c.redisUrl).toBeUndefined()
  })
})
