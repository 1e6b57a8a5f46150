-- What a person decided about a runner's alerts: who acknowledged its DOWN/WARN (and which state), and until when its
-- notifications are snoozed. Times are epoch milliseconds. A runner without either has no row.
CREATE TABLE IF NOT EXISTS mcr_alert_state (
  runner_id TEXT PRIMARY KEY,
  acked_by TEXT,
  acked_ms INTEGER,
  acked_state TEXT,
  snoozed_until_ms INTEGER
);
