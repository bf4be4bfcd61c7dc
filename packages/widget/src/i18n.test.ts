import { setViewport } from '@web/test-runner-commands'
import { agentClient, assert, axeCheck, cleanup, createSite, mount, server, waitFor, type TestSite } from '../../../test/browser/helpers.js'
import { all, find, mountWidget, openWindow, typeAndSend, waitForBubble } from '../test/widget.js'
import { LOCALES, en, english, loadStrings, type Strings } from './i18n/index.js'
import type { LiveChat } from './live-chat.js'

const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort().join()

/** Sets the page's `<html lang>` (and `navigator.languages`) for one test; cleanup() puts them back. */
function page(opts: { lang?: string; languages?: string[] }): void {
  const html = document.documentElement
  const before = html.getAttribute('lang')
  if (opts.lang !== undefined) html.lang = opts.lang
  if (opts.languages) Object.defineProperty(navigator, 'languages', { value: opts.languages, configurable: true })
  restore.push(() => {
    if (before === null) html.removeAttribute('lang')
    else html.lang = before
    delete (navigator as { languages?: unknown }).languages
  })
}
const restore: (() => void)[] = []

/** Waits until the widget speaks the language `tag` (its launcher's label is that language's). */
async function speaks(el: LiveChat, tag: string, why: string): Promise<void> {
  const t = await loadStrings(tag)
  const launcher = await find(el, '[part~="launcher"]')
  const label = () => launcher.getAttribute('aria-label')
  await waitFor(() => label() === t.open || label() === t.close, 5_000, `${why} (the launcher says "${label()}")`)
  // mountWidget() waited for the site's settings: the language no longer changes.
  const lang = el.shadowRoot!.querySelector('.root')!.getAttribute('lang')
  assert(lang === tag, `${why}: the widget's language is ${lang}`)
}

describe('widget languages', () => {
  let site: TestSite
  beforeEach(async () => {
    localStorage.clear()
    await setViewport({ width: 1280, height: 800 })
  })
  afterEach(() => {
    cleanup()
    for (const undo of restore.splice(0)) undo()
  })

  it('every built-in language translates every English string, with the same placeholders and a direction', async () => {
    assert(LOCALES.length >= 12 && LOCALES.includes('ar') && LOCALES.includes('he'), `the languages: ${LOCALES}`)
    for (const locale of LOCALES) {
      // English is the core's strings; the chunks bring their own English (en-edit.ts).
      const t = locale === 'en' ? english() : await loadStrings(locale)
      const all = english()
      assert(Object.keys(t).sort().join() === Object.keys(all).sort().join(), `${locale}: the keys of en.ts and en-edit.ts`)
      for (const key of Object.keys(all) as (keyof Strings)[]) {
        assert(t[key].trim(), `${locale}.${key} is empty`)
        assert(placeholders(t[key]) === placeholders(all[key]), `${locale}.${key} keeps the placeholders of "${all[key]}": "${t[key]}"`)
      }
      assert(t.dir === (locale === 'ar' || locale === 'he' ? 'rtl' : 'ltr'), `${locale}: direction ${t.dir}`)
      if (locale !== 'en') assert(t.placeholder !== en.placeholder && t.close !== en.close, `${locale} is translated`)
    }
    const tw = await loadStrings('zh-TW')
    assert(tw.send === (await loadStrings('zh')).send, 'zh-TW reads the (Simplified) Chinese strings')
  })

  for (const locale of ['ar', 'he']) {
    const left = locale === 'he'
    it(`in ${left ? 'Hebrew' : 'Arabic'}, lays the window out mirrored, with the site's own words on top; the launcher stays bottom ${left ? 'left' : 'right'}`, async () => {
      const customTranslations = { [locale]: { title: `${locale} Acme`, send: `${locale}-send` } }
      site = await createSite({ agents: 1, settings: { customTranslations, position: left ? 'bottom-left' : 'bottom-right' } })
      const agent = await agentClient(site, 0, { online: true })
      const t = await loadStrings(locale)
      const el = await mountWidget(site, { locale })
      await speaks(el, locale, 'the locale attribute')
      await openWindow(el)
      const win = await find(el, '[part~="window"]')
      const textarea = await find<HTMLTextAreaElement>(el, 'textarea')
      assert(getComputedStyle(win).direction === 'rtl' && getComputedStyle(textarea).direction === 'rtl', 'right to left')
      assert(textarea.placeholder === t.placeholder, `the built-in ${locale} placeholder: ${textarea.placeholder}`)
      assert((await find(el, 'h2')).textContent === `${locale} Acme`, 'the site’s own title')
      const send = await find(el, '[part~="send"]')
      assert(send.getAttribute('aria-label') === `${locale}-send`, `the site’s own word for send: ${send.getAttribute('aria-label')}`)

      // Mirrored: the send button left of the text box, the close button left of the title,
      // the send arrow pointing left; the launcher stays in the site's corner.
      const box = (e: Element) => e.getBoundingClientRect()
      assert(box(send).right <= box(textarea).left, `send (${box(send).right}) left of the text box (${box(textarea).left})`)
      const close = await find(el, `header button[aria-label="${t.close}"]`)
      assert(box(close).right <= box(await find(el, 'header .t')).left, 'close left of the title')
      assert(box(close).left - box(win).left < 20, `close at the window's left edge: ${box(close).left - box(win).left}`)
      assert(getComputedStyle(send.querySelector('svg')!).transform === 'matrix(-1, 0, 0, 1, 0, 0)', 'the send arrow flipped')
      const launcher = box(await find(el, '[part~="launcher"]'))
      assert(Math.round(left ? launcher.left : innerWidth - launcher.right) === 20, `the launcher in its corner: ${launcher.left}`)

      // The visitor's own messages on the left, the team's on the right.
      const created = new Promise<string>((resolve) => {
        const off = agent.on('conversation:created', (c) => (off(), resolve(c.id)))
      })
      await typeAndSend(el, 'مرحبا')
      await waitForBubble(el, 'مرحبا')
      const own = all(el, '.msg.own .bubble').at(-1)!
      assert(box(own).left - box(win).left < 24, `own bubble at the left: ${box(own).left - box(win).left}`)
      await agent.send(await created, 'שלום')
      await waitForBubble(el, 'שלום')
      const theirs = all(el, '.msg:not(.own) .bubble').at(-1)!
      assert(box(win).right - box(theirs).right < 60, `the team's bubble at the right: ${box(win).right - box(theirs).right}`)
      await axeCheck(el)
    })
  }

  it('follows the page’s <html lang> before the site’s language, and the browser’s languages last', async () => {
    // Site: automatic. The page is Japanese.
    site = await createSite({ settings: { language: '' } })
    page({ lang: 'ja-JP', languages: ['th', 'he-IL', 'en'] })
    await speaks(await mountWidget(site), 'ja-JP', 'Japanese from the page')
    cleanup()
    // The page's language beats the site's setting; the locale attribute beats both.
    const german = await createSite({ settings: { language: 'de' } })
    page({ lang: 'fr' })
    await speaks(await mountWidget(german), 'fr', 'French from the page, over the site’s German')
    cleanup()
    await speaks(await mountWidget(german, { locale: 'es' }), 'es', 'Spanish from the attribute')
    cleanup()
    // A page language the widget does not have: the site's setting.
    page({ lang: 'th' })
    await speaks(await mountWidget(german), 'de', 'German from the site')
    cleanup()
    // Neither: the first of the browser's languages the widget has (Thai is skipped).
    const el = await mountWidget(site)
    await speaks(el, 'he-IL', 'Hebrew from the browser')
    await openWindow(el)
    assert(getComputedStyle(await find(el, '[part~="window"]')).direction === 'rtl', 'and mirrored')
  })

  it('from the CDN build, fetches only the page’s language, as its own file (i18n/he.js)', async () => {
    // The built files (npm run test:browser builds them), in an iframe: a page of its own.
    const url = await server()
    site = await createSite({ settings: { language: '' } })
    const frame = mount(document.createElement('iframe'))
    const doc = frame.contentDocument!
    doc.open()
    doc.write(`<!doctype html><html lang="he"><body><live-chat site-id="${site.siteId}"></live-chat><script src="${url}/live-chat.js"></script></body></html>`)
    doc.close()
    const app = await waitFor(() => doc.querySelector('live-chat')?.shadowRoot?.querySelector<LiveChat>('live-chat-app'), 10_000, 'the full widget')
    const he = await loadStrings('he')
    const label = () => app.shadowRoot?.querySelector('[part~="launcher"]')?.getAttribute('aria-label')
    await waitFor(() => label() === he.open, 5_000, `Hebrew (the launcher says "${label()}")`)
    const files = frame.contentWindow!.performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.includes('/i18n/'))
    assert(files.join() === '/widget/i18n/he.js', `the languages fetched: ${files}`)
    app.open()
    const win = await waitFor(() => app.shadowRoot!.querySelector('[part~="window"]'), 5_000, 'the window')
    assert(frame.contentWindow!.getComputedStyle(win).direction === 'rtl', 'mirrored')
  })

  it('stays left to right in English on a right-to-left page, with the launcher in its corner', async () => {
    site = await createSite({ agents: 1, settings: { language: 'en' } })
    await agentClient(site, 0, { online: true })
    document.documentElement.dir = 'rtl'
    restore.push(() => document.documentElement.removeAttribute('dir'))
    page({ lang: 'ar' })
    const el = await mountWidget(site, { locale: 'en' })
    await openWindow(el)
    const win = await find(el, '[part~="window"]')
    assert(getComputedStyle(win).direction === 'ltr', 'the English window is left to right')
    const send = await find(el, '[part~="send"]')
    assert(send.getBoundingClientRect().left > (await find(el, 'textarea')).getBoundingClientRect().right - 1, 'send at the right')
    const launcher = (await find(el, '[part~="launcher"]')).getBoundingClientRect()
    assert(Math.round(innerWidth - launcher.right) === 20 && launcher.right === win.getBoundingClientRect().right, `the launcher under the window, bottom right: ${launcher.right}`)
  })
})
