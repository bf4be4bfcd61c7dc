// Downloads as text, batch by batch: each function turns batches of rows into chunks of the
// file, so nothing ever holds more than one batch. CSV goes through csv-stringify with
// `escape_formulas` (a cell starting with = + - @, tab or CR gets a leading ', as OWASP's CSV
// injection advice says) and a BOM (spreadsheets then read it as UTF-8). Records end in CRLF; a
// cell with any line break, a lone LF or CR too, is quoted (csv-stringify quotes only those
// holding the whole record delimiter), so a reader never takes it for the end of a record.
import { stringify, type Options } from 'csv-stringify/sync'
import type { Attachment, TranscriptMessage } from '@live-chat/protocol'
import type { ExportRow, TranscriptHeader } from './service.js'

const CSV: Options = { escape_formulas: true, record_delimiter: '\r\n', quoted_match: /[\r\n]/ }

/** CSV in chunks: the header row (with a BOM) first, then one chunk per batch. */
export async function* csv<T>(columns: string[], batches: AsyncIterable<T[]>, record: (row: T) => (string | number | null)[]): AsyncGenerator<string> {
  yield stringify([columns], { ...CSV, bom: true })
  for await (const batch of batches) yield stringify(batch.map(record), CSV)
}

const attachmentsOf = (value: unknown): Attachment[] => (Array.isArray(value) ? (value as Attachment[]) : [])
const bool = (b: boolean) => (b ? 'true' : 'false')

/** The bulk export: one row per message of the selected conversations. */
export function exportCsv(batches: AsyncIterable<ExportRow[]>): AsyncGenerator<string> {
  const columns = [
    ['conversation_id', 'started_at', 'status', 'visitor_name', 'visitor_email', 'assigned_agent', 'tags', 'rating'],
    ['seq', 'sent_at', 'sender_type', 'sender_name', 'private', 'text', 'attachments'],
  ].flat()
  return csv(columns, batches, (r) => [
    r.conversationId,
    r.startedAt.toISOString(),
    r.status,
    r.visitorName,
    r.visitorEmail,
    r.agentName,
    r.tags.join(', '),
    r.rating,
    r.seq,
    r.sentAt.toISOString(),
    r.senderType,
    r.senderName,
    bool(r.isPrivate),
    r.content,
    // File names have no control characters (uploads/content.ts), so a line break separates them.
    attachmentsOf(r.attachments).map((a) => a.name).join('\n'),
  ])
}

/** A transcript as CSV: one row per message; attachments as names and URLs, one per line, in the same order. */
export function transcriptCsv(batches: AsyncIterable<TranscriptMessage[]>): AsyncGenerator<string> {
  const columns = ['seq', 'sent_at', 'sender_type', 'sender_name', 'private', 'type', 'text', 'attachment_names', 'attachment_urls']
  return csv(columns, batches, (m) => [
    m.seq,
    m.createdAt,
    m.senderType,
    m.senderName,
    bool(m.private),
    m.type,
    m.text,
    m.attachments.map((a) => a.name).join('\n'),
    m.attachments.map((a) => a.url).join('\n'),
  ])
}

/** A transcript as one JSON document (a Transcript), written a batch of messages at a time. */
export async function* transcriptJson(header: TranscriptHeader, batches: AsyncIterable<TranscriptMessage[]>): AsyncGenerator<string> {
  const head = JSON.stringify({ ...header, messages: [] })
  yield head.slice(0, -2) // without the closing "]}"
  let first = true
  for await (const batch of batches) {
    yield (first ? '' : ',') + batch.map((m) => JSON.stringify(m)).join(',')
    first = false
  }
  yield ']}\n'
}

/** A transcript as plain text for people: times in the site's time zone (ISO 8601 with its offset). */
export async function* transcriptText(header: TranscriptHeader, batches: AsyncIterable<TranscriptMessage[]>): AsyncGenerator<string> {
  const c = header.conversation
  const tz = header.timezone
  const time = (iso: string) => localIso(new Date(iso), tz)
  const v = c.visitor
  const lines = [
    `Conversation ${c.id}${c.subject ? `: ${oneLine(c.subject)}` : ''}`,
    `Visitor: ${[v.name ?? 'Visitor', v.email && `<${v.email}>`, v.phone].filter(Boolean).join(' ')}`,
    `Agent: ${c.agent?.name ?? '(none)'}`,
    `Status: ${c.status}${c.offline ? ' (offline message)' : ''}${c.missedAt ? `, missed at ${time(c.missedAt)}` : ''}`,
    ...(c.rating !== null ? [`Rating: ${c.rating}/5${c.ratingFeedback ? ` "${oneLine(c.ratingFeedback)}"` : ''}`] : []),
    ...(c.tags.length ? [`Tags: ${c.tags.join(', ')}`] : []),
    `Started: ${time(c.createdAt)}`,
    `Times are in ${tz}.`,
    '',
    '',
  ]
  yield lines.join('\n')
  for await (const batch of batches) {
    yield batch
      .map((m) => {
        const who = m.senderType === 'system' ? '--' : `${oneLine(m.senderName)} (${m.senderType}${m.private ? ', private note' : ''}):`
        const body = m.deletedAt
          ? '(message removed)'
          : [m.text ?? '', ...m.attachments.map((a) => `[attachment: ${a.name} ${a.url}]`)].filter(Boolean).join('\n') + (m.editedAt ? ' (edited)' : '')
        // Continuation lines are indented, so a line that starts with "[" is always a new message.
        return `[${time(m.createdAt)}] #${m.seq} ${who} ${body.replace(/\r?\n/g, '\n    ')}\n`
      })
      .join('')
  }
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()

const formats = new Map<string, Intl.DateTimeFormat>()

/** `2026-03-29T03:30:00+02:00`: the wall-clock time in `timeZone` and its UTC offset then. */
function localIso(d: Date, timeZone: string): string {
  let f = formats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
    formats.set(timeZone, f)
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]))
  // longOffset is "GMT+02:00", or just "GMT" at UTC.
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : String(p.timeZoneName).replace('GMT', '').replace('−', '-')
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`
}
