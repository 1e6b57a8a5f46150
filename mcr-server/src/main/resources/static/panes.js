// Append-only text panes (notification journal, events). Entries keep their
// translation keys so that a language switch re-renders them in the new language.

import { atEnd } from './util.js';
import { t } from './i18n.js';
import { onFrame } from './output.js';

/**
 * A bounded log pane: at most maxChars characters and maxLines lines are kept, in one text node. Entries
 * added meanwhile are shown together once per animation frame.
 */
export class LogPane {
  constructor(el, { maxChars = Infinity, maxLines = Infinity } = {}) {
    this.el = el;
    this.maxChars = maxChars;
    this.maxLines = maxLines;
    this.entries = [];
    this.chars = 0;
    this.node = document.createTextNode('');
    el.append(this.node);
    this.pending = [];
    this.flushFn = () => this.flush();
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

  flush() {
    const entries = this.pending;
    this.pending = [];
    if (!entries.length) return;
    // Entries that would be dropped at once are never formatted.
    if (entries.length > this.maxLines) entries.splice(0, entries.length - this.maxLines);
    const follow = atEnd(this.el);
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
      this.node.data = this.entries.map((e) => e.text).join('');
    } else {
      this.node.appendData(added);
    }
    if (follow) this.el.scrollTop = this.el.scrollHeight;
  }

  clear() {
    this.pending = [];
    this.entries = [];
    this.chars = 0;
    this.node.data = '';
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
    this.node.data = this.entries.map((e) => e.text).join('');
    if (follow) this.el.scrollTop = this.el.scrollHeight;
  }
}
