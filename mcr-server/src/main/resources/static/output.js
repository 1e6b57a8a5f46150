// Live output under load: every change is applied once per animation frame, the card's pane keeps only
// the last lines in the DOM (all lines stay in a bounded JS buffer), and the full-screen view renders only
// the lines in sight (output.js + output-full.js).

import { atEnd } from './util.js';
import { AnsiParser, renderLine } from './ansi.js';

// ----- one flush per frame ---------------------------------------------------------

const tasks = new Set();
let raf = 0;
let timer = 0;

function runTasks() {
  cancelAnimationFrame(raf);
  clearTimeout(timer);
  raf = 0;
  timer = 0;
  // A task may schedule another (events schedule pane flushes): they run in the same frame.
  for (let round = 0; tasks.size && round < 4; round += 1) {
    const list = [...tasks];
    tasks.clear();
    for (const fn of list) {
      try {
        fn();
      } catch (e) {
        console.error(e); // eslint-disable-line no-console
      }
    }
  }
}

/**
 * Runs fn once before the next frame (several calls with the same fn before that run it once). A hidden tab
 * gets no animation frames: a timer then does the work, so that queues never grow while nobody looks.
 */
export function onFrame(fn) {
  tasks.add(fn);
  if (raf || timer) return;
  raf = requestAnimationFrame(runTasks);
  timer = setTimeout(runTasks, 250);
}

// ----- the lines of one runner ------------------------------------------------------

/** Lines shown in a card's pane; older lines stay reachable in the buffer (full screen). */
export const DOM_LINES = 400;
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
    this.listeners = new Set();
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
    onFrame(this.flushFn);
  }

  /** One line of the running run; shown with the next frame. */
  append(line, runId) {
    if (runId) this.runId = runId;
    const e = this.push(String(line));
    this.listeners.forEach((fn) => fn('append', e));
    onFrame(this.flushFn);
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
      if (e.el) {
        e.el.className = `ln ${markClass(e.mark)}`;
        e.el.title = e.mark.toUpperCase();
      }
      this.listeners.forEach((fn) => fn('mark', e));
      return true;
    }
    return false;
  }

  /** Renders what arrived since the last frame. */
  flush() {
    const el = this.el;
    const follow = this.reset || atEnd(el);
    const fresh = this.pending.length > this.domLines ? this.pending.slice(-this.domLines) : this.pending;
    this.pending = [];
    if (this.reset) {
      for (const c of el.children) if (c._entry) c._entry.el = null;
      el.replaceChildren();
      this.reset = false;
    }
    if (fresh.length) {
      const frag = document.createDocumentFragment();
      for (const e of fresh) {
        e.el = lineElement(e);
        e.el._entry = e;
        frag.append(e.el);
      }
      el.append(frag);
    }
    // Following the end, the pane keeps domLines; a user reading above keeps up to twice that under the eye.
    const keep = follow ? this.domLines : this.domLines * 2;
    const extra = el.childElementCount - keep;
    if (extra > 0) {
      const before = follow ? 0 : el.scrollHeight;
      for (let i = 0; i < extra; i += 1) {
        const first = el.firstElementChild;
        if (first._entry) first._entry.el = null;
        first.remove();
      }
      if (!follow) el.scrollTop -= before - el.scrollHeight;
    }
    if (follow) el.scrollTop = el.scrollHeight;
    if (this.onChange) this.onChange(this);
  }

  /** Lines kept in the buffer but not in the card's pane. */
  hiddenCount() {
    return this.size - this.el.childElementCount + this.pending.length;
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
