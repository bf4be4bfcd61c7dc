// The analytics report's SLA figures: clocks started in the range (local days of the site's time
// zone) that are settled, met in time or breached, overall, per agent (the conversation's
// assignee now) and per team. Clocks still running and not yet due, and stopped ones, count for
// nothing. Read live from the clocks (index site_id, started_at), not from the daily aggregates.
import { SLA_KINDS, type SlaCounts, type SlaKind, type SlaReport } from '@live-chat/protocol'
import type { Tx } from '../shared/db/index.js'

interface Row {
  agent_id: string | null
  team_id: string | null
  kind: SlaKind
  met: number
  breached: number
}

function counts(rows: readonly Row[]): SlaCounts {
  const byKind = Object.fromEntries(SLA_KINDS.map((k) => [k, { met: 0, breached: 0 }])) as SlaCounts['byKind']
  for (const r of rows) {
    byKind[r.kind].met += r.met
    byKind[r.kind].breached += r.breached
  }
  const met = rows.reduce((n, r) => n + r.met, 0)
  const breached = rows.reduce((n, r) => n + r.breached, 0)
  return { met, breached, rate: met + breached > 0 ? met / (met + breached) : null, byKind }
}

function grouped<K>(rows: readonly Row[], key: (r: Row) => K): Map<K, Row[]> {
  const out = new Map<K, Row[]>()
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r])
  return out
}

/** The SLA part of the report; `names`: the site's agents' names (former agents are named so). */
export async function slaReport(tx: Tx, siteId: string, zone: string, from: string, to: string, names: ReadonlyMap<string, string>): Promise<SlaReport> {
  const rows = await tx.$queryRaw<Row[]>`
    SELECT c.assigned_agent_id AS agent_id, c.team_id, k.kind,
           count(*) FILTER (WHERE k.met_at <= k.due_at)::int AS met,
           count(*) FILTER (WHERE k.due_at < COALESCE(k.met_at, now()))::int AS breached
    FROM mod_chat_sla_clocks k JOIN mod_chat_conversations c ON c.id = k.conversation_id
    WHERE k.site_id = ${siteId}::uuid AND k.due_at IS NOT NULL AND k.cancelled_at IS NULL
      AND k.started_at >= (${from}::date)::timestamp AT TIME ZONE ${zone}
      AND k.started_at < (${to}::date + 1)::timestamp AT TIME ZONE ${zone}
    GROUP BY 1, 2, 3`
  const teams = new Map((await tx.team.findMany({ where: { siteId }, select: { id: true, name: true } })).map((t) => [t.id, t.name]))
  const agents = [...grouped(rows.filter((r) => r.agent_id !== null), (r) => r.agent_id!)].map(([agentId, rs]) => ({ agentId, name: names.get(agentId) ?? 'Former agent', ...counts(rs) }))
  const byTeam = [...grouped(rows, (r) => r.team_id)].map(([teamId, rs]) => ({ teamId, name: teamId === null ? 'No team' : (teams.get(teamId) ?? 'Deleted team'), ...counts(rs) }))
  const order = (a: SlaCounts & { name: string }, b: SlaCounts & { name: string }) => b.met + b.breached - (a.met + a.breached) || a.name.localeCompare(b.name)
  return { ...counts(rows), agents: agents.sort(order), teams: byTeam.sort(order) }
}
