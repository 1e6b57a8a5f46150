-- Whether the current DOWN of a runner was sent to its escalation service already: once per DOWN, also across a
-- restart (before, a restart forgot it and the next DOWN line escalated a second time).
ALTER TABLE mcr_alert_state ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0;
