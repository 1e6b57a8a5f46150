// A group card: holds its member runner cards, shows the sequence progress.

import { h, clone, fmtElapsed, parseTs } from './util.js';
import { tr } from './i18n.js';
import { SyncedCard } from './conflict.js';
import { icon } from './icons.js';

const ACTIVE = new Set(['started', 'running', 'stopping']);

let seq = 0;

/** A group card. ctx is the page controller (see app.js). */
export class GroupCard extends SyncedCard {
  constructor(ctx, group) {
    super(ctx, 'group', group);
    this.uid = `g${++seq}`;
    // Only the name is edited in the card; members change through the runner cards.
    this.draft = this.draftOf(group);
    this.gs = null;
    this.build();
    this.fill();
    this.renderStatus();
  }

  build() {
    const u = this.uid;
    const collapsed = this.ctx.isCollapsed(`group:${this.id}`);
    this.toggleBtn = h('button', { type: 'button', class: 'collapse', 'aria-expanded': String(!collapsed), 'aria-controls': `${u}-body`, onclick: () => this.setCollapsed(!this.collapsed) }, h('span', { class: 'chev', 'aria-hidden': 'true' }, icon('chevron')));
    this.kindEl = tr(h('span', { class: 'kind' }), { text: 'groupKind' });
    // The name is a title; it becomes an input only to rename (Rename button, Enter saves, Escape cancels).
    this.editing = false;
    this.titleEl = h('h3', { class: 'card-title group-title', id: `${u}-name` });
    this.renameBtn = tr(h('button', { type: 'button', 'data-act': 'rename', class: 'btn small', onclick: () => this.startRename() }), { text: 'rename' });
    this.nameIn = h('input', {
      type: 'text', 'data-field': 'name', class: 'group-name hidden', maxlength: '200', autocomplete: 'off',
      oninput: () => { this.draft.name = this.nameIn.value; this.changed(); },
      onkeydown: (e) => this.onNameKey(e),
      onblur: () => { if (this.nameIn.value === String(this.saved.name ?? '')) this.endRename(false); },
    });
    this.dirtyEl = tr(h('span', { class: 'badge dirty-badge hidden' }), { text: 'unsaved' });
    this.elapsedEl = tr(h('span', { class: 'elapsed hidden', role: 'timer' }), { title: 'elapsedTitle' });
    this.progressEl = h('span', { class: 'progress hidden' });
    this.runBtn = h('button', { type: 'button', 'data-act': 'run', class: 'btn run', onclick: () => this.onRunStop() });
    this.saveBtn = tr(h('button', { type: 'button', 'data-act': 'save', class: 'btn save', onclick: () => this.save() }), { text: 'save' });
    this.removeBtn = tr(h('button', { type: 'button', 'data-act': 'remove', class: 'btn danger', onclick: () => this.ctx.removeGroup(this.id) }), { text: 'remove' });
    this.upBtn = h('button', { type: 'button', 'data-act': 'up', class: 'btn icon sort-only', onclick: () => this.ctx.moveGroup(this.id, -1) }, icon('up'));
    this.downBtn = h('button', { type: 'button', 'data-act': 'down', class: 'btn icon sort-only', onclick: () => this.ctx.moveGroup(this.id, 1) }, icon('down'));
    this.members = h('div', { class: 'members' });
    this.emptyHint = tr(h('p', { class: 'hint' }), { text: 'groupEmpty' });
    this.body = h('div', { class: 'group-body', id: `${u}-body` }, this.members, this.emptyHint);
    this.el = h('section', { class: 'card group', id: `group-${this.id}`, 'data-group-id': this.id, 'aria-labelledby': `${u}-name` },
      h('header', { class: 'card-head' },
        h('div', { class: 'title-row' }, this.toggleBtn, this.kindEl, this.titleEl, this.nameIn, this.renameBtn, this.dirtyEl, this.elapsedEl),
        h('div', { class: 'actions' }, this.runBtn, this.saveBtn, this.removeBtn, this.upBtn, this.downBtn)),
      h('div', { class: 'state-line' }, this.progressEl),
      this.notice.el,
      this.body);
    this.setCollapsed(collapsed, false);
  }

  setCollapsed(collapsed, persist = true) {
    this.collapsed = collapsed;
    this.toggleBtn.setAttribute('aria-expanded', String(!collapsed));
    this.body.classList.toggle('hidden', collapsed);
    if (persist) this.ctx.setCollapsed(`group:${this.id}`, collapsed);
  }

  save() {
    this.closeAfterSave = true;
    this.ctx.saveGroup(this);
  }

  startRename() {
    this.editing = true;
    this.renderName();
    this.nameIn.focus();
    this.nameIn.select();
  }

  /** Leaves the name input; with revert the typed name is dropped. */
  endRename(revert) {
    if (revert) {
      this.draft.name = String(this.saved.name ?? '');
      this.nameIn.value = this.draft.name;
    }
    const hadFocus = document.activeElement === this.nameIn;
    this.editing = false;
    this.changed();
    if (hadFocus) this.renameBtn.focus();
  }

  onNameKey(e) {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (this.isDirty()) this.save();
      else this.endRename(false);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.endRename(true);
    }
  }

  /** Title or input: the input while renaming or while a typed name is unsaved. */
  renderName() {
    const open = this.editing || this.isDirty();
    this.titleEl.textContent = this.displayName();
    this.titleEl.classList.toggle('hidden', open);
    this.renameBtn.classList.toggle('hidden', open);
    this.nameIn.classList.toggle('hidden', !open);
    if (!open && document.activeElement === this.nameIn) this.renameBtn.focus();
  }

  displayName() {
    return String(this.saved.name || '').trim() || this.id;
  }

  fill() {
    if (this.nameIn.value !== this.draft.name) this.nameIn.value = this.draft.name;
    this.changed(false);
  }

  setSaved(group, force = false) {
    const wasDirty = this.isDirty();
    this.saved = clone(group);
    if (!wasDirty || force) this.resetDraft(group);
    this.fill();
    this.renderStatus();
  }

  isDirty() {
    return this.detached() || this.draft.name !== String(this.saved.name ?? '');
  }

  draftOf(group) {
    return { name: String(group.name ?? '') };
  }

  resetDraft(group) {
    this.draft = this.draftOf(group);
  }

  snapshot() {
    return clone(this.draft);
  }

  sameAsSent(sent) {
    return this.draft.name === sent.name;
  }

  collect() {
    return { ...clone(this.saved), name: this.draft.name };
  }

  changed(notify = true) {
    if (this.takeTheirsIfUndone(notify)) return;
    const dirty = this.isDirty();
    this.el.classList.toggle('dirty', dirty);
    this.dirtyEl.classList.toggle('hidden', !dirty);
    this.saveBtn.classList.toggle('attention', dirty);
    const n = this.displayName();
    tr(this.nameIn, { aria: 'groupName', placeholder: 'groupName' });
    tr(this.renameBtn, { aria: ['renameGroup', { name: n }], title: ['renameGroup', { name: n }] });
    if (!dirty && this.closeAfterSave) {
      this.editing = false;
      this.closeAfterSave = false;
    }
    this.renderName();
    tr(this.toggleBtn, { aria: ['toggleCard', { name: n }] });
    tr(this.upBtn, { aria: ['moveUp', { name: n }], title: ['moveUp', { name: n }] });
    tr(this.downBtn, { aria: ['moveDown', { name: n }], title: ['moveDown', { name: n }] });
    this.renderButtons();
    if (notify) this.ctx.onDirtyChange();
  }

  /** Places the member cards in order. */
  setMembers(cards) {
    cards.forEach((card, i) => {
      if (this.members.children[i] !== card.el) this.members.insertBefore(card.el, this.members.children[i] || null);
    });
    while (this.members.children.length > cards.length) this.members.lastElementChild.remove();
    this.emptyHint.classList.toggle('hidden', cards.length > 0);
  }

  isActive() {
    return !!this.gs && ACTIVE.has(this.gs.status);
  }

  /** The last group_status event for this group. */
  setGroupStatus(gs) {
    this.gs = gs ? clone(gs) : null;
    this.renderStatus();
  }

  renderStatus() {
    const gs = this.gs;
    this.el.classList.toggle('is-running', this.isActive());
    this.progressEl.classList.toggle('hidden', !gs);
    if (gs) {
      const spec = progressText(gs, this.ctx);
      tr(this.progressEl, { text: spec });
      this.progressEl.className = `progress ${gs.status}`;
    }
    this.renderButtons();
    this.tick();
  }

  renderButtons() {
    const active = this.isActive();
    if (active) {
      tr(this.runBtn, { text: 'groupStop', title: null });
      this.runBtn.classList.add('stop');
      this.runBtn.disabled = false;
    } else {
      tr(this.runBtn, { text: 'groupRun' });
      this.runBtn.classList.remove('stop');
      const reason = this.ctx.groupRunBlocker(this);
      this.runBtn.disabled = !!reason;
      tr(this.runBtn, { title: reason });
    }
    this.saveBtn.disabled = !this.isDirty() || active;
    this.removeBtn.disabled = active;
    this.nameIn.disabled = active;
    this.renameBtn.disabled = active;
  }

  onRunStop() {
    if (this.isActive()) this.ctx.stopGroup(this);
    else this.ctx.runGroup(this);
  }

  tick() {
    const gs = this.gs;
    const start = this.isActive() ? parseTs(gs.started_ts || gs.ts) : null;
    this.elapsedEl.classList.toggle('hidden', !start);
    if (start) this.elapsedEl.textContent = `${fmtElapsed((Date.now() - start.getTime()) / 1000)}`;
  }
}

/** The translated progress text of a group_status event: [key, args]. */
export function progressText(gs, ctx) {
  const total = Number(gs.total_count) || (gs.runner_ids || []).length;
  switch (gs.status) {
    case 'started':
      return ['groupStarted', { total }];
    case 'running':
      return ['groupRunning', { i: gs.current_index || 0, total, name: ctx.runnerName(gs.current_runner_id) }];
    case 'stopping':
      return ['groupStopping'];
    case 'finished':
      return ['groupFinished', { done: gs.completed_count || 0, total }];
    case 'error':
      return ['groupError', { error: ctx.names(gs.error || '') }];
    case 'stopped':
      return ['groupStopped'];
    default:
      return ['groupUnknown', { status: String(gs.status || '') }];
  }
}

