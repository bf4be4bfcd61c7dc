// .env.example from the configuration schema (config.ts): every variable with its description,
// allowed values and default, all left unset. `npm run env-example` writes it; a unit test fails
// when the committed file differs. zod's JSON Schema export reads the schema (descriptions and
// metadata included), so nothing here repeats a variable.
import { z } from 'zod'
import { EnvSchema } from './config.js'

interface Property {
  description?: string
  default?: unknown
  enum?: unknown[]
  example?: string
  section?: string
  /** Listed as `NAME=` to fill in; the others are commented out, so an unchanged copy overrides nothing (e.g. the image's NODE_ENV). */
  setInProduction?: boolean
}

const WIDTH = 100

/** Read by docker-compose.yml itself, not by the server: [name, description, fill in]. */
export const COMPOSE_VARIABLES: [string, string, boolean][] = [
  ['POSTGRES_PASSWORD', 'The database password docker-compose.yml gives Postgres and the servers (letters and digits: it goes into a URL; openssl rand -hex 24).', true],
  ['HTTP_PORT', 'The host port nginx listens on. Default: 80.', false],
]

export function renderEnvExample(): string {
  const props = (io: 'input' | 'output') => z.toJSONSchema(EnvSchema, { io, unrepresentable: 'any' }).properties as Record<string, Property>
  // Allowed values as written in the environment (input); defaults as the server sees them (output: TRUST_PROXY's false).
  const input = props('input')
  const output = props('output')
  const out = [
    '# Live Chat server configuration. Copy to .env (docker compose reads it), fill in the uncommented',
    '# variables and uncomment what else you change; an empty value is unset and its default applies.',
    '# Guide: docs/operations.md.',
    '# Generated from packages/server/src/config.ts by `npm run env-example`: do not edit by hand.',
  ]
  for (const [name, p] of Object.entries(input)) {
    if (!p.description) throw new Error(`config.ts: ${name} has no description (add .describe() or .meta())`)
    if (p.section) out.push('', `# ---- ${p.section} `.padEnd(WIDTH, '-'))
    out.push('')
    const facts = [p.description]
    if (p.enum) facts.push(`One of: ${p.enum.join(', ')}.`)
    const fallback = output[name]?.default ?? p.default
    if (fallback !== undefined) facts.push(`Default: ${String(fallback)}.`)
    if (p.example) facts.push(`Example: ${p.example}`)
    out.push(...wrap(facts.join(' ')).map((l) => `# ${l}`), p.setInProduction ? `${name}=` : `# ${name}=`)
  }
  out.push('', '# ---- docker-compose.yml only '.padEnd(WIDTH, '-'))
  for (const [name, description, fill] of COMPOSE_VARIABLES) out.push('', ...wrap(description).map((l) => `# ${l}`), fill ? `${name}=` : `# ${name}=`)
  return out.join('\n') + '\n'
}

function wrap(text: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > WIDTH - 2) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  return line ? [...lines, line] : lines
}
