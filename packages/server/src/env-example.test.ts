import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { EnvSchema, loadConfig } from './config.js'
import { COMPOSE_VARIABLES, renderEnvExample } from './env-example.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const committed = path.join(root, '.env.example')

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
    expect(Object.keys(env).sort()).toEqual(['POSTGRES_PASSWORD', 'PUBLIC_URL', 'SECRET'])
    delete env['POSTGRES_PASSWORD']
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-env-'))
    try {
      expect(loadConfig({ ...env, DATA_DIR: dataDir }).env).toBe('development')
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('lists every variable docker-compose.yml substitutes', () => {
    const compose = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')
    const used = new Set([...compose.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]))
    expect([...used].sort()).toEqual(COMPOSE_VARIABLES.map(([name]) => name).sort())
  })
})
