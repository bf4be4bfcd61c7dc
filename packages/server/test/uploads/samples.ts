// Small real files of every accepted type, and content that must be refused.
const b64 = (s: string) => Buffer.from(s, 'base64')

export const SAMPLES = {
  /** 1×1 PNG */
  png: b64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='),
  /** 1×1 JPEG */
  jpeg: b64('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA='),
  /** 1×1 GIF */
  gif: b64('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'),
  /** 1×1 lossless WebP */
  webp: b64('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=='),
  pdf: Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'),
  text: Buffer.from('Order #1234 never arrived.\nTracking: ZX-99 — merci ✓\n'),
  html: Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>'),
  svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
  /** The start of a ZIP archive, cut short: a known format (not accepted), and a damaged one. */
  zip: Buffer.from('504b0304140000000000000000000000000000000000000000000000000000', 'hex'),
  /** Not UTF-8 and no known signature. */
  binary: Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x80, 0x81, 0x00]),
}
