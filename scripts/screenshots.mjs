#!/usr/bin/env node
// `npm run screenshots`: renders the widget on the hostile example page (examples/hostile.html)
// in headless Chromium and saves PNGs under docs/screenshots/ for the README.
// Uses the built server and widget (`npm run build` first; the npm script does it), an embedded
// database in a temporary folder, the demo site, and the demo agent answering through the SDK.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { AgentClient } from '@live-chat/sdk'
import { createApp, createLogger, openDatabase, seedDemo } from '@live-chat/server'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'docs/screenshots')
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

const shots = [
  { name: 'widget-desktop', viewport: { width: 1280, height: 800 } },
  { name: 'widget-mobile', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  { name: 'widget-desktop-custom-colour', viewport: { width: 1280, height: 800 }, colour: '#e11d48' },
  { name: 'widget-mobile-custom-colour', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colour: '#e11d48' },
]

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-shots-'))
const db = await openDatabase({ dataDir: path.join(dataDir, 'pglite') })
const app = await createApp({
  db,
  secret: 'screenshots-secret-screenshots-secret-0123',
  logger: createLogger('warn'),
  staticDirs: { '/examples': path.join(root, 'examples') },
  widgetDir: path.join(root, 'packages/widget/cdn'),
})
const demo = await seedDemo(db, app.services, dataDir)
const { port } = await app.listen(0, '127.0.0.1')
const url = `http://127.0.0.1:${port}`

const agent = new AgentClient({ url })
await agent.login(demo.email, demo.password)
await agent.connect(demo.siteId)
await agent.setStatus('online')
const original = (await agent.settings()).widget.primaryColor
agent.on('conversation:created', (c) => {
  setTimeout(() => agent.send(c.id, 'Hi Sam! Yes, we ship to Canada in 3–5 working days. Would you like a quote?'), 300)
})

const browser = await chromium.launch({ executablePath: CHROME, args: ARGS })
fs.mkdirSync(out, { recursive: true })
try {
  for (const shot of shots) {
    await agent.updateSettings({ widget: { primaryColor: shot.colour ?? original } })
    const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: 1, isMobile: !!shot.isMobile, hasTouch: !!shot.hasTouch })
    const page = await context.newPage()
    await page.goto(`${url}/examples/hostile.html`)
    // Playwright's CSS selectors pierce open shadow roots (the loader's shell, then the widget).
    const launcher = page.locator('live-chat-app [part~="launcher"]')
    await page.locator('live-chat').hover().catch(() => {})
    await launcher.waitFor()
    await launcher.click()
    const input = page.locator('live-chat-app [part~="input"]')
    await input.fill('Hello! Do you ship to Canada?')
    await input.press('Enter')
    await page.locator('live-chat-app .msg:not(.own) .bubble').waitFor()
    await page.waitForTimeout(400)
    const file = path.join(out, `${shot.name}.png`)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await context.close()
  }
} finally {
  await agent.updateSettings({ widget: { primaryColor: original } }).catch(() => {})
  agent.disconnect()
  await browser.close()
  await app.close()
  await db.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
}
