#!/usr/bin/env python3
"""Regenerates the "data folder of the original" fixture (needs the `cryptography` package).

Writes, in this folder:
  credentials.key.txt   what the original writes to DATA_DIR/.credentials.key (a Fernet key, no newline)
  state.json            the text of the original's `state` row (json.dumps(state, ensure_ascii=False)),
                        secrets encrypted as enc:v1:<token> with that key, one profile still in plaintext
  runtime_status.json   the original's DATA_DIR/runtime_status.json (json.dump(..., indent=2))
"""
import json
from pathlib import Path

from cryptography.fernet import Fernet

here = Path(__file__).resolve().parent
key = Fernet.generate_key()
f = Fernet(key)


def enc(s: str) -> str:
    return "enc:v1:" + f.encrypt(s.encode("utf-8")).decode("ascii")


state = {
    "notify_profiles": [
        {"id": "notify_home", "name": "Pushover Zuhause", "type": "pushover", "active": True,
         "failure_count": 1, "sent_count": 42,
         "config": {"user_key": enc("uHomeUserKey0000000000000000000"), "api_token": enc("aHomeApiToken000000000000000000")}},
        {"id": "notify_buero", "name": "Büro", "type": "pushover", "active": False,
         "failure_count": 3, "sent_count": 7,
         "config": {"user_key": enc("uOfficeKey äöü"), "api_token": ""}},
        {"id": "notify_legacy", "name": "Legacy plaintext", "type": "pushover", "active": True,
         "failure_count": 0, "sent_count": 0,
         "config": {"user_key": "uPlainUserKey1111111111111111111", "api_token": "aPlainApiToken11111111111111111"}},
    ],
    "runners": [
        {"id": "runner1", "name": "Passwort-Check-Demo", "command": "echo hi",
         "logging_enabled": True, "schedule": {"hours": 0, "minutes": 0, "seconds": 0}, "max_runs": 1,
         "alert_cooldown_s": 300, "alert_escalation_s": 1800, "failure_pause_threshold": 5,
         "notify_profile_ids": ["notify_home"], "notify_profile_updates_only": [],
         "cases": [{"id": "case_pw", "pattern": "passwort:\\s*(?P<pw>\\S+)", "message_template": "Passwort: {pw}", "state": ""}],
         "some_future_key": {"kept": True}},
    ],
    "runner_groups": [],
    "runner_layout": [{"type": "runner", "id": "runner1"}],
    "pushover_user_key": "",
    "pushover_api_token": "",
}

(here / "credentials.key.txt").write_text(key.decode("ascii"), encoding="utf-8")
(here / "state.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
with open(here / "runtime_status.json", "w", encoding="utf-8") as fh:
    json.dump({
        "runner1": {"last_case": "Passwort: geheim ✓", "last_case_ts": "2025-03-11T09:15:02+01:00"},
        "runner_gone": {"last_case": "192.168.3.1 ist erreichbar", "last_case_ts": "2025-03-10T22:00:00+01:00"},
        "runner_no_ts": {"last_case": "x", "last_case_ts": ""},
    }, fh, ensure_ascii=False, indent=2)
