// The emails' text and HTML. Everything a visitor or an agent wrote is escaped in HTML.

export interface MailLine {
  who: string
  text: string
  at: Date
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const time = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC'

/** A plain text and a simple HTML version of the same email. */
export function render(intro: string[], lines: MailLine[], link?: { href: string; label: string }) {
  const text = [
    ...intro,
    '',
    ...lines.map((l) => `[${time(l.at)}] ${l.who}: ${l.text}`),
    ...(link ? ['', `${link.label}: ${link.href}`] : []),
  ].join('\n')
  const html = [
    ...intro.map((p) => `<p>${escapeHtml(p)}</p>`),
    lines.length
      ? `<ul>${lines.map((l) => `<li><small>${escapeHtml(time(l.at))}</small> <strong>${escapeHtml(l.who)}</strong>: ${escapeHtml(l.text)}</li>`).join('')}</ul>`
      : '',
    link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '',
  ].join('\n')
  return { text, html }
}

/** What a stored message shows in an email. */
export function messageText(m: { content: string | null; attachments: unknown }): string {
  const files = Array.isArray(m.attachments) ? (m.attachments as { name?: string }[]).map((a) => `[file: ${a.name ?? 'attachment'}]`) : []
  return [m.content ?? '', ...files].filter(Boolean).join(' ')
}
