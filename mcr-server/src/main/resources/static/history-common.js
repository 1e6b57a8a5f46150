// What the strip of recent runs and the history view share: how a run looks (colour class, words),
// the tooltip, the dialog with a run's output, and the runner names the strips registered.

import { h, pageZone } from './util.js';
import { t, tr } from './i18n.js';
import { get } from './api.js';
import { openModal } from './dialogs.js';

/** Lines of a run's output the dialog loads (the raw link has all of it). */
const OUTPUT_TAIL_LINES = 5000;
const SEVERITY = { DOWN: 4, WARN: 3, INFO: 2, UP: 1 };

const names = new Map();

/** Registers how to name a runner (its card knows the current name). */
export function setRunnerName(runnerId, nameOf) {
  names.set(runnerId, nameOf);
}

/** The runner's current name, or its id when no card named it. */
export function runnerName(runnerId) {
  const f = names.get(runnerId);
  return (f && f()) || String(runnerId || '');
}

/** Rank of a case state for "worst": DOWN > WARN > INFO > UP > none. */
export function severity(state) {
  return SEVERITY[String(state || '').toUpperCase()] || 0;
}

/**
 * The colour classes of a run: its kind (running, lost, stopped, timed out, else the worst case state,
 * else ok or fail by the exit code) and x-fail when a run with a worst state still exited non-zero.
 */
export function runClasses(run) {
  const o = run.outcome;
  if (o === 'running' || o === 'lost' || o === 'stopped') return [`k-${o}`];
  if (o === 'timed_out') return ['k-timeout'];
  // A heartbeat's missed ping: a failure without a run, drawn as an outline in the failure colour.
  if (o === 'missed') return ['k-missed'];
  const s = String(run.worst_state || '').toLowerCase();
  const kind = { down: 'k-down', warn: 'k-warn', info: 'k-info', up: 'k-ok' }[s] || (o === 'success' ? 'k-ok' : 'k-fail');
  return o === 'failure' && kind !== 'k-fail' ? [kind, 'x-fail'] : [kind];
}

const pad2 = (n) => String(n).padStart(2, '0');
let zoneFormat = null;
const zoneNames = new Map();

/** Date, time and zone of a timestamp in the browser's zone, e.g. 2026-12-07 03:22:37 CET. */
export function fmtWhen(iso) {
  const d = iso instanceof Date ? iso : new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  // The zone's name depends only on the offset of the date (summer time or not): formatted once per offset, since
  // formatting costs most of a millisecond and a page load shows a strip cell per run.
  const offset = d.getTimezoneOffset();
  let zone = zoneNames.get(offset);
  if (zone === undefined) {
    zoneFormat = zoneFormat || new Intl.DateTimeFormat('en', { timeZoneName: 'short' });
    const part = zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName');
    zone = part ? part.value : '';
    zoneNames.set(offset, zone);
  }
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} `
    + `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}${zone ? ` ${zone}` : ''}`;
}

/**
 * Formats a time once while the page has nothing else to do: the browser's first zone name costs it 15-40 ms (it
 * loads its zone data), which the first strip cell or case tooltip of a run would otherwise pay inside a frame of
 * the run.
 */
export function warmUpTimes() {
  fmtWhen(new Date());
  pageZone();
}

/** A duration as a translatable {t, args}, or null when there is none. */
export function fmtDuration(ms) {
  if (ms == null || !Number.isFinite(Number(ms))) return null;
  const v = Math.max(0, Number(ms));
  if (v < 1000) return { t: 'durMs', args: { n: Math.round(v) } };
  if (v < 60000) return { t: 'durS', args: { n: (v / 1000).toFixed(v < 10000 ? 2 : 1) } };
  const s = Math.round(v / 1000);
  if (s < 3600) return { t: 'durMinS', args: { m: Math.floor(s / 60), s: s % 60 } };
  return { t: 'durHMin', args: { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) } };
}

/** The sentence that describes a run (tooltip, aria-label), as a [key, args] binding. */
export function runSentence(run) {
  const d = fmtDuration(run.duration_ms);
  return ['runCell', {
    when: fmtWhen(run.started_ts),
    outcome: { t: `outcome_${run.outcome}` },
    state: run.worst_state ? { t: 'runCellState', args: { state: run.worst_state } } : '',
    took: d ? { t: 'runCellTook', args: { d } } : '',
    exit: run.exit_code != null ? { t: 'runCellExit', args: { code: run.exit_code } } : '',
    message: run.last_case ? { t: 'runCellMessage', args: { m: run.last_case } } : '',
  }];
}

// ----- the tooltip ---------------------------------------------------------------------

let tip;

/** Shows the tooltip of a run next to an element (a strip cell, a chart mark). */
export function showTip(el, run) {
  if (!tip) {
    tip = h('div', { class: 'run-tip', role: 'tooltip', id: 'runTip', hidden: true });
    document.body.append(tip);
    // A tooltip placed for one layout is wrong after a scroll or resize; Escape dismisses it (WCAG 1.4.13).
    window.addEventListener('scroll', hideTip, { passive: true });
    window.addEventListener('resize', hideTip);
    document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') hideTip(); });
  }
  const d = fmtDuration(run.duration_ms);
  const line = (cls, text) => h('div', { class: cls }, text);
  tip.replaceChildren(
    line('tip-when', fmtWhen(run.started_ts)),
    line(`tip-outcome ${runClasses(run).join(' ')}`, t(`outcome_${run.outcome}`)
      + (run.worst_state ? ` · ${run.worst_state}` : '')),
    d ? line('tip-dur', t('runCellTook', { d }).replace(/^,\s*/, '')) : null,
    run.exit_code != null ? line('tip-exit', t('runCellExit', { code: run.exit_code }).replace(/^,\s*/, '')) : null,
    run.last_case ? line('tip-msg', String(run.last_case)) : null,
  );
  tip.hidden = false;
  const r = el.getBoundingClientRect();
  const w = tip.offsetWidth;
  const left = Math.min(Math.max(4, r.left + r.width / 2 - w / 2), window.innerWidth - w - 4);
  const below = r.bottom + 6 + tip.offsetHeight < window.innerHeight;
  // CSSOM positions are allowed under the page's CSP (no style attribute is parsed).
  tip.style.left = `${Math.round(left)}px`;
  tip.style.top = `${Math.round(below ? r.bottom + 6 : r.top - tip.offsetHeight - 6)}px`;
}

/** Hides the tooltip. */
export function hideTip() {
  if (tip) tip.hidden = true;
}

// ----- a run's output ----------------------------------------------------------------

let outDialog;

function outputDialog() {
  if (outDialog) return outDialog;
  const title = h('h2', { id: 'runOutTitle' });
  const close = tr(h('button', { type: 'submit', class: 'btn', 'data-act': 'close' }), { text: 'close' });
  const meta = h('p', { class: 'run-out-meta' });
  const pre = h('pre', { class: 'output pane run-out', tabindex: '0' });
  const note = h('p', { class: 'hint run-out-note', role: 'status' });
  const raw = tr(h('a', { class: 'btn small', target: '_blank', rel: 'noopener' }), { text: 'runOutputOpenRaw' });
  const el = h('dialog', { id: 'runOutputDialog', class: 'dialog wide', 'aria-labelledby': 'runOutTitle' },
    h('div', { class: 'dialog-inner' },
      h('div', { class: 'dialog-head' }, title, h('form', { method: 'dialog' }, close)),
      meta, note, pre, h('p', null, raw)));
  document.body.append(el);
  outDialog = { el, title, meta, pre, note, raw, close };
  return outDialog;
}

/** Removes a bound text (tr keeps a binding until it is replaced). */
export function clearText(el) {
  el._tr = null;
  el.removeAttribute('data-tr');
  el.textContent = '';
}

/** Opens the dialog with a run's output (the last lines of it) and what is known of the run. */
export async function openRunOutput(runnerId, run) {
  const d = outputDialog();
  tr(d.title, { text: ['runOutputTitle', { name: runnerName(runnerId), when: fmtWhen(run.started_ts) }] });
  tr(d.meta, { text: runSentence(run) });
  tr(d.note, { text: 'loading' });
  d.pre.textContent = '';
  d.raw.href = `/api/runs/${encodeURIComponent(run.run_id)}/output`;
  const shown = openModal(d.el, d.close);
  try {
    const text = String(await get(`/api/runs/${encodeURIComponent(run.run_id)}/output?tail_lines=${OUTPUT_TAIL_LINES}`));
    d.pre.textContent = text;
    const lines = text.split('\n').length - 1;
    if (text === '') tr(d.note, { text: 'runOutputEmpty' });
    else if (lines >= OUTPUT_TAIL_LINES) tr(d.note, { text: ['runOutputTail', { n: OUTPUT_TAIL_LINES }] });
    else clearText(d.note);
    if (text !== '') d.pre.scrollTop = d.pre.scrollHeight;
  } catch (e) {
    tr(d.note, { text: ['runOutputFailed', { detail: e.detail || String(e.status || e.message || e) }] });
  }
  return shown;
}
