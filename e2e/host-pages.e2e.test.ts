// The widget on other people's pages, pixel by pixel: a plain page, the hostile example, a
// Bootstrap page and a Tailwind page (their real stylesheets from npm), at desktop and phone
// sizes, closed and open. Each page is drawn with and without the widget (no loader, no
// element) and the two screenshots are compared:
// - outside the widget's own boxes (the launcher and the window, with their shadows and focus
//   outlines, measured from the elements) not one pixel may differ: the widget must leave the
//   page exactly as it was;
// - inside them the widget must look the same on every page: the page's CSS must not reach in.
// The hostile page is also drawn with the full widget loaded as a module (the element npm users
// get, without the CDN loader's shell).
//
// Needs `npm run build` (the widget's CDN build). `UPDATE_SCREENSHOTS=1` also writes some of
// the pages with the widget to docs/screenshots/host-pages/ (see `inDocs`); a failing comparison
// leaves the screenshots and a diff image in the folder named in its message.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pixelmatch from 'pixelmatch'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { compile } from 'tailwindcss'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type SiteFixture, type TestServer } from '../packages/server/test/helpers.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const widgetDir = path.join(root, 'packages/widget/cdn')
const docsDir = path.join(root, 'docs/screenshots/host-pages')
const outDir = path.join(os.tmpdir(), 'live-chat-host-pages')
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium'
const ARGS = [
  ...['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  // When part of a tile is repainted Chromium re-rasters just that part, and a rounded corner of
  // the page cut by its edge comes out one colour level off (the Tailwind page's inputs, after
  // the widget arrived; gone after any full repaint, and with this flag): whole tiles, so
  // a page drawn twice is drawn the same.
  '--disable-partial-raster',
]

/** How the widget gets on the page: the CDN loader (what site owners paste), the full element as a module (the npm path), or not at all. */
type Embed = 'loader' | 'module' | 'none'

const PAGES: { name: string; file: string; embed: Exclude<Embed, 'none'> }[] = [
  { name: 'plain', file: 'examples/index.html', embed: 'loader' },
  { name: 'hostile', file: 'examples/hostile.html', embed: 'loader' },
  { name: 'bootstrap', file: 'e2e/fixtures/bootstrap.html', embed: 'loader' },
  { name: 'tailwind', file: 'e2e/fixtures/tailwind.html', embed: 'loader' },
  { name: 'hostile-module', file: 'examples/hostile.html', embed: 'module' },
]

const SIZES: { name: string; options: BrowserContextOptions }[] = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
]

const STATES = ['closed', 'open'] as const

let s: TestServer
let site: SiteFixture
let browser: Browser
let host: http.Server
let hostUrl: string
let tailwindCss: string

/** A host page as served: the loader and the element pointed at the test server and site, or swapped for the module, or both removed. */
function hostPage(file: string, embed: Embed): string {
  const html = fs.readFileSync(path.join(root, file), 'utf8')
  const loader = /<script src="\/live-chat\.js" async><\/script>/g
  const element = /<live-chat site-id="[^"]*"><\/live-chat>/g
  if (html.match(loader)?.length !== 1 || html.match(element)?.length !== 1) throw new Error(`${file} should have one loader script and one <live-chat> element`)
  const script = { loader: `<script src="${s.url}/live-chat.js" async></script>`, module: `<script type="module" src="${s.url}/live-chat.full.js"></script>`, none: '' }[embed]
  // The loader tells the full widget where it came from; the module, like the npm package, is told.
  const server = embed === 'module' ? ` server="${s.url}"` : ''
  return html.replace(loader, script).replace(element, embed === 'none' ? '' : `<live-chat site-id="${site.id}"${server}></live-chat>`)
}

/** Tailwind v4 as a site builds it: preflight, theme and the utilities the page's classes use. */
async function buildTailwind(): Promise<string> {
  const dir = path.join(root, 'node_modules/tailwindcss')
  const compiler = await compile('@import "tailwindcss";', {
    base: dir,
    loadStylesheet: async (id, base) => {
      const file = id === 'tailwindcss' ? path.join(dir, 'index.css') : path.resolve(base, id.replace(/^tailwindcss\//, ''))
      return { path: file, base: path.dirname(file), content: fs.readFileSync(/\.css$/.test(file) ? file : `${file}.css`, 'utf8') }
    },
  })
  const html = fs.readFileSync(path.join(root, 'e2e/fixtures/tailwind.html'), 'utf8')
  const classes = [...html.matchAll(/class="([^"]*)"/g)].flatMap((m) => m[1]!.split(/\s+/))
  return compiler.build(classes)
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(widgetDir, 'live-chat.js'))) throw new Error('packages/widget/cdn/live-chat.js is missing: run `npm run build` first')
  s = await startServer({ widgetDir })
  site = await s.fx.site()
  tailwindCss = await buildTailwind()
  const vendor: Record<string, () => string> = {
    '/vendor/bootstrap.min.css': () => fs.readFileSync(path.join(root, 'node_modules/bootstrap/dist/css/bootstrap.min.css'), 'utf8'),
    '/vendor/tailwind.css': () => tailwindCss,
  }
  host = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host')
    const css = vendor[url.pathname]
    const page = PAGES.find((p) => `/${p.name}` === url.pathname)
    if (css) {
      res.setHeader('content-type', 'text/css')
      res.end(css())
    } else if (page) {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.end(hostPage(page.file, url.searchParams.get('embed') === 'none' ? 'none' : page.embed))
    } else {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
  // Another origin than the chat server, as on a customer's site.
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}`
  browser = await chromium.launch({ executablePath: CHROME, args: ARGS })
  fs.rmSync(outDir, { recursive: true, force: true })
  fs.mkdirSync(outDir, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => host?.close(resolve))
  await s?.close()
})

/** A rectangle in CSS pixels. */
interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** One of the widget's boxes (the launcher, the window): its border box and corner radius, and how far its shadows and outline reach beyond it on each side. */
interface Part extends Box {
  name: string
  radius: number
  reach: { top: number; right: number; bottom: number; left: number }
}

/**
 * The widget's visible boxes, measured in the page: the launcher and the window, inside the
 * loader's shell or (the module) directly under <live-chat>. A shadow's blur is a Gaussian with
 * a standard deviation of half the blur radius (CSS Backgrounds 3); Skia draws it out to three
 * deviations, 1.5 × the blur radius, where it is below 1/255 of the colour and can no longer change
 * a pixel.
 */
async function widgetParts(page: Page): Promise<Part[]> {
  return page.evaluate(() => {
    const el = document.querySelector('live-chat')!
    const app = el.shadowRoot?.querySelector('live-chat-app') ?? el
    const parts: Part[] = []
    for (const name of ['launcher', 'window']) {
      const part = app.shadowRoot?.querySelector(`[part~="${name}"]`)
      if (!part) continue
      const r = part.getBoundingClientRect()
      if (!r.width || !r.height) continue
      const style = getComputedStyle(part)
      const reach = { top: 0, right: 0, bottom: 0, left: 0 }
      for (const shadow of style.boxShadow === 'none' ? [] : style.boxShadow.split(/,(?![^(]*\))/)) {
        if (/\binset\b/.test(shadow)) continue
        const [x = 0, y = 0, blur = 0, spread = 0] = (shadow.replace(/rgba?\([^)]*\)/, '').match(/-?[\d.]+px/g) ?? []).map(parseFloat)
        const out = spread + Math.ceil(1.5 * blur)
        reach.top = Math.max(reach.top, out - y)
        reach.bottom = Math.max(reach.bottom, out + y)
        reach.left = Math.max(reach.left, out - x)
        reach.right = Math.max(reach.right, out + x)
      }
      if (style.outlineStyle !== 'none') {
        const out = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset)
        for (const side of ['top', 'right', 'bottom', 'left'] as const) reach[side] = Math.max(reach[side], out)
      }
      const corner = style.borderTopLeftRadius
      const radius = corner.endsWith('%') ? (parseFloat(corner) / 100) * Math.min(r.width, r.height) : parseFloat(corner) || 0
      parts.push({ name, x: r.x, y: r.y, width: r.width, height: r.height, radius: Math.min(radius, r.width / 2, r.height / 2), reach })
    }
    return parts
  })
}

/** Loads a host page and waits until everything that will be drawn is drawn. */
async function load(page: Page, name: string, embed: Embed): Promise<void> {
  await page.goto(`${hostUrl}/${name}${embed === 'none' ? '?embed=none' : ''}`)
  await page.evaluate(() => document.fonts.ready)
  if (embed === 'none') return
  // The full widget (the loader fetches it when the browser is idle) with the site's settings.
  await page.waitForFunction(() => {
    const el = document.querySelector('live-chat')
    const app = (el?.shadowRoot?.querySelector('live-chat-app') ?? el) as (HTMLElement & { _config?: unknown }) | null
    return !!app?._config && !!app.shadowRoot?.querySelector('[part~="launcher"]')
  }, null, { timeout: 15_000 })
  await settle(page)
}

/** The widget's pending render, then two frames. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const el = document.querySelector('live-chat')
    const app = (el?.shadowRoot?.querySelector('live-chat-app') ?? el) as HTMLElement & { updateComplete?: Promise<unknown> }
    await app.updateComplete
    await document.fonts.ready
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
  })
}

/** A screenshot with the text caret hidden and animations finished (Playwright does both inside shadow roots too). */
async function shoot(page: Page): Promise<PNG> {
  return PNG.sync.read(await page.screenshot({ animations: 'disabled', caret: 'hide' }))
}

/** Device pixels of a box grown by its reach, clamped to the image. */
function pixelRect(p: Part, scale: number, image: PNG) {
  return {
    x0: Math.max(0, Math.floor((p.x - p.reach.left) * scale)),
    y0: Math.max(0, Math.floor((p.y - p.reach.top) * scale)),
    x1: Math.min(image.width, Math.ceil((p.x + p.width + p.reach.right) * scale)),
    y1: Math.min(image.height, Math.ceil((p.y + p.height + p.reach.bottom) * scale)),
  }
}

/** Whether a CSS-pixel point lies inside a box with rounded corners. */
function insideRounded(p: Part, x: number, y: number): boolean {
  if (x < p.x || y < p.y || x > p.x + p.width || y > p.y + p.height) return false
  const r = p.radius
  const cx = Math.min(Math.max(x, p.x + r), p.x + p.width - r)
  const cy = Math.min(Math.max(y, p.y + r), p.y + p.height - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

function save(image: PNG, file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, PNG.sync.write(image))
  return file
}

/**
 * The shots kept in the docs, small: each page with the window open on a desktop and with the
 * launcher on a phone; the window on a phone only once (it covers the page, so it is the same on
 * every page); the module's are the loader's again.
 */
function inDocs(page: string, embed: Embed, size: string, state: string): boolean {
  if (embed !== 'loader') return false
  return size === 'desktop' ? state === 'open' : state === 'closed' || page === 'plain'
}

/** Where differing pixels are, for a failure message. */
function describeDiff(count: number, diff: PNG, file: string): string {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -1
  let y1 = -1
  for (let y = 0; y < diff.height; y++) {
    for (let x = 0; x < diff.width; x++) {
      const i = (y * diff.width + x) * 4
      if (diff.data[i] === 255 && diff.data[i + 1] === 0 && diff.data[i + 2] === 0 && diff.data[i + 3] === 255) {
        x0 = Math.min(x0, x)
        y0 = Math.min(y0, y)
        x1 = Math.max(x1, x)
        y1 = Math.max(y1, y)
      }
    }
  }
  return `${count} pixels differ, within x ${x0}–${x1}, y ${y0}–${y1} (device pixels; diff: ${file})`
}

/**
 * Pixels of `a` and `b` (same size) that differ where `compare` says to look. No tolerance at
 * all (threshold 0, antialiased pixels counted): what is compared is either untouched page or
 * the inside of the widget's opaque boxes, both drawn identically every time.
 */
function differing(a: PNG, b: PNG, compare: (x: number, y: number) => boolean, diffFile: string): string | null {
  const ignore = new Uint8Array(a.width * a.height)
  for (let y = 0; y < a.height; y++) for (let x = 0; x < a.width; x++) ignore[y * a.width + x] = compare(x, y) ? 0 : 1
  const diff = new PNG({ width: a.width, height: a.height })
  const count = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: 0, includeAA: true, ignoreMask: ignore, diffMask: true })
  return count ? describeDiff(count, diff, save(diff, diffFile)) : null
}

/**
 * Crops of a box's inside, where only the widget draws: pixels at least one device pixel inside
 * its rounded border box. Along the edge the box is blended with the page behind it, and Skia's
 * antialiasing of a curve reaches up to a pixel inwards (pixels geometrically wholly inside the
 * circle of the launcher are still blended there), so that band is left out; nothing else is.
 */
function inside(image: PNG, box: Part, scale: number): PNG {
  const d = 1 / scale
  const p = { ...box, x: box.x + d, y: box.y + d, width: box.width - 2 * d, height: box.height - 2 * d, radius: Math.max(0, box.radius - d) }
  const x0 = Math.floor(p.x * scale)
  const y0 = Math.floor(p.y * scale)
  const crop = new PNG({ width: Math.ceil((p.x + p.width) * scale) - x0, height: Math.ceil((p.y + p.height) * scale) - y0 })
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      const [l, t, r, b] = [(x0 + x) / scale, (y0 + y) / scale, (x0 + x + 1) / scale, (y0 + y + 1) / scale]
      const whole = insideRounded(p, l, t) && insideRounded(p, r, t) && insideRounded(p, l, b) && insideRounded(p, r, b)
      const from = ((y0 + y) * image.width + x0 + x) * 4
      const to = (y * crop.width + x) * 4
      if (whole) image.data.copy(crop.data, to, from, from + 4)
    }
  }
  return crop
}

/** The widget's insides as drawn on the first page, per size, state and part: every other page must match them. */
const reference = new Map<string, { page: string; crop: PNG; part: Part }>()

describe.each(SIZES)('the widget at $name size', ({ name: size, options }) => {
  const scale = options.deviceScaleFactor ?? 1

  it.each(PAGES)('leaves the $name page untouched and looks the same on it, closed and open', async ({ name, embed }) => {
    const context = await browser.newContext({ ...options, reducedMotion: 'reduce' })
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await load(page, name, 'none')
      const bare = await shoot(page)
      save(bare, path.join(outDir, `${name}-${size}-without.png`))

      await load(page, name, embed)
      const failures: string[] = []
      for (const state of STATES) {
        if (state === 'open') {
          await page.evaluate(() => (document.querySelector('live-chat') as HTMLElement & { open(): void }).open())
          await page.waitForFunction(() => {
            const el = document.querySelector('live-chat')
            const app = el?.shadowRoot?.querySelector('live-chat-app') ?? el
            return !!app?.shadowRoot?.querySelector('[part~="window"]')
          }, null, { timeout: 15_000 })
          // The window's view may come with a chunk (the offline form here): wait until focus has
          // moved into it, then hide the text caret in the widget's shadow root, where Playwright's
          // `caret: 'hide'` does not reach and a blinking caret would make two shots differ.
          await page.waitForFunction(() => {
            const el = document.querySelector('live-chat')
            const app = el?.shadowRoot?.querySelector('live-chat-app') ?? el
            const root = app?.shadowRoot
            if (!root?.activeElement) return false
            if (!root.querySelector('style[data-test-caret]')) {
              const style = document.createElement('style')
              style.dataset.testCaret = ''
              style.textContent = '*{caret-color:transparent!important}'
              root.append(style)
            }
            return true
          }, null, { timeout: 15_000 })
          await settle(page)
        }
        const shot = await shoot(page)
        const label = `${name}-${size}-${state}`
        save(shot, path.join(outDir, `${label}.png`))
        if (process.env.UPDATE_SCREENSHOTS && inDocs(name, embed, size, state)) {
          fs.mkdirSync(docsDir, { recursive: true })
          fs.writeFileSync(path.join(docsDir, `${label}.png`), PNG.sync.write(shot, { colorType: 2 }))
        }
        const parts = await widgetParts(page)
        expect(parts.map((p) => p.name), label).toEqual(state === 'closed' ? ['launcher'] : size === 'phone' ? ['window'] : ['launcher', 'window'])

        // Outside the widget's boxes, the page as it was without it.
        const rects = parts.map((p) => pixelRect(p, scale, shot))
        const outside = (x: number, y: number) => !rects.some((r) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1)
        const changed = differing(bare, shot, outside, path.join(outDir, `${label}-outside-diff.png`))
        if (changed) failures.push(`${label}: outside the widget, ${changed}`)

        // Inside them, the widget as on the first page.
        for (const part of parts) {
          const key = `${size}-${state}-${part.name}`
          const crop = inside(shot, part, scale)
          save(crop, path.join(outDir, `${label}-${part.name}.png`))
          const first = reference.get(key)
          if (!first) {
            reference.set(key, { page: name, crop, part })
            continue
          }
          if (first.crop.width !== crop.width || first.crop.height !== crop.height || first.part.radius !== part.radius) {
            failures.push(`${label}: the ${part.name} is ${part.width}×${part.height} (radius ${part.radius}), on the ${first.page} page ${first.part.width}×${first.part.height} (radius ${first.part.radius})`)
            continue
          }
          const unlike = differing(first.crop, crop, () => true, path.join(outDir, `${label}-${part.name}-diff.png`))
          if (unlike) failures.push(`${label}: the ${part.name} differs from the ${first.page} page's: ${unlike}`)
        }
      }
      expect(errors).toEqual([])
      expect(failures, `screenshots in ${outDir}`).toEqual([])
    } finally {
      await context.close()
    }
  })
})
