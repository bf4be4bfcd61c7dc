import { en, type StringKey, type Strings } from './en.js'
import { enChat } from './en-chat.js'
import { enEdit } from './en-edit.js'
import { enMore } from './en-more.js'
import { enTeam } from './en-team.js'
import { enEmoji } from './en-emoji.js'
import { enTriggers } from './en-triggers.js'

export { en }
export type { StringKey, Strings }

/** Every English string: the core's and the chunks' (for what lists them all: the dashboard, tests). */
export const english = (): Strings => ({ ...en, ...enChat, ...enEdit, ...enMore, ...enTeam, ...enEmoji, ...enTriggers })

/**
 * The built-in languages beside English, each its own chunk loaded on demand (in the CDN build,
 * cdn/i18n/<code>.js: see localeChunks in rollup.config.js). Adding one is a file beside en.ts and a line here; LOCALES and the dashboard's
 * language list follow. Chinese is Simplified (zh-TW and zh-HK readers get it too).
 */
const loaders = {
  ar: () => import('./ar.js'),
  de: () => import('./de.js'),
  es: () => import('./es.js'),
  fr: () => import('./fr.js'),
  he: () => import('./he.js'),
  it: () => import('./it.js'),
  ja: () => import('./ja.js'),
  ko: () => import('./ko.js'),
  nl: () => import('./nl.js'),
  pl: () => import('./pl.js'),
  pt: () => import('./pt.js'),
  ru: () => import('./ru.js'),
  sv: () => import('./sv.js'),
  tr: () => import('./tr.js'),
  uk: () => import('./uk.js'),
  zh: () => import('./zh.js'),
} satisfies Record<string, () => Promise<{ strings: Strings }>>

export type Locale = 'en' | keyof typeof loaders

/** The built-in languages: English, bundled, and those in `loaders`. */
export const LOCALES = ['en', ...Object.keys(loaders)] as readonly Locale[]

/** The built-in language for a tag like `fr-CA` or `zh-TW` (by its primary subtag), if there is one. */
function builtIn(tag: string | null | undefined): Locale | undefined {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0] as Locale
  return LOCALES.includes(base) ? base : undefined
}

/** The best built-in language for a tag like `fr-CA` (falls back to English). */
export function pickLocale(tag: string | null | undefined): Locale {
  return builtIn(tag) ?? 'en'
}

/**
 * The site's own wording for a language (`customTranslations`, from the dashboard): for the tag
 * (`pt-BR`), else for its primary language (`pt`).
 */
export function siteWords(tag: string, translations: Record<string, Record<string, string>> = {}): Record<string, string> | undefined {
  return translations[tag] ?? translations[tag.split('-')[0]!]
}

/**
 * The widget's language: the first of
 * 1. its `locale` attribute (or setLocale()), as given;
 * 2. the page's language, `<html lang>`, when it is a built-in one;
 * 3. the site's language setting (dashboard), as given (it may be one the site translated itself);
 *    empty means automatic;
 * 4. the first of the browser's languages (`navigator.languages`) that is a built-in one;
 * 5. English.
 * The page comes before the site setting: on a multilingual site the page's language is the one
 * the visitor chose to read, while the setting is one default for all pages (and on a site in
 * one language, the page says that language too).
 */
export function detectLocale(attribute: string, site?: { language: string } | null): string {
  const page = document.documentElement.lang
  return attribute || (builtIn(page) ? page : '') || site?.language || navigator.languages.find(builtIn) || 'en'
}

/**
 * The strings for a language, with the site's overrides (`customTranslations[lang]`, from the
 * dashboard) on top. Unknown keys in the overrides are ignored.
 */
export async function loadStrings(tag: string, overrides: Record<string, Record<string, string>> = {}): Promise<Strings> {
  const locale = builtIn(tag)
  const base: Strings = locale && locale !== 'en' ? { ...en, ...(await loaders[locale]()).strings } : (en as Strings)
  const own = siteWords(tag, overrides) ?? overrides[locale ?? 'en'] ?? {}
  const out: Strings = { ...base }
  // Any key of a string (the chunks' too, whose English the core does not hold); nothing of Object's own.
  for (const key of Object.keys(own)) if (!(key in Object.prototype)) out[key as StringKey] = String(own[key])
  return out
}

/** Fills `{name}`-style placeholders. */
export function format(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole))
}
