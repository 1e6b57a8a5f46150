-- Users, their sessions and API tokens, failed logins in a row, and the hash-chained audit log ([access]).
-- Times are epoch milliseconds. Secrets are never stored: passwords as PBKDF2 hashes, session and token secrets as
-- their SHA-256.
CREATE TABLE IF NOT EXISTS mcr_users (
  name TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_login_ms INTEGER,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS mcr_sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  address TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mcr_sessions_user ON mcr_sessions (user_name);
CREATE TABLE IF NOT EXISTS mcr_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  user_name TEXT NOT NULL,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER,
  last_used_ms INTEGER
);
CREATE TABLE IF NOT EXISTS mcr_login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  blocked_until_ms INTEGER
);
CREATE TABLE IF NOT EXISTS mcr_audit (
  id INTEGER PRIMARY KEY,
  ts_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  address TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  action TEXT NOT NULL,
  target_id TEXT NOT NULL,
  target_name TEXT NOT NULL,
  outcome TEXT NOT NULL,
  status INTEGER NOT NULL,
  summary TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mcr_audit_ts ON mcr_audit (ts_ms);
CREATE TABLE IF NOT EXISTS mcr_audit_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_pruned_id INTEGER NOT NULL,
  last_pruned_hash TEXT NOT NULL,
  pruned_ms INTEGER NOT NULL
);
