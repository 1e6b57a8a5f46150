// The overview of the runners section: the summary of health counts (each a filter), the search over name, command
// and tags, the health filter, expand/collapse all with the rows remembered per browser, the DOWN count in the tab
// title and favicon, and the keyboard shortcuts (/ search, Ctrl+S save, Ctrl+Enter run, F search the output of the
// focused card).

import { $, h } from './util.js';
import { t, tr } from './i18n.js';
import { healthOf, bucketOf } from './health.js';
import { onPaint } from './output.js';
import { openFullOutput } from './output-full.js';

const ROWS_KEY = 'mcr.rows';
/** The summary's counts, each also a filter; running is counted from the status, the rest from the health. */
export const FILTERS = ['ok', 'warn', 'down', 'paused', 'running'];
const FILTER_WORD = { ok: 'sumOk', warn: 'sumWarn', down: 'sumDown', paused: 'sumPaused', running: 'sumRunning' };

function loadRows() {
  try {
    const v = JSON.parse(localStorage.getItem(ROWS_KEY) || '{}') || {};
    return {
      mode: v.mode === 'compact' || v.mode === 'expanded' ? v.mode : '',
      expanded: v.expanded && typeof v.expanded === 'object' ? v.expanded : {},
    };
  } catch (_) {
    return { mode: '', expanded: {} };
  }
}

/** Whether a runner row matches a search text (every word must be in its name, command or tags). */
export function matchesQuery(runner, query) {
  const words = String(query || '').toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const r = runner || {};
  const hay = [r.name, r.command, ...(Array.isArray(r.tags) ? r.tags : [])].map((x) => String(x ?? '').toLowerCase());
  return words.every((w) => hay.some((x) => x.includes(w)));
}

/** Whether a runner's status falls under a summary filter ('' = all). */
export function matchesFilter(status, filter) {
  if (!filter) return true;
  if (filter === 'running') return !!(status && status.running);
  return bucketOf(healthOf(status)) === filter;
}

/**
 * The overview controller. host gives it the page: runnerCards() and groupCards() (Maps of cards),
 * runnerCount(), saveRunner(card), runRunner(card).
 */
export class Overview {
  constructor(host) {
    this.host = host;
    this.rows = loadRows();
    this.query = '';
    this.filter = '';
    this.applyFn = () => this.apply();
    this.lastDown = -1;
    this.lastFaviconKey = '';
  }

  // ----- remembered rows ---------------------------------------------------------------

  /**
   * Whether a runner's row is expanded: the user's choice for it, else the page's mode (expand/collapse all), else
   * compact, whatever the count (a new draft runner opens by itself, see app.js addRunner).
   */
  isExpanded(runnerId) {
    const own = this.rows.expanded[runnerId];
    if (typeof own === 'boolean') return own;
    if (this.rows.mode) return this.rows.mode === 'expanded';
    return false;
  }

  setExpanded(runnerId, expanded) {
    this.rows.expanded[runnerId] = !!expanded;
    this.saveRows();
  }

  /** Expand all or collapse all: becomes the mode for every row, also for runners added later. */
  setAll(expanded) {
    this.rows = { mode: expanded ? 'expanded' : 'compact', expanded: {} };
    this.saveRows();
    for (const c of this.host.runnerCards().values()) c.setCollapsed(!expanded, false);
  }

  saveRows() {
    try {
      localStorage.setItem(ROWS_KEY, JSON.stringify(this.rows));
    } catch (_) {
      // private mode or full storage: rows just are not remembered
    }
  }

  // ----- page wiring -------------------------------------------------------------------

  /** Builds the summary buttons and wires search, expand/collapse all, the activity pill and the shortcuts. */
  wire() {
    const bar = $('#summary');
    this.countEls = {};
    this.filterBtns = {};
    for (const f of FILTERS) {
      const count = h('span', { class: 'sum-count' }, '0');
      const word = tr(h('span', { class: 'sum-word' }), { text: FILTER_WORD[f] });
      const btn = h('button', { type: 'button', class: `btn sum sum-${f}`, 'data-filter': f, 'aria-pressed': 'false',
        onclick: () => this.setFilter(this.filter === f ? '' : f) }, h('span', { class: 'dot', 'aria-hidden': 'true' }), count, ' ', word);
      tr(btn, { title: ['filterBy', { what: { t: FILTER_WORD[f] } }] });
      this.countEls[f] = count;
      this.filterBtns[f] = btn;
      bar.append(btn);
    }
    this.clearBtn = tr(h('button', { type: 'button', class: 'btn small sum-clear', 'data-act': 'clear-filter', hidden: true,
      onclick: () => { this.setFilter(''); this.setQuery(''); } }), { text: 'filterClear' });
    this.shownEl = h('span', { class: 'sum-shown', role: 'status', 'aria-live': 'polite' });
    bar.append(this.clearBtn, this.shownEl);

    const search = $('#runnerSearch');
    search.addEventListener('input', () => this.setQuery(search.value, false));
    search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && search.value) {
        ev.stopPropagation();
        this.setQuery('');
      }
    });
    $('#expandAll').addEventListener('click', () => this.setAll(true));
    $('#collapseAll').addEventListener('click', () => this.setAll(false));
    const pill = $('#activity');
    pill.addEventListener('click', () => this.setFilter(this.filter === 'running' ? '' : 'running'));
    document.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  setQuery(q, writeInput = true) {
    this.query = String(q || '');
    if (writeInput) $('#runnerSearch').value = this.query;
    this.apply();
  }

  setFilter(f) {
    this.filter = FILTERS.includes(f) ? f : '';
    this.apply();
  }

  // ----- counts, filter, title ---------------------------------------------------------

  /** Recounts and refilters on the next frame (many events in one frame cost one pass). */
  update() {
    onPaint(this.applyFn);
  }

  apply() {
    const counts = { ok: 0, warn: 0, down: 0, paused: 0, running: 0 };
    let shown = 0;
    let total = 0;
    const visibleGroups = new Set();
    for (const card of this.host.runnerCards().values()) {
      const st = card.status;
      const b = bucketOf(healthOf(st));
      if (b) counts[b] += 1;
      if (st.running) counts.running += 1;
      total += 1;
      const visible = matchesQuery(card.latest(), this.query) && matchesFilter(st, this.filter);
      card.el.classList.toggle('filtered-out', !visible);
      if (visible) {
        shown += 1;
        if (card.group) visibleGroups.add(card.group.id);
      }
    }
    const active = !!this.query.trim() || !!this.filter;
    for (const [id, gc] of this.host.groupCards()) {
      const nameHit = !this.filter && !!this.query.trim() && matchesQuery({ name: gc.latest().name }, this.query);
      gc.el.classList.toggle('filtered-out', active && !visibleGroups.has(id) && !nameHit);
    }
    for (const f of FILTERS) {
      this.countEls[f].textContent = String(counts[f]);
      this.filterBtns[f].setAttribute('aria-pressed', String(this.filter === f));
      this.filterBtns[f].classList.toggle('zero', counts[f] === 0);
    }
    $('#activity').setAttribute('aria-pressed', String(this.filter === 'running'));
    this.clearBtn.hidden = !active;
    if (active) tr(this.shownEl, { text: ['filterShown', { n: shown, total }] });
    else tr(this.shownEl, { text: 'empty' });
    this.showDown(counts.down);
  }

  /** The count of DOWN runners in the tab title and the favicon. */
  showDown(down) {
    // Setting the title replaces the title element's text even when it is the same: only when it changed.
    const title = down > 0 ? t('titleDown', { n: down }) : 'mcr';
    if (document.title !== title) document.title = title;
    const any = this.host.runnerCount() > 0;
    const key = `${down}:${any}`;
    if (key === this.lastFaviconKey) return;
    this.lastFaviconKey = key;
    const link = $('#favicon');
    if (!link) return;
    link.href = favicon(down, any);
  }

  /** Re-applies translated texts that are not bound (the title). */
  retranslate() {
    this.lastFaviconKey = '';
    this.apply();
  }

  // ----- shortcuts ---------------------------------------------------------------------

  onKey(ev) {
    const target = ev.target instanceof Element ? ev.target : null;
    const typing = target && (target.closest('input, textarea, select, [contenteditable="true"]'));
    if (ev.key === '/' && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !typing && !document.querySelector('dialog[open]')) {
      ev.preventDefault();
      const search = $('#runnerSearch');
      search.focus();
      search.select();
      return;
    }
    const mod = ev.ctrlKey || ev.metaKey;
    if (!target) return;
    const el = target.closest('article.runner');
    const card = el && this.host.runnerCards().get(el.dataset.runnerId);
    if (!card) return;
    // F on a card (not while typing): its output's search, in the full-screen view, with the focus in the field.
    if ((ev.key === 'f' || ev.key === 'F') && !mod && !ev.altKey && !typing && !document.querySelector('dialog[open]')) {
      ev.preventDefault();
      openFullOutput(card, { search: true });
      return;
    }
    if (!mod) return;
    if (ev.key === 's' || ev.key === 'S') {
      ev.preventDefault();
      if (card.isDirty() && !card.locked()) this.host.saveRunner(card);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (!card.runBtn.disabled && !card.active()) this.host.runRunner(card);
    }
  }
}

/** A 32×32 favicon as a data: URL: a red disc with the DOWN count, a green disc when none is down. */
export function favicon(down, any) {
  const c = document.createElement('canvas');
  c.width = 32;
  c.height = 32;
  const g = c.getContext('2d');
  if (!g) return 'data:,';
  g.beginPath();
  g.arc(16, 16, 15, 0, Math.PI * 2);
  g.fillStyle = down > 0 ? '#c62828' : (any ? '#2e7d32' : '#78909c');
  g.fill();
  if (down > 0) {
    g.fillStyle = '#ffffff';
    g.font = 'bold 20px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(down > 99 ? '99' : String(down), 16, 17);
  }
  return c.toDataURL('image/png');
}

