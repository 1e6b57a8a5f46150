// The strip of a runner's last runs: one small cell per run, coloured by outcome and worst case state,
// newest right. Hover or keyboard focus shows the run (time with date and zone, duration, exit code, last
// message); a click opens its output. All strips of the page come from one request (/api/runs/recent) and
// are kept current by the live events (started adds a running cell, case matches and finished complete it).

import { h } from './util.js';
import { tr } from './i18n.js';
import { get } from './api.js';
import { onFrame } from './output.js';
import { runClasses, runSentence, showTip, hideTip, openRunOutput, setRunnerName, runnerName, severity, warmUpTimes } from './history-common.js';
import { openHistory } from './history-view.js';

/** Runs a strip shows. */
export const STRIP_RUNS = 50;
/** A strip renders at most this often while events change it. */
const STRIP_EVERY_MS = 250;

/** Each runner's newest runs, newest first (the answer of /api/runs/recent, then live events). */
const runs = new Map();
/** The mounted strips by runner id. */
const strips = new Map();
let loaded = false;

class Strip {
  constructor(slot, runnerId) {
    this.runnerId = runnerId;
    this.list = h('ol', { class: 'run-cells', 'data-role': 'run-strip' });
    this.historyBtn = tr(h('button', { type: 'button', class: 'btn small run-history', 'data-act': 'history', onclick: () => openHistory(runnerId) }), { text: 'historyOpen' });
    this.el = h('div', { class: 'run-strip', 'data-runner-id': runnerId }, this.list, this.historyBtn);
    this.list.addEventListener('mouseover', (ev) => this.tip(ev.target));
    this.list.addEventListener('mouseleave', hideTip);
    this.list.addEventListener('focusin', (ev) => this.tip(ev.target));
    this.list.addEventListener('focusout', hideTip);
    this.list.addEventListener('click', (ev) => {
      const run = this.runOf(ev.target);
      if (run) openRunOutput(runnerId, run);
    });
    this.list.addEventListener('keydown', (ev) => this.move(ev));
    slot.replaceChildren(this.el);
    this.render();
  }

  runOf(el) {
    const cell = el && el.closest ? el.closest('.run-cell') : null;
    if (!cell) return null;
    return (runs.get(this.runnerId) || []).find((r) => r.run_id === cell.dataset.runId) || null;
  }

  tip(el) {
    const run = this.runOf(el);
    if (run) showTip(el.closest('.run-cell'), run);
  }

  /**
   * Arrow keys, Home and End move between the cells as they are seen (oldest left); the strip is one stop of the
   * Tab order. The list holds the newest first and is laid out from the right, so a narrow screen cuts the oldest.
   */
  move(ev) {
    const cells = Array.from(this.list.querySelectorAll('.run-cell'));
    const i = cells.indexOf(document.activeElement);
    if (i < 0) return;
    const to = { ArrowLeft: i + 1, ArrowRight: i - 1, Home: cells.length - 1, End: 0 }[ev.key];
    if (to == null || to < 0 || to >= cells.length) return;
    ev.preventDefault();
    cells[i].tabIndex = -1;
    cells[to].tabIndex = 0;
    cells[to].focus();
  }

  /** Names the runner in the strip's labels (again after a rename). */
  labels() {
    const n = Math.min(STRIP_RUNS, (runs.get(this.runnerId) || []).length);
    tr(this.list, { aria: ['runStripLabel', { name: runnerName(this.runnerId), n }] });
    tr(this.historyBtn, { title: ['historyOpenTitle', { name: runnerName(this.runnerId) }] });
  }

  render() {
    const list = (runs.get(this.runnerId) || []).slice(0, STRIP_RUNS);
    this.labels();
    const focused = this.list.contains(document.activeElement) ? document.activeElement.dataset.runId : null;
    // A cell is made again only when what it shows changed: during a run with thousands of case matches, only the
    // running run's cell (its sentence costs a date and a translation, fifty of them tens of ms a render).
    const before = this.cells || new Map();
    const cells = new Map();
    const items = [];
    for (let i = 0; i < list.length; i++) {
      const run = list[i];
      const sig = [run.outcome, run.worst_state, run.duration_ms, run.exit_code, run.last_case, run.started_ts].join('\u0000');
      let c = before.get(run.run_id);
      if (!c || c.sig !== sig) {
        const b = h('button', { type: 'button', class: ['run-cell', ...runClasses(run)].join(' '), 'data-run-id': run.run_id });
        tr(b, { aria: runSentence(run) });
        c = { li: h('li', null, b), b, sig };
      }
      const tabindex = i === 0 ? '0' : '-1';
      if (c.b.getAttribute('tabindex') !== tabindex) c.b.setAttribute('tabindex', tabindex);
      cells.set(run.run_id, c);
      items.push(c.li);
    }
    this.cells = cells;
    const kids = this.list.children;
    if (items.length !== kids.length || items.some((li, i) => kids[i] !== li)) this.list.replaceChildren(...items);
    if (focused && !this.list.contains(document.activeElement)) {
      const again = this.list.querySelector(`[data-run-id="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }
}

/**
 * Mounts the strip of a runner's last runs into slot (replacing what it holds) and returns the strip.
 * nameOf gives the runner's current name (for the labels and the dialogs).
 */
export function mountRunStrip(slot, runnerId, nameOf) {
  if (nameOf) setRunnerName(runnerId, nameOf);
  const s = new Strip(slot, runnerId);
  strips.set(runnerId, s);
  return s;
}

function renderStrip(runnerId) {
  const s = strips.get(runnerId);
  if (s && s.el.isConnected) s.render();
  else if (s) strips.delete(runnerId);
}

/** Loads every runner's recent runs in one request and renders the mounted strips. */
export async function loadRunStrips() {
  const data = await get(`/api/runs/recent?per_runner=${STRIP_RUNS}`);
  runs.clear();
  for (const [rid, list] of Object.entries(data && typeof data === 'object' ? data : {})) {
    if (Array.isArray(list)) runs.set(rid, list);
  }
  loaded = true;
  for (const rid of strips.keys()) renderStrip(rid);
  (window.requestIdleCallback || ((fn) => setTimeout(fn, 200)))(warmUpTimes);
}

const dirty = new Set();

let lastRender = 0;
let renderTimer = 0;

function renderDirty() {
  renderTimer = 0;
  lastRender = performance.now();
  for (const rid of dirty) renderStrip(rid);
  dirty.clear();
}

/**
 * Renders a strip at a frame, at most every STRIP_EVERY_MS: a burst of case matches (thousands a second) costs a
 * render now and then, each of them a strip of cells with their sentences.
 */
function renderSoon(runnerId) {
  dirty.add(runnerId);
  if (renderTimer) return;
  const wait = Math.max(0, lastRender + STRIP_EVERY_MS - performance.now());
  renderTimer = setTimeout(() => onFrame(renderDirty), wait);
}

function findRun(runnerId, runId) {
  return (runs.get(runnerId) || []).find((r) => r.run_id === runId);
}

/** Feeds a live event to the strips: a started run gets a running cell, its case matches and its end complete it. */
export function runStripEvent(ev) {
  // Output lines, the bulk of the stream, never concern a strip.
  if (!ev || !loaded || (ev.type !== 'status' && ev.type !== 'case_match' && ev.type !== 'snapshot')) return;
  if (ev.type === 'snapshot') {
    // A snapshot after the first one follows a reconnect: runs may have ended meanwhile.
    loadRunStrips().catch(() => {});
    return;
  }
  const rid = ev.runner_id;
  if (!ev.run_id || !rid) return;
  if (ev.type === 'status' && ev.status === 'started') {
    if (findRun(rid, ev.run_id)) return;
    const list = runs.get(rid) || [];
    list.unshift({ run_id: ev.run_id, started_ts: ev.ts || new Date().toISOString(), duration_ms: null, exit_code: null, outcome: 'running', worst_state: null, last_case: null, trigger: ev.actor === 'missed' ? 'missed' : null });
    if (list.length > STRIP_RUNS) list.length = STRIP_RUNS;
    runs.set(rid, list);
    renderSoon(rid);
    return;
  }
  const run = findRun(rid, ev.run_id);
  if (!run) return;
  if (ev.type === 'case_match') {
    if (ev.state && severity(ev.state) > severity(run.worst_state)) run.worst_state = String(ev.state).toUpperCase();
    if (ev.message != null) run.last_case = String(ev.message);
    renderSoon(rid);
  } else if (ev.type === 'status' && ev.status === 'finished') {
    run.exit_code = ev.exit_code ?? null;
    const start = Date.parse(run.started_ts);
    const end = Date.parse(ev.ts);
    run.duration_ms = Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : null;
    // A heartbeat's missed ping is a run the server starts with the actor 'missed' (its record's outcome).
    run.outcome = run.trigger === 'missed' ? 'missed'
      : ev.timed_out ? 'timed_out' : ev.stopped ? 'stopped' : ev.exit_code === 0 ? 'success' : 'failure';
    renderSoon(rid);
  }
}
