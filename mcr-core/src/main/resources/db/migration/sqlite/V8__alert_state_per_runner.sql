-- What a person decided about a runner's alerts: who acknowledged its DOWN/WARN (and which state), until when its
-- notifications are snoozed, and when an unacknowledged DOWN escalates to a second service (with the message to send).
-- Times are epoch milliseconds. A runner without any of them has no row.
CREATE TABLE IF NOT EXISTS mcr_alert_state (
  runner_id TEXT PRIMARY KEY,
  acked_by TEXT,
  acked_ms INTEGER,
  acked_state TEXT,
  snoozed_until_ms INTEGER,
  escalation_due_ms INTEGER,
  escalation_message TEXT
);
