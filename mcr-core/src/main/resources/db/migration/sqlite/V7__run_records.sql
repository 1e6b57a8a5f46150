-- One record per run: written when it starts, completed when it ends (or closed as lost at the next start of a
-- server that was killed). Times are epoch milliseconds. V6 belongs to the users, sessions and audit of [access].
CREATE TABLE IF NOT EXISTS mcr_runs (
  run_id TEXT PRIMARY KEY,
  runner_id TEXT NOT NULL,
  runner_name TEXT NOT NULL,
  group_id TEXT,
  run_trigger TEXT NOT NULL,
  actor TEXT,
  node TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  duration_ms INTEGER,
  exit_code INTEGER,
  stopped INTEGER NOT NULL DEFAULT 0,
  timed_out INTEGER NOT NULL DEFAULT 0,
  lost INTEGER NOT NULL DEFAULT 0,
  attempt INTEGER NOT NULL DEFAULT 1,
  last_case TEXT,
  last_state TEXT,
  worst_state TEXT,
  output_lines INTEGER NOT NULL DEFAULT 0,
  output_bytes INTEGER NOT NULL DEFAULT 0,
  output_kept INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS mcr_runs_by_runner ON mcr_runs (runner_id, run_id);
CREATE INDEX IF NOT EXISTS mcr_runs_by_group ON mcr_runs (group_id, run_id) WHERE group_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS mcr_runs_by_start ON mcr_runs (started_ms);
-- Few indexes on purpose: every run writes this table twice. Open runs are looked for once, at start-up.
