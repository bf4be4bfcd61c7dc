// Security headers (helmet) for every HTTP answer, and the dashboard's Content Security Policy.
//
// Everything this server answers is JSON, a file or a script, so by default nothing may run,
// load or frame it: `default-src 'none'; frame-ancestors 'none'`. Three places differ:
//   - the widget's scripts and the uploads set `Cross-Origin-Resource-Policy: cross-origin`
//     themselves (widget-assets.ts, uploads/routes.ts): other sites' pages load them;
//   - the dashboard page gets its own strict policy (dashboardCsp);
//   - extra static folders (AppOptions.staticDirs, e.g. /examples) are host pages like any
//     customer's site: no policy of ours (hostPageHeaders).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { RequestHandler } from 'express'
import helmet from 'helmet'

const NOTHING = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/** helmet's headers with our policy; HSTS only when the public URL is https. */
export function securityHeaders(opts: { https: boolean }): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: opts.https ? { maxAge: 365 * 24 * 3600, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  })
  return (req, res, next) => {
    res.setHeader('Content-Security-Policy', NOTHING)
    headers(req, res, next)
  }
}

/** Socket.io's own HTTP answers (long-polling) do not pass through Express: the basic headers for them. */
export function engineHeaders(headers: Record<string, string>): void {
  headers['X-Content-Type-Options'] = 'nosniff'
  headers['Content-Security-Policy'] = NOTHING
  headers['X-Frame-Options'] = 'DENY'
  headers['Referrer-Policy'] = 'no-referrer'
}

/** For host pages served from extra static folders: they set their own policy, if any. */
export const hostPageHeaders: RequestHandler = (_req, res, next) => {
  res.removeHeader('Content-Security-Policy')
  res.removeHeader('X-Frame-Options')
  next()
}

/**
 * The dashboard's policy: its own scripts only (no inline script, no eval), its own styles plus
 * the page's inline <style> blocks by hash (Lit's component styles are constructable
 * stylesheets, which CSP does not restrict), images from itself (uploads), data: URLs and any
 * https host (avatars), and connections to itself only (REST and the Socket.io WebSocket:
 * CSP 3 lets 'self' match ws: and wss: on the same host).
 */
export function dashboardCsp(dir: string): string {
  const styles = inlineStyleHashes(path.join(dir, 'index.html'))
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${styles.map((h) => ` '${h}'`).join('')}`,
    "img-src 'self' data: blob: https:",
    "connect-src 'self'",
    "font-src 'self'",
    "media-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** 'sha256-…' of each inline <style> block of a page (empty if the page is not there). */
function inlineStyleHashes(file: string): string[] {
  let html: string
  try {
    html = fs.readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => `sha256-${crypto.createHash('sha256').update(m[1]!).digest('base64')}`)
}
