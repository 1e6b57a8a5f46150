// Append-only text panes (notification journal, events). Entries keep their
// translation keys so that a language switch re-renders them in the new language.

import { atEnd } from './util.js';
import { t } from './i18n.js';
import { onFrame, afterWrites } from './output.js';

/** A pane holds at most this many blocks of entries (a block per frame that added some). */
export const MAX_CHUNKS = 32;

/**
 * A bounded log pane: at most maxChars characters and maxLines lines are kept. Entries added meanwhile are shown
 * together once per animation frame.
 */
export class LogPane {
  constructor(el, { maxChars = Infinity, maxLines = Infinity } = {}) {
    this.el = el;
    this.maxChars = maxChars;
    this.maxLines = maxLines;
    this.entries = [];
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
    onFrame(this.flushFn);
  }

  /**
   * The entries of one frame go into one block of their own: the browser lays out only that block, not every
   * line of the pane again (one text node grew, and each frame laid out the whole pane).
   */
  static chunk(text) {
    const el = document.createElement('span');
    el.className = 'chunk';
    el.textContent = text;
    return el;
  }

  flush() {
    const entries = this.pending;
    this.pending = [];
    if (!entries.length) return;
    // Entries that would be dropped at once are never formatted.
    if (entries.length > this.maxLines) entries.splice(0, entries.length - this.maxLines);
    let added = '';
    for (const e of entries) {
      e.text = LogPane.format(e);
      this.entries.push(e);
      this.chars += e.text.length;
      added += e.text;
    }
    if (this.chars > this.maxChars || this.entries.length > this.maxLines) {
      const keepChars = Math.floor(this.maxChars * 0.9);
      const keepLines = Math.floor(this.maxLines * 0.9);
      while (this.entries.length > 1 && (this.chars > keepChars || this.entries.length > keepLines)) {
        this.chars -= this.entries.shift().text.length;
      }
      this.el.replaceChildren(LogPane.chunk(this.entries.map((e) => e.text).join('')));
    } else if (this.el.childElementCount >= MAX_CHUNKS) {
      // The blocks are merged now and then, so that the pane holds a few nodes, not one per frame.
      this.el.replaceChildren(LogPane.chunk(this.el.textContent + added));
    } else {
      this.el.append(LogPane.chunk(added));
    }
    if (this.following) afterWrites(this.scrollFn);
  }

  clear() {
    this.pending = [];
    this.entries = [];
    this.chars = 0;
    this.el.replaceChildren();
  }

  /** Re-renders every entry in the current language. */
  retranslate() {
    this.flush();
    const follow = atEnd(this.el);
    this.chars = 0;
    for (const e of this.entries) {
      e.text = LogPane.format(e);
      this.chars += e.text.length;
    }
    this.el.replaceChildren(...(this.entries.length ? [LogPane.chunk(this.entries.map((e) => e.text).join(''))] : []));
    if (follow) this.el.scrollTop = this.el.scrollHeight;
  }
}
