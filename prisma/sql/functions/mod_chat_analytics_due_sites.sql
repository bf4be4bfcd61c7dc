-- Which sites the analytics job must bring up to date since its watermark: conversations changed,
-- messages added (the hot path no longer moves updated_at), figures kept of removed conversations
-- (an erased visitor, retention; see mod_chat_analytics_removed), or a time zone changed since the
-- days were computed (rebuild). Site ids only; SECURITY DEFINER, like the other *_due_sites.

CREATE OR REPLACE FUNCTION "mod_chat_analytics_due_sites"(since timestamptz)
  RETURNS TABLE (site_id uuid, rebuild boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT due.site_id, bool_or(due.rebuild) FROM (
      SELECT DISTINCT c.site_id, false AS rebuild FROM mod_chat_conversations c
      WHERE c.updated_at >= coalesce(since, '-infinity')
      UNION ALL
      SELECT s.id, false FROM sites s
      WHERE EXISTS (SELECT 1 FROM mod_chat_messages m WHERE m.site_id = s.id AND m.created_at >= coalesce(since, '-infinity'))
      UNION ALL
      SELECT DISTINCT r.site_id, false FROM mod_chat_analytics_removed r
      WHERE r.removed_at >= coalesce(since, '-infinity')
      UNION ALL
      SELECT a.site_id, true FROM mod_chat_analytics_sites a
      LEFT JOIN mod_chat_widget_settings w ON w.site_id = a.site_id
      WHERE a.timezone IS DISTINCT FROM coalesce(w.timezone, 'UTC')
    ) due
    GROUP BY due.site_id
  $$;
