// Case patterns checked while typing, with the server's translator (the one the engine runs them with), so the
// field says what the save would refuse: POST /api/regex/check, cached per pattern.
import { post } from './api.js';

const MAX_CACHED = 500;
const verdicts = new Map(); // pattern -> '' (valid) or the reason

/** The known verdict of a pattern: '' valid, a reason text, or undefined while unknown. */
export function patternReason(pattern) {
  return verdicts.get(pattern);
}

/**
 * Asks the server about a pattern (once per pattern); resolves to '' or the reason, or undefined when the
 * server could not be asked (the save still checks).
 */
export async function checkPattern(pattern) {
  if (verdicts.has(pattern)) return verdicts.get(pattern);
  let verdict;
  try {
    const r = await post('/api/regex/check', { pattern });
    verdict = r && r.valid === false ? String(r.reason || '') || '?' : '';
  } catch (_) {
    return undefined;
  }
  if (verdicts.size >= MAX_CACHED) verdicts.delete(verdicts.keys().next().value);
  verdicts.set(pattern, verdict);
  return verdict;
}
