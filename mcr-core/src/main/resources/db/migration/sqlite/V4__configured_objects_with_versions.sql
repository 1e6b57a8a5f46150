-- One table per kind of configured object, each row the object's current JSON document with its version and its
-- position in the state's list. The layout and the extra top-level keys are single rows with the id ''.
CREATE TABLE IF NOT EXISTS mcr_runners (
  id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  version INTEGER NOT NULL,
  json TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS mcr_groups (
  id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  version INTEGER NOT NULL,
  json TEXT NOT NULL
);

-- The counters are server-owned runtime values, updated in place without a new version.
CREATE TABLE IF NOT EXISTS mcr_profiles (
  id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  version INTEGER NOT NULL,
  json TEXT NOT NULL,
  sent_count INTEGER NOT NULL DEFAULT 0,
  failure_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS mcr_layout (
  id TEXT PRIMARY KEY CHECK (id = ''),
  position INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  json TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS mcr_extra (
  id TEXT PRIMARY KEY CHECK (id = ''),
  position INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  json TEXT NOT NULL
);

-- Every committed version of every object, the newest 100 per object kept; json IS NULL marks a deletion.
CREATE TABLE IF NOT EXISTS mcr_config_history (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  json TEXT,
  committed_at TEXT NOT NULL,
  PRIMARY KEY (kind, id, version)
) WITHOUT ROWID;

-- Small facts about the data folder, such as the hash of the state row mcr wrote last.
CREATE TABLE IF NOT EXISTS mcr_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
