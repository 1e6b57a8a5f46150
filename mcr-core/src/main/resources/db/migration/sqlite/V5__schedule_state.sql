-- Where each runner's schedule stands, so that it resumes after a restart. Times are epoch milliseconds.
CREATE TABLE IF NOT EXISTS mcr_schedule_state (
  runner_id TEXT PRIMARY KEY,
  session_started_ms INTEGER,
  next_due_ms INTEGER,
  run_count INTEGER NOT NULL,
  remaining INTEGER,
  consecutive_failures INTEGER NOT NULL
);
