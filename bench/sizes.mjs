// Transfer sizes of the widget's CDN build (packages/widget/cdn, from `npm run build`), against
// the budgets: the loader every page pays for, and the full widget loaded on idle or interaction;
// then each chunk the widget loads only when a visitor needs it (a language, the forms, …).
// `gzip` and `brotli` are the bytes our server sends: the build's precompressed copies (.gz by
// zopfli, .br at quality 11; see rollup.config.js `precompress`), summed over the files a page
// loads. `gzip -9` is zlib's best, what a proxy or CDN compressing on the fly would send (some 4%
// more than zopfli): the budgets are checked against it, so they hold wherever the widget is served.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const cdn = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../packages/widget/cdn')
const KB = 1024

export const name = 'sizes'

/** The size of the compressed copy the server sends for `file` (made now if the build has none). */
function served(file, ext, compress) {
  const copy = path.join(cdn, `${file}.${ext}`)
  return fs.existsSync(copy) ? fs.statSync(copy).size : compress(fs.readFileSync(path.join(cdn, file))).length
}

function measure(files) {
  const sum = (f) => files.reduce((n, file) => n + f(file), 0)
  return {
    raw: sum((f) => fs.statSync(path.join(cdn, f)).size),
    gzip: sum((f) => served(f, 'gz', (b) => zlib.gzipSync(b, { level: 9 }))),
    brotli: sum((f) => served(f, 'br', (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }))),
    gzip9: sum((f) => zlib.gzipSync(fs.readFileSync(path.join(cdn, f)), { level: 9 }).length),
  }
}

/** A module and the chunks it imports statically (loaded with it), not the dynamic `import()`s. */
function withStaticImports(file, seen = new Set()) {
  if (seen.has(file)) return [...seen]
  seen.add(file)
  const code = fs.readFileSync(path.join(cdn, file), 'utf8')
  for (const m of code.matchAll(/(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w$*{}\s,]*?from\s*)?["']([^"']+)["']/g)) {
    withStaticImports(path.posix.join(path.posix.dirname(file), m[1]), seen)
  }
  return [...seen]
}

/** `chunks/es-Ab12Cd34.js` → `chunks/es.js`, so the figures diff cleanly between builds. */
const unhashed = (f) => f.replace(/-[\w-]{8}\.js$/, '.js')

/** @returns {Promise<{ name: string, rows: object[], ok: boolean }>} */
export async function run() {
  if (!fs.existsSync(path.join(cdn, 'live-chat.js'))) throw new Error(`no CDN build in ${cdn}: run \`npm run build\``)
  // chunks/ (hashed names) and i18n/ (one file per language, fixed names: see rollup.config.js).
  const chunks = ['chunks', 'i18n'].flatMap((dir) =>
    fs.existsSync(path.join(cdn, dir)) ? fs.readdirSync(path.join(cdn, dir)).filter((f) => f.endsWith('.js')).map((f) => `${dir}/${f}`) : [],
  )
  const full = withStaticImports('live-chat.full.js')
  const rows = [
    { what: 'loader', files: ['live-chat.js'], budget: 2 * KB },
    { what: full.length > 1 ? `full bundle (+${full.length - 1} static chunks)` : 'full bundle', files: full, budget: 30 * KB },
    // Each chunk the widget loads on demand (a locale, the forms …), then all of them together.
    ...chunks.filter((f) => !full.includes(f)).sort().map((f) => ({ what: unhashed(f), files: [f] })),
    { what: `all chunks (${chunks.length})`, files: chunks },
  ].map(({ what, files, budget }) => {
    const m = files.length ? measure(files) : { raw: 0, gzip: 0, brotli: 0, gzip9: 0 }
    // Judged by gzip -9 (see the top of the file).
    return { what, ...m, ...(budget ? { budget, status: m.gzip9 <= budget ? 'PASS' : 'OVER' } : {}) }
  })
  const kb = (n) => `${(n / KB).toFixed(2)} KB`
  console.table(
    Object.fromEntries(
      rows.map((r) => [r.what, { raw: kb(r.raw), gzip: kb(r.gzip), brotli: kb(r.brotli), 'gzip -9': kb(r.gzip9), 'budget (gzip -9)': r.budget ? kb(r.budget) : '', status: r.status ?? '' }]),
    ),
  )
  return { name, rows, ok: rows.every((r) => r.status !== 'OVER') }
}
