// What an uploaded file really is, and a name that is safe to serve it under. The type comes
// from the content's magic bytes, never from the client's name or declared type.
import { fileTypeFromBuffer } from 'file-type'

/** Accepted content types and the file name extensions that may go with each (first = default). */
const EXTENSIONS = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'csv', 'log', 'md'],
} as const satisfies Record<string, readonly string[]>

export type UploadType = keyof typeof EXTENSIONS

/** The accepted types, in the order WidgetConfig.upload.types lists them. */
export const UPLOAD_TYPES = Object.keys(EXTENSIONS) as UploadType[]

export const isImage = (type: string): boolean => type.startsWith('image/')

/** The longest file name kept, extension included (in characters). */
export const MAX_NAME_LENGTH = 120

/**
 * The accepted type of `bytes`, or null when it is not one. Binary formats are recognised by
 * their signature (file-type); content with no signature counts as text/plain only when it is
 * valid UTF-8 without NUL bytes and would not be sniffed by a browser as HTML or XML.
 */
export async function detectType(bytes: Uint8Array): Promise<UploadType | null> {
  // A file that starts like a known format but is cut short or damaged makes file-type throw.
  const found = await fileTypeFromBuffer(bytes).catch(() => null)
  if (found === null) return null
  if (found) return found.mime in EXTENSIONS ? (found.mime as UploadType) : null
  return isPlainText(bytes) ? 'text/plain' : null
}

// What the WHATWG MIME Sniffing standard ("rules for identifying an unknown MIME type") reads as
// HTML or XML, plus SVG: markup is refused even under a harmless name.
const MARKUP = /^\s*(<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p|<!--|<\?xml|<svg)([\s>/]|$)/i

export function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return false
  }
  return !MARKUP.test(text.slice(0, 1_024)) // (the decoder drops a byte order mark)
}

// Control characters (C0, DEL, C1), bidirectional overrides that disguise an extension, and
// characters Windows refuses in file names.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"|?*]/g

/**
 * A file name safe to store and serve: no folders, no control or direction characters, at most
 * MAX_NAME_LENGTH characters, and an extension that matches `type` (the client's is kept when it
 * is one of the type's extensions, e.g. `.jpeg` for a JPEG; otherwise the type's own is put on).
 */
export function safeFileName(raw: string | undefined, type: UploadType): string {
  const base = (raw ?? '').normalize('NFC').split(/[/\\]/).pop() ?? ''
  let name = base.replace(UNSAFE, '').replace(/\s+/g, ' ').trim().replace(/^[.\s]+/, '')
  const allowed: readonly string[] = EXTENSIONS[type]
  const dot = name.lastIndexOf('.')
  const given = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
  const ext = allowed.includes(given) ? given : allowed[0]!
  // The client's extension goes (kept above when it fits); "v1.2 notes" has none to lose.
  if (dot > 0 && /^[a-z0-9]{1,8}$/i.test(given)) name = name.slice(0, dot)
  name = name.replace(/[.\s]+$/, '')
  const stem = Array.from(name).slice(0, MAX_NAME_LENGTH - ext.length - 1).join('') || 'file'
  return `${stem}.${ext}`
}
