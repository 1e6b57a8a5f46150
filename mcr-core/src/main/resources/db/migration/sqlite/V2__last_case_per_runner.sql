-- The last case message of each runner (the original kept it in runtime_status.json). Safe to run again: data
-- folders of mcr before Flyway have it.
CREATE TABLE IF NOT EXISTS mcr_last_case (
  runner_id TEXT PRIMARY KEY,
  message TEXT NOT NULL,
  ts TEXT NOT NULL DEFAULT ''
);
