// A real SMTP server on 127.0.0.1 (smtp-server) that keeps every email it receives, parsed
// (mailparser): what the app's nodemailer sends, tests read.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'
import { eventually } from './helpers.js'

export interface TestSmtp {
  /** smtp://127.0.0.1:<port> (SMTP_URL / MailOptions.smtpUrl). */
  url: string
  /** Every email received, oldest first. */
  inbox: ParsedMail[]
  mailsTo(address: string): ParsedMail[]
  /** The first email to `address`, waiting up to 10 s. */
  firstMailTo(address: string, what?: string): Promise<ParsedMail>
  close(): Promise<void>
}

export const recipients = (m: ParsedMail): string[] => [m.to].flat().flatMap((a) => a?.value.map((v) => v.address ?? '') ?? [])

export async function startSmtp(): Promise<TestSmtp> {
  const inbox: ParsedMail[] = []
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      simpleParser(stream).then(
        (m) => {
          inbox.push(m)
          cb()
        },
        (e: Error) => cb(e),
      )
    },
  })
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r))
  const { port } = smtp.server.address() as AddressInfo
  const mailsTo = (address: string) => inbox.filter((m) => recipients(m).includes(address))
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    mailsTo,
    firstMailTo: (address, what = `an email to ${address}`) => eventually(() => mailsTo(address)[0], 10_000, what) as Promise<ParsedMail>,
    close: () => new Promise<void>((r) => smtp.close(r)),
  }
}
