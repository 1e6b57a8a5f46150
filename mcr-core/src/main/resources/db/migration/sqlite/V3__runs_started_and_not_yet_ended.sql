-- Runs started and not yet ended, to find processes that a killed instance left behind. Safe to run again: data
-- folders of mcr before Flyway have it.
CREATE TABLE IF NOT EXISTS mcr_live_runs (
  run_id TEXT PRIMARY KEY,
  runner_id TEXT NOT NULL,
  pid INTEGER,
  owner_pid INTEGER NOT NULL,
  owner_started_ms INTEGER,
  started_at TEXT NOT NULL
);
