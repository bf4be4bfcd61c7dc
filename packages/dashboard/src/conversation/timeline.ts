// How one timeline entry looks: visitor and agent messages as bubbles, private notes in yellow
// with a label, system events as centered lines, attachments as thumbnails or file links.
import { css, html, nothing, type TemplateResult } from 'lit'
import type { AgentSummary, Attachment, Message } from '@live-chat/sdk'
import { clock, fullTime } from '../shared/util.js'
import { absoluteUrl, systemText } from '../inbox/model.js'
import { richEntry } from './rich.js'
import type { MessageChanges } from './changes.js'

export interface EntryContext {
  agents: readonly AgentSummary[]
  /** The visitor's display name. */
  visitor: string
  /** The server's base URL (attachment URLs may be relative to it). */
  server: string
  /** The seq of the agent message to mark "Seen" (the last one the visitor read), or 0. */
  seenSeq: number
  /** The visitor's answers to choices: the choice message's id → the option picked. */
  answers?: ReadonlyMap<string, string>
  /** Edit and unsend (the agent's own messages), "edited" and its history. */
  changes?: MessageChanges
}

/** The answers to choices among `messages` (see EntryContext.answers). */
export function answersOf(messages: readonly Message[]): Map<string, string> {
  return new Map(messages.flatMap((m) => (m.answer ? [[m.answer.messageId, m.answer.optionId] as const] : [])))
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function attachment(a: Attachment, server: string): TemplateResult {
  const href = absoluteUrl(a.url, server)
  return a.type.startsWith('image/')
    ? html`<a class="thumb" href=${href} target="_blank" rel="noopener"><img src=${href} alt=${a.name} loading="lazy" /></a>`
    : html`<a class="file" href=${href} target="_blank" rel="noopener" download=${a.name}>📎 ${a.name} <span class="muted">(${size(a.size)})</span></a>`
}

/** One timeline entry. */
export function entry(m: Message, ctx: EntryContext): TemplateResult {
  const time = html`<time datetime=${m.createdAt} title=${fullTime(m.createdAt)}>${clock(m.createdAt)}</time>`
  if (m.senderType === 'system' || m.system) {
    return html`<div class="system" data-seq=${m.seq}><span>${systemText(m, ctx.agents)}</span> ${time}</div>`
  }
  const who = m.senderType === 'visitor' ? ctx.visitor : (m.senderName ?? (m.senderType === 'bot' ? 'Bot' : 'Agent'))
  const side = m.senderType === 'visitor' ? 'in' : 'out'
  const kind = m.private ? 'note' : side
  const changes = ctx.changes
  const body = m.deletedAt
    ? html`<p class="removed">Message removed</p>`
    : (changes?.editor(m) ??
      html`${m.text ? html`<p>${m.text}</p>` : nothing}
      ${m.attachments.length ? html`<div class="files">${m.attachments.map((a) => attachment(a, ctx.server))}</div>` : nothing}
      ${richEntry(m, ctx.answers?.get(m.id))}`)
  return html`<div class="msg ${kind}" data-seq=${m.seq} data-id=${m.id}>
    ${m.private ? html`<div class="label">Private note</div>` : nothing}
    ${m.answer ? html`<div class="label answer">Chose</div>` : nothing}
    <div class="body">${body}</div>
    ${changes?.history(m) ?? nothing}
    <div class="meta">${who} · ${time}${changes?.meta(m) ?? nothing}${m.seq === ctx.seenSeq ? html`<span class="seen">· Seen</span>` : nothing}</div>
  </div>`
}

/** The seq of the last public agent message the visitor has read (0: none). */
export function seenSeq(messages: readonly Message[], visitorReadSeq: number): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!
    if (m.seq <= visitorReadSeq && m.senderType === 'agent' && !m.private) return m.seq
  }
  return 0
}

/**
 * Merges message lists into one, sorted by seq, one per seq: the copy with the highest `rev` (its
 * latest edit or unsend), the later one on a tie.
 */
export function mergeMessages(...lists: readonly (readonly Message[])[]): Message[] {
  const bySeq = new Map<number, Message>()
  for (const list of lists) {
    for (const m of list) {
      const held = bySeq.get(m.seq)
      if (!held || m.rev >= held.rev) bySeq.set(m.seq, m)
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq)
}

export const timelineStyles = css`
  .msg {
    max-width: min(560px, 80%);
    display: grid;
    gap: 2px;
  }
  .msg.in {
    justify-self: start;
  }
  .msg.out,
  .msg.note {
    justify-self: end;
  }
  .body {
    padding: 8px 12px;
    border-radius: 12px;
    background: var(--bg);
    border: 1px solid var(--line);
    overflow-wrap: anywhere;
  }
  .msg.out .body {
    background: var(--accent-weak);
    border-color: #c8d8fa;
  }
  .msg.note .body {
    background: var(--note-bg);
    border: 1px dashed var(--note-line);
  }
  .label {
    font-size: 12px;
    font-weight: 700;
    color: #7a5a00;
    justify-self: end;
  }
  .body p {
    margin: 0;
    white-space: pre-wrap;
  }
  .meta {
    font-size: 12px;
    color: var(--muted);
  }
  .msg.out .meta,
  .msg.note .meta {
    text-align: right;
  }
  .seen {
    margin-left: 0.3em;
    color: #15803d;
    font-weight: 600;
  }
  .system {
    justify-self: center;
    font-size: 12px;
    color: var(--muted);
    padding: 2px 10px;
    border-radius: 999px;
    background: var(--bg);
    border: 1px solid var(--line);
  }
  .files {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-top: 4px;
  }
  .thumb img {
    display: block;
    max-width: 200px;
    max-height: 160px;
    border-radius: 6px;
    border: 1px solid var(--line);
  }
  .file {
    color: var(--accent);
  }
  .label.answer {
    color: var(--muted);
    justify-self: start;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-top: 6px;
  }
  .chip {
    border: 1px solid var(--accent);
    color: var(--accent);
    border-radius: 999px;
    padding: 2px 10px;
    font-size: 13px;
    text-decoration: none;
  }
  .chip.on {
    background: var(--accent);
    color: #fff;
  }
  .card img {
    display: block;
    max-width: 240px;
    max-height: 140px;
    border-radius: 6px;
  }
`
