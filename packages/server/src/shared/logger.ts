import { pino, type Logger } from 'pino'

export type { Logger }

/** Paths never written to logs: credentials and tokens wherever they appear. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'identitySecret',
  '*.identitySecret',
  'hash',
  '*.hash',
]

export function createLogger(level = 'info'): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'live-chat' } })
}
