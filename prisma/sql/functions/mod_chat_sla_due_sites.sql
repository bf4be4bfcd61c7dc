-- Which sites have SLA clocks for the SLA job (site ids only, the longest waiting first): a clock
-- without its due time yet, one past its due time (or met late) whose breach is not announced, or
-- one still running in a conversation that is no longer open. The work runs in each site's
-- transaction under row-level security (packages/server/src/sla/job.ts).

CREATE OR REPLACE FUNCTION "mod_chat_sla_due_sites"(max_sites integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT k.site_id FROM mod_chat_sla_clocks k JOIN mod_chat_conversations c ON c.id = k.conversation_id
    WHERE k.breached_at IS NULL AND k.cancelled_at IS NULL AND (k.met_at IS NULL OR k.due_at IS NULL OR k.met_at > k.due_at)
      AND (k.due_at IS NULL
           OR k.due_at <= COALESCE(k.met_at, now())
           OR (k.met_at IS NULL AND c.status NOT IN ('pending', 'active')))
    GROUP BY k.site_id ORDER BY min(k.started_at) LIMIT max_sites
  $$;
REVOKE ALL ON FUNCTION "mod_chat_sla_due_sites"(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_sla_due_sites"(integer) TO live_chat_app;
