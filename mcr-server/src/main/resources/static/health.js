// A runner's health from its status snapshot: one level, shown as a word and a colour (never a colour or a
// glyph alone). The rule, in order:
//   paused (auto-paused after failures)                           → paused
//   the current (or, when idle, the last) run saw a DOWN case      → down
//   the last run failed (exit code not 0, timed out, a heartbeat's missed ping), not stopped → down
//   the run saw a WARN case                                        → warn
//   running, nothing worse seen in this run yet                    → running
//   the last run was stopped by the user                           → stopped (neutral, not a failure)
//   the run's worst case was INFO / UP, or the last exit was 0     → info / up
//   nothing known yet                                              → none
// A WARN is the worst state of its run (worst_state), so a later UP line of the same run does not hide it; the
// next run starts over.

/** Severity of a case state, as the server ranks worst_state: DOWN > WARN > INFO > UP > none. */
export function severity(state) {
  return { DOWN: 4, WARN: 3, INFO: 2, UP: 1 }[String(state || '').toUpperCase()] || 0;
}

/** The worse of two case states. */
export function worse(a, b) {
  return severity(b) > severity(a) ? String(b).toUpperCase() : (a || '');
}

/** Every level, worst first (the order of the summary and of sorting by health). */
export const LEVELS = ['down', 'warn', 'paused', 'running', 'stopped', 'info', 'up', 'none'];

/** The i18n key of each level's word. */
export const LEVEL_WORD = {
  down: 'hDown', warn: 'hWarn', paused: 'hPaused', running: 'hRunning', stopped: 'hStopped',
  info: 'hInfo', up: 'hUp', none: 'hNone',
};

/** The health level of a runner's status (see the rule above). */
export function healthOf(st) {
  const s = st || {};
  const worst = String(s.worst_state || '').toUpperCase();
  const code = s.last_exit_code;
  const hasExit = code !== null && code !== undefined && code !== '';
  // last_outcome also tells the end of the last run after a server restart, when last_exit_code is empty.
  const outcome = String(s.last_outcome || '');
  const stopped = !!s.last_stopped || outcome === 'stopped';
  const failed = !s.running && !stopped
    && (outcome === 'failure' || outcome === 'timed_out' || outcome === 'missed' || (hasExit && Number(code) !== 0));
  if (s.paused) return 'paused';
  if (worst === 'DOWN') return 'down';
  if (failed) return 'down';
  if (worst === 'WARN') return 'warn';
  if (s.running) return 'running';
  if (stopped && (hasExit || outcome)) return 'stopped';
  if (worst === 'INFO') return 'info';
  if (worst === 'UP') return 'up';
  if (hasExit || outcome === 'success') return 'up';
  const last = String(s.last_state || '').toUpperCase();
  if (last === 'DOWN') return 'down';
  if (last === 'WARN') return 'warn';
  if (last === 'INFO') return 'info';
  if (last === 'UP') return 'up';
  return 'none';
}

/** The summary bucket a level counts in: ok, warn, down, paused (running is counted from the status itself). */
export function bucketOf(level) {
  if (level === 'up' || level === 'info') return 'ok';
  if (level === 'down' || level === 'warn' || level === 'paused') return level;
  return '';
}

/** The status fields a live event changes, for the health to follow events without a new snapshot. */
export function healthPatch(ev, current) {
  const st = current || {};
  if (ev.type === 'case_match') {
    const state = String(ev.state || '').toUpperCase();
    if (!severity(state)) return {};
    return { last_state: state, worst_state: worse(st.worst_state, state) };
  }
  if (ev.type === 'status' && ev.status === 'started') return { worst_state: '', last_stopped: false };
  if (ev.type === 'status' && ev.status === 'finished') {
    let outcome = Number(ev.exit_code) === 0 ? 'success' : 'failure';
    if (ev.stopped) outcome = 'stopped';
    else if (ev.timed_out) outcome = 'timed_out';
    return { last_stopped: !!ev.stopped, last_outcome: outcome };
  }
  return {};
}
