// `prisma generate` without Prisma's engine download. Generating the TypeScript client
// (generator "prisma-client") needs no engine, but the CLI resolves the schema-engine binary
// first and would try to fetch it; pointing it at a stand-in avoids that everywhere.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const cli = require.resolve('prisma/build/index.js')
const env = { ...process.env }
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.platform === 'win32' ? 'cmd.exe' : '/bin/false'
env.PRISMA_HIDE_UPDATE_MESSAGE = '1'
const r = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env })
process.exit(r.status ?? 1)
