// The history of one runner in a dialog with its own address (#runner/<id>/history): its statistics over
// 24 h, 7 or 30 days, a chart of the durations of the runs on the page (SVG, drawn here), and the runs as a
// table paged by the API's cursor (newest first; a page stays put while new runs arrive).

import { h } from './util.js';
import { t, tr } from './i18n.js';
import { get } from './api.js';
import { openModal } from './dialogs.js';
import { runClasses, runSentence, fmtWhen, fmtDuration, showTip, hideTip, openRunOutput, runnerName, clearText } from './history-common.js';

/** Runs per page of the table (and marks of the chart). */
export const PAGE_RUNS = 50;
const WINDOWS = ['24h', '7d', '30d'];
const HASH = /^#runner\/([A-Za-z0-9_-]{1,120})\/history$/;
const SVG = 'http://www.w3.org/2000/svg';
const W = 720;
const HGT = 220;
const M = { l: 64, r: 14, t: 12, b: 34 };

let view;

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, String(v));
  for (const c of children) if (c != null) el.append(c);
  return el;
}

function build() {
  const title = h('h2', { id: 'historyTitle' });
  const close = tr(h('button', { type: 'submit', class: 'btn', 'data-act': 'close' }), { text: 'close' });
  const winBtns = WINDOWS.map((w) => tr(h('button', { type: 'button', class: 'btn small', 'data-window': w, 'aria-pressed': 'false', onclick: () => loadStats(w) }), { text: `win${w}` }));
  const stats = h('dl', { class: 'hist-stats', 'data-role': 'stats' });
  const statsMsg = h('p', { class: 'hint', role: 'status' });
  // A group, not an image: its marks are buttons a keyboard reaches (one tab stop, arrow keys move between them).
  const chart = svg('svg', { class: 'hist-chart', viewBox: `0 0 ${W} ${HGT}`, role: 'group', 'data-role': 'chart' });
  const legend = h('ul', { class: 'hist-legend' },
    ...['success', 'failure', 'stopped', 'timed_out', 'missed', 'lost', 'running'].map((o) => h('li', null,
      h('span', { class: `swatch ${runClasses({ outcome: o }).join(' ')}`, 'aria-hidden': 'true' }), tr(h('span'), { text: `outcome_${o}` }))));
  const figure = h('figure', { class: 'hist-figure' }, chart, h('figcaption', null, legend));
  const rows = h('tbody', { 'data-role': 'rows' });
  const cols = ['colStart', 'colDuration', 'colTrigger', 'colActor', 'colExit', 'colWorst', 'colLastMessage', 'colOutput'];
  const table = h('table', { class: 'hist-table' }, h('thead', null, h('tr', null, ...cols.map((c) => tr(h('th', { scope: 'col' }), { text: c })))), rows);
  const newer = tr(h('button', { type: 'button', class: 'btn', 'data-act': 'newer', onclick: () => page(view.at - 1) }), { text: 'historyNewer' });
  const older = tr(h('button', { type: 'button', class: 'btn', 'data-act': 'older', onclick: () => page(view.at + 1) }), { text: 'historyOlder' });
  const reload = tr(h('button', { type: 'button', class: 'btn', 'data-act': 'reload', onclick: () => { view.cursors = [null]; page(0); loadStats(view.window); } }), { text: 'historyReload' });
  const pageInfo = h('span', { class: 'hist-page', role: 'status', 'data-role': 'page-info' });
  const msg = h('p', { class: 'hint', role: 'status', 'data-role': 'message' });
  const el = h('dialog', { id: 'historyDialog', class: 'dialog wide history', 'aria-labelledby': 'historyTitle' },
    h('div', { class: 'dialog-inner' },
      h('div', { class: 'dialog-head' }, title, h('form', { method: 'dialog' }, close)),
      h('section', { class: 'hist-section' },
        h('div', { class: 'row wrap' }, tr(h('h3'), { text: 'historyStats' }),
          h('div', { class: 'seg', role: 'group' }, ...winBtns)),
        stats, statsMsg),
      h('section', { class: 'hist-section' }, figure),
      h('div', { class: 'row wrap hist-pager' }, newer, older, reload, pageInfo),
      msg,
      h('div', { class: 'table-wrap' }, table)));
  tr(el.querySelector('.seg'), { aria: 'historyWindow' });
  document.body.append(el);
  el.addEventListener('close', () => {
    hideTip();
    if (HASH.test(location.hash)) history.replaceState(null, '', location.pathname + location.search);
  });
  chart.addEventListener('mouseover', (ev) => {
    const i = ev.target.getAttribute && ev.target.getAttribute('data-i');
    if (i != null && view.items[i]) showTip(ev.target, view.items[i]);
  });
  chart.addEventListener('mouseout', hideTip);
  // On the figure: Chromium makes an svg element with focus listeners a tab stop of its own.
  figure.addEventListener('focusin', (ev) => {
    const i = ev.target.getAttribute && ev.target.getAttribute('data-i');
    if (i != null && view.items[i]) showTip(ev.target, view.items[i]);
  });
  figure.addEventListener('focusout', hideTip);
  chart.addEventListener('keydown', onChartKey);
  chart.addEventListener('click', (ev) => {
    const i = ev.target.getAttribute && ev.target.getAttribute('data-i');
    if (i != null && view.items[i]) openRunOutput(view.runnerId, view.items[i]);
  });
  rows.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-i]');
    if (b) openRunOutput(view.runnerId, view.items[Number(b.dataset.i)]);
  });
  return { el, title, close, winBtns, stats, statsMsg, chart, rows, newer, older, pageInfo, msg, runnerId: null, window: '24h', cursors: [null], at: 0, items: [], seq: 0 };
}

/**
 * The chart's marks by the keyboard: arrows move to the run before or after in time (left/right, also up/down),
 * Home and End to the oldest and newest; Enter or Space opens the run's output. One mark is the tab stop.
 */
function onChartKey(ev) {
  const marks = Array.from(view.chart.querySelectorAll('.mark'));
  const i = marks.indexOf(ev.target);
  if (i < 0) return;
  if (ev.key === 'Enter' || ev.key === ' ') {
    ev.preventDefault();
    openRunOutput(view.runnerId, view.items[Number(ev.target.getAttribute('data-i'))]);
    return;
  }
  const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: marks.length - 1 }[ev.key];
  if (to == null) return;
  ev.preventDefault();
  if (to < 0 || to >= marks.length) return;
  marks[i].setAttribute('tabindex', '-1');
  marks[to].setAttribute('tabindex', '0');
  marks[to].focus();
}

/** Opens the history of a runner (and gives it its address, so a reload or a shared link opens it again). */
export function openHistory(runnerId) {
  if (!view) view = build();
  const target = `#runner/${runnerId}/history`;
  if (location.hash !== target) history.pushState(null, '', target);
  if (view.el.open && view.runnerId === runnerId) return;
  view.runnerId = runnerId;
  view.cursors = [null];
  view.items = [];
  tr(view.title, { text: ['historyTitle', { name: runnerName(runnerId) }] });
  if (!view.el.open) openModal(view.el, view.close);
  loadStats(view.window);
  page(0);
}

/** Opens or closes the history as the address says; call once the runners are known. */
export function startHistoryRoute() {
  const follow = () => {
    const m = HASH.exec(location.hash);
    if (m) openHistory(m[1]);
    else if (view && view.el.open) view.el.close();
  };
  window.addEventListener('popstate', follow);
  window.addEventListener('hashchange', follow);
  follow();
}

async function loadStats(win) {
  view.window = win;
  for (const b of view.winBtns) b.setAttribute('aria-pressed', String(b.dataset.window === win));
  const rid = view.runnerId;
  try {
    const s = await get(`/api/runners/${encodeURIComponent(rid)}/stats?window=${win}`);
    if (rid !== view.runnerId || win !== view.window) return;
    clearText(view.statsMsg);
    const dur = (v) => { const d = fmtDuration(v); return d ? t(d.t, d.args) : '—'; };
    const streak = s.current_streak && s.current_streak.kind ? t(`streak_${s.current_streak.kind}`, { n: s.current_streak.count }) : '—';
    const items = [
      ['statRuns', String(s.runs)],
      ['statSuccessRate', s.success_rate == null ? '—' : `${(Number(s.success_rate) * 100).toFixed(1)} %`],
      ['statFailures', String(s.failures)],
      ['statP50', dur(s.duration_ms && s.duration_ms.p50)],
      ['statP95', dur(s.duration_ms && s.duration_ms.p95)],
      ['statMax', dur(s.duration_ms && s.duration_ms.max)],
      ['statStreak', streak],
      ['statLastFailure', s.last_failure_ts ? fmtWhen(s.last_failure_ts) : '—'],
    ];
    view.stats.replaceChildren(...items.map(([k, v]) => h('div', { 'data-stat': k }, tr(h('dt'), { text: k }), h('dd', null, v))));
  } catch (e) {
    view.stats.replaceChildren();
    tr(view.statsMsg, { text: ['historyFailed', { detail: e.detail || String(e.status || e.message || e) }] });
  }
}

async function page(at) {
  if (at < 0 || at >= view.cursors.length) return;
  const seq = ++view.seq;
  const rid = view.runnerId;
  const before = view.cursors[at];
  const q = `runner_id=${encodeURIComponent(rid)}&limit=${PAGE_RUNS}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
  view.newer.disabled = true;
  view.older.disabled = true;
  try {
    const data = await get(`/api/runs?${q}`);
    if (seq !== view.seq) return;
    view.at = at;
    view.items = Array.isArray(data.items) ? data.items : [];
    view.cursors.length = at + 1;
    if (data.next) view.cursors.push(data.next);
    if (view.items.length) clearText(view.msg);
    else tr(view.msg, { text: 'historyEmpty' });
    renderRows();
    renderChart();
    const from = at * PAGE_RUNS + 1;
    if (view.items.length) tr(view.pageInfo, { text: ['historyPage', { from, to: from + view.items.length - 1 }] });
    else clearText(view.pageInfo);
  } catch (e) {
    if (seq !== view.seq) return;
    tr(view.msg, { text: ['historyFailed', { detail: e.detail || String(e.status || e.message || e) }] });
  } finally {
    if (seq === view.seq) {
      view.newer.disabled = view.at <= 0;
      view.older.disabled = view.cursors.length <= view.at + 1;
    }
  }
}

function renderRows() {
  view.rows.replaceChildren(...view.items.map((r, i) => {
    const d = fmtDuration(r.duration_ms);
    const exit = h('td', { class: 'num' }, r.exit_code == null ? '—' : String(r.exit_code), ' ',
      tr(h('span', { class: `outcome ${runClasses(r).join(' ')}` }), { text: `outcome_${r.outcome}` }));
    return h('tr', { 'data-run-id': r.run_id },
      h('td', { class: 'when' }, h('span', { class: `swatch ${runClasses(r).join(' ')}`, 'aria-hidden': 'true' }), fmtWhen(r.started_ts)),
      d ? tr(h('td', { class: 'num' }), { text: [d.t, d.args] }) : h('td', { class: 'num' }, '—'),
      r.trigger ? tr(h('td'), { text: `trigger_${r.trigger}` }) : h('td', null, '—'),
      h('td', null, r.actor || '—'),
      exit,
      h('td', null, r.worst_state || '—'),
      h('td', { class: 'msg' }, r.last_case || ''),
      h('td', null, tr(h('button', { type: 'button', class: 'btn small', 'data-i': String(i) }), { text: 'colOutput', aria: ['runOutputOf', { when: fmtWhen(r.started_ts) }] })));
  }));
}

/** Round step for about n ticks over span: 1, 2 or 5 times a power of ten (of the unit). */
function niceStep(span, n) {
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function durTick(ms, unit) {
  if (unit === 'h') return t('durHShort', { n: +(ms / 3600000).toFixed(2) });
  if (unit === 'min') return t('durMinShort', { n: +(ms / 60000).toFixed(2) });
  if (unit === 's') return t('durS', { n: +(ms / 1000).toFixed(2) });
  return t('durMs', { n: Math.round(ms) });
}

function renderChart() {
  const items = view.items;
  const c = view.chart;
  tr(c, { aria: ['historyChart', { n: items.length }] });
  const now = Date.now();
  const pts = items.map((r, i) => ({
    i, r,
    x: Date.parse(r.started_ts) || Number(r.started_ms) || now,
    y: r.duration_ms != null ? Number(r.duration_ms) : null,
  }));
  const xs = pts.map((p) => p.x);
  let x0 = xs.length ? Math.min(...xs) : now - 3600000;
  let x1 = xs.length ? Math.max(...xs) : now;
  if (x1 - x0 < 60000) { x0 -= 30000; x1 += 30000; }
  const maxY = Math.max(1, ...pts.map((p) => p.y || 0));
  const unit = maxY >= 7200000 ? 'h' : maxY >= 120000 ? 'min' : maxY >= 2000 ? 's' : 'ms';
  const uMs = { h: 3600000, min: 60000, s: 1000, ms: 1 }[unit];
  const step = niceStep(maxY / uMs, 4) * uMs;
  const y1 = Math.ceil(maxY / step) * step;
  const pw = W - M.l - M.r;
  const ph = HGT - M.t - M.b;
  const sx = (x) => M.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y) => M.t + ph - (y / y1) * ph;
  const parts = [];
  for (let v = 0; v <= y1 + step / 2; v += step) {
    const y = sy(v);
    parts.push(svg('line', { class: 'grid', x1: M.l, x2: W - M.r, y1: y, y2: y }));
    parts.push(svg('text', { class: 'tick y', x: M.l - 6, y: y + 4 }, durTick(v, unit)));
  }
  const span = x1 - x0;
  const sameDay = new Date(x0).toDateString() === new Date(x1).toDateString();
  const pad2 = (n) => String(n).padStart(2, '0');
  for (let k = 0; k <= 4; k++) {
    const x = x0 + (span * k) / 4;
    const d = new Date(x);
    const label = `${sameDay ? '' : `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} `}${pad2(d.getHours())}:${pad2(d.getMinutes())}${span < 600000 ? `:${pad2(d.getSeconds())}` : ''}`;
    parts.push(svg('line', { class: 'tick-mark', x1: sx(x), x2: sx(x), y1: M.t + ph, y2: M.t + ph + 4 }));
    parts.push(svg('text', { class: `tick x${k === 0 ? ' first' : k === 4 ? ' last' : ''}`, x: sx(x), y: HGT - M.b + 18 }, label));
  }
  parts.push(svg('line', { class: 'axis', x1: M.l, x2: W - M.r, y1: M.t + ph, y2: M.t + ph }));
  parts.push(svg('line', { class: 'axis', x1: M.l, x2: M.l, y1: M.t, y2: M.t + ph }));
  // The marks in the order of time (left to right), so that the arrow keys move along the axis; the newest is the tab
  // stop (or the run that had the focus, when the page is drawn again).
  const focused = c.contains(document.activeElement) ? document.activeElement.getAttribute('data-run-id') : null;
  const inTime = [...pts].sort((a, b) => a.x - b.x || b.i - a.i);
  const stop = inTime.find((p) => p.r.run_id === focused) || inTime[inTime.length - 1];
  for (const p of inTime) {
    const cls = `mark ${runClasses(p.r).join(' ')}${p.y == null ? ' no-duration' : ''}`;
    const mark = svg('circle', { class: cls, cx: sx(p.x).toFixed(1), cy: sy(p.y || 0).toFixed(1), r: 4, 'data-i': p.i, 'data-run-id': p.r.run_id, role: 'button', tabindex: p === stop ? '0' : '-1' });
    tr(mark, { aria: runSentence(p.r) });
    parts.push(mark);
  }
  c.replaceChildren(...parts);
  if (focused && stop) c.querySelector(`[data-run-id="${CSS.escape(stop.r.run_id)}"]`).focus();
}
