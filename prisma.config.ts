// Configuration for the stock Prisma CLI (`npx prisma migrate deploy`, `prisma migrate status`, ...),
// for deployments that can reach Prisma's engine downloads. The server itself never needs the
// CLI: it applies the same prisma/migrations folder in-process with Prisma's WebAssembly schema
// engine (packages/server/src/shared/db/migrate.ts).
import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
})
