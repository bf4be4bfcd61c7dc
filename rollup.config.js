// Browser bundles, built from the TypeScript output (`tsc -b` runs first, see `npm run build`).
// The SDK's ESM build in packages/sdk/dist keeps socket.io-client as a dependency for npm users;
// this adds one self-contained, minified ES module for pages that load the SDK from a CDN.
// The widget's CDN builds go to packages/widget/cdn (served by the server at /live-chat.js and
// /widget/*, and published in the npm package):
//   live-chat.js        the loader: a tiny classic script (IIFE) with no imports, that defines a
//                       light <live-chat> shell and the LiveChat() queue, then imports ↓
//   live-chat.full.js   the element with lit and the SDK, an ES module; stable name
//   i18n/<code>.js      its languages, one chunk each, imported on demand; stable names
//   chunks/*-[hash].js  anything else it imports on demand; hashed names, cached for good
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { gzipAsync } from '@gfx/zopfli'
import alias from '@rollup/plugin-alias'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import minifyLiterals from 'rollup-plugin-minify-template-literals'

const widget = 'packages/widget'
const cdn = `${widget}/cdn`

// browser: true picks socket.io-client's browser build (no Node `ws`, no debug).
const resolve = () => nodeResolve({ browser: true, exportConditions: ['browser'] })

// The widget's socket.io client: WebSocket with fetch long-polling as the fallback (see the file).
const engineTransports = alias({
  entries: [{ find: /^\.\/transports\/index\.js$/, replacement: path.resolve('scripts/rollup/engine-transports.js') }],
})
// socket.io-parser's binary attachments, replaced by a JSON-only stand-in, and engine.io-parser's
// base64 decoder of binary messages, whose result that stand-in refuses anyway (see the files).
const jsonOnlyParser = {
  name: 'socket-json-only',
  resolveId(source, importer) {
    if (/socket\.io-parser[\\/]build[\\/]esm[\\/]/.test(importer ?? '') && /^\.\/(is-)?binary\.js$/.test(source)) {
      return path.resolve('scripts/rollup/socket-json-only.js')
    }
    if (/engine\.io-parser[\\/]build[\\/]esm[\\/]decodePacket\.browser\.js$/.test(importer ?? '') && source === './contrib/base64-arraybuffer.js') {
      return path.resolve('scripts/rollup/engine-no-base64.js')
    }
    return null
  },
}
// Diagnostics of socket.io and engine.io for situations the widget cannot meet (a Socket.IO v2
// server; both transport options, which it never passes), shortened: 0.15 KB of the full bundle's
// gzip budget. The errors still happen as before, with a short message.
const SHORTER = [
  ['It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible (more information here: https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)', 'Socket.IO v2 server'],
  ["specifying both 'transportImplementations' and 'transports' options is not supported", 'conflicting transport options'],
]
const shorterDiagnostics = {
  name: 'shorter-socket-diagnostics',
  transform(code, id) {
    if (!/(engine|socket)\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/.test(id)) return null
    let out = code
    for (const [long, short] of SHORTER) out = out.replace(long, short)
    return out === code ? null : { code: out, map: null }
  },
}
// engine-transports.js imports engine.io-client's files by path (they are not in its exports map).
const ownTransports = {
  name: 'engine-transports-direct',
  resolveId(source, importer) {
    if (importer?.endsWith('scripts/rollup/engine-transports.js') && source.startsWith('engine.io-client/')) {
      return path.resolve('node_modules', source)
    }
    return null
  },
}

/**
 * The widget's languages (packages/widget/src/i18n/index.ts, its `loaders` map): each one a chunk
 * at a stable name, cdn/i18n/<code>.js, imported as `./i18n/${code}.js`, instead of through a map
 * of hashed chunk names (16 hashes cost the full bundle 0.25 KB of its gzip budget). Stable names
 * are cached briefly, like the bundle that imports them, and a page holding an old bundle still
 * finds them after a deploy; a stale chunk lacks at most new keys, which then read in English.
 * npm users' bundlers see the source's plain map of static imports.
 */
const localeChunks = () => {
  const index = path.resolve(`${widget}/dist/i18n/index.js`)
  return {
    name: 'locale-chunks',
    transform(code, id) {
      if (id !== index) return null
      const map = /const loaders = \{([^}]*)\};/.exec(code)
      const entries = [...(map?.[1] ?? '').matchAll(/(\w+): \(\) => import\('\.\/(\w+)\.js'\)/g)]
      if (!map || !entries.length || entries.some(([, key, file]) => key !== file)) this.error('i18n/index.js: no `loaders` map of `xx: () => import(\'./xx.js\')`')
      const codes = entries.map(([, key]) => key)
      for (const c of codes) this.emitFile({ type: 'chunk', id: path.resolve(`${widget}/dist/i18n/${c}.js`), fileName: `i18n/${c}.js` })
      const loaders = `Object.fromEntries('${codes.join(' ')}'.split(' ').map((l) => [l, () => import(\`./i18n/\${l}.js\`)]))`
      return { code: code.replace(map[0], `const loaders = ${loaders};`), map: null }
    },
  }
}

/**
 * Writes each built .js file's compressed copies next to it, for the server to send as they are
 * (express-static-gzip): `.br` (brotli, quality 11) and `.gz` (gzip by zopfli: the same format
 * every browser reads, some 4% smaller than gzip -9). Compressing once at build time is what lets
 * the widget be sent at the smallest size without spending CPU on every request.
 */
const precompress = () => ({
  name: 'precompress',
  async writeBundle(options, bundle) {
    const dir = options.dir ?? path.dirname(options.file)
    await Promise.all(
      Object.keys(bundle)
        .filter((name) => name.endsWith('.js'))
        .map(async (name) => {
          const file = path.join(dir, name)
          const body = fs.readFileSync(file)
          fs.writeFileSync(`${file}.gz`, await gzipAsync(body, { numiterations: 15 }))
          const br = zlib.brotliCompressSync(body, {
            params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
          })
          fs.writeFileSync(`${file}.br`, br)
        }),
    )
  },
})

/** Removes the last build's bundle and chunks, so old hashed chunks neither pile up nor ship. */
const cleanFullBundle = () => ({
  name: 'clean-full-bundle',
  buildStart() {
    for (const dir of ['chunks', 'i18n']) fs.rmSync(`${cdn}/${dir}`, { recursive: true, force: true })
    for (const f of ['live-chat.full.js', 'live-chat.full.js.map']) {
      for (const ext of ['', '.gz', '.br']) fs.rmSync(`${cdn}/${f}${ext}`, { force: true })
    }
  },
})

export default [
  {
    input: 'packages/sdk/dist/index.js',
    // One file for a script tag: the SDK's lazy parts (the upload progress request) inlined.
    output: { file: 'packages/sdk/dist/browser/live-chat-sdk.min.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [resolve(), terser({ format: { comments: false } })],
  },
  {
    input: `${widget}/dist/loader.js`,
    // No source map: it would cost the loader a comment and a request; it is small enough to read.
    output: { file: `${cdn}/live-chat.js`, format: 'iife' },
    plugins: [resolve(), terser({ ecma: 2020, toplevel: true, compress: { passes: 3 }, format: { comments: false } }), precompress()],
  },
  {
    input: `${widget}/dist/cdn.js`,
    // The chunks import what they share with the widget from live-chat.full.js itself (no third file).
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: cdn,
      format: 'es',
      entryFileNames: 'live-chat.full.js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: true,
    },
    // engine.io-client's XHR transport registers an unload listener and probes XHR2 when it is
    // merely imported; nothing here uses it (the transports above), so those effects need not ship.
    treeshake: { moduleSideEffects: (id) => !/engine\.io-client[\\/].*polling-xhr/.test(id) },
    plugins: [
      cleanFullBundle(),
      localeChunks(),
      engineTransports,
      ownTransports,
      jsonOnlyParser,
      shorterDiagnostics,
      resolve(),
      // Lit's html`` and css`` literals: collapse their whitespace (terser leaves strings alone).
      minifyLiterals(),
      terser({ module: true, ecma: 2020, compress: { passes: 3 }, format: { comments: false } }),
      precompress(),
    ],
  },
  {
    // The agent dashboard's page script, served by the server at /dashboard/assets/.
    input: 'packages/dashboard/dist/app.js',
    output: { dir: 'packages/dashboard/public/assets', format: 'es', entryFileNames: 'dashboard.js', chunkFileNames: '[name]-[hash].js', sourcemap: true },
    plugins: [
      { name: 'clean-dashboard', buildStart: () => fs.rmSync('packages/dashboard/public/assets', { recursive: true, force: true }) },
      resolve(),
      minifyLiterals(),
      terser({ module: true, ecma: 2020, format: { comments: false } }),
      precompress(),
    ],
  },
  {
    // examples/spa: an app that installed @live-chat/widget from npm, bundled as its bundler would.
    input: 'examples/spa/main.js',
    output: { dir: 'examples/spa/dist', format: 'es', sourcemap: true },
    plugins: [resolve(), terser({ module: true, format: { comments: false } })],
  },
]
