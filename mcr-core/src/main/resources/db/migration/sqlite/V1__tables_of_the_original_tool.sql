-- The original tool's tables, statement for statement (app/main.py, StateStore.__init__): a data folder of the
-- original, or of mcr before Flyway, already has them, so each statement must be safe to run again.
CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK(id=1), json TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS notification_journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts TEXT NOT NULL,
  runner_id TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  profile_name TEXT NOT NULL,
  delivery TEXT NOT NULL,
  title TEXT NOT NULL,
  message TEXT NOT NULL,
  error TEXT
);
