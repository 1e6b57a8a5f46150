// The full-screen output view: every line a runner's buffer keeps (or, when the buffer dropped the oldest,
// the run's whole recorded output from the server), rendered as a virtual list: only the lines in sight
// are in the DOM. Search highlights every hit in sight and steps through them; Esc closes.

import { h, copyText } from './util.js';
import { tr } from './i18n.js';
import { openModal } from './dialogs.js';
import { get } from './api.js';
import { AnsiParser } from './ansi.js';
import { onFrame, lineElement, splitLines } from './output.js';

const OVERSCAN = 30;

let view = null;

/** Opens the full-screen view of a runner card's output; search: focus the search field. */
export function openFullOutput(card, { search = false } = {}) {
  if (!view) view = new FullOutput();
  return view.open(card, search);
}

class FullOutput {
  constructor() {
    this.entries = [];
    this.matches = [];
    this.current = -1;
    this.query = '';
    this.renderFn = () => this.render();
    this.titleEl = h('h2', { id: 'outputFullTitle' });
    // A text field, not type=search: there Esc would only clear the field, here it closes the view as everywhere.
    this.searchIn = h('input', { type: 'text', class: 'output-search', id: 'outputFullSearch', autocomplete: 'off', spellcheck: 'false',
      oninput: () => this.search(this.searchIn.value),
      onkeydown: (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); this.step(ev.shiftKey ? -1 : 1); } } });
    tr(this.searchIn, { placeholder: 'outputSearchPh', aria: 'outputSearch' });
    this.countEl = h('span', { class: 'search-count', role: 'status', 'aria-live': 'polite' });
    this.prevBtn = tr(h('button', { type: 'button', class: 'btn small', 'data-act': 'search-prev', onclick: () => this.step(-1) }, '↑'), { aria: 'searchPrev', title: 'searchPrev' });
    this.nextBtn = tr(h('button', { type: 'button', class: 'btn small', 'data-act': 'search-next', onclick: () => this.step(1) }, '↓'), { aria: 'searchNext', title: 'searchNext' });
    this.copyBtn = tr(h('button', { type: 'button', class: 'btn small', 'data-act': 'copy-full', onclick: () => this.copy() }), { text: 'copy' });
    this.closeBtn = tr(h('button', { type: 'submit', class: 'btn', value: 'close', 'data-act': 'close-full' }), { text: 'close' });
    this.noteEl = h('p', { class: 'hint output-note', role: 'status' });
    this.rows = h('pre', { class: 'vrows' });
    this.sizer = h('div', { class: 'vsizer' }, this.rows);
    this.box = h('div', { class: 'output virtual', tabindex: '0', role: 'log', 'aria-live': 'off', onscroll: () => this.onScroll() }, this.sizer);
    this.el = h('dialog', { class: 'dialog output-full', id: 'outputFull', 'aria-labelledby': 'outputFullTitle' },
      h('form', { method: 'dialog', class: 'dialog-inner' },
        h('div', { class: 'dialog-head' }, this.titleEl,
          h('div', { class: 'row wrap output-tools' }, this.searchIn, this.prevBtn, this.nextBtn, this.countEl, this.copyBtn, this.closeBtn)),
        this.noteEl, this.box));
    document.body.append(this.el);
    this.el.addEventListener('close', () => this.detach());
  }

  async open(card, search) {
    this.detach();
    this.card = card;
    tr(this.titleEl, { text: ['outputOf', { name: card.displayName() }] });
    const out = card.out;
    this.entries = [];
    for (let i = 0; i < out.size; i += 1) this.entries.push(out.at(i));
    tr(this.noteEl, { text: 'empty' });
    this.follow = true;
    this.unlisten = out.listen((kind, e) => {
      if (kind === 'reset') this.entries = [];
      else if (kind === 'append') this.entries.push(e);
      onFrame(this.renderFn);
      if (this.query) this.search(this.query, true);
    });
    const shown = openModal(this.el, search ? this.searchIn : this.box);
    this.lineHeight = 0;
    this.render();
    if (out.dropped > 0 || out.partial) await this.loadRecorded(out);
    if (search) this.searchIn.select();
    return shown;
  }

  /**
   * The buffer dropped its oldest lines, or holds only a snapshot's tail: the recorded run has them all (a
   * snapshot names no run: the runner's newest run is the one its tail shows).
   */
  async loadRecorded(out) {
    const known = out.runId;
    tr(this.noteEl, { text: 'outputLoading' });
    try {
      let runId = known;
      if (!runId) {
        const runs = await get(`/api/runs?runner_id=${encodeURIComponent(this.card.id)}&limit=1`);
        runId = runs && runs.items && runs.items[0] ? runs.items[0].run_id : '';
        if (!runId) {
          tr(this.noteEl, { text: 'empty' });
          return;
        }
      }
      const text = await get(`/api/runs/${encodeURIComponent(runId)}/output`);
      if (this.card == null || this.card.out !== out || out.runId !== known) return;
      const parser = new AnsiParser();
      const marks = new Map();
      for (const e of this.entries) if (e.mark) marks.set(e.raw, e.mark);
      const recorded = splitLines(typeof text === 'string' ? text : '').map((raw) => {
        const p = parser.parse(raw);
        return { raw, text: p.text, segs: p.segs, mark: marks.get(raw) || '', el: null };
      });
      // Lines that arrived after the recording was read stay after it.
      const last = recorded.length ? recorded[recorded.length - 1].raw : null;
      let tail = [];
      for (let i = this.entries.length - 1; i >= 0; i -= 1) {
        if (this.entries[i].raw === last) {
          tail = this.entries.slice(i + 1);
          break;
        }
      }
      this.entries = recorded.concat(tail);
      tr(this.noteEl, { text: ['outputRecorded', { n: recorded.length }] });
      if (this.query) this.search(this.query, true);
      this.render();
    } catch (e) {
      tr(this.noteEl, { text: ['outputLoadFailed', { n: out.dropped }] });
    }
  }

  detach() {
    if (this.unlisten) this.unlisten();
    this.unlisten = null;
  }

  measure() {
    if (this.lineHeight) return this.lineHeight;
    const probe = h('span', { class: 'ln' }, 'X\n');
    this.rows.replaceChildren(probe);
    this.lineHeight = probe.getBoundingClientRect().height || 17;
    return this.lineHeight;
  }

  /** The view follows new lines while the user is at its end. */
  onScroll() {
    const box = this.box;
    this.follow = box.scrollHeight - box.scrollTop - box.clientHeight <= 2 * this.measure();
    onFrame(this.renderFn);
  }

  render() {
    if (!this.el.open) return;
    const box = this.box;
    const lh = this.measure();
    const n = this.entries.length;
    // Sizes are set through the CSSOM (a style property, not a style attribute in markup): the CSP allows it.
    this.sizer.style.height = `${n * lh}px`;
    if (this.follow) box.scrollTop = box.scrollHeight;
    const first = Math.max(0, Math.floor(box.scrollTop / lh) - OVERSCAN);
    const last = Math.min(n, Math.ceil((box.scrollTop + box.clientHeight) / lh) + OVERSCAN);
    this.rows.style.transform = `translateY(${first * lh}px)`;
    const q = this.query.toLowerCase();
    const cur = this.current >= 0 ? this.matches[this.current] : -1;
    const els = [];
    for (let i = first; i < last; i += 1) {
      const e = this.entries[i];
      const el = lineElement(e);
      if (q && e.text.toLowerCase().includes(q)) highlight(el, e.text, q);
      if (i === cur) el.classList.add('current');
      els.push(el);
    }
    this.rows.replaceChildren(...els);
  }

  search(query, keepPosition = false) {
    this.query = String(query || '');
    const q = this.query.toLowerCase();
    const before = this.current >= 0 ? this.matches[this.current] : -1;
    this.matches = [];
    if (q) this.entries.forEach((e, i) => { if (e.text.toLowerCase().includes(q)) this.matches.push(i); });
    if (keepPosition && before >= 0) this.current = Math.max(0, this.matches.indexOf(before));
    else this.current = this.matches.length ? this.matches.length - 1 : -1;
    this.showCount();
    if (!keepPosition && this.current >= 0) this.reveal(this.matches[this.current]);
    onFrame(this.renderFn);
  }

  step(dir) {
    if (!this.matches.length) return;
    this.current = (this.current + dir + this.matches.length) % this.matches.length;
    this.showCount();
    this.reveal(this.matches[this.current]);
    onFrame(this.renderFn);
  }

  showCount() {
    if (!this.query) tr(this.countEl, { text: 'empty' });
    else if (!this.matches.length) tr(this.countEl, { text: 'searchNone' });
    else tr(this.countEl, { text: ['searchCount', { i: this.current + 1, n: this.matches.length }] });
  }

  reveal(index) {
    this.follow = false;
    const lh = this.measure();
    this.box.scrollTop = Math.max(0, index * lh - this.box.clientHeight / 2);
  }

  async copy() {
    try {
      await copyText(this.entries.map((e) => e.text).join(''));
      tr(this.noteEl, { text: ['copied', { name: this.card.displayName() }] });
    } catch (_) {
      tr(this.noteEl, { text: 'copyFailed' });
    }
  }
}

/** Puts every occurrence of q (lower case) in a <mark>; the line loses its colours while it shows hits. */
function highlight(el, text, q) {
  const lower = text.toLowerCase();
  const parts = [];
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
    if (i > at) parts.push(text.slice(at, i));
    parts.push(h('mark', null, text.slice(i, i + q.length)));
    at = i + q.length;
  }
  parts.push(text.slice(at));
  el.replaceChildren(...parts);
}
