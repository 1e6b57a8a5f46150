// Append-only text panes (notification journal, events). Entries keep their
// translation keys so that a language switch re-renders them in the new language.

import { atEnd } from './util.js';
import { t } from './i18n.js';
import { onPaint, afterWrites } from './output.js';

/** A pane holds about this many blocks of entries at most (the newest grows until it is full, the oldest goes). */
export const MAX_CHUNKS = 32;
/** Blocks a pane is filled with, below MAX_CHUNKS: trimming drops a whole block, so a few more may be in the pane. */
const FILL_CHUNKS = 24;

/**
 * A bounded log pane: at most maxChars characters and maxLines lines are kept. Entries added meanwhile are shown
 * together once per animation frame.
 */
export class LogPane {
  constructor(el, { maxChars = Infinity, maxLines = Infinity } = {}) {
    this.el = el;
    this.maxChars = maxChars;
    this.maxLines = maxLines;
    // The pane's text is a few blocks (display: block), each with its entries: a frame's entries are added to the
    // newest block, or start one, and the oldest block is removed whole. The browser lays out the one block that
    // grew; rebuilding one text of the whole pane (up to maxChars) cost a layout of all of it, tens of ms a frame.
    this.chunkChars = Number.isFinite(maxChars) ? Math.max(1, Math.ceil(maxChars / FILL_CHUNKS)) : 4000;
    this.chunkLines = Number.isFinite(maxLines) ? Math.max(1, Math.ceil(maxLines / FILL_CHUNKS)) : 100;
    this.chunks = [];
    this.lines = 0;
    this.chars = 0;
    this.pending = [];
    this.flushFn = () => this.flush();
    this.scrollFn = () => { this.el.scrollTop = this.el.scrollHeight; };
    // Kept by the scroll events, so that a flush does not read the layout (see OutputView).
    this.following = true;
    el.addEventListener('scroll', () => { this.following = atEnd(el); }, { passive: true });
  }

  static format(entry) {
    const [key, args] = entry.spec;
    return `${entry.time ? `${entry.time}  ` : ''}${t(key, args)}\n`;
  }

  /** Adds entries (oldest first), shown with the next frame. entry: {time, spec: [key, args]}. */
  add(...entries) {
    if (!entries.length) return;
    for (const e of entries) this.pending.push(e);
    onPaint(this.flushFn);
  }

  /** Every entry the pane holds, oldest first. */
  get entries() {
    return this.chunks.flatMap((c) => c.entries);
  }

  static chunk() {
    const el = document.createElement('span');
    el.className = 'chunk';
    return { el, entries: [], chars: 0 };
  }

  flush() {
    let entries = this.pending;
    this.pending = [];
    if (!entries.length) return;
    // Entries that would be dropped at once are never formatted.
    if (entries.length > this.maxLines) entries = entries.slice(entries.length - this.maxLines);
    let last = this.chunks[this.chunks.length - 1];
    let text = '';
    for (const e of entries) {
      if (!last || last.entries.length >= this.chunkLines || last.chars >= this.chunkChars) {
        if (text) last.el.append(text);
        text = '';
        last = LogPane.chunk();
        this.chunks.push(last);
        this.el.append(last.el);
      }
      e.text = LogPane.format(e);
      last.entries.push(e);
      last.chars += e.text.length;
      this.lines += 1;
      this.chars += e.text.length;
      text += e.text;
    }
    if (text) last.el.append(text);
    while (this.chunks.length > 1 && (this.chars > this.maxChars || this.lines > this.maxLines)) {
      const old = this.chunks.shift();
      old.el.remove();
      this.lines -= old.entries.length;
      this.chars -= old.chars;
    }
    if (this.following) afterWrites(this.scrollFn);
  }

  clear() {
    this.pending = [];
    this.chunks = [];
    this.lines = 0;
    this.chars = 0;
    this.el.replaceChildren();
  }

  /** Re-renders every entry in the current language. */
  retranslate() {
    this.flush();
    const follow = atEnd(this.el);
    this.chars = 0;
    for (const c of this.chunks) {
      c.chars = 0;
      for (const e of c.entries) {
        e.text = LogPane.format(e);
        c.chars += e.text.length;
      }
      this.chars += c.chars;
      c.el.textContent = c.entries.map((e) => e.text).join('');
    }
    if (follow) this.el.scrollTop = this.el.scrollHeight;
  }
}
