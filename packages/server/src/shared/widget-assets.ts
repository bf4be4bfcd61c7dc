// Serves the widget's CDN build (packages/widget/cdn, see rollup.config.js) to any page:
//   /live-chat.js         the loader, the one URL site owners paste into their pages
//   /widget/*             the full bundle (live-chat.full.js), its languages (i18n/<code>.js) and
//                         its hashed chunks
// Stable names are cached briefly (and revalidated by ETag) so a deploy reaches every page within
// minutes; hashed chunks never change and are cached for good. Pages on any origin may load
// them, as classic scripts or as CORS module scripts (the full bundle is an ES module).
// The build writes brotli (.br) and zopfli-gzip (.gz) copies of every script; they are sent as
// they are to browsers that accept them (with `Vary: Accept-Encoding`), so no request pays for
// compression and each gets the smallest encoding it reads.
import path from 'node:path'
import express, { type RequestHandler, type Router } from 'express'
import expressStaticGzip from 'express-static-gzip'
import { AppError } from './errors.js'
import { notFoundHandler } from './http.js'
import { dashboardCsp } from './security.js'

export const STABLE_CACHE = 'public, max-age=300, stale-while-revalidate=86400'
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'

const HASHED = /^chunks\//
/** The dashboard's lazily loaded chunks, named `[name]-[hash].js` by rollup.config.js. */
const DASHBOARD_CHUNK = /^assets\/[\w-]+-[\w-]{8}\.js(\.map)?$/

function crossOriginHeaders(res: { setHeader(name: string, value: string): unknown }): void {
  res.setHeader('Access-Control-Allow-Origin', '*')
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
  res.setHeader('X-Content-Type-Options', 'nosniff')
}

/** A path that is not valid percent-encoding gets the API's JSON 400 (not the static server's text one). */
const decodablePath: RequestHandler = (req, _res, next) => {
  try {
    decodeURIComponent(req.path)
    next()
  } catch {
    next(new AppError('invalid_payload', 'The path is not valid percent-encoding'))
  }
}

export function widgetAssets(dir: string): Router {
  const r = express.Router()
  const files = expressStaticGzip(path.resolve(dir), {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: false,
    serveStatic: {
      index: false,
      redirect: false,
      // Cache-Control is ours (below); ETag and Last-Modified stay on for revalidation.
      cacheControl: false,
      setHeaders(res, file) {
        crossOriginHeaders(res)
        const rel = path.relative(dir, file).split(path.sep).join('/')
        res.setHeader('Cache-Control', HASHED.test(rel) ? IMMUTABLE_CACHE : STABLE_CACHE)
      },
    },
  })
  r.get('/live-chat.js', files, notFoundHandler)
  r.use('/widget', decodablePath)
  // The loader imports `live-chat.full.js` next to its own URL: from /live-chat.js that is
  // /live-chat.full.js. A redirect sends it to /widget/, and a module's relative imports resolve
  // against its final URL, so its chunks load from /widget/chunks/.
  r.get('/live-chat.full.js', (_req, res) => {
    crossOriginHeaders(res)
    res.setHeader('Cache-Control', STABLE_CACHE)
    res.redirect(302, 'widget/live-chat.full.js')
  })
  r.use('/widget', files, notFoundHandler)
  return r
}

/**
 * The agent dashboard (packages/dashboard/public): its page at /dashboard/ and its scripts under
 * /dashboard/assets/ (precompressed like the widget's). The page is revalidated on every load so
 * a deploy shows at once; `dashboard.js` is cached briefly, its hashed chunks for good. The page
 * is same-origin only (and may not be framed); the scripts may be loaded by any origin, as CORS
 * module scripts, so a platform can put `<live-chat-dashboard>` into its own admin (the element
 * then talks to the API, which answers any origin: it takes bearer tokens, never cookies).
 * Its strict Content Security Policy is in security.ts.
 */
export function dashboardPage(dir: string): Router {
  const r = express.Router()
  const csp = dashboardCsp(dir)
  r.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp)
    next()
  })
  r.use(decodablePath)
  r.use(
    expressStaticGzip(path.resolve(dir), {
      enableBrotli: true,
      orderPreference: ['br', 'gzip'],
      index: 'index.html',
      serveStatic: {
        index: 'index.html',
        cacheControl: false,
        setHeaders(res, file) {
          const rel = path.relative(dir, file).split(path.sep).join('/')
          if (rel.startsWith('assets/')) crossOriginHeaders(res)
          else res.setHeader('X-Content-Type-Options', 'nosniff')
          res.setHeader('Cache-Control', file.endsWith('.html') ? 'no-cache' : DASHBOARD_CHUNK.test(rel) ? IMMUTABLE_CACHE : STABLE_CACHE)
        },
      },
    }),
  )
  r.use(notFoundHandler)
  return r
}
