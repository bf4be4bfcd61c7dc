// Sending email over SMTP (nodemailer). With no SMTP_URL, email is off: sends are skipped.
import nodemailer, { type Transporter } from 'nodemailer'
import type { Logger } from '../shared/logger.js'

export interface MailOptions {
  /** smtp://user:pass@host:587 or smtps://…; none = email off. */
  smtpUrl?: string
  /** The From header, e.g. "Live Chat <chat@example.com>". */
  from?: string
  /** How long agents' replies to an absent visitor are gathered into one email (ms). */
  batchMs?: number
}

export interface Mail {
  to: string | string[]
  subject: string
  text: string
  html: string
  replyTo?: string
}

export const DEFAULT_MAIL_FROM = 'Live Chat <no-reply@localhost>'

export class Mailer {
  private readonly transport: Transporter | undefined
  private readonly from: string

  constructor(opts: MailOptions, log: Logger) {
    this.from = opts.from ?? DEFAULT_MAIL_FROM
    if (!opts.smtpUrl) {
      log.info('email is off (no SMTP_URL)')
      return
    }
    this.transport = nodemailer.createTransport(opts.smtpUrl)
    // The URL holds the SMTP password: only its host is ever logged.
    log.info({ smtpHost: safeHost(opts.smtpUrl) }, 'email is on')
  }

  get enabled(): boolean {
    return this.transport !== undefined
  }

  async send(mail: Mail): Promise<void> {
    if (!this.transport) return
    await this.transport.sendMail({ from: this.from, ...mail })
  }

  close(): void {
    this.transport?.close()
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '?'
  }
}
