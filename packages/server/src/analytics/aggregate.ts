// The daily aggregates (mod_chat_analytics), kept up to date incrementally.
//
// One row per site and local day (the site's time zone) holds what exact figures over any range
// need: counts, the durations one by one (so medians and percentiles are exact, not averages of
// averages), ratings and hours as counts, and per-agent figures. A day is always recomputed
// whole from the raw rows, so recomputing is idempotent and nothing is ever added twice.
//
// A run finds what changed since the watermark: every conversation whose updated_at moved (any
// change, the missed sweep's too, but the send hot path's: it leaves updated_at alone, see the
// send_path migration) or that has a message created since; the days to recompute are each such
// conversation's start day and the days of its messages. It reads again `overlapMs` before the
// watermark, because updated_at and created_at are stamped before their transaction commits (and
// by other processes' clocks): a row committed after the last run looked, but stamped before it,
// is still seen. A site whose time zone setting changed since its days were computed is
// recomputed whole.
//
// One node runs at a time: the whole run is one transaction holding a transaction-level advisory
// lock (pg_try_advisory_xact_lock); a node that does not get it skips the run. Day rows and the
// watermark commit together, so a run that fails leaves the previous state, and the next run
// starts from the same watermark. Conversation figures count on the local day the conversation
// started; message figures on the local day each message was sent; a first response counts for
// the agent who sent the first public agent message; handled conversations and ratings for the
// agent assigned now. Conversations and messages that were deleted (an erased visitor, retention)
// count through the figures kept of them in mod_chat_analytics_removed (removed.ts).
import { Prisma } from '../generated/prisma/client.js'
import { isForeignKeyViolation } from '../shared/errors.js'
import type { Database, Tx } from '../shared/db/index.js'
import type { Logger } from '../shared/logger.js'

/** Arbitrary constant: the advisory lock of the analytics job (cf. the migrations' lock). */
const ANALYTICS_LOCK = 4_206_112_024
/** Days recomputed per statement (keeps one statement's work and parameters small). */
const DAYS_PER_STATEMENT = 92

/**
 * What the day rows count of a conversation (aliased `c`), in this order: offline, resolved,
 * missed, rating, agent (assigned now), fr (seconds to the first agent reply), res (seconds to the
 * resolution), responder (whose public reply was the first). One place for the recomputation and
 * for the figures kept of a conversation about to be deleted (removed.ts).
 */
export const CONVERSATION_FIGURES = Prisma.sql`
  c.is_offline AS offline,
  c.resolved_at IS NOT NULL AS resolved,
  c.missed_at IS NOT NULL AS missed,
  c.rating,
  c.assigned_agent_id AS agent,
  -- Durations count for live conversations only: an offline message waits for the team by design.
  CASE WHEN NOT c.is_offline AND c.first_response_at IS NOT NULL AND c.first_message_at IS NOT NULL
       THEN greatest(0, floor(extract(epoch FROM c.first_response_at - c.first_message_at)))::int END AS fr,
  CASE WHEN NOT c.is_offline AND c.resolved_at IS NOT NULL
       THEN greatest(0, floor(extract(epoch FROM c.resolved_at - c.created_at)))::int END AS res,
  (SELECT m.sender_id FROM mod_chat_messages m
   WHERE m.conversation_id = c.id AND m.sender_type = 'agent' AND NOT m.is_private
   ORDER BY m.conversation_id, m.seq LIMIT 1) AS responder`

/** The messages the day rows count (aliased `m`): public ones from visitors and agents (not notes, system lines or bots). */
export const COUNTED_MESSAGES = Prisma.sql`m.sender_type IN ('visitor', 'agent') AND NOT m.is_private`

export interface AggregatorOptions {
  /** How far before the watermark each run reads again (default 2 min; see the top of this file). */
  overlapMs?: number
  /** The longest one run may take (default 5 min); a longer one fails and is redone by the next. */
  runTimeoutMs?: number
}

export interface RunResult {
  /** False when another node was running (this one skipped). */
  ran: boolean
  /** Sites and site-days recomputed. */
  sites: number
  days: number
}

export class Aggregator {
  private readonly overlapMs: number
  private readonly runTimeoutMs: number

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    opts: AggregatorOptions = {},
  ) {
    this.overlapMs = opts.overlapMs ?? 120_000
    this.runTimeoutMs = opts.runTimeoutMs ?? 300_000
  }

  /**
   * Brings the day rows up to date, unless another node is doing it. With `waitIfNeverRan`, a
   * node that finds the job never finished (the first run, which reads everything, is still
   * going elsewhere) waits for it instead of skipping, then runs.
   */
  async run(opts: { waitIfNeverRan?: boolean } = {}): Promise<RunResult> {
    const result = await this.db.prisma.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRaw<{ got: boolean }[]>`SELECT pg_try_advisory_xact_lock(${ANALYTICS_LOCK}::bigint) AS got`
        if (!lock?.got) {
          if (!opts.waitIfNeverRan || (await watermark(tx)) !== null) return { ran: false, sites: 0, days: 0 }
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ANALYTICS_LOCK}::bigint)`
        }
        // The first-reply lookup must walk one conversation's messages by seq; on tables not
        // analyzed yet (a fresh import) the planner would rather AND the row-level-security
        // condition's site index into it and read the site's every message per conversation.
        await tx.$executeRaw`SET LOCAL enable_bitmapscan = off`
        const through = await watermark(tx)
        const since = through && new Date(through.getTime() - this.overlapMs)
        const due = await tx.$queryRaw<{ site_id: string; rebuild: boolean }[]>`
          SELECT site_id, rebuild FROM mod_chat_analytics_due_sites(${since}::timestamptz) ORDER BY site_id`
        let days = 0
        for (const site of due) {
          // A site deleted while this runs (its rows cascade away) is skipped, not the whole run.
          await tx.$executeRaw`SAVEPOINT analytics_site`
          try {
            days += await this.site(tx, site.site_id, site.rebuild, since)
            await tx.$executeRaw`RELEASE SAVEPOINT analytics_site`
          } catch (e) {
            if (!isForeignKeyViolation(e)) throw e
            await tx.$executeRaw`ROLLBACK TO SAVEPOINT analytics_site`
          }
        }
        // now(): this transaction's start. What committed before it is in; what was stamped
        // before it but committed after is within the overlap of the next run.
        await tx.$executeRaw`UPDATE mod_chat_analytics_watermark SET through = now(), updated_at = clock_timestamp() WHERE id = 1`
        return { ran: true, sites: due.length, days }
      },
      { timeout: this.runTimeoutMs, maxWait: 10_000 },
    )
    if (result.days > 0) this.log.debug(result, 'analytics brought up to date')
    return result
  }

  /** Recomputes one site's changed days (all of them on `rebuild`); returns how many. */
  private async site(tx: Tx, siteId: string, rebuild: boolean, since: Date | null): Promise<number> {
    await tx.$executeRaw`SELECT set_config('app.site_id', ${siteId}, true)`
    const [tz] = await tx.$queryRaw<{ setting: string; zone: string }[]>`
      SELECT s.setting, mod_chat_time_zone(s.setting) AS zone
      FROM (SELECT coalesce((SELECT timezone FROM mod_chat_widget_settings WHERE site_id = ${siteId}::uuid), 'UTC') AS setting) s`
    const { setting, zone } = tz!
    let days: string[]
    if (rebuild) {
      await tx.$executeRaw`DELETE FROM mod_chat_analytics WHERE site_id = ${siteId}::uuid`
      const rows = await tx.$queryRaw<{ day: string }[]>`
        SELECT (created_at AT TIME ZONE ${zone})::date::text AS day FROM mod_chat_conversations WHERE site_id = ${siteId}::uuid
        UNION
        SELECT (created_at AT TIME ZONE ${zone})::date::text FROM mod_chat_messages WHERE site_id = ${siteId}::uuid
        UNION
        SELECT (at AT TIME ZONE ${zone})::date::text FROM mod_chat_analytics_removed WHERE site_id = ${siteId}::uuid`
      days = rows.map((r) => r.day)
    } else {
      // Every message of a changed conversation, not only the new ones: a message's day is its
      // own, and this also holds for rows written with an earlier time (imports).
      const rows = await tx.$queryRaw<{ day: string }[]>`
        WITH changed AS (
          SELECT id, created_at FROM mod_chat_conversations
          WHERE site_id = ${siteId}::uuid AND updated_at >= coalesce(${since}::timestamptz, '-infinity')
          UNION
          SELECT c.id, c.created_at FROM mod_chat_conversations c
          WHERE c.site_id = ${siteId}::uuid AND c.id IN (
            SELECT m.conversation_id FROM mod_chat_messages m
            WHERE m.site_id = ${siteId}::uuid AND m.created_at >= coalesce(${since}::timestamptz, '-infinity'))
        )
        SELECT (created_at AT TIME ZONE ${zone})::date::text AS day FROM changed
        UNION
        SELECT (m.created_at AT TIME ZONE ${zone})::date::text FROM changed JOIN mod_chat_messages m ON m.conversation_id = changed.id
        UNION
        SELECT (r.at AT TIME ZONE ${zone})::date::text FROM mod_chat_analytics_removed r
        WHERE r.site_id = ${siteId}::uuid AND r.removed_at >= coalesce(${since}::timestamptz, '-infinity')`
      days = rows.map((r) => r.day)
    }
    days.sort()
    for (let i = 0; i < days.length; i += DAYS_PER_STATEMENT) await recomputeDays(tx, siteId, zone, days.slice(i, i + DAYS_PER_STATEMENT))
    await tx.$executeRaw`
      INSERT INTO mod_chat_analytics_sites (site_id, timezone) VALUES (${siteId}::uuid, ${setting})
      ON CONFLICT (site_id) DO UPDATE SET timezone = EXCLUDED.timezone, updated_at = now()`
    return days.length
  }
}

/** When the last run started (changes before it are in the day rows); null before the first. */
export async function watermark(tx: Tx): Promise<Date | null> {
  const [w] = await tx.$queryRaw<{ through: Date | null }[]>`SELECT through FROM mod_chat_analytics_watermark WHERE id = 1`
  return w?.through ?? null
}

/**
 * Recomputes the site's rows of `days` (distinct local dates, YYYY-MM-DD) from the raw rows.
 * A row's local day is the date of its time in `zone` (AT TIME ZONE), so DST changes and days of
 * 23 or 25 hours need no special case; the range around the day's local midnights (with hours to
 * spare) only lets the index find the candidates. Days with no conversation and no message are
 * deleted rather than kept as zeros.
 */
async function recomputeDays(tx: Tx, siteId: string, zone: string, days: string[]): Promise<void> {
  await tx.$executeRaw`
    WITH d AS (
      -- Each day's instants, with three hours to spare: the candidates the index finds.
      SELECT day, (day::timestamp AT TIME ZONE ${zone}) - interval '3 hours' AS lo, ((day + 1)::timestamp AT TIME ZONE ${zone}) + interval '3 hours' AS hi
      FROM (SELECT unnest(${days}::text[])::date AS day) days
    ),
    conv AS (
      SELECT d.day, extract(hour FROM c.created_at AT TIME ZONE ${zone})::int AS hour,
             c.offline, c.resolved, c.missed, c.rating, c.agent, c.fr, c.res, c.responder
      FROM d
      -- (OFFSET 0 keeps each lookup a range scan of the day, whatever the planner estimates)
      CROSS JOIN LATERAL (
        SELECT c.created_at, ${CONVERSATION_FIGURES} FROM mod_chat_conversations c
        WHERE c.site_id = ${siteId}::uuid AND c.created_at >= d.lo AND c.created_at < d.hi
        OFFSET 0
      ) c
      WHERE (c.created_at AT TIME ZONE ${zone})::date = d.day
      UNION ALL
      SELECT d.day, extract(hour FROM r.at AT TIME ZONE ${zone})::int,
             r.offline, r.resolved, r.missed, r.rating, r.agent_id, r.first_response_seconds, r.resolution_seconds, r.responder_id
      FROM d JOIN mod_chat_analytics_removed r ON r.site_id = ${siteId}::uuid AND r.kind = 'conversation' AND r.at >= d.lo AND r.at < d.hi
      WHERE (r.at AT TIME ZONE ${zone})::date = d.day
    ),
    -- One row per counted message (n = 1), and the kept figures of removed ones (n of them).
    msg AS (
      SELECT d.day, m.sender_type, m.sender_id, 1 AS n
      FROM d
      CROSS JOIN LATERAL (
        SELECT * FROM mod_chat_messages m
        WHERE m.site_id = ${siteId}::uuid AND m.created_at >= d.lo AND m.created_at < d.hi
        OFFSET 0
      ) m
      WHERE (m.created_at AT TIME ZONE ${zone})::date = d.day AND ${COUNTED_MESSAGES}
      UNION ALL
      SELECT d.day, r.sender_type, r.agent_id, r.count
      FROM d JOIN mod_chat_analytics_removed r ON r.site_id = ${siteId}::uuid AND r.kind = 'message' AND r.at >= d.lo AND r.at < d.hi
      WHERE (r.at AT TIME ZONE ${zone})::date = d.day
    ),
    conv_day AS (
      SELECT day,
             count(*)::int AS conversations,
             (count(*) FILTER (WHERE offline))::int AS offline,
             (count(*) FILTER (WHERE resolved))::int AS resolved,
             (count(*) FILTER (WHERE missed))::int AS missed,
             coalesce(array_agg(fr ORDER BY fr) FILTER (WHERE fr IS NOT NULL), '{}') AS fr,
             coalesce(array_agg(res ORDER BY res) FILTER (WHERE res IS NOT NULL), '{}') AS res,
             ARRAY[count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2), count(*) FILTER (WHERE rating = 3),
                   count(*) FILTER (WHERE rating = 4), count(*) FILTER (WHERE rating = 5)]::int[] AS ratings
      FROM conv GROUP BY day
    ),
    hour_day AS (
      SELECT d.day, array_agg(coalesce(h.n, 0) ORDER BY g.hour)::int[] AS hours
      FROM d CROSS JOIN generate_series(0, 23) AS g(hour)
      LEFT JOIN (SELECT day, hour, count(*)::int AS n FROM conv GROUP BY day, hour) h ON h.day = d.day AND h.hour = g.hour
      GROUP BY d.day
    ),
    msg_day AS (
      SELECT day,
             (coalesce(sum(n) FILTER (WHERE sender_type = 'visitor'), 0))::int AS visitor,
             (coalesce(sum(n) FILTER (WHERE sender_type = 'agent'), 0))::int AS agent
      FROM msg GROUP BY day
    ),
    agent_part AS (
      SELECT day, agent, 1 AS handled, 0 AS messages, NULL::int AS fr, rating FROM conv WHERE agent IS NOT NULL
      UNION ALL
      SELECT day, responder, 0, 0, fr, NULL FROM conv WHERE responder IS NOT NULL AND fr IS NOT NULL
      UNION ALL
      SELECT day, sender_id, 0, n, NULL, NULL FROM msg WHERE sender_type = 'agent' AND sender_id IS NOT NULL
    ),
    agent_day AS (
      SELECT day, jsonb_object_agg(agent::text, jsonb_build_object(
               'handled', handled, 'messages', messages, 'firstResponse', fr, 'ratingSum', rating_sum, 'ratingCount', rating_count)) AS agents
      FROM (
        SELECT day, agent, sum(handled)::int AS handled, sum(messages)::int AS messages,
               coalesce(array_agg(fr ORDER BY fr) FILTER (WHERE fr IS NOT NULL), '{}') AS fr,
               coalesce(sum(rating), 0)::int AS rating_sum, count(rating)::int AS rating_count
        FROM agent_part GROUP BY day, agent
      ) per_agent
      GROUP BY day
    )
    INSERT INTO mod_chat_analytics (
      site_id, date, total_conversations, conversations_offline, conversations_resolved, conversations_missed,
      messages_visitor, messages_agent, first_response_seconds, resolution_seconds, ratings, hours, agents, updated_at)
    SELECT ${siteId}::uuid, d.day, coalesce(c.conversations, 0), coalesce(c.offline, 0), coalesce(c.resolved, 0), coalesce(c.missed, 0),
           coalesce(m.visitor, 0), coalesce(m.agent, 0), coalesce(c.fr, '{}'), coalesce(c.res, '{}'),
           coalesce(c.ratings, '{0,0,0,0,0}'), h.hours, coalesce(a.agents, '{}'), now()
    FROM d
    JOIN hour_day h ON h.day = d.day
    LEFT JOIN conv_day c ON c.day = d.day
    LEFT JOIN msg_day m ON m.day = d.day
    LEFT JOIN agent_day a ON a.day = d.day
    ON CONFLICT (site_id, date) DO UPDATE SET
      total_conversations = EXCLUDED.total_conversations, conversations_offline = EXCLUDED.conversations_offline,
      conversations_resolved = EXCLUDED.conversations_resolved, conversations_missed = EXCLUDED.conversations_missed,
      messages_visitor = EXCLUDED.messages_visitor, messages_agent = EXCLUDED.messages_agent,
      first_response_seconds = EXCLUDED.first_response_seconds, resolution_seconds = EXCLUDED.resolution_seconds,
      ratings = EXCLUDED.ratings, hours = EXCLUDED.hours, agents = EXCLUDED.agents, updated_at = EXCLUDED.updated_at`
  await tx.$executeRaw`
    DELETE FROM mod_chat_analytics
    WHERE site_id = ${siteId}::uuid AND date = ANY(${days}::text[]::date[])
      AND total_conversations = 0 AND messages_visitor = 0 AND messages_agent = 0`
}
