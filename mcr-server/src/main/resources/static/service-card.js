// A notification service card. Stored secrets are never shown: the inputs only take
// new values, a stored one is kept unless the user types a new one or presses "clear".

import { h, clone, toInt } from './util.js';
import { tr } from './i18n.js';
import { SyncedCard } from './conflict.js';
import { icon } from './icons.js';

export const MASKED = '__SECRET_SET__';
export const AUTO_DISABLE_AFTER = 3;
const SECRETS = [['user_key', 'userKey'], ['api_token', 'apiToken']];

let seq = 0;

/** A service card; profile is null-free: new unsaved services pass isNew. */
export class ServiceCard extends SyncedCard {
  constructor(ctx, profile, isNew = false) {
    super(ctx, 'profile', profile, isNew);
    this.uid = `s${++seq}`;
    this.draft = this.draftOf(profile);
    this.secrets = {};
    for (const [k] of SECRETS) this.secrets[k] = { clear: false };
    this.build();
    this.fill();
  }

  build() {
    const u = this.uid;
    this.nameEl = h('h3', { class: 'card-title', id: `${u}-title` });
    this.dirtyEl = tr(h('span', { class: 'badge dirty-badge hidden' }), { text: 'unsaved' });
    this.statusEl = h('span', { class: 'svc-status', role: 'status' });
    this.activeBtn = h('button', { type: 'button', 'data-act': 'active', class: 'btn toggle', onclick: () => this.ctx.toggleService(this) });
    this.testBtn = tr(h('button', { type: 'button', 'data-act': 'test', class: 'btn', onclick: () => this.ctx.testService(this) }), { text: 'test' });
    this.saveBtn = tr(h('button', { type: 'button', 'data-act': 'save', class: 'btn save', onclick: () => this.ctx.saveService(this) }), { text: 'save' });
    this.removeBtn = tr(h('button', { type: 'button', 'data-act': 'remove', class: 'btn danger', onclick: () => this.ctx.removeService(this) }), { text: 'remove' });
    this.upBtn = h('button', { type: 'button', 'data-act': 'up', class: 'btn icon sort-only', onclick: () => this.ctx.moveService(this.id, -1) }, icon('up'));
    this.downBtn = h('button', { type: 'button', 'data-act': 'down', class: 'btn icon sort-only', onclick: () => this.ctx.moveService(this.id, 1) }, icon('down'));

    this.nameIn = h('input', { type: 'text', 'data-field': 'name', id: `${u}-name`, maxlength: '200', autocomplete: 'off', oninput: () => { this.draft.name = this.nameIn.value; this.changed(); } });
    this.typeSel = h('select', { id: `${u}-type`, onchange: () => { this.draft.type = this.typeSel.value; this.changed(); } },
      h('option', { value: 'pushover' }, 'Pushover'));
    const field = (labelKey, control, extra) => h('div', { class: 'field' }, tr(h('label', { for: control.id }), { text: labelKey }), extra ? h('div', { class: 'row nowrap' }, control, extra) : control);

    this.secretIns = {};
    this.clearBtns = {};
    const secretFields = SECRETS.map(([k, labelKey]) => {
      const input = h('input', {
        type: 'password', id: `${u}-${k}`, 'data-field': k, autocomplete: 'new-password', spellcheck: 'false',
        'data-lpignore': 'true', 'data-1p-ignore': 'true',
        oninput: () => { if (input.value) this.secrets[k].clear = false; this.changed(); },
      });
      const clearBtn = h('button', { type: 'button', 'data-act': `clear-${k}`, class: 'btn small', onclick: () => this.toggleClear(k) });
      this.secretIns[k] = input;
      this.clearBtns[k] = clearBtn;
      return field(labelKey, input, clearBtn);
    });

    this.el = h('article', { class: 'card service', id: `service-${this.id}`, 'data-profile-id': this.id, 'aria-labelledby': `${u}-title` },
      h('header', { class: 'card-head' },
        h('div', { class: 'title-row' }, this.nameEl, this.dirtyEl),
        h('div', { class: 'actions' }, this.activeBtn, this.testBtn, this.saveBtn, this.removeBtn, this.upBtn, this.downBtn)),
      h('div', { class: 'state-line' }, this.statusEl),
      this.notice.el,
      h('div', { class: 'card-body svc-grid' }, field('name', this.nameIn), field('type', this.typeSel), ...secretFields));
  }

  displayName() {
    return String(this.saved.name || '').trim() || this.id;
  }

  stored(k) {
    const v = (this.saved.config || {})[k];
    return !this.isNew && !!v;
  }

  toggleClear(k) {
    this.secrets[k].clear = !this.secrets[k].clear;
    if (this.secrets[k].clear) this.secretIns[k].value = '';
    this.changed();
  }

  fill() {
    if (this.nameIn.value !== this.draft.name) this.nameIn.value = this.draft.name;
    this.typeSel.value = this.draft.type === 'pushover' ? 'pushover' : 'pushover';
    this.changed(false);
  }

  /** New saved data; typed secrets survive unless force (after this card's own save). */
  setSaved(profile, force = false) {
    const wasDirty = this.isDirty();
    this.saved = clone(profile);
    this.isNew = false;
    if (force) this.resetDraft(profile);
    else if (!wasDirty) this.draft = this.draftOf(profile);
    this.fill();
  }

  /** Live counters from events (server-owned; never edited here). */
  setCounters(ev) {
    for (const p of [this.saved, this.theirs]) {
      if (!p) continue;
      if (typeof ev.active === 'boolean') p.active = ev.active;
      if (ev.failure_count != null) p.failure_count = toInt(ev.failure_count);
      if (ev.sent_count != null) p.sent_count = toInt(ev.sent_count);
    }
    this.renderStatus();
    this.renderButtons();
  }

  draftOf(profile) {
    return { name: String(profile.name ?? ''), type: String(profile.type || 'pushover') };
  }

  /** The edits go, typed secrets too. */
  resetDraft(profile) {
    this.draft = this.draftOf(profile);
    for (const [k] of SECRETS) {
      this.secretIns[k].value = '';
      this.secrets[k].clear = false;
    }
  }

  sameAsSent(sent) {
    return JSON.stringify(this.draft) === JSON.stringify(sent.draft)
      && SECRETS.every(([k]) => this.secretIns[k].value === sent.secrets[k]);
  }

  /** On/Off and the counters of a newer version show at once. */
  renderTheirs() {
    this.renderButtons();
  }

  /** What a save sends, to tell afterwards whether the user typed more meanwhile. */
  snapshot() {
    const secrets = {};
    for (const [k] of SECRETS) secrets[k] = this.secretIns[k].value;
    return { draft: clone(this.draft), secrets };
  }

  isDirty() {
    if (this.detached()) return true;
    if (this.draft.name !== String(this.saved.name ?? '')) return true;
    if (this.draft.type !== String(this.saved.type || 'pushover')) return true;
    return SECRETS.some(([k]) => this.secretIns[k].value !== '' || this.secrets[k].clear);
  }

  secretValue(k) {
    const typed = this.secretIns[k].value;
    if (typed) return typed;
    if (this.secrets[k].clear) return '';
    return this.stored(k) ? MASKED : '';
  }

  /** The profile as it would be saved; counters are the latest known server values. */
  collect() {
    const base = clone(this.saved);
    return {
      ...base,
      id: this.id,
      name: this.draft.name,
      type: this.draft.type,
      active: base.active !== false,
      failure_count: toInt(base.failure_count),
      sent_count: toInt(base.sent_count),
      config: { ...(base.config || {}), user_key: this.secretValue('user_key'), api_token: this.secretValue('api_token') },
    };
  }

  changed(notify = true) {
    if (this.takeTheirsIfUndone(notify)) return;
    const dirty = this.isDirty();
    this.el.classList.toggle('dirty', dirty);
    this.dirtyEl.classList.toggle('hidden', !dirty);
    tr(this.dirtyEl, { text: this.isNew ? 'newUnsaved' : 'unsaved' });
    this.saveBtn.classList.toggle('attention', dirty);
    const shown = this.draft.name.trim() || this.saved.name || '';
    if (shown) {
      this.nameEl._tr = null;
      this.nameEl.removeAttribute('data-tr');
      this.nameEl.textContent = shown;
    } else {
      tr(this.nameEl, { text: 'unnamed' });
    }
    const n = this.displayName();
    tr(this.upBtn, { aria: ['moveUp', { name: n }], title: ['moveUp', { name: n }] });
    tr(this.downBtn, { aria: ['moveDown', { name: n }], title: ['moveDown', { name: n }] });
    for (const [k, labelKey] of SECRETS) {
      const stored = this.stored(k);
      const clearing = this.secrets[k].clear;
      tr(this.secretIns[k], { placeholder: clearing ? 'secretWillClear' : (stored ? 'secretSet' : 'secretNotSet') });
      this.clearBtns[k].classList.toggle('hidden', !stored);
      tr(this.clearBtns[k], { text: clearing ? 'undoClear' : 'clear', aria: [clearing ? 'undoClearAria' : 'clearAria', { field: { t: labelKey } }] });
    }
    this.renderStatus();
    this.renderButtons();
    if (notify) this.ctx.onDirtyChange();
  }

  renderButtons() {
    const active = this.latest().active !== false;
    tr(this.activeBtn, { text: active ? 'on' : 'off', aria: ['serviceActiveAria', { name: this.displayName(), state: { t: active ? 'on' : 'off' } }] });
    this.activeBtn.setAttribute('aria-pressed', String(active));
    this.activeBtn.classList.toggle('on', active);
    this.activeBtn.disabled = this.isNew;
    this.testBtn.disabled = !active || this.isNew;
    tr(this.testBtn, { title: this.isNew ? 'testNeedsSave' : (active ? 'testTitle' : 'testNeedsActive') });
    this.saveBtn.disabled = !this.isDirty() || !this.draft.name.trim();
  }

  renderStatus() {
    const p = this.latest();
    const active = p.active !== false;
    const fails = toInt(p.failure_count);
    const sent = toInt(p.sent_count);
    let spec;
    let cls;
    if (this.isNew) {
      spec = ['svcNew'];
      cls = 'muted';
    } else if (active && fails === 0) {
      spec = ['svcActiveOk', { sent }];
      cls = 'ok';
    } else if (active) {
      spec = ['svcActiveFailing', { n: fails, max: AUTO_DISABLE_AFTER, sent }];
      cls = 'warn';
    } else if (fails >= AUTO_DISABLE_AFTER) {
      spec = ['svcAutoDisabled', { n: fails }];
      cls = 'bad';
    } else {
      spec = ['svcInactiveManual'];
      cls = 'muted';
    }
    tr(this.statusEl, { text: spec });
    this.statusEl.className = `svc-status ${cls}`;
  }
}
