import { describe, expect, it } from 'vitest'
import { SAMPLES } from '../../test/uploads/samples.js'
import { detectType, isPlainText, MAX_NAME_LENGTH, safeFileName, type UploadType } from './content.js'
import { contentDisposition } from './routes.js'

describe('detectType', () => {
  it('recognises each accepted type by its bytes', async () => {
    expect(await detectType(SAMPLES.png)).toBe('image/png')
    expect(await detectType(SAMPLES.jpeg)).toBe('image/jpeg')
    expect(await detectType(SAMPLES.gif)).toBe('image/gif')
    expect(await detectType(SAMPLES.webp)).toBe('image/webp')
    expect(await detectType(SAMPLES.pdf)).toBe('application/pdf')
    expect(await detectType(SAMPLES.text)).toBe('text/plain')
  })

  it('refuses a known format that is not accepted, binary junk, HTML and SVG', async () => {
    expect(await detectType(SAMPLES.zip)).toBeNull()
    expect(await detectType(SAMPLES.binary)).toBeNull()
    expect(await detectType(SAMPLES.html)).toBeNull()
    expect(await detectType(SAMPLES.svg)).toBeNull()
  })
})

describe('isPlainText', () => {
  it('accepts UTF-8 text, with or without a byte order mark, and text that merely mentions tags', () => {
    expect(isPlainText(Buffer.from('\uFEFFhello'))).toBe(true)
    expect(isPlainText(Buffer.from('I <3 this shop. Use <b> for bold, they said'))).toBe(true)
  })

  it('refuses NUL bytes, invalid UTF-8 and what a browser would sniff as HTML or XML', () => {
    expect(isPlainText(Buffer.from('a\u0000b'))).toBe(false)
    expect(isPlainText(Buffer.from([0x68, 0xc3, 0x28]))).toBe(false)
    for (const markup of ['  <html>', '<HEAD>', '\n<script src=x>', '<a href="x">', '<!-- x -->', '<?xml version="1.0"?>', '<p>hi</p>', '<svg/onload=alert(1)>', '\uFEFF<body>']) {
      expect(isPlainText(Buffer.from(markup)), markup).toBe(false)
    }
  })
})

describe('safeFileName', () => {
  const cases: [string, string | undefined, UploadType, string][] = [
    ['keeps a fitting extension (lower-cased)', 'photo.JPEG', 'image/jpeg', 'photo.jpeg'],
    ['keeps another fitting extension', 'photo.jpg', 'image/jpeg', 'photo.jpg'],
    ['replaces a wrong extension', 'invoice.png', 'application/pdf', 'invoice.pdf'],
    ['never keeps .html for text', 'page.html', 'text/plain', 'page.txt'],
    ['keeps a text extension', 'data.csv', 'text/plain', 'data.csv'],
    ['adds a missing extension', 'scan', 'image/png', 'scan.png'],
    ['keeps dots that are no extension', 'v1.2 release notes', 'text/plain', 'v1.2 release notes.txt'],
    ['strips folders', '../../etc/passwd', 'text/plain', 'passwd.txt'],
    ['strips Windows folders', 'C:\\Users\\me\\cv.pdf', 'application/pdf', 'cv.pdf'],
    ['strips direction overrides', 'evil\u202Egnp.exe', 'image/png', 'evilgnp.png'],
    ['strips control characters', 'a\r\nContent-Type: x\u0000.png', 'image/png', 'aContent-Type x.png'],
    ['strips leading dots', '.htaccess', 'text/plain', 'htaccess.txt'],
    ['strips characters Windows refuses', 'what?*<>|".pdf', 'application/pdf', 'what.pdf'],
    ['falls back to "file" without a name', undefined, 'image/gif', 'file.gif'],
    ['falls back to "file" when nothing is left', '...', 'image/gif', 'file.gif'],
  ]
  for (const [what, raw, type, safe] of cases) {
    it(`${what}: ${JSON.stringify(raw)} → ${safe}`, () => {
      expect(safeFileName(raw, type)).toBe(safe)
    })
  }

  it('limits the length, without splitting a character', () => {
    const long = safeFileName(`${'😀'.repeat(300)}.png`, 'image/png')
    expect(Array.from(long)).toHaveLength(MAX_NAME_LENGTH)
    expect(long.endsWith('😀.png')).toBe(true)
  })
})

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact name per RFC 5987', () => {
    expect(contentDisposition('inline', 'photo.png')).toBe(`inline; filename="photo.png"; filename*=UTF-8''photo.png`)
    expect(contentDisposition('attachment', 'Überweisung "März" 100%.pdf')).toBe(
      `attachment; filename="_berweisung _M_rz_ 100_.pdf"; filename*=UTF-8''%C3%9Cberweisung%20%22M%C3%A4rz%22%20100%25.pdf`,
    )
    expect(contentDisposition('attachment', "it's (1).txt")).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`)
  })
})
