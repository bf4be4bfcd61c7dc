// A request through XMLHttpRequest, for its upload progress events (fetch has none): what
// http.ts uses for an upload with `onProgress` in browsers. Its own module, loaded when first
// needed, so that a page that never uploads does not carry it.

/** Sends the request; resolves with the status and the body's text, rejects on a network error or an abort. */
export function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  data: XMLHttpRequestBodyInit | undefined,
  onProgress: (loaded: number, total: number) => void,
  signal: AbortSignal,
): Promise<[status: number, text: string]> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const xhr = new XMLHttpRequest()
    xhr.open(method, url)
    for (const name in headers) xhr.setRequestHeader(name, headers[name]!)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total)
    }
    xhr.upload.onload = (e) => {
      if (e.lengthComputable) onProgress(e.total, e.total)
    }
    xhr.onload = () => resolve([xhr.status, xhr.responseText])
    xhr.onerror = xhr.onabort = reject
    signal.addEventListener('abort', () => xhr.abort())
    xhr.send(data ?? null)
  })
}
