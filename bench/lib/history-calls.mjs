// Runs inside our server process (through server-child `invoke`): times the service calls behind
// GET …/conversations/:id/messages and GET /api/sites/:siteId/conversations, server side (the
// whole call: its transaction with row-level security, the queries, the mapping to JSON shapes;
// not the HTTP framing around it). Beside them, the floor: a trivial statement (SELECT 1) on the
// same kind of connection (db.pages), which is what this machine's loopback and scheduling alone
// cost a call (on a 2-core VM its p99 is milliseconds when calls leave the cores idle between them).

/**
 * `cases`: [{ name, kind: 'floor' } | { name, kind: 'history', actor: 'agent' | 'visitor', conversations: [{ id, visitorId }] }
 * | { name, kind: 'inbox', query, secondPage?: boolean }], each with `iterations` of its own if fewer. Resolves to { durations: { [name]: ms[] }, errors: { [name]: message } }.
 */
export async function time({ services, db }, { siteId, userId, cases, iterations, warmup }) {
  const { token } = await services.sessions.start(userId, {})
  const agent = await services.agents.authenticate(token, siteId)
  const calls = []
  const errors = {}
  for (const c of cases) {
    let call
    if (c.kind === 'floor') {
      call = () => db.pages.query('SELECT 1 AS one', [])
    } else if (c.kind === 'history') {
      let i = 0
      call = () => {
        const conv = c.conversations[i++ % c.conversations.length]
        const actor = c.actor === 'visitor' ? { kind: 'visitor', siteId, visitorId: conv.visitorId } : agent
        return services.messages.page(actor, conv.id, { limit: 50 })
      }
    } else {
      let query = c.query
      if (c.secondPage) {
        const first = await services.conversations.list(agent, c.query)
        if (!first.nextCursor) throw new Error(`${c.name}: the first page has no next page`)
        query = { ...c.query, cursor: first.nextCursor }
      }
      call = () => services.conversations.list(agent, query)
    }
    // A case whose first call fails (say, past the transaction timeout) is reported with its error, untimed.
    try {
      checkShape(c, await call())
    } catch (e) {
      errors[c.name] = String(e instanceof Error ? e.message : e).split('\n').filter(Boolean).at(-1)
      continue
    }
    calls.push({ name: c.name, call, durations: [], iterations: Math.min(iterations, c.iterations ?? iterations) })
  }
  // Round robin over the cases, so that a noisy moment of the machine falls on all of them alike;
  // then each case with fewer iterations of its own (a slow one, whose reads would weigh on the
  // others' next calls), alone, after two warm-up calls.
  const rounds = (cases, n, w) => Array.from({ length: w + n }, (_, i) => ({ cases, timed: i >= w }))
  const order = [
    ...rounds(calls.filter((c) => c.iterations === iterations), iterations, warmup),
    ...calls.filter((c) => c.iterations < iterations).flatMap((c) => rounds([c], c.iterations, Math.min(warmup, 2))),
  ]
  for (const { cases, timed } of order) {
    for (const c of cases) {
      const t = performance.now()
      await c.call()
      if (timed) c.durations.push(performance.now() - t)
    }
  }
  return { durations: Object.fromEntries(calls.map((c) => [c.name, c.durations])), errors }
}

/** A timed call that returns nothing would time nothing. */
function checkShape(c, r) {
  const n = c.kind === 'floor' ? r.length : c.kind === 'history' ? r.messages.length : r.items.length
  if (n === 0) throw new Error(`${c.name}: the call returned no rows`)
}
