// Loaded with the chunks that use it (never by the core alone).
import { format, type StringKey, type Strings } from './index.js'

/**
 * A chunk's way to say a string: the language in use, else the chunk's own English (`english`:
 * the core holds only its own strings; each chunk brings the English of its keys).
 */
export const sayWith =
  (english: Partial<Strings>) =>
  (w: { _t: Strings }, key: StringKey, values?: Record<string, string | number>): string => {
    const text = w._t[key] ?? english[key]!
    return values ? format(text, values) : text
  }
