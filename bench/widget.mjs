// Widget: time from the script tag to a visible launcher, in headless Chromium, against a blank
// page's load in the same browser as the baseline. (Its transfer sizes are the `sizes` bench.)
//
// A host page on its own origin pastes the two lines a site owner pastes; an inline script just
// before the tag marks the moment (performance.mark). Each run is a fresh browser context (an
// empty cache, as a first visit); BENCH_WIDGET_RUNS runs (7), medians shown. Measured in the
// page: the loader's launcher (drawn by `live-chat.js` at once) and the full widget's launcher
// (`live-chat.full.js`, loaded when the browser is idle) visible, i.e. in the layout with a size,
// seen from requestAnimationFrame. Needs the CDN build (`npm run build`) and Chromium
// (CHROME_PATH, default /usr/bin/chromium).
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { prepareSites } from './lib/chat.mjs'
import { tempDatabase } from './lib/database.mjs'
import { root, startServer } from './lib/servers.mjs'
import { envNumber, median, round } from './lib/stats.mjs'

export const name = 'widget'

const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const cdn = path.join(root, 'packages/widget/cdn')

/** Runs in the page before anything else: notes when each launcher first has a box. */
const WATCH = `(() => {
  const launcher = (root) => root?.querySelector('[part~="launcher"]')
  const visible = (el) => { if (!el) return false; const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' }
  const tick = () => {
    const shell = document.querySelector('live-chat')
    const app = shell?.shadowRoot?.querySelector('live-chat-app')
    if (!window.__lcShell && visible(launcher(shell?.shadowRoot))) window.__lcShell = performance.now()
    if (!window.__lcFull && visible(launcher(app?.shadowRoot))) window.__lcFull = performance.now()
    if (!window.__lcFull) requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
})()`

export async function run() {
  if (!fs.existsSync(path.join(cdn, 'live-chat.js'))) throw new Error(`no CDN build in ${cdn}: run \`npm run build\``)
  const runs = envNumber('BENCH_WIDGET_RUNS', 7)
  const db = await tempDatabase()
  let server, host, browser
  const blank = []
  const page = { load: [], shell: [], full: [], tagToShell: [], tagToFull: [] }
  try {
    server = await startServer('ours', { databaseUrl: db.url, widgetDir: cdn })
    const [site] = await prepareSites(server, 1)
    host = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.setHeader('cache-control', 'no-store')
      const body = '<h1>Trail shoes</h1><p>Light, grippy, made to last.</p>'
      if (req.url === '/blank') return res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body>${body}</body></html>`)
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body>${body}
        <script>performance.mark('lc-tag')</script>
        <script src="${server.url}/live-chat.js" async></script>
        <live-chat site-id="${site.siteId}"></live-chat></body></html>`)
    })
    await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve))
    const hostUrl = `http://127.0.0.1:${host.address().port}`
    browser = await chromium.launch({ executablePath: CHROME, headless: true, args: ARGS })
    for (let i = 0; i < runs + 1; i++) {
      const warm = i === 0 // the first run starts the browser's processes: not counted
      {
        const context = await browser.newContext()
        const p = await context.newPage()
        await p.goto(`${hostUrl}/blank`, { waitUntil: 'load' })
        const load = await p.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd)
        if (!warm) blank.push(load)
        await context.close()
      }
      {
        const context = await browser.newContext()
        const p = await context.newPage()
        await p.addInitScript(WATCH)
        await p.goto(`${hostUrl}/widget`, { waitUntil: 'load' })
        await p.waitForFunction(() => window.__lcShell && window.__lcFull, null, { timeout: 30_000 })
        const t = await p.evaluate(() => ({
          load: performance.getEntriesByType('navigation')[0].loadEventEnd,
          tag: performance.getEntriesByName('lc-tag')[0].startTime,
          shell: window.__lcShell,
          full: window.__lcFull,
        }))
        if (!warm) {
          page.load.push(t.load)
          page.shell.push(t.shell)
          page.full.push(t.full)
          page.tagToShell.push(t.shell - t.tag)
          page.tagToFull.push(t.full - t.tag)
        }
        await context.close()
      }
    }
  } finally {
    await browser?.close()
    host?.close()
    await server?.stop()
    await db.drop()
  }
  const m = (a) => round(median(a), 1)
  const rows = [
    { what: 'blank page: load event', fromNavigationMs: m(blank) },
    { what: 'page with the widget: load event', fromNavigationMs: m(page.load) },
    { what: 'launcher visible (loader)', fromNavigationMs: m(page.shell), fromScriptTagMs: m(page.tagToShell) },
    { what: 'full widget launcher visible (on idle)', fromNavigationMs: m(page.full), fromScriptTagMs: m(page.tagToFull) },
  ].map((r) => ({ ...r, vsBlankLoad: round(r.fromNavigationMs / m(blank), 2) }))
  console.table(
    Object.fromEntries(rows.map(({ what, ...r }) => [what, { 'from navigation ms': r.fromNavigationMs, 'from script tag ms': r.fromScriptTagMs ?? '', '× blank load': r.vsBlankLoad }])),
  )
  console.log(
    `widget (median of ${runs}, fresh cache): script tag → visible launcher ${m(page.tagToShell)} ms; launcher at ${m(page.shell)} ms from navigation = ` +
      `${rows[2].vsBlankLoad}× a blank page's load (${m(blank)} ms); full widget at ${m(page.full)} ms · no time goal in issue 6 (size budgets: sizes bench)`,
  )
  return { name, settings: { runs, chromium: CHROME }, rows, goal: 'none for time in issue 6 (reported against a blank page)', status: 'INFO', ok: true }
}
