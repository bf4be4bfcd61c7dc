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
    ...(lines.length ? ['', ...lines.map((l) => `[${time(l.at)}] ${l.who}: ${l.text}`)] : []),
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

/** An email to send: its subject, and its text and HTML versions. */
export interface MailContent {
  subject: string
  text: string
  html: string
}

const day = (d: Date) => d.toISOString().slice(0, 10)

/** The invitation to join an agency (and some of its sites), with its single-use link. */
export function invitationMail(i: { agencyName: string; invitedBy: string | null; role: 'admin' | 'member'; sites: string[]; link: string; expiresAt: Date }): MailContent {
  const what = i.role === 'admin' ? `as an admin of every site of ${i.agencyName}` : i.sites.length ? `to answer chats on ${i.sites.join(', ')}` : `to ${i.agencyName}`
  return {
    subject: `You are invited to ${i.agencyName} on Live Chat`,
    ...render(
      [
        `${i.invitedBy ?? 'Someone'} invited you to join ${i.agencyName} on Live Chat, ${what}.`,
        `Open the link to choose your name and password. It works once, until ${day(i.expiresAt)}.`,
        'If you did not expect this invitation, ignore this email.',
      ],
      [],
      { href: i.link, label: 'Accept the invitation' },
    ),
  }
}

/** A "forgot password" link (single use, short-lived). */
export function passwordResetMail(r: { link: string; minutes: number }): MailContent {
  return {
    subject: 'Reset your Live Chat password',
    ...render(
      [
        'Someone (hopefully you) asked to reset the password of your Live Chat account.',
        `Open the link to choose a new one. It works once, for ${r.minutes} minutes; every device signed in to your account will be signed out.`,
        'If you did not ask for this, ignore this email: your password stays as it is.',
      ],
      [],
      { href: r.link, label: 'Choose a new password' },
    ),
  }
}

/** What a stored message shows in an email. */
export function messageText(m: { content: string | null; attachments: unknown }): string {
  const files = Array.isArray(m.attachments) ? (m.attachments as { name?: string }[]).map((a) => `[file: ${a.name ?? 'attachment'}]`) : []
  return [m.content ?? '', ...files].filter(Boolean).join(' ')
}
