// `npm run pack [-- --out <dir>] [--dry-run]`: the tarballs a release publishes, one per workspace
// package, after `npm run build`. npm has no publishConfig for `exports`, and the repository's
// package.json files keep the `source` condition (tests and tsx run on the TypeScript), so each
// package is staged in a temporary folder with a cleaned package.json and packed there:
// - `source` conditions and scripts/devDependencies removed; `files` without src;
// - no tests (*.test.*, test folders), no build info, no declaration maps (they point at src);
// - LICENSE (the repository's) and the package's README.md copied in;
// - repository (with the package's directory), homepage, bugs, author, license and engines from
//   the root package.json, and publishConfig.access public (scoped packages are private otherwise);
// - the server gets prisma/schema.prisma and prisma/migrations (`live-chat-server migrate` and the
//   start read them there).
// Publish the files it writes (`npm publish <out>/<file>.tgz`), never a package folder: their
// `prepack` refuses, so a plain `npm publish -w …` cannot ship the raw package.json.
// With --dry-run it prints `npm pack --dry-run` of each staged package instead (files and sizes).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({ options: { out: { type: 'string', default: 'packed' }, 'dry-run': { type: 'boolean', default: false } } })
const out = path.resolve(values.out)
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

/** Files a tarball never carries. */
const unwanted = (name, isDir) =>
  isDir ? ['test', 'tests', '__tests__'].includes(name) : /\.test\.[cm]?[jt]sx?$|\.tsbuildinfo$|\.d\.ts\.map$/.test(name)

/** The export map without `source` conditions (recursively: conditions can nest). */
function withoutSource(target) {
  if (typeof target !== 'object' || target === null) return target
  return Object.fromEntries(Object.entries(target).filter(([k]) => k !== 'source').map(([k, v]) => [k, withoutSource(v)]))
}

function copy(from, to) {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      const stat = fs.statSync(src)
      return src === from || !unwanted(path.basename(src), stat.isDirectory())
    },
  })
  // The declaration maps are gone: drop the comments that name them.
  if (!fs.statSync(to).isDirectory()) return
  for (const f of fs.readdirSync(to, { recursive: true, withFileTypes: true })) {
    if (!f.isFile() || !f.name.endsWith('.d.ts')) continue
    const file = path.join(f.parentPath, f.name)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\.d\.ts\.map\s*$/, '\n'))
  }
}

/** The published package.json of one workspace package. */
function published(pkg, dir) {
  const { scripts: _s, devDependencies: _d, ...rest } = pkg
  const clean = {
    ...rest,
    exports: withoutSource(pkg.exports),
    files: [...pkg.files],
    author: rootPkg.author,
    license: rootPkg.license,
    homepage: `${rootPkg.homepage.replace(/#.*$/, '')}/tree/main/${dir}#readme`,
    repository: { ...rootPkg.repository, directory: dir },
    bugs: rootPkg.bugs,
    engines: rootPkg.engines,
    publishConfig: { access: 'public' },
  }
  if (Array.isArray(pkg.sideEffects)) clean.sideEffects = pkg.sideEffects.filter((f) => !f.startsWith('./src/'))
  return clean
}

/** Refuses a staged package that would ship what it must not. */
function check(stage, pkg) {
  const problems = []
  if (JSON.stringify(pkg.exports).includes('"source"')) problems.push('a source condition in exports')
  if (!fs.existsSync(path.join(stage, 'LICENSE'))) problems.push('no LICENSE')
  if (!fs.existsSync(path.join(stage, 'README.md'))) problems.push('no README.md')
  for (const [sub, target] of Object.entries(pkg.exports)) {
    const first = typeof target === 'object' ? Object.keys(target)[0] : undefined
    if (first && first !== 'types') problems.push(`exports["${sub}"] does not start with types`)
  }
  if (!pkg.exports['./package.json']) problems.push('no "./package.json" export')
  for (const f of pkg.files) if (f.startsWith('src') || f.startsWith('..')) problems.push(`files has ${f} (no sources; nothing outside the package)`)
  if (problems.length) throw new Error(`${pkg.name}: ${problems.join('; ')}`)
}

fs.mkdirSync(out, { recursive: true })
const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-pack-'))
try {
  for (const dir of rootPkg.workspaces) {
    const src = path.join(root, dir)
    const pkg = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'))
    const stage = path.join(staging, path.basename(dir))
    fs.mkdirSync(stage)
    const clean = published(pkg, dir)
    for (const f of clean.files) {
      if (!fs.existsSync(path.join(src, f))) throw new Error(`${pkg.name}: ${f} is missing (run \`npm run build\` first)`)
      copy(path.join(src, f), path.join(stage, f))
    }
    if (pkg.name === '@live-chat/server') {
      fs.mkdirSync(path.join(stage, 'prisma'))
      fs.copyFileSync(path.join(root, 'prisma/schema.prisma'), path.join(stage, 'prisma/schema.prisma'))
      fs.cpSync(path.join(root, 'prisma/migrations'), path.join(stage, 'prisma/migrations'), { recursive: true })
      clean.files.push('prisma')
    }
    fs.copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'))
    fs.copyFileSync(path.join(src, 'README.md'), path.join(stage, 'README.md'))
    fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(clean, null, 2) + '\n')
    check(stage, clean)
    if (values['dry-run']) {
      execFileSync('npm', ['pack', '--dry-run'], { cwd: stage, stdio: 'inherit' })
    } else {
      const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }))
      console.log(`${path.relative(process.cwd(), path.join(out, info.filename))}  ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB`)
    }
  }
} finally {
  fs.rmSync(staging, { recursive: true, force: true })
}
