-- Fair webhook delivery: a circuit breaker per webhook, and the due sites without those the
-- worker already has busy.
ALTER TABLE "mod_chat_webhooks" ADD COLUMN "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "failing_since" TIMESTAMPTZ(3),
ADD COLUMN "circuit_open_until" TIMESTAMPTZ(3);

-- The sites with deliveries due, oldest first: only deliveries whose webhook's circuit is closed
-- (or half-open: its pause is over), and not the sites in `busy` (the asking worker's sites that
-- have every slot in use, so that they cannot crowd the others out of the list).
-- SECURITY DEFINER: it runs as the owner, whom row-level security does not restrict; it returns
-- site ids only, and each site is then claimed in its own site-scoped transaction.
DROP FUNCTION "mod_chat_webhook_due_sites"(integer);
CREATE FUNCTION "mod_chat_webhook_due_sites"(max_sites integer, busy uuid[]) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT d.site_id FROM mod_chat_webhook_deliveries d
    JOIN mod_chat_webhooks w ON w.id = d.webhook_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
      AND (w.circuit_open_until IS NULL OR w.circuit_open_until <= now())
      AND d.site_id <> ALL (busy)
    GROUP BY d.site_id ORDER BY min(d.next_attempt_at) LIMIT max_sites
  $$;
REVOKE ALL ON FUNCTION "mod_chat_webhook_due_sites"(integer, uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_webhook_due_sites"(integer, uuid[]) TO live_chat_app;
