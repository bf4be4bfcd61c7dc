import type { ConversationSummary, Message } from '@live-chat/sdk'
import { agentClient, assert, cleanup, createSite, waitFor } from '../../../test/browser/helpers.js'
import { all, find, mountWidget, openWindow, showing, typeAndSend } from '../test/widget.js'

// The smallest valid PNG (1×1, transparent).
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0))

function choose(input: HTMLInputElement, files: File[]): void {
  const dt = new DataTransfer()
  for (const f of files) dt.items.add(f)
  input.files = dt.files
  input.dispatchEvent(new Event('change'))
}

describe('<live-chat> uploads', () => {
  afterEach(() => cleanup())
  beforeEach(() => localStorage.clear())

  it('uploads an image with progress and preview; the agent receives it as an image message', async () => {
    const site = await createSite({ agents: 1 })
    const agent = await agentClient(site, 0, { online: true })
    const created = new Promise<ConversationSummary>((resolve) => agent.on('conversation:created', resolve))
    const received = new Promise<Message>((resolve) => agent.on('message', (m) => m.attachments.length > 0 && resolve(m)))
    const el = await mountWidget(site)
    await openWindow(el)
    await typeAndSend(el, 'Here is a screenshot')
    await showing(el, (await created).id)
    const input = await find<HTMLInputElement>(el, 'input[type="file"]')
    assert(input.accept.includes('image/png'), `the picker offers the server's types: ${input.accept}`)
    choose(input, [new File([PNG], 'shot.png', { type: 'image/png' })])
    const message = await received
    assert(message.type === 'image', `message type ${message.type}`)
    const [file] = message.attachments
    assert(file && file.name === 'shot.png' && file.type === 'image/png' && file.size === PNG.length, JSON.stringify(file))
    const img = await waitFor(() => all<HTMLImageElement>(el, 'a.file img').find((i) => i.src === new URL(file.url, site.url).href), 5_000, 'the stored image in the list')
    await waitFor(() => img.complete && img.naturalWidth === 1, 5_000, 'the image to load from the server')
    assert(!all(el, 'progress').length, 'no upload in progress is left')
  })

  it('uploads an image pasted into the message box', async () => {
    const site = await createSite({ agents: 1 })
    const agent = await agentClient(site, 0, { online: true })
    const received = new Promise<Message>((resolve) => agent.on('message', (m) => m.attachments.length > 0 && resolve(m)))
    const el = await mountWidget(site)
    await openWindow(el)
    const box = await find<HTMLTextAreaElement>(el, '[part~="input"]')
    const clipboard = new DataTransfer()
    clipboard.items.add(new File([PNG], 'pasted.png', { type: 'image/png' }))
    const paste = new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true })
    box.dispatchEvent(paste)
    assert(paste.defaultPrevented && box.value === '', 'the image is not pasted as text')
    const message = await received
    assert(message.type === 'image' && message.attachments[0]?.name === 'pasted.png', `stored as an image message: ${JSON.stringify(message.attachments)}`)
    // Pasted text stays ordinary text.
    const text = new DataTransfer()
    text.setData('text/plain', 'just words')
    const plain = new ClipboardEvent('paste', { clipboardData: text, bubbles: true, cancelable: true })
    box.dispatchEvent(plain)
    assert(!plain.defaultPrevented, 'text is pasted as usual')
  })

  it('refuses a file over the server’s limit before uploading, with a clear message', async () => {
    const site = await createSite({ agents: 1 })
    await agentClient(site, 0, { online: true })
    const el = await mountWidget(site)
    await openWindow(el)
    const max = el.client!.config!.upload.maxBytes
    const input = await find<HTMLInputElement>(el, 'input[type="file"]')
    choose(input, [new File([new Uint8Array(max + 1)], 'huge.pdf', { type: 'application/pdf' })])
    const alert = await find(el, '.failed [role="alert"]')
    assert(/huge\.pdf is larger than/.test(alert.textContent ?? ''), `says why: ${alert.textContent}`)
    assert(el.client!.getConversations().length === 0, 'no conversation was started for it')
  })

  it('shows a file the server refuses as failed, with a retry button', async () => {
    const site = await createSite({ agents: 1 })
    await agentClient(site, 0, { online: true })
    const el = await mountWidget(site)
    await openWindow(el)
    const input = await find<HTMLInputElement>(el, 'input[type="file"]')
    // Declared as a PNG, but the bytes are a ZIP archive: the server checks the content.
    const zip = new Uint8Array(64)
    zip.set([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])
    choose(input, [new File([zip], 'evil.png', { type: 'image/png' })])
    const alert = await find(el, '.failed [role="alert"]', 10_000)
    assert(alert.textContent?.trim(), 'an error is shown')
    assert(all(el, '.failed button').some((b) => b.textContent?.trim() === 'Retry'), 'a retry button is offered')
  })
})
