// Writes .env.example from the server's configuration schema (packages/server/src/env-example.ts).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderEnvExample } from '../packages/server/src/env-example.js'

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.env.example')
fs.writeFileSync(file, renderEnvExample())
console.log(`wrote ${path.relative(process.cwd(), file)}`)
