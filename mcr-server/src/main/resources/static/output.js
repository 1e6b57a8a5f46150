// Live output under load: every change is applied once per animation frame, the card's pane keeps only
// the last lines in the DOM (all lines stay in a bounded JS buffer), and the full-screen view renders only
// the lines in sight (output.js + output-full.js).

import { atEnd } from './util.js';
import { AnsiParser, renderLine } from './ansi.js';

// ----- one flush per frame ---------------------------------------------------------

const tasks = new Set();
// Work a task carried over (it ran out of its frame's time): it runs in the next frame, not again in this one.
const later = new Set();
// DOM writes of live updates (onPaint): every frame while the page keeps up, but while it is under load (a flood of
// output) at most once per PAINT_INTERVAL_MS. Each such frame lays out and paints; a frame that only takes events
// out of the stream costs little, so the frames keep coming while the CPU is shared with the command and the server.
const paints = new Set();
const PAINT_INTERVAL_MS = 50;
const LOAD_HOLD_MS = 250;
let loadedUntil = 0;
let lastPaint = 0;
let painting = false;
// What runs after every task of the frame wrote its DOM: scrolling to the end. The first scroll makes the browser
// lay out once; the others reuse that layout, instead of one layout per pane between writes.
const settle = new Set();
let raf = 0;
let timer = 0;
let running = false;

function runAll(fns) {
  for (const fn of fns) {
    try {
      fn();
    } catch (e) {
      console.error(e); // eslint-disable-line no-console
    }
  }
}

function runTasks() {
  cancelAnimationFrame(raf);
  clearTimeout(timer);
  raf = 0;
  timer = 0;
  running = true;
  try {
    // A task may schedule another (events schedule pane flushes): they run in the same frame.
    for (let round = 0; tasks.size && round < 4; round += 1) {
      const list = [...tasks];
      tasks.clear();
      runAll(list);
    }
    const now = performance.now();
    if (paints.size && (now >= loadedUntil || now - lastPaint >= PAINT_INTERVAL_MS)) {
      lastPaint = now;
      const list = [...paints];
      paints.clear();
      painting = true;
      runAll(list);
      painting = false;
    }
    const after = [...settle];
    settle.clear();
    runAll(after);
  } finally {
    running = false;
    painting = false;
  }
  for (const fn of later) tasks.add(fn);
  later.clear();
  if (tasks.size || paints.size) schedule();
}

function schedule() {
  if (raf || timer || running) return;
  raf = requestAnimationFrame(runTasks);
  timer = setTimeout(runTasks, 250);
}

/**
 * Runs fn once before the next frame (several calls with the same fn before that run it once). A hidden tab
 * gets no animation frames: a timer then does the work, so that queues never grow while nobody looks.
 */
export function onFrame(fn) {
  tasks.add(fn);
  schedule();
}

/**
 * Runs fn, which writes the DOM of a live update, in a frame after the onFrame tasks: the next frame, or while the
 * page is under load (underLoad) the next one at least PAINT_INTERVAL_MS after the last that did. Several calls
 * before that run it once.
 */
export function onPaint(fn) {
  // From a paint of this frame: in the next paint frame (a burst's refill), not again now.
  paints.add(fn);
  if (!painting) schedule();
}

/** Whether this frame, under load, also paints: its other work then takes less time (see drainEvents). */
export function paintsUnderLoad() {
  const now = performance.now();
  return now < loadedUntil && now - lastPaint >= PAINT_INTERVAL_MS;
}

/** Says that live updates come faster than the page shows them (a backlog, a burst): paint less often for a while. */
export function underLoad() {
  loadedUntil = performance.now() + LOAD_HOLD_MS;
}

/** Like onFrame, but called from a task that ran out of time: fn runs in the frame after this one. */
export function onNextFrame(fn) {
  if (running) later.add(fn);
  else onFrame(fn);
}

/** Runs fn in this frame after every task's DOM writes (only from a task): for reads and scrolls. */
export function afterWrites(fn) {
  settle.add(fn);
  if (!running) schedule();
}

// ----- the lines of one runner ------------------------------------------------------

/** Lines shown in a card's pane; older lines stay reachable in the buffer (full screen). */
export const DOM_LINES = 200;
const MARK_LOOKBACK = 256;
export const MARK_STATES = ['up', 'down', 'warn', 'info', 'stop'];

/** The class a line matched by a case gets: its state's colour, or a neutral mark. */
export function markClass(state) {
  const s = String(state || '').toLowerCase();
  return `mk mk-${MARK_STATES.includes(s) ? s : 'match'}`;
}

/** Splits output text into lines that keep their line break. */
export function splitLines(text) {
  const s = String(text || '');
  if (!s) return [];
  const out = s.split(/(?<=\n)/);
  return out;
}

/** Makes the DOM element of one line. */
export function lineElement(entry) {
  const el = document.createElement('span');
  el.className = entry.mark ? `ln ${markClass(entry.mark)}` : 'ln';
  if (entry.mark) el.title = entry.mark.toUpperCase();
  renderLine(el, entry);
  return el;
}

/** Plain lines (no style, no mark) in a row share one element of at most this many lines. */
const CHUNK_LINES = 64;
/** More new lines than this in one frame: the pane shows only these newest until the stream slows down. */
export const BURST_LINES = 60;

/** A line's own element in a card's pane; it knows its entry (e.el points back). */
function ownElement(e) {
  const el = lineElement(e);
  el._entries = [e];
  e.el = el;
  return el;
}

/**
 * Plain lines in a row as one element with one text: a chatty run adds hundreds of lines a frame, and one element
 * per line made the browser create, style and lay out hundreds of elements each frame.
 */
function chunkElement(entries) {
  const el = document.createElement('span');
  el.className = 'ln chunk';
  let text = '';
  for (const e of entries) {
    text += e.text;
    e.el = el;
  }
  el.textContent = text;
  el._entries = entries;
  return el;
}

/**
 * A runner's output: a bounded buffer of parsed lines (maxLines, maxChars) and a view of its last domLines
 * lines in el. append() and mark() only queue; the DOM changes once per frame.
 */
export class OutputView {
  constructor(el, { maxLines = 50000, maxChars = 4000000, domLines = DOM_LINES, onChange = null } = {}) {
    this.el = el;
    this.maxLines = maxLines;
    this.maxChars = maxChars;
    this.domLines = domLines;
    this.onChange = onChange;
    this.parser = new AnsiParser();
    this.flushFn = () => this.flush();
    this.scrollFn = () => { this.el.scrollTop = this.el.scrollHeight; };
    this.listeners = new Set();
    // Whether the pane shows its end, kept by the scroll events (they come before the frame's work, with the
    // layout done), so that a frame's flush never reads the layout between its writes.
    this.following = true;
    el.addEventListener('scroll', () => { this.following = atEnd(el); }, { passive: true });
    this.runId = '';
    this.clearBuffer();
  }

  clearBuffer() {
    this.lines = [];
    this.head = 0;
    this.chars = 0;
    this.dropped = 0;
    this.pending = [];
    this.reset = true;
    this.domCount = 0;
    this.partial = false;
    this.parser.reset();
  }

  /** Lines in the buffer. */
  get size() {
    return this.lines.length - this.head;
  }

  /** The buffered line i (0 = oldest kept). */
  at(i) {
    return this.lines[this.head + i];
  }

  /** Replaces everything (a snapshot's tail, a new run). */
  set(text, runId = '') {
    this.clearBuffer();
    this.runId = runId;
    for (const line of splitLines(text)) this.push(line);
    // A snapshot's tail holds only the last lines of a run whose id the page does not know.
    this.partial = !runId && this.size > 0;
    this.listeners.forEach((fn) => fn('reset'));
    onPaint(this.flushFn);
  }

  /** One line of the running run; shown with the next frame. */
  append(line, runId) {
    if (runId) this.runId = runId;
    const e = this.push(String(line));
    this.listeners.forEach((fn) => fn('append', e));
    onPaint(this.flushFn);
  }

  push(raw) {
    const parsed = this.parser.parse(raw);
    const e = { raw, text: parsed.text, segs: parsed.segs, mark: '', el: null };
    this.lines.push(e);
    this.chars += e.text.length;
    this.pending.push(e);
    if (this.pending.length > this.domLines * 2) this.pending.splice(0, this.pending.length - this.domLines);
    while (this.size > this.maxLines || (this.chars > this.maxChars && this.size > 1)) {
      const old = this.lines[this.head];
      this.lines[this.head] = undefined;
      this.head += 1;
      this.chars -= old.text.length;
      this.dropped += 1;
    }
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  /**
   * Marks the newest line equal to raw (a case_match names the line it matched) in the state's colour.
   * Looks back a little only: the match follows its line in the stream.
   */
  mark(raw, state) {
    const want = String(raw);
    const stop = Math.max(this.head, this.lines.length - MARK_LOOKBACK);
    for (let i = this.lines.length - 1; i >= stop; i -= 1) {
      const e = this.lines[i];
      if (e.raw !== want) continue;
      // Several cases may match one line: the first state stays (it is the one the line was marked with first).
      if (e.mark) return true;
      e.mark = String(state || 'match').toLowerCase();
      if (e.el && e.el._entries.length === 1) {
        e.el.className = `ln ${markClass(e.mark)}`;
        e.el.title = e.mark.toUpperCase();
      } else if (e.el) {
        // Marked after its chunk was shown (the match came a frame later): the line gets its own element.
        const chunk = e.el;
        const list = chunk._entries;
        const i = list.indexOf(e);
        const parts = [];
        if (i > 0) parts.push(chunkElement(list.slice(0, i)));
        parts.push(ownElement(e));
        if (i < list.length - 1) parts.push(chunkElement(list.slice(i + 1)));
        chunk.replaceWith(...parts);
      }
      this.listeners.forEach((fn) => fn('mark', e));
      return true;
    }
    return false;
  }

  /** Elements for entries (a chunk per run of plain lines, an element of its own for a styled or marked one). */
  static elements(entries) {
    const frag = document.createDocumentFragment();
    let plain = [];
    const cut = () => {
      if (plain.length) frag.append(chunkElement(plain));
      plain = [];
    };
    for (const e of entries) {
      if (e.segs || e.mark) {
        cut();
        frag.append(ownElement(e));
      } else {
        plain.push(e);
        if (plain.length >= CHUNK_LINES) cut();
      }
    }
    cut();
    return frag;
  }

  /** Empties the pane (the buffer keeps its lines). */
  clearPane() {
    for (const c of this.el.children) for (const e of c._entries || []) e.el = null;
    this.el.replaceChildren();
    this.domCount = 0;
  }

  /**
   * Renders what arrived since the last frame. While lines pour in faster than BURST_LINES a frame and the pane
   * follows the end, it shows only the newest BURST_LINES (the browser lays out those, not the whole pane, every
   * frame); once a frame brings fewer, it fills up again to domLines from the buffer.
   */
  flush() {
    const el = this.el;
    const follow = this.reset || this.following;
    let fresh = this.pending.length > this.domLines ? this.pending.slice(-this.domLines) : this.pending;
    this.pending = [];
    if (this.reset) {
      this.clearPane();
      this.reset = false;
    }
    const burst = follow && fresh.length >= BURST_LINES;
    if (burst) {
      underLoad();
      fresh = fresh.slice(-BURST_LINES);
      this.clearPane();
    }
    if (fresh.length) {
      el.append(OutputView.elements(fresh));
      this.domCount += fresh.length;
    }
    // Following the end, the pane keeps domLines; a user reading above keeps up to twice that under the eye.
    const keep = follow ? this.domLines : this.domLines * 2;
    let extra = this.domCount - keep;
    if (extra > 0) {
      // Only a reader above the end needs the height before and after (to keep the lines under the eye).
      const before = follow ? 0 : el.scrollHeight;
      this.domCount -= extra;
      while (extra > 0) {
        const first = el.firstElementChild;
        const list = first._entries;
        if (list.length <= extra) {
          for (const e of list) e.el = null;
          first.remove();
          extra -= list.length;
        } else {
          // A chunk loses its first lines.
          for (const e of list.splice(0, extra)) e.el = null;
          first.textContent = list.map((e) => e.text).join('');
          extra = 0;
        }
      }
      if (!follow) el.scrollTop -= before - el.scrollHeight;
    }
    if (follow && !burst && this.domCount < keep && this.size > this.domCount) {
      // The pane shows a suffix of the buffer: the lines before its first one go in front.
      const k = Math.min(keep - this.domCount, this.size - this.domCount);
      const end = this.lines.length - this.domCount;
      el.prepend(OutputView.elements(this.lines.slice(end - k, end)));
      this.domCount += k;
    }
    if (burst) onPaint(this.flushFn);
    if (follow) {
      this.following = true;
      afterWrites(this.scrollFn);
    }
    if (this.onChange) this.onChange(this);
  }

  /** Lines kept in the buffer but not in the card's pane. */
  hiddenCount() {
    return this.size - this.domCount + this.pending.length;
  }

  /** All buffered text without escape sequences (Copy). */
  text() {
    let s = '';
    for (let i = this.head; i < this.lines.length; i += 1) s += this.lines[i].text;
    return s;
  }

  /** Adds a listener of buffer changes: fn(kind, entry), kind 'append', 'mark' or 'reset'. */
  listen(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
