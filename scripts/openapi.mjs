// Writes the OpenAPI document of the built server to packages/server/openapi.json, the copy
// the package ships (the running server also serves it at GET /api/openapi.json).
import { writeFileSync } from 'node:fs'
import { openApiJson } from '../packages/server/dist/openapi/document.js'

const out = new URL('../packages/server/openapi.json', import.meta.url)
writeFileSync(out, openApiJson())
