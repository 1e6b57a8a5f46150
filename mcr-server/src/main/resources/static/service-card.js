// A notification service card, rendered from the declaration of its channel type (GET /api/channels).
// Stored secrets are never shown: their inputs only take new values, a stored one is kept unless the user
// types a new one or presses "clear".

import { h, clone, toInt } from './util.js';
import { tr, t } from './i18n.js';
import { SyncedCard } from './conflict.js';
import { icon } from './icons.js';

export const MASKED = '__SECRET_SET__';
export const AUTO_DISABLE_AFTER = 3;

/** Pushover's declaration, used until /api/channels answered (and by a server without it). */
const PUSHOVER = { type: 'pushover', label: 'Pushover', fields: [
  { name: 'user_key', label: 'User key', kind: 'secret', required: false, default: '' },
  { name: 'api_token', label: 'API token', kind: 'secret', required: false, default: '' },
] };
let CHANNELS = [PUSHOVER];

/** Loads the channel types once; the cards render from them. */
export async function loadChannels(get) {
  try {
    const res = await get('/api/channels');
    if (res && Array.isArray(res.channels) && res.channels.length) CHANNELS = res.channels;
  } catch (_) {
    // an older server: Pushover only
  }
}

function channel(type) {
  return CHANNELS.find((c) => c.type === type) || { type, label: type, fields: [] };
}

/** The i18n key of a built-in field's label; Pushover keeps the original's keys. */
function labelKey(type, name) {
  if (type === 'pushover') return name === 'user_key' ? 'userKey' : 'apiToken';
  return `ch_${type}_${name}`;
}

/** Binds a field's label: translated for built-in channels, the declared English label otherwise. */
function fieldLabel(el, type, f) {
  const key = labelKey(type, f.name);
  if (t(key) !== key) return tr(el, { text: key });
  el.textContent = f.label;
  return el;
}

let seq = 0;

/** A service card; profile is null-free: new unsaved services pass isNew. */
export class ServiceCard extends SyncedCard {
  constructor(ctx, profile, isNew = false) {
    super(ctx, 'profile', profile, isNew);
    this.uid = `s${++seq}`;
    this.draft = this.draftOf(profile);
    this.build();
    this.fill();
  }

  build() {
    const u = this.uid;
    this.nameEl = h('h3', { class: 'card-title', id: `${u}-title` });
    this.dirtyEl = tr(h('span', { class: 'badge dirty-badge hidden' }), { text: 'unsaved' });
    this.statusEl = h('span', { class: 'svc-status', role: 'status' });
    this.errorEl = h('span', { class: 'svc-last-error hidden', 'data-role': 'last-error' });
    this.reenableBtn = tr(h('button', { type: 'button', 'data-act': 'reenable', class: 'btn small hidden', onclick: () => this.ctx.toggleService(this) }), { text: 'svcReenable' });
    this.activeBtn = h('button', { type: 'button', 'data-act': 'active', class: 'btn toggle', onclick: () => this.ctx.toggleService(this) });
    this.testBtn = tr(h('button', { type: 'button', 'data-act': 'test', class: 'btn', onclick: () => this.ctx.testService(this) }), { text: 'test' });
    this.saveBtn = tr(h('button', { type: 'button', 'data-act': 'save', class: 'btn save', onclick: () => this.ctx.saveService(this) }), { text: 'save' });
    this.removeBtn = tr(h('button', { type: 'button', 'data-act': 'remove', class: 'btn danger', onclick: () => this.ctx.removeService(this) }), { text: 'remove' });
    this.upBtn = h('button', { type: 'button', 'data-act': 'up', class: 'btn icon sort-only', onclick: () => this.ctx.moveService(this.id, -1) }, icon('up'));
    this.downBtn = h('button', { type: 'button', 'data-act': 'down', class: 'btn icon sort-only', onclick: () => this.ctx.moveService(this.id, 1) }, icon('down'));

    this.nameIn = h('input', { type: 'text', 'data-field': 'name', id: `${u}-name`, maxlength: '200', autocomplete: 'off', oninput: () => { this.draft.name = this.nameIn.value; this.changed(); } });
    this.typeSel = h('select', { id: `${u}-type`, 'data-field': 'type', onchange: () => this.changeType(this.typeSel.value) },
      ...CHANNELS.map((c) => h('option', { value: c.type }, c.label)));
    this.fieldsEl = h('div', { class: 'svc-fields' });
    this.quietEl = this.buildQuiet();

    this.el = h('article', { class: 'card service', id: `service-${this.id}`, 'data-profile-id': this.id, 'aria-labelledby': `${u}-title` },
      h('header', { class: 'card-head' },
        h('div', { class: 'title-row' }, this.nameEl, this.dirtyEl),
        h('div', { class: 'actions' }, this.activeBtn, this.testBtn, this.saveBtn, this.removeBtn, this.upBtn, this.downBtn)),
      h('div', { class: 'state-line' }, this.statusEl, this.errorEl, this.reenableBtn),
      this.notice.el,
      h('div', { class: 'card-body svc-grid' }, this.field('name', this.nameIn), this.field('type', this.typeSel), this.fieldsEl, this.quietEl));
    this.buildFields();
  }

  field(key, control, extra) {
    return h('div', { class: 'field' }, tr(h('label', { for: control.id }), { text: key }), extra ? h('div', { class: 'row nowrap' }, control, extra) : control);
  }

  /** The inputs of the declared fields of the draft's type. */
  buildFields() {
    const u = this.uid;
    const type = this.draft.type;
    this.inputs = {};
    this.secrets = {};
    this.clearBtns = {};
    const rows = [];
    for (const f of channel(type).fields) {
      const id = `${u}-${f.name}`;
      const label = fieldLabel(h('label', { for: id }), type, f);
      let input;
      if (f.kind === 'secret') {
        input = h('input', {
          type: 'password', id, 'data-field': f.name, autocomplete: 'new-password', spellcheck: 'false',
          'data-lpignore': 'true', 'data-1p-ignore': 'true',
          oninput: () => { if (input.value) this.secrets[f.name].clear = false; this.changed(); },
        });
        this.secrets[f.name] = { clear: false, input };
        const clearBtn = h('button', { type: 'button', 'data-act': `clear-${f.name}`, class: 'btn small', onclick: () => this.toggleClear(f.name) });
        this.clearBtns[f.name] = clearBtn;
        rows.push(h('div', { class: 'field' }, label, h('div', { class: 'row nowrap' }, input, clearBtn)));
        continue;
      }
      if (f.kind === 'bool') {
        input = h('input', { type: 'checkbox', id, 'data-field': f.name, onchange: () => { this.draft.config[f.name] = String(input.checked); this.changed(); } });
      } else if (f.kind === 'choice') {
        input = h('select', { id, 'data-field': f.name, onchange: () => { this.draft.config[f.name] = input.value; this.changed(); } },
          ...(f.choices || []).map((c) => h('option', { value: c }, c)));
      } else {
        input = h('input', {
          type: f.kind === 'url' ? 'url' : (f.kind === 'number' ? 'number' : 'text'), id, 'data-field': f.name,
          autocomplete: 'off', spellcheck: 'false', oninput: () => { this.draft.config[f.name] = input.value; this.changed(); },
        });
      }
      if (f.required) input.setAttribute('aria-required', 'true');
      this.inputs[f.name] = input;
      rows.push(h('div', { class: 'field' }, label, input));
    }
    this.fieldsEl.replaceChildren(...rows);
  }

  buildQuiet() {
    const u = this.uid;
    const q = (key, control) => h('div', { class: 'field' }, tr(h('label', { for: control.id }), { text: key }), control);
    const set = (k, v) => { this.draft.quiet[k] = v; this.changed(); };
    this.quietFrom = h('input', { type: 'time', id: `${u}-qh-from`, 'data-field': 'quiet_from', oninput: () => set('from', this.quietFrom.value) });
    this.quietTo = h('input', { type: 'time', id: `${u}-qh-to`, 'data-field': 'quiet_to', oninput: () => set('to', this.quietTo.value) });
    this.quietZone = h('input', { type: 'text', id: `${u}-qh-zone`, 'data-field': 'quiet_zone', autocomplete: 'off', spellcheck: 'false', oninput: () => set('time_zone', this.quietZone.value) });
    tr(this.quietZone, { placeholder: 'quietZonePh' });
    this.quietDown = h('input', { type: 'checkbox', id: `${u}-qh-down`, 'data-field': 'quiet_down', onchange: () => set('down_breaks_through', this.quietDown.checked) });
    return h('fieldset', { class: 'svc-quiet' }, tr(h('legend'), { text: 'quietHours' }),
      q('quietFrom', this.quietFrom), q('quietTo', this.quietTo), q('quietZone', this.quietZone),
      h('div', { class: 'field row nowrap' }, this.quietDown, tr(h('label', { for: this.quietDown.id }), { text: 'quietDownBreaks' })));
  }

  changeType(type) {
    this.draft.type = type;
    this.draft.config = this.configDraft(type, type === String(this.saved.type || 'pushover') ? this.saved.config : {});
    this.buildFields();
    this.fill();
  }

  displayName() {
    return String(this.saved.name || '').trim() || this.id;
  }

  /** Whether the stored profile has a value for a secret field (only while the type is the stored one). */
  stored(k) {
    const v = (this.saved.config || {})[k];
    return !this.isNew && !!v && this.draft.type === String(this.saved.type || 'pushover');
  }

  toggleClear(k) {
    this.secrets[k].clear = !this.secrets[k].clear;
    if (this.secrets[k].clear) this.secrets[k].input.value = '';
    this.changed();
  }

  fill() {
    if (this.nameIn.value !== this.draft.name) this.nameIn.value = this.draft.name;
    this.typeSel.value = this.draft.type;
    for (const [k, input] of Object.entries(this.inputs)) {
      const v = this.draft.config[k] ?? '';
      if (input.type === 'checkbox') input.checked = v === 'true';
      else if (input.value !== v) input.value = v;
    }
    const q = this.draft.quiet;
    this.quietFrom.value = q.from;
    this.quietTo.value = q.to;
    this.quietZone.value = q.time_zone;
    this.quietDown.checked = !!q.down_breaks_through;
    this.changed(false);
  }

  /** New saved data; typed secrets survive unless force (after this card's own save). */
  setSaved(profile, force = false) {
    const wasDirty = this.isDirty();
    this.saved = clone(profile);
    this.isNew = false;
    if (force) this.resetDraft(profile);
    else if (!wasDirty) this.draft = this.draftOf(profile);
    if (Object.keys(this.inputs).length + Object.keys(this.secrets).length !== channel(this.draft.type).fields.length) this.buildFields();
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
    if (ev.delivery === 'error' || ev.reason) this.setLastError(ev.error || ev.reason || '', ev.ts);
    else if (ev.delivery === 'success' && ev.runner_id !== '__manual_test__') this.setLastError('', null);
    this.renderStatus();
    this.renderButtons();
  }

  /** The last delivery error with its time (from the journal at start, then from the events). */
  setLastError(text, ts) {
    this.lastError = text ? { text: String(text), ts: ts || new Date().toISOString() } : null;
    this.renderStatus();
  }

  /** The non-secret config of a type: stored values, else the declared defaults. */
  configDraft(type, config) {
    const out = {};
    for (const f of channel(type).fields) {
      if (f.kind === 'secret') continue;
      const v = (config || {})[f.name];
      out[f.name] = v == null || v === '' ? String(f.default ?? '') : String(v);
    }
    return out;
  }

  draftOf(profile) {
    const type = String(profile.type || 'pushover');
    const q = profile.quiet_hours && typeof profile.quiet_hours === 'object' ? profile.quiet_hours : {};
    return {
      name: String(profile.name ?? ''),
      type,
      config: this.configDraft(type, profile.config),
      quiet: { from: String(q.from || ''), to: String(q.to || ''), time_zone: String(q.time_zone || ''), down_breaks_through: !!q.down_breaks_through },
    };
  }

  /** The edits go, typed secrets too. */
  resetDraft(profile) {
    this.draft = this.draftOf(profile);
    this.buildFields();
  }

  typedSecrets() {
    const out = {};
    for (const [k, s] of Object.entries(this.secrets)) out[k] = s.input.value;
    return out;
  }

  sameAsSent(sent) {
    return JSON.stringify(this.draft) === JSON.stringify(sent.draft)
      && JSON.stringify(this.typedSecrets()) === JSON.stringify(sent.secrets);
  }

  /** On/Off and the counters of a newer version show at once. */
  renderTheirs() {
    this.renderButtons();
  }

  /** What a save sends, to tell afterwards whether the user typed more meanwhile. */
  snapshot() {
    return { draft: clone(this.draft), secrets: this.typedSecrets() };
  }

  isDirty() {
    if (this.detached()) return true;
    if (JSON.stringify(this.draft) !== JSON.stringify(this.draftOf(this.saved))) return true;
    return Object.values(this.secrets).some((s) => s.input.value !== '' || s.clear);
  }

  secretValue(k) {
    const s = this.secrets[k];
    if (s.input.value) return s.input.value;
    if (s.clear) return '';
    return this.stored(k) ? MASKED : '';
  }

  /** The quiet hours as stored: null when none are set. */
  quietHours() {
    const q = this.draft.quiet;
    if (!q.from && !q.to) return null;
    const out = { from: q.from, to: q.to, down_breaks_through: !!q.down_breaks_through };
    if (q.time_zone.trim()) out.time_zone = q.time_zone.trim();
    return out;
  }

  /** The config as it would be saved: every declared field of the type. */
  collectConfig() {
    const config = { ...this.draft.config };
    for (const k of Object.keys(this.secrets)) config[k] = this.secretValue(k);
    return config;
  }

  /** The profile as it would be saved; counters are the latest known server values. */
  collect() {
    const base = clone(this.saved);
    const sameType = this.draft.type === String(base.type || 'pushover');
    const out = {
      ...base,
      id: this.id,
      name: this.draft.name,
      type: this.draft.type,
      active: base.active !== false,
      failure_count: toInt(base.failure_count),
      sent_count: toInt(base.sent_count),
      config: { ...(sameType ? (base.config || {}) : {}), ...this.collectConfig() },
      quiet_hours: this.quietHours(),
    };
    return out;
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
    for (const [k, s] of Object.entries(this.secrets)) {
      const stored = this.stored(k);
      const clearing = s.clear;
      tr(s.input, { placeholder: clearing ? 'secretWillClear' : (stored ? 'secretSet' : 'secretNotSet') });
      this.clearBtns[k].classList.toggle('hidden', !stored);
      const fieldKey = labelKey(this.draft.type, k);
      tr(this.clearBtns[k], { text: clearing ? 'undoClear' : 'clear', aria: [clearing ? 'undoClearAria' : 'clearAria', { field: t(fieldKey) === fieldKey ? k : { t: fieldKey } }] });
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
    const err = this.lastError && !this.isNew ? this.lastError : null;
    this.errorEl.classList.toggle('hidden', !err);
    if (err) tr(this.errorEl, { text: ['svcLastError', { time: new Date(err.ts).toLocaleString(), error: err.text }] });
    this.reenableBtn.classList.toggle('hidden', this.isNew || active || fails < AUTO_DISABLE_AFTER);
  }
}
