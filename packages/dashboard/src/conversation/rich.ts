// Rich messages in the dashboard: the composer's shorthand for them, and how the timeline shows
// them (read-only: the visitor is the one who clicks).
//
// Shorthand, one per line, anywhere in the reply (so canned responses can hold it too):
//   [[Option]]              an option of a choice (the visitor picks one, once)
//   [Label](https://url)    a link button
//   [Label]                 a quick-reply button (sends its label as the visitor's message)
// Lines that are exactly one of these become the content; the other lines stay the text. With
// any [[Option]] line the message is a choice (link and reply lines then stay text).
import { html, nothing, type TemplateResult } from 'lit'
import type { Message, RichButton, RichContent } from '@live-chat/sdk'

const OPTION = /^\s*\[\[([^\]]{1,80})\]\]\s*$/
const LINK = /^\s*\[([^\]]{1,80})\]\((https:\/\/[^\s)]+)\)\s*$/
const REPLY = /^\s*\[([^\][]{1,80})\]\s*$/

/** The reply's text and, when it has shorthand lines, its rich content. */
export function parseRich(input: string): { text: string; content?: RichContent } {
  const lines = input.split('\n')
  if (lines.some((l) => OPTION.test(l))) {
    const options = lines.flatMap((l) => {
      const m = OPTION.exec(l)
      return m ? [m[1]!.trim()] : []
    })
    if (options.length >= 2) {
      return {
        text: lines.filter((l) => !OPTION.test(l)).join('\n').trim(),
        content: { kind: 'choice', options: options.slice(0, 10).map((label, i) => ({ id: `o${i + 1}`, label })) },
      }
    }
  }
  const buttons: RichButton[] = []
  const rest = lines.filter((l) => {
    const link = LINK.exec(l)
    const reply = link ? null : REPLY.exec(l)
    if (link) buttons.push({ type: 'link', label: link[1]!.trim(), url: link[2]! })
    else if (reply) buttons.push({ type: 'reply', label: reply[1]!.trim() })
    return !link && !reply
  })
  if (!buttons.length) return { text: input }
  return { text: rest.join('\n').trim(), content: { kind: 'buttons', buttons: buttons.slice(0, 10) } }
}

/** A message's rich content as the agents see it; `picked`: the option the visitor chose, if any. */
export function richEntry(m: Message, picked: string | undefined): TemplateResult | typeof nothing {
  const c = m.content
  if (!c) return nothing
  const chip = (label: string, on = false) => html`<span class="chip ${on ? 'on' : ''}">${on ? '✓ ' : ''}${label}</span>`
  const buttons = (list: RichButton[]) =>
    html`<div class="chips">${list.map((b) => (b.type === 'link' ? html`<a class="chip" href=${b.url} target="_blank" rel="noopener noreferrer">${b.label} ↗</a>` : chip(b.label)))}</div>`
  if (c.kind === 'buttons') return buttons(c.buttons)
  if (c.kind === 'card') {
    return html`<div class="card">
      ${c.imageUrl ? html`<img src=${c.imageUrl} alt=${c.imageAlt || c.title} loading="lazy" />` : nothing}
      <strong>${c.title}</strong>${c.text ? html`<p>${c.text}</p>` : nothing}${c.buttons ? buttons(c.buttons) : nothing}
    </div>`
  }
  return html`<div class="chips" aria-label="Choice">${c.options.map((o) => chip(o.label, o.id === picked))}</div>`
}
