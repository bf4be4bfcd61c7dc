import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { EnvSchema, loadConfig } from './config.js'
import { renderEnvExample } from './env-example.js'

const committed = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../.env.example')

describe('.env.example', () => {
  it('is what `npm run env-example` renders from the configuration schema', () => {
    // On failure: run `npm run env-example` and commit .env.example.
    expect(fs.readFileSync(committed, 'utf8')).toBe(renderEnvExample())
  })

  it('names every variable the server reads, each with a description', () => {
    const text = renderEnvExample()
    for (const name of Object.keys(EnvSchema.shape)) expect(text).toMatch(new RegExp(`^(# )?${name}=$`, 'm'))
  })

  it('as copied (only its uncommented lines, empty) is a valid development configuration', () => {
    const env = Object.fromEntries([...renderEnvExample().matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]))
    expect(Object.keys(env).sort()).toEqual(['PUBLIC_URL', 'SECRET'])
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-env-'))
    try {
      expect(loadConfig({ ...env, DATA_DIR: dataDir }).env).toBe('development')
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
