/**
 * Domains as a person types them (one a line, or separated by commas or spaces): each as an origin,
 * a bare host taken as `https://` (as the server's `Domain` does), without a trailing slash; each once.
 */
export function domainsOf(text: string): string[] {
  const out = text
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(d) ? d : `https://${d}`).replace(/\/+$/, '').toLowerCase())
  return [...new Set(out)]
}
