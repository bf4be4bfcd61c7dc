import { en, type StringKey, type Strings } from './en.js'

export { en }
export type { StringKey, Strings }

/** The built-in languages; English is bundled, the others load on demand as small chunks. */
export const LOCALES = ['en', 'es', 'fr', 'de'] as const
export type Locale = (typeof LOCALES)[number]

const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ strings: Strings }>> = {
  es: () => import('./es.js'),
  fr: () => import('./fr.js'),
  de: () => import('./de.js'),
}

/** The best built-in language for a tag like `fr-CA` (falls back to English). */
export function pickLocale(tag: string | null | undefined): Locale {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0] as Locale
  return LOCALES.includes(base) ? base : 'en'
}

/**
 * The strings for a language, with the site's overrides (`customTranslations[lang]`, from the
 * dashboard) on top. Unknown keys in the overrides are ignored.
 */
export async function loadStrings(tag: string, overrides: Record<string, Record<string, string>> = {}): Promise<Strings> {
  const locale = pickLocale(tag)
  const base = locale === 'en' ? en : { ...en, ...(await loaders[locale]()).strings }
  const own = overrides[tag] ?? overrides[locale] ?? {}
  const out: Strings = { ...base }
  for (const key of Object.keys(own)) if (key in en) out[key as StringKey] = String(own[key])
  return out
}

/** Fills `{name}`-style placeholders. */
export function format(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole))
}
