// The notice a card with unsaved edits shows when someone else changed or removed its
// object meanwhile (another tab, another user, the server itself). The edits stay in
// the card's fields until the user chooses: "View theirs" drops them and shows the
// stored object; "Keep mine" keeps them on top of the new version, so that the next
// Save goes through (or, for a removed object, creates it again).

import { h } from './util.js';
import { tr } from './i18n.js';

/** The notice of one card; the card calls show() and hide(). */
export class ConflictNotice {
  constructor({ onTheirs, onMine }) {
    this.textEl = h('span', { class: 'conflict-text' });
    this.theirsBtn = tr(h('button', { type: 'button', 'data-act': 'view-theirs', class: 'btn small', onclick: onTheirs }),
      { text: 'viewTheirs', title: 'viewTheirsTitle' });
    this.mineBtn = tr(h('button', { type: 'button', 'data-act': 'keep-mine', class: 'btn small primary', onclick: onMine }),
      { text: 'keepMine', title: 'keepMineTitle' });
    this.el = h('div', { class: 'conflict hidden', role: 'alert' },
      this.textEl, h('span', { class: 'conflict-actions' }, this.theirsBtn, this.mineBtn));
    this.shown = false;
  }

  /** Shows the notice: removed tells that the object no longer exists on the server. */
  show(removed) {
    tr(this.textEl, { text: removed ? 'conflictRemoved' : 'conflictChanged' });
    tr(this.mineBtn, { title: removed ? 'keepMineRemovedTitle' : 'keepMineTitle' });
    this.el.classList.remove('hidden');
    this.shown = true;
  }

  hide() {
    this.el.classList.add('hidden');
    this.shown = false;
  }
}

/**
 * Three-way merge of edits: the fields the user changed (draft differs from base) keep the
 * user's value, every other field takes theirs. All three are projections of one shape.
 */
export function rebase(draft, base, theirs) {
  const out = JSON.parse(JSON.stringify(theirs));
  for (const k of Object.keys(draft)) {
    if (JSON.stringify(draft[k]) !== JSON.stringify(base[k])) out[k] = JSON.parse(JSON.stringify(draft[k]));
  }
  return out;
}
