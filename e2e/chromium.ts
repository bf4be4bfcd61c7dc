// The headless Chromium the e2e tests drive (playwright-core over the system's Chromium;
// CHROME_PATH picks another), with the switches that keep it quiet and offline.
import { chromium, type Browser } from 'playwright-core'

const CHROME = process.env['CHROME_PATH'] || '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROME, args: ARGS })
}
