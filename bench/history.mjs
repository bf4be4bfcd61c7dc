// History: the latest 50 messages of a conversation in a database holding 1M messages, and an
// agent's inbox page over 100k conversations, timed server side (the service call inside our
// server process, see lib/history-calls.mjs): p50 / p99 against the goals, beside the machine's
// floor (a trivial statement on the same kind of connection, shown: no read can beat it).
//
// The data lives in its own database, `live_chat_bench` (BENCH_HISTORY_DATABASE), seeded once
// with INSERT … SELECT generate_series and kept between runs (seeding takes a minute or two):
// one site, 10 agents, 100k visitors with one conversation each (5% waiting, 15% active, 60%
// resolved, 20% closed, last activity spread over a year), 1M messages: 1,000 active
// conversations of 505 messages and 99,000 of 5, every tenth an agent's private note. Teams: four
// of about 24% of the conversations each and a small one (VIP, 1%), for the inbox's team filter.
// Contact attributes, one value of each for every one of the 100k visitors (seedAttributes, added
// to a kept database when missing): `plan` (a list: free 70%, pro 20%, business 9.9%, enterprise
// 0.1%), `seats` (a number, 1..500), `renews` (a date over a year), `beta` (a boolean, 33%), for
// the inbox's attribute filter. Full-text search (the inbox's `q`): a rare word (the number of one
// conversation, in its five messages) and a common one ("ships", in every message). BENCH_HISTORY_RESEED=1
// drops and seeds it again; so does a change of SEED_VERSION below or a migration that no longer
// applies to it, or a seed that was interrupted (the site is named only when it is complete).
// BENCH_HISTORY_SCALE=10 seeds ten times as much (see SCALE) into `live_chat_bench_x10`, printing
// its progress; every run vacuums and analyses the database first, as autovacuum keeps a live one.
import { databaseExists, createDatabase, databaseUrl, dropDatabase, withDatabase } from './lib/database.mjs'
import { root, startServer } from './lib/servers.mjs'
import { envNumber, quantile, round, verdict } from './lib/stats.mjs'
import path from 'node:path'

export const name = 'history'

/**
 * BENCH_HISTORY_SCALE: 1 (the default) seeds the sizes above; 10 seeds ten times as much in the
 * bench site (1M conversations, 10M messages, spread over the same year) and 9,999 other sites of
 * 10 conversations of 5 messages each, 10k sites in all (issue 19), in its own kept database.
 */
const SCALE = envNumber('BENCH_HISTORY_SCALE', 1)
const DB = process.env.BENCH_HISTORY_DATABASE ?? (SCALE === 1 ? 'live_chat_bench' : `live_chat_bench_x${SCALE}`)
/** Bump when the seed below changes: a kept database of another version is seeded again. */
const SEED_VERSION = 4
const SITE = '00000000-0000-4000-8000-0000000b0001'
const AGENCY = '00000000-0000-4000-8000-0000000b0000'
const CONVERSATIONS = 100_000 * SCALE
/** Seconds between one conversation's last activity and the next one's: a year, at any scale. */
const SPACING = 300 / SCALE
/** The other sites (none at scale 1), each with OTHER_CONVERSATIONS conversations of SHORT messages. */
const OTHER_SITES = SCALE === 1 ? 0 : 10_000 - 1
const OTHER_CONVERSATIONS = 10
const OTHER_AGENCY = '00000000-0000-4000-8000-0000000b00ff'
/** Conversations (with their visitors and messages) seeded per statement, with a progress line after each. */
const CHUNK = 100_000
const LONG = 505
const SHORT = 5
/**
 * Conversations i with i % 100 = 1 are the long ones: 1,000 of them, spread over the year, all
 * active and all agent 2's (i % 20 = 1, i % 10 = 1), so open inbox pages hold some, as they do
 * when long chats are the ones going on.
 */
const LONG_EVERY = 100
const LONG_AT = 1
/** The teams: conversation i is for TEAMS[i % 4], or VIP when i % 200 is one of VIP_AT (1%: some waiting, some active). */
const TEAMS = ['Sales', 'Billing', 'Support', 'Returns']
const VIP_AT = [41, 160]
/** A team's id (the inbox query checks it is a UUID of the standard's form: version 4, variant 8). */
const teamId = (name) => `00000000-0000-4000-8000-0000000c000${[...TEAMS, 'VIP'].indexOf(name) + 1}`
const MESSAGES = (CONVERSATIONS / LONG_EVERY) * LONG + (CONVERSATIONS - CONVERSATIONS / LONG_EVERY) * SHORT
/** p99 goals in ms: the history page, the inbox page (issue 18's at this size; issue 19's at 10×: 10M messages, 1M conversations). */
const GOALS = { ...(SCALE === 1 ? { history: 5, inbox: 20 } : { history: 3, inbox: 10 }), search: 30 }
/** The row of the floor: a trivial statement on the same kind of connection, timed like the rest (see lib/history-calls.mjs). */
const FLOOR = 'floor: SELECT 1 on the same pool'
/** The contact attributes' ids (UUIDs of the standard's form, like the teams'). */
const attributeId = (key) => `00000000-0000-4000-8000-0000000d000${['plan', 'seats', 'renews', 'beta'].indexOf(key) + 1}`

export async function run() {
  const iterations = envNumber('BENCH_HISTORY_ITERATIONS', 300)
  const warmup = envNumber('BENCH_HISTORY_WARMUP', 20)
  const server = await openSeeded()
  let durations
  let errors
  try {
    const conversations = await withDatabase(DB, async (c) =>
      (
        await c.query(
          `SELECT md5('bench-c' || i)::text AS id, md5('bench-v' || i)::text AS "visitorId"
           FROM generate_series($3::int, $1::int, $2::int) i ORDER BY md5('order' || i)`,
          [CONVERSATIONS, LONG_EVERY, LONG_AT],
        )
      ).rows.map((r) => ({ id: uuid(r.id), visitorId: uuid(r.visitorId) })),
    )
    const limit = '25'
    ;({ durations, errors } = await server.invoke(path.join(root, 'bench/lib/history-calls.mjs'), 'time', {
      siteId: SITE,
      // Agent 2: conversations i with i % 10 = 1 are theirs, some of them active (i % 20 = 1).
      userId: uuid(await md5('bench-u2')),
      iterations,
      warmup,
      cases: [
        // The floor (shown, not judged): what a call costs here before any work of ours.
        { name: FLOOR, kind: 'floor' },
        // Each its own conversations (the list's two halves): one read just before by the other
        // case would be in memory already, and its page time would not be an opening's.
        { name: 'history: latest 50 (agent)', kind: 'history', actor: 'agent', conversations: conversations.slice(0, conversations.length / 2) },
        { name: 'history: latest 50 (visitor)', kind: 'history', actor: 'visitor', conversations: conversations.slice(conversations.length / 2) },
        { name: 'inbox: open (pending+active)', kind: 'inbox', query: { status: 'pending,active', limit } },
        { name: 'inbox: mine, open', kind: 'inbox', query: { status: 'pending,active', mine: 'true', limit } },
        { name: 'inbox: resolved+closed', kind: 'inbox', query: { status: 'resolved,closed', limit } },
        { name: 'inbox: resolved+closed, page 2', kind: 'inbox', query: { status: 'resolved,closed', limit }, secondPage: true },
        { name: 'inbox: every status', kind: 'inbox', query: { limit } },
        { name: 'inbox: a team (24%), open', kind: 'inbox', query: { status: 'pending,active', teamId: teamId('Sales'), limit } },
        { name: 'inbox: a team, resolved+closed, page 2', kind: 'inbox', query: { status: 'resolved,closed', teamId: teamId('Billing'), limit }, secondPage: true },
        { name: 'inbox: a small team (1%), open', kind: 'inbox', query: { status: 'pending,active', teamId: teamId('VIP'), limit } },
        { name: 'inbox: a small team, every status', kind: 'inbox', query: { teamId: teamId('VIP'), limit } },
        { name: 'inbox: attribute = value (list, 20%), open', kind: 'inbox', query: { status: 'pending,active', attribute: 'plan', attributeValue: 'pro', limit } },
        { name: 'inbox: attribute = value (list, 0.1%)', kind: 'inbox', query: { attribute: 'plan', attributeValue: 'enterprise', limit } },
        { name: 'inbox: attribute = value (list, 0.1%), open', kind: 'inbox', query: { status: 'pending,active', attribute: 'plan', attributeValue: 'enterprise', limit } },
        { name: 'inbox: attribute range (number, 2%)', kind: 'inbox', query: { attribute: 'seats', attributeMin: '491', attributeMax: '500', limit } },
        { name: 'inbox: attribute range (date, a week), resolved+closed, page 2', kind: 'inbox', query: { status: 'resolved,closed', attribute: 'renews', attributeMin: '2027-03-01', attributeMax: '2027-03-07', limit }, secondPage: true },
        { name: 'inbox: attribute = value (boolean, 33%), mine, open', kind: 'inbox', query: { status: 'pending,active', mine: 'true', attribute: 'beta', attributeValue: 'true', limit } },
        // Full-text search (q): a word of one conversation's messages, and one in every message.
        { name: 'search: a rare word (one conversation)', kind: 'inbox', query: { q: String(CONVERSATIONS / 2 + 7), limit } },
        { name: 'search: a common word (every conversation)', kind: 'inbox', query: { q: 'ships', limit } },
        // A number typed halfway: "12" is a prefix of conversations 12, 120…129, 1,200…1,299 and so on (1.1% of them, spread over the order).
        { name: 'search: a prefix of 1% of conversations', kind: 'inbox', query: { q: '12', limit } },
        { name: 'search: a common word and a rare one', kind: 'inbox', query: { q: `ships ${CONVERSATIONS / 2 + 7}`, limit } },
      ].filter((c) => !process.env.BENCH_HISTORY_CASES || c.name.includes(process.env.BENCH_HISTORY_CASES)),
    }))
  } finally {
    await server.stop()
  }
  const goalOf = (what) => (what === FLOOR ? null : what.startsWith('history') ? GOALS.history : what.startsWith('search') ? GOALS.search : GOALS.inbox)
  const judged = (goal, pass) => (goal === null ? 'shown' : verdict(pass))
  const rows = [
    ...Object.entries(durations).map(([what, ms]) => {
      const p99 = quantile(ms, 0.99)
      return { what, p50: round(quantile(ms, 0.5), 2), p99: round(p99, 2), max: round(quantile(ms, 1), 2), samples: ms.length, goalP99: goalOf(what), status: judged(goalOf(what), p99 <= goalOf(what)) }
    }),
    ...Object.entries(errors).map(([what, error]) => ({ what, p50: null, p99: null, max: null, samples: 0, goalP99: goalOf(what), status: judged(goalOf(what), false), error })),
  ]
  for (const r of rows) if (r.error) console.log(`  ${r.what}: failed: ${r.error}`)
  console.table(Object.fromEntries(rows.map(({ what, ...r }) => [what, { 'p50 ms': r.p50, 'p99 ms': r.p99, 'max ms': r.max, samples: r.samples, 'goal p99 ms': r.goalP99 === null ? '' : `≤ ${r.goalP99}`, status: r.status }])))
  const ok = rows.every((r) => r.status !== 'FAIL')
  console.log(
    `history (${MESSAGES.toLocaleString('en')} messages, ${CONVERSATIONS.toLocaleString('en')} conversations, server side): ` +
      rows.map((r) => (r.error ? `${r.what} failed (${r.error})` : `${r.what} ${r.p50}/${r.p99} ms`)).join(' · ') +
      ` · goal p99 ≤ ${GOALS.history} ms (history) / ≤ ${GOALS.inbox} ms (inbox) / ≤ ${GOALS.search} ms (search) · ${verdict(ok)}`,
  )
  return {
    name,
    settings: { database: DB, messages: MESSAGES, conversations: CONVERSATIONS, iterations, warmup },
    rows,
    goal: `p99 ≤ ${GOALS.history} ms (latest 50 messages), ≤ ${GOALS.inbox} ms (inbox page), ≤ ${GOALS.search} ms (search)`,
    status: verdict(ok),
    ok,
  }
}

const uuid = (hex) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
const md5 = async (s) => (await import('node:crypto')).createHash('md5').update(s).digest('hex')

/** Our server over the seeded database: seeds it first if it is missing, stale or of another version. */
async function openSeeded() {
  const reseed = process.env.BENCH_HISTORY_RESEED === '1'
  if (reseed) await dropDatabase(DB)
  if (!(await databaseExists(DB))) await createDatabase(DB)
  let server
  try {
    server = await startServer('ours', { databaseUrl: databaseUrl(DB) })
  } catch (e) {
    // A migration that no longer applies (edited since this database was made): start afresh.
    console.warn(`  ${DB} could not be opened (${String(e.message).split('\n')[0]}): making it again`)
    await dropDatabase(DB)
    await createDatabase(DB)
    server = await startServer('ours', { databaseUrl: databaseUrl(DB) })
  }
  try {
    const seeded = await withDatabase(DB, async (c) => (await c.query('SELECT name FROM sites WHERE id = $1', [SITE])).rows[0]?.name)
    if (seeded !== seedName()) await seed()
    if (!(await withDatabase(DB, async (c) => (await c.query('SELECT 1 FROM mod_chat_contact_attributes WHERE id = $1', [attributeId('plan')])).rowCount))) await seedAttributes()
    // As autovacuum keeps a live database (statistics, and the visibility map that index-only
    // scans need): a kept database may have taken migrations that rewrote rows (a backfill) since
    // it was seeded, and a fresh seed's last writes may not be vacuumed yet. Cheap when nothing changed.
    const t = performance.now()
    await withDatabase(DB, (c) => c.query('VACUUM ANALYZE'))
    console.log(`  ${DB}: vacuumed and analysed, as autovacuum keeps a live database (${Math.round(performance.now() - t)} ms)`)
  } catch (e) {
    await server.stop()
    throw e
  }
  return server
}

/** One value of each contact attribute for every visitor (see the header); kept with the rest. */
async function seedAttributes() {
  console.log(`  seeding ${DB}: contact attributes of ${CONVERSATIONS.toLocaleString('en')} visitors (once) …`)
  const t0 = performance.now()
  await withDatabase(DB, async (c) => {
    await c.query('SET synchronous_commit = off')
    await c.query('BEGIN')
    await c.query(
      `INSERT INTO mod_chat_contact_attributes (id, site_id, key, label, type, options) VALUES
         ($2, $1, 'plan', 'Plan', 'list', ARRAY['free', 'pro', 'business', 'enterprise']),
         ($3, $1, 'seats', 'Seats', 'number', '{}'), ($4, $1, 'renews', 'Renews on', 'date', '{}'), ($5, $1, 'beta', 'Beta', 'boolean', '{}')`,
      [SITE, attributeId('plan'), attributeId('seats'), attributeId('renews'), attributeId('beta')],
    )
    // Visitor i: plan by i % 1000 (enterprise for 0, business below 100, pro below 300, else free); seats i % 500 + 1; renews a day of 2027 by i % 365; beta when i % 3 = 1.
    await c.query(
      `INSERT INTO mod_chat_contact_attribute_values (site_id, visitor_id, attribute_id, text_value, number_value, date_value, bool_value)
       SELECT $1, md5('bench-v' || i)::uuid, a.id, a.t, a.n, a.d, a.b
       FROM generate_series(1, $2::int) i
       CROSS JOIN LATERAL (VALUES
         ($3::uuid, CASE WHEN i % 1000 = 0 THEN 'enterprise' WHEN i % 1000 < 100 THEN 'business' WHEN i % 1000 < 300 THEN 'pro' ELSE 'free' END, NULL::float8, NULL::date, NULL::boolean),
         ($4::uuid, NULL, (i % 500 + 1)::float8, NULL, NULL),
         ($5::uuid, NULL, NULL, date '2027-01-01' + (i % 365), NULL),
         ($6::uuid, NULL, NULL, NULL, i % 3 = 1)
       ) a(id, t, n, d, b)`,
      [SITE, CONVERSATIONS, attributeId('plan'), attributeId('seats'), attributeId('renews'), attributeId('beta')],
    )
    await c.query('COMMIT')
    await c.query('VACUUM ANALYZE mod_chat_contact_attribute_values')
  })
  console.log(`  seeded in ${round((performance.now() - t0) / 1000, 0)} s`)
}

const seedName = () => `Bench history v${SEED_VERSION} (${MESSAGES} messages)`

async function seed() {
  const others = OTHER_SITES ? `, and ${OTHER_SITES.toLocaleString('en')} other sites of ${OTHER_CONVERSATIONS} conversations` : ''
  console.log(`  seeding ${DB}: ${CONVERSATIONS.toLocaleString('en')} conversations, ${MESSAGES.toLocaleString('en')} messages${others} (once; kept for later runs) …`)
  const t0 = performance.now()
  const progress = (what, done, total) => console.log(`    ${what} ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${round((performance.now() - t0) / 1000, 0)} s)`)
  await withDatabase(DB, async (c) => {
    await c.query('SET synchronous_commit = off')
    await c.query("SET maintenance_work_mem = '256MB'")
    await c.query('BEGIN')
    await c.query('DELETE FROM agencies WHERE id = ANY ($1::uuid[])', [[AGENCY, OTHER_AGENCY]]) // cascades to the sites and everything in them
    await c.query('DELETE FROM users WHERE email LIKE $1', ['bench-history-%@example.test'])
    await c.query(`INSERT INTO agencies (id, name) VALUES ($1, 'Bench history')`, [AGENCY])
    // Named when the seed is complete (below): an interrupted seed is made again on the next run.
    await c.query(`INSERT INTO sites (id, agency_id, name, identity_secret) VALUES ($1, $2, 'Bench history (seeding)', 'bench-history-identity-secret')`, [SITE, AGENCY])
    await c.query('INSERT INTO mod_chat_widget_settings (site_id, agency_id) VALUES ($1, $2)', [SITE, AGENCY])
    await c.query(
      `INSERT INTO users (id, email, password_hash, name)
       SELECT md5('bench-u' || a)::uuid, 'bench-history-' || a || '@example.test', 'no-login', 'Agent ' || a FROM generate_series(1, 10) a`,
    )
    await c.query(
      `INSERT INTO mod_chat_agents (id, site_id, user_id, role, status, max_concurrent_chats)
       SELECT md5('bench-a' || a)::uuid, $1, md5('bench-u' || a)::uuid, 'admin', 'online', 100000 FROM generate_series(1, 10) a`,
      [SITE],
    )
    await c.query(
      `INSERT INTO mod_chat_teams (id, site_id, name) SELECT t.id, $1, t.name FROM unnest($2::uuid[], $3::text[]) t(id, name)`,
      [SITE, [...TEAMS, 'VIP'].map(teamId), [...TEAMS, 'VIP']],
    )
    // Agents 1..10 in the teams by turns; agent 1 in VIP too.
    await c.query(
      `INSERT INTO mod_chat_team_members (site_id, team_id, agent_id)
       SELECT $1::uuid, ($2::uuid[])[a % 4 + 1], md5('bench-a' || a)::uuid FROM generate_series(1, 10) a
       UNION ALL SELECT $1::uuid, $3::uuid, md5('bench-a1')::uuid`,
      [SITE, TEAMS.map(teamId), teamId('VIP')],
    )
    await c.query('COMMIT')
    // Conversation i (1..N): last activity (N - i) × SPACING seconds ago, so i = N is the newest.
    for (let lo = 1; lo <= CONVERSATIONS; lo += CHUNK) {
      const hi = Math.min(lo + CHUNK - 1, CONVERSATIONS)
      await c.query('BEGIN')
      await c.query(
        `INSERT INTO mod_chat_visitors (id, site_id, name, email, last_seen_at, created_at, updated_at)
         SELECT md5('bench-v' || i)::uuid, $1, 'Visitor ' || i, 'visitor' || i || '@example.test', t, t, t
         FROM generate_series($3::int, $4::int) i, LATERAL (SELECT now() - make_interval(secs => ($2 - i) * $5::float8) AS t) x`,
        [SITE, CONVERSATIONS, lo, hi, SPACING],
      )
      await c.query(
        `INSERT INTO mod_chat_conversations (id, site_id, agency_id, visitor_id, status, assigned_agent_id, team_id, subject,
           last_seq, last_public_seq, visitor_delivered_seq, visitor_read_seq, agent_delivered_seq, agent_read_seq,
           queued_at, first_message_at, last_message_at, last_activity_at, first_response_at, resolved_at, closed_at, created_at, updated_at)
         SELECT md5('bench-c' || i)::uuid, $1, $2, md5('bench-v' || i)::uuid, st,
           CASE WHEN st = 'pending' THEN NULL ELSE md5('bench-a' || (i % 10 + 1))::uuid END,
           CASE WHEN i % 200 = ANY($9::int[]) THEN $10::uuid ELSE ($8::uuid[])[i % 4 + 1] END,
           'Question ' || i || ' about an order', n, n, n, n, n, n,
           CASE WHEN st = 'pending' THEN created END, created, last, last, created + interval '1 minute',
           CASE WHEN st = 'resolved' THEN last END, CASE WHEN st = 'closed' THEN last END, created, last
         FROM generate_series($11::int, $12::int) i
         CROSS JOIN LATERAL (SELECT
           CASE WHEN i % $4 = $7 THEN $5::int ELSE $6::int END AS n,
           CASE WHEN i % 20 = 0 THEN 'pending' WHEN i % 20 < 4 THEN 'active' WHEN i % 20 < 16 THEN 'resolved' ELSE 'closed' END AS st,
           now() - make_interval(secs => ($3 - i) * $13::float8) AS last) a
         CROSS JOIN LATERAL (SELECT a.last - make_interval(secs => a.n * 10) AS created) b`,
        [SITE, AGENCY, CONVERSATIONS, LONG_EVERY, LONG, SHORT, LONG_AT, TEAMS.map(teamId), VIP_AT, teamId('VIP'), lo, hi, SPACING],
      )
      await c.query(
        `INSERT INTO mod_chat_messages (site_id, conversation_id, seq, client_id, sender_type, sender_id, sender_name,
           message_type, content, is_private, created_at)
         SELECT $1, md5('bench-c' || i)::uuid, s, 'seed-' || s,
           CASE WHEN s % 2 = 1 THEN 'visitor' ELSE 'agent' END,
           CASE WHEN s % 2 = 1 THEN md5('bench-v' || i)::uuid ELSE md5('bench-a' || (i % 10 + 1))::uuid END,
           CASE WHEN s % 2 = 1 THEN 'Visitor ' || i ELSE 'Agent ' || (i % 10 + 1) END,
           'text', 'Message ' || s || ' of conversation ' || i || ': could you check when my order ships?',
           s % 10 = 0,
           now() - make_interval(secs => ($2 - i) * $9::float8) - make_interval(secs => (n - s) * 10)
         FROM generate_series($7::int, $8::int) i
         CROSS JOIN LATERAL (SELECT CASE WHEN i % $3 = $6 THEN $4::int ELSE $5::int END AS n) a
         CROSS JOIN LATERAL generate_series(1, a.n) s`,
        [SITE, CONVERSATIONS, LONG_EVERY, LONG, SHORT, LONG_AT, lo, hi, SPACING],
      )
      await c.query('COMMIT')
      if (CONVERSATIONS > CHUNK) progress('conversations', hi, CONVERSATIONS)
    }
    if (OTHER_SITES) await seedOtherSites(c, progress)
    await c.query('UPDATE sites SET name = $2 WHERE id = $1', [SITE, seedName()])
    await c.query('VACUUM ANALYZE')
  })
  console.log(`  seeded in ${round((performance.now() - t0) / 1000, 0)} s`)
}

/** The other tenants: OTHER_SITES sites, each with OTHER_CONVERSATIONS resolved conversations of SHORT messages over the year. */
async function seedOtherSites(c, progress) {
  const PER = 1_000
  await c.query(`INSERT INTO agencies (id, name) VALUES ($1, 'Bench history, other sites')`, [OTHER_AGENCY])
  for (let lo = 1; lo <= OTHER_SITES; lo += PER) {
    const hi = Math.min(lo + PER - 1, OTHER_SITES)
    await c.query('BEGIN')
    await c.query(
      `INSERT INTO sites (id, agency_id, name, identity_secret) SELECT md5('bench-s' || s)::uuid, $1, 'Other site ' || s, 'bench-history-identity-secret' FROM generate_series($2::int, $3::int) s`,
      [OTHER_AGENCY, lo, hi],
    )
    await c.query(`INSERT INTO mod_chat_widget_settings (site_id, agency_id) SELECT md5('bench-s' || s)::uuid, $1 FROM generate_series($2::int, $3::int) s`, [OTHER_AGENCY, lo, hi])
    // Conversation k of site s: last activity at a moment of the year set by (s, k), resolved.
    const each = `FROM generate_series($1::int, $2::int) s, generate_series(1, ${OTHER_CONVERSATIONS}) k,
      LATERAL (SELECT md5('bench-s' || s)::uuid AS site, md5('bench-ov' || s || '-' || k)::uuid AS visitor, md5('bench-oc' || s || '-' || k)::uuid AS conv,
                      now() - make_interval(secs => ((s * 7919 + k * 104729) % 31536000)::float8) AS last) x`
    await c.query(`INSERT INTO mod_chat_visitors (id, site_id, name, last_seen_at, created_at, updated_at) SELECT visitor, site, 'Visitor ' || k, last, last, last ${each}`, [lo, hi])
    await c.query(
      `INSERT INTO mod_chat_conversations (id, site_id, agency_id, visitor_id, status, subject, last_seq, last_public_seq, visitor_delivered_seq, visitor_read_seq,
         agent_delivered_seq, agent_read_seq, first_message_at, last_message_at, last_activity_at, resolved_at, created_at, updated_at)
       SELECT conv, site, $3, visitor, 'resolved', 'Question ' || k, ${SHORT}, ${SHORT}, ${SHORT}, ${SHORT}, ${SHORT}, ${SHORT},
         last - interval '1 minute', last, last, last, last - interval '1 minute', last ${each}`,
      [lo, hi, OTHER_AGENCY],
    )
    await c.query(
      `INSERT INTO mod_chat_messages (site_id, conversation_id, seq, client_id, sender_type, sender_id, sender_name, message_type, content, is_private, created_at)
       SELECT site, conv, m, 'seed-' || m, 'visitor', visitor, 'Visitor ' || k, 'text', 'Message ' || m || ' to another site', false, last - make_interval(secs => (${SHORT} - m) * 10)
       ${each}, generate_series(1, ${SHORT}) m`,
      [lo, hi],
    )
    await c.query('COMMIT')
    progress('other sites', hi, OTHER_SITES)
  }
}
