// The alerting rules of a runner card beyond the original's: N of M (`down_after`) and escalation to a second
// service (`escalate_to`). Kept in the draft like every other setting; the server checks them again on save.

import { h, toInt } from './util.js';
import { tr } from './i18n.js';

const MAX_RUNS = 100;
const MAX_AFTER_MIN = 30 * 24 * 60;

/** The two keys in the draft's fixed shape: an object or null each. */
export function projectAlertRules(r) {
  const d = r && r.down_after;
  const e = r && r.escalate_to;
  return {
    down_after: d && typeof d === 'object' ? { failures: toInt(d.failures, 1), of_runs: toInt(d.of_runs, 1) } : null,
    escalate_to: e && typeof e === 'object' && e.profile_id
      ? { profile_id: String(e.profile_id), after_s: toInt(e.after_s, 600) } : null,
  };
}

/** Why the draft's rules cannot be saved (an i18n key), or null. */
export function alertRulesProblem(d) {
  const n = d.down_after;
  if (n && !(n.failures >= 1 && n.of_runs >= n.failures && n.of_runs <= MAX_RUNS)) return 'downAfterInvalid';
  const e = d.escalate_to;
  if (e && !(e.after_s >= 1 && e.after_s <= MAX_AFTER_MIN * 60)) return 'escalateAfterInvalid';
  return null;
}

/** The fieldset: built once per card, filled from the draft whenever it changes. */
export class AlertRules {
  /**
   * @param {string} u the card's id prefix for element ids
   * @param {() => object} draft the card's draft
   * @param {() => void} changed called after an edit
   */
  constructor(u, draft, changed) {
    this.draft = draft;
    const num = (key, onInput) => h('input', {
      type: 'number', class: 'setting', id: `${u}-${key}`, 'data-field': key, min: '1', step: '1', oninput: onInput,
    });
    this.nOn = h('input', { type: 'checkbox', class: 'setting', id: `${u}-down-after-on`, 'data-field': 'down-after-on',
      onchange: () => {
        this.draft().down_after = this.nOn.checked ? { failures: 2, of_runs: 3 } : null;
        this.fill(null);
        changed();
      } });
    this.failuresIn = num('down-after-failures', () => { this.setCount('failures', this.failuresIn); changed(); });
    this.ofRunsIn = num('down-after-of-runs', () => { this.setCount('of_runs', this.ofRunsIn); changed(); });
    this.failuresIn.max = String(MAX_RUNS);
    this.ofRunsIn.max = String(MAX_RUNS);
    this.escSel = h('select', { class: 'setting', id: `${u}-escalate-to`, 'data-field': 'escalate-to',
      onchange: () => {
        const id = this.escSel.value;
        const before = this.draft().escalate_to;
        this.draft().escalate_to = id ? { profile_id: id, after_s: before ? before.after_s : 600 } : null;
        this.fill(null);
        changed();
      } });
    this.afterIn = num('escalate-after', () => {
      const e = this.draft().escalate_to;
      if (e) e.after_s = Math.round(Number(this.afterIn.value) * 60) || 0;
      this.mark();
      changed();
    });
    this.afterIn.max = String(MAX_AFTER_MIN);
    this.afterIn.min = '0.1';
    this.afterIn.step = 'any';
    this.problem = h('p', { class: 'warn hidden', 'data-role': 'alert-rules-problem', 'aria-live': 'polite' });
    const field = (key, control) => h('div', { class: 'field' }, tr(h('label', { for: control.id }), { text: key }), control);
    this.counts = h('div', { class: 'grid2' }, field('downAfterFailures', this.failuresIn), field('downAfterOfRuns', this.ofRunsIn));
    this.afterField = field('escalateAfter', this.afterIn);
    this.el = h('fieldset', { class: 'alert-rules' }, tr(h('legend'), { text: 'alertRules' }),
      h('label', { class: 'check', for: this.nOn.id }, this.nOn, tr(h('span'), { text: 'downAfterOn' })),
      this.counts,
      tr(h('p', { class: 'hint' }), { text: 'downAfterHint' }),
      h('div', { class: 'grid2' }, field('escalateTo', this.escSel), this.afterField),
      tr(h('p', { class: 'hint' }), { text: 'escalateHint' }),
      this.problem);
  }

  setCount(key, input) {
    const d = this.draft().down_after;
    if (d) d[key] = toInt(input.value, 0);
    this.mark();
  }

  /** Shows the draft; `profiles` (the services) refreshes the escalation choices, null keeps them. */
  fill(profiles) {
    const d = this.draft();
    if (profiles) this.profiles = profiles;
    const n = d.down_after;
    this.nOn.checked = !!n;
    this.counts.classList.toggle('hidden', !n);
    if (n && toInt(this.failuresIn.value, -1) !== n.failures) this.failuresIn.value = String(n.failures);
    if (n && toInt(this.ofRunsIn.value, -1) !== n.of_runs) this.ofRunsIn.value = String(n.of_runs);
    const e = d.escalate_to;
    const list = this.profiles || [];
    const ids = list.map((p) => String(p.id));
    const sig = JSON.stringify([list.map((p) => [p.id, p.name]), e && e.profile_id]);
    if (sig !== this.sig) {
      this.sig = sig;
      const opts = [tr(h('option', { value: '' }), { text: 'escalateNone' })];
      for (const p of list) opts.push(h('option', { value: String(p.id) }, String(p.name || p.id)));
      // A service that was deleted stays visible, so the stored value is not changed behind the user's back.
      if (e && !ids.includes(e.profile_id)) opts.push(tr(h('option', { value: e.profile_id }), { text: ['escalateGone', { id: e.profile_id }] }));
      this.escSel.replaceChildren(...opts);
    }
    this.escSel.value = e ? e.profile_id : '';
    this.afterField.classList.toggle('hidden', !e);
    if (e && Math.round(Number(this.afterIn.value) * 60) !== e.after_s) this.afterIn.value = String(Math.round(e.after_s / 6) / 10);
    this.mark();
  }

  /** Marks what cannot be saved, in words next to the fields. */
  mark() {
    const problem = alertRulesProblem(this.draft());
    const n = problem === 'downAfterInvalid';
    this.failuresIn.setAttribute('aria-invalid', String(n));
    this.ofRunsIn.setAttribute('aria-invalid', String(n));
    this.afterIn.setAttribute('aria-invalid', String(problem === 'escalateAfterInvalid'));
    this.problem.classList.toggle('hidden', !problem);
    if (problem) tr(this.problem, { text: problem });
  }
}
