// The notice a card with unsaved edits shows when someone else changed or removed its
// object meanwhile (another tab, another user, the server itself). The edits stay in
// the card's fields until the user chooses: "View theirs" drops them and shows the
// stored object; "Keep mine" keeps them on top of the new version, so that the next
// Save goes through (or, for a removed object, creates it again).

import { h, clone, toInt } from './util.js';
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

/**
 * What the runner, group and service cards share: the stored object the edits are based on
 * (saved), a newer stored one that arrived while there were unsaved edits (theirs), whether
 * it was removed on the server meanwhile (gone), and whether the server does not hold it
 * and Save creates it (isNew: a new service, or a removed object whose edits the user kept).
 *
 * A card extends this and provides: draft, draftOf(obj) (the editable fields of a stored
 * object, the same shape as draft), isDirty(), setSaved(obj, force), resetDraft(obj), fill(),
 * changed(notify), renderStatus(), snapshot() (what a save sends) and sameAsSent(sent); it may
 * override renderTheirs() to show the server-owned parts of a newer version at once.
 */
export class SyncedCard {
  constructor(ctx, kind, obj, isNew = false) {
    this.ctx = ctx;
    this.kind = kind;
    this.id = obj.id;
    this.saved = clone(obj);
    this.theirs = null;
    this.gone = false;
    this.isNew = isNew;
    this.notice = new ConflictNotice({ onTheirs: () => this.viewTheirs(), onMine: () => this.keepMine() });
  }

  /** The newest stored object this card knows. */
  latest() {
    return this.theirs || this.saved;
  }

  /** Whether the card shows an object the server does not hold (removed elsewhere, or new). */
  detached() {
    return this.gone || this.isNew;
  }

  /**
   * The stored object as someone else left it (live sync, a reload, a 409): applied at
   * once without unsaved edits; with them, the card keeps the edits and shows the notice.
   */
  offer(obj) {
    if (!this.isDirty()) {
      this.clearConflict();
      this.setSaved(obj);
      return;
    }
    if (!this.detached() && toInt(obj.version) === toInt(this.latest().version)) return;
    this.theirs = clone(obj);
    this.gone = false;
    this.isNew = false;
    this.notice.show(false);
    this.renderTheirs();
    this.changed(false);
  }

  /** The object was removed on the server; returns whether the card stays (it has unsaved edits). */
  offerGone() {
    if (!this.isDirty() || this.isNew) return this.isDirty();
    this.gone = true;
    this.theirs = null;
    this.notice.show(true);
    this.changed(false);
    return true;
  }

  /** A newer version written by this page (a toggle): unsaved edits stay as they are. */
  ownUpdate(obj) {
    if (this.theirs) {
      this.theirs = clone(obj);
      this.renderTheirs();
    } else {
      this.setSaved(obj);
    }
  }

  /** This card's own save was stored as obj; what was typed since the request (sent) stays. */
  saveDone(obj, sent) {
    const typedSince = !this.sameAsSent(sent);
    this.clearConflict();
    this.isNew = false;
    this.saved = clone(obj);
    if (!typedSince) this.resetDraft(obj);
    this.fill();
    this.renderStatus();
  }

  clearConflict() {
    this.theirs = null;
    this.gone = false;
    this.notice.hide();
  }

  /** "View theirs": the edits go, the stored object is shown (a removed one leaves the page). */
  viewTheirs() {
    if (this.gone) {
      this.ctx.dropCard(this.kind, this.id);
      return;
    }
    const theirs = this.latest();
    this.clearConflict();
    this.setSaved(theirs, true);
    this.ctx.onDirtyChange();
  }

  /** "Keep mine": the edited fields stay, every other field takes the new version. */
  keepMine() {
    if (this.gone) {
      this.gone = false;
      this.isNew = true;
    } else if (this.theirs) {
      this.draft = rebase(this.draft, this.draftOf(this.saved), this.draftOf(this.theirs));
      this.saved = this.theirs;
      this.theirs = null;
    } else {
      return;
    }
    this.notice.hide();
    this.fill();
    this.renderStatus();
    this.ctx.onDirtyChange();
  }

  /**
   * For changed(): when the edits were undone while a newer version waits, nothing of the
   * user's is left to keep, so theirs applies; returns whether that happened.
   */
  takeTheirsIfUndone(notify) {
    if (!this.theirs || this.isDirty()) return false;
    const theirs = this.theirs;
    this.clearConflict();
    this.setSaved(theirs);
    if (notify) this.ctx.onDirtyChange();
    return true;
  }

  renderTheirs() {}
}
