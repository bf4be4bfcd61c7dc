// A consumer project outside the repository that installs the packed tarballs the way an adopter
// does (`npm ci`), offline. Offline needs a lockfile: without one npm asks the registry for
// package metadata, which `npm ci` of the repository never caches (it fetches tarballs by the
// lockfile's URLs only). So the consumer's package-lock.json is cut from the repository's own: the
// entries its dependencies reach, at the same places in the tree, with each workspace package
// replaced by its tarball. Every tarball it names is then in the npm cache that `npm ci` filled.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

interface LockEntry {
  name?: string
  version?: string
  resolved?: string
  link?: boolean
  dev?: boolean
  devOptional?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  devDependencies?: Record<string, string>
  [key: string]: unknown
}

interface Lock {
  lockfileVersion: number
  packages: Record<string, LockEntry>
}

/** Where `name` resolves from the entry at `from` (node's lookup: nearest node_modules upwards). */
function resolveIn(lock: Lock, from: string, name: string): string | undefined {
  let dir = from
  for (;;) {
    const at = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`
    if (lock.packages[at]) return at
    if (!dir) return undefined
    const i = dir.lastIndexOf('/node_modules/')
    dir = i >= 0 ? dir.slice(0, i) : ''
  }
}

export interface ConsumerOptions {
  /** The repository (its package-lock.json and package.json). */
  root: string
  /** The consumer's folder (empty). */
  dir: string
  /** Workspace package name → its tarball. */
  tarballs: Record<string, string>
  /** More dependencies of the consumer, at the versions the repository's lockfile has (e.g. typescript). */
  extra: string[]
}

/** Writes the consumer's package.json and package-lock.json, then `npm ci --offline` there. */
export async function installConsumer(opts: ConsumerOptions): Promise<{ seconds: number; packages: number }> {
  const registry = (await run('npm', ['config', 'get', 'registry'])).stdout.trim().replace(/\/?$/, '/')
  const lock = JSON.parse(fs.readFileSync(path.join(opts.root, 'package-lock.json'), 'utf8')) as Lock
  // Workspace packages: node_modules/@live-chat/x is a link to packages/x in the repository.
  const workspaces = new Map<string, string>()
  for (const [at, e] of Object.entries(lock.packages)) if (e.link && e.resolved && opts.tarballs[at.replace(/^node_modules\//, '')]) workspaces.set(e.resolved, at)
  const place = (at: string) => {
    for (const [ws, linked] of workspaces) if (at === ws || at.startsWith(`${ws}/`)) return linked + at.slice(ws.length)
    return at
  }
  const target = (at: string) => (lock.packages[at]?.link ? lock.packages[at]!.resolved! : at)

  const kept = new Map<string, LockEntry>()
  const visit = (at: string) => {
    const real = target(at)
    const where = place(real)
    if (kept.has(where)) return
    const e = lock.packages[real]
    if (!e) throw new Error(`package-lock.json has no ${real}`)
    const { dev: _d, devOptional: _o, devDependencies: _dd, ...entry } = e
    // This machine's npm writes lockfiles without registry URLs (omit-lockfile-registry-resolved);
    // offline, npm finds a tarball in its cache by that URL only.
    if (!entry.resolved && entry.version && entry.integrity && !entry.link) {
      const name = entry.name ?? real.slice(real.lastIndexOf('node_modules/') + 'node_modules/'.length)
      entry.resolved = `${registry}${name}/-/${name.replace(/^@[^/]+\//, '')}-${entry.version}.tgz`
    }
    kept.set(where, entry)
    const optionalPeers = new Set(Object.entries(e.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n))
    for (const [deps, optional] of [[e.dependencies, false], [e.optionalDependencies, true], [e.peerDependencies, false]] as const) {
      for (const name of Object.keys(deps ?? {})) {
        if (optionalPeers.has(name)) continue // npm installs an optional peer only when something else needs it
        const found = resolveIn(lock, real, name)
        if (found) visit(found)
        else if (!optional) throw new Error(`${real} needs ${name}, which package-lock.json does not have`)
      }
    }
  }

  const dependencies: Record<string, string> = {}
  for (const [name, file] of Object.entries(opts.tarballs)) {
    dependencies[name] = `file:${path.relative(opts.dir, file)}`
    visit(`node_modules/${name}`)
    const at = `node_modules/${name}`
    kept.set(at, { ...kept.get(at), resolved: dependencies[name] })
    delete kept.get(at)!.name
  }
  for (const name of opts.extra) {
    const at = `node_modules/${name}`
    const version = lock.packages[at]?.version
    if (!version) throw new Error(`package-lock.json has no ${at}`)
    dependencies[name] = version
    visit(at)
  }
  const pkg = { name: 'live-chat-consumer', version: '1.0.0', private: true, type: 'module', dependencies }
  fs.writeFileSync(path.join(opts.dir, 'package.json'), JSON.stringify(pkg, null, 2))
  const packages: Record<string, LockEntry> = { '': { name: pkg.name, version: pkg.version, dependencies } }
  for (const at of [...kept.keys()].sort()) packages[at] = kept.get(at)!
  fs.writeFileSync(path.join(opts.dir, 'package-lock.json'), JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages }, null, 2))
  const started = Date.now()
  // Install scripts off, as pnpm does by default: nothing the packages need may depend on one.
  await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: opts.dir, maxBuffer: 32 << 20 })
  return { seconds: (Date.now() - started) / 1000, packages: kept.size }
}
