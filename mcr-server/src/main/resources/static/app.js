// The page controller: loads the state, owns the cards, routes live events to the
// affected card only, and performs every write through one serialized queue.

import { h, $, clone, toInt, clock, newId, copyText } from './util.js';
import { t, tr, setLang, getLang, initialLang, retranslate, bindStatic, LANGS } from './i18n.js';
import { get, post, del, ApiError } from './api.js';
import { openModal, confirmDialog, renderGuide } from './dialogs.js';
import * as L from './layout.js';
import { RunnerCard, idleStatus } from './runner-card.js';
import { GroupCard, progressText } from './group-card.js';
import { ServiceCard } from './service-card.js';
import { LogPane } from './panes.js';
import { LiveStream } from './live.js';

const APP_VERSION = '0.1.0';
const UI_KEY = 'mcr.ui';
const EVENTS_MAX_CHARS = 120000;
const JOURNAL_MAX_LINES = 500;
const JOURNAL_LOAD = 250;
const SECTIONS = ['services', 'runners', 'journal', 'events'];

// ----- persisted UI settings ---------------------------------------------------------

function loadUi() {
  let v = {};
  try {
    v = JSON.parse(localStorage.getItem(UI_KEY) || '{}') || {};
  } catch (_) {
    v = {};
  }
  return {
    lang: typeof v.lang === 'string' ? v.lang : '',
    collapsed: v.collapsed && typeof v.collapsed === 'object' ? v.collapsed : {},
    sort: v.sort && typeof v.sort === 'object' ? v.sort : {},
  };
}

const ui = loadUi();

function saveUi() {
  try {
    localStorage.setItem(UI_KEY, JSON.stringify(ui));
  } catch (_) {
    // private mode or full storage: settings just do not persist
  }
}

// ----- page state --------------------------------------------------------------------

const app = {
  saved: null,
  status: {},
  groupStatus: {},
  runnerCards: new Map(),
  groupCards: new Map(),
  serviceCards: new Map(),
  queue: Promise.resolve(),
  anyDirty: false,
  live: null,
  wasLive: false,
};

let journal;
let events;

// ----- messages ----------------------------------------------------------------------

let flashTimer = 0;

/** Shows one transient message (info, success or error), announced to screen readers. */
function flash(kind, key, args) {
  const box = $('#flash');
  tr($('#flashText'), { text: [key, args] });
  box.className = `flash ${kind}`;
  box.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { box.hidden = true; }, kind === 'error' ? 15000 : 6000);
}

/** Replaces every known runner or group id inside a server text by its name. */
function names(text) {
  let s = String(text ?? '');
  if (!app.saved || !s) return s;
  const pairs = [];
  for (const r of app.saved.runners || []) pairs.push([r.id, runnerName(r.id)]);
  for (const g of app.saved.runner_groups || []) pairs.push([g.id, groupName(g.id)]);
  pairs.sort((a, b) => b[0].length - a[0].length);
  for (const [id, name] of pairs) {
    if (id && id !== name && s.includes(id)) s = s.split(id).join(`"${name}"`);
  }
  return s;
}

function reasonOf(err) {
  if (err instanceof ApiError) {
    if (err.status === 0) return { t: 'errNetwork' };
    if (err.status === 401) return { t: 'err401' };
    if (err.badBody) return { t: 'errBadResponse', args: { status: err.status } };
    return { t: 'errHttp', args: { status: err.status, detail: names(err.detail) || { t: 'errNoDetail' } } };
  }
  return { t: 'errUnexpected', args: { detail: String(err && err.message ? err.message : err) } };
}

function fail(err, actionKey, args) {
  flash('error', 'errAction', { action: { t: actionKey, args }, reason: reasonOf(err) });
  logEvent(['evActionFailed', { action: { t: actionKey, args }, reason: reasonOf(err) }]);
}

function logEvent(spec, ts) {
  events.add({ time: clock(ts || new Date()), spec });
}

function runnerName(id) {
  const card = app.runnerCards.get(id);
  if (card) return card.displayName();
  const r = app.saved && (app.saved.runners || []).find((x) => x.id === id);
  return (r && String(r.name || '').trim()) || String(id || '');
}

function groupName(id) {
  const card = app.groupCards.get(id);
  if (card) return card.displayName();
  const g = app.saved && (app.saved.runner_groups || []).find((x) => x.id === id);
  return (g && String(g.name || '').trim()) || String(id || '');
}

function serviceName(id, fallback) {
  const card = app.serviceCards.get(id);
  if (card) return card.displayName();
  return String(fallback || id || '');
}

// ----- writes ------------------------------------------------------------------------

/** Runs write operations one after another so that each builds on the latest state. */
function enqueue(fn) {
  const run = app.queue.then(fn, fn);
  app.queue = run.catch(() => {});
  return run;
}

/**
 * Saves a state built from the latest stored state, then reloads it. force lists the
 * cards whose edits were part of this save (they take the stored values afterwards).
 */
function commit(build, force = {}) {
  return enqueue(async () => {
    const next = build(clone(app.saved));
    if (!next) return false;
    await post('/api/state', next);
    await reloadState(force);
    return true;
  });
}

async function reloadState(force = {}) {
  const state = await get('/api/state');
  applyState(state, force);
}

// ----- applying the stored state -----------------------------------------------------

function normalizeState(s) {
  const out = s && typeof s === 'object' ? s : {};
  for (const k of ['notify_profiles', 'runners', 'runner_groups', 'runner_layout']) {
    if (!Array.isArray(out[k])) out[k] = [];
  }
  return out;
}

function applyState(state, force = {}) {
  const s = normalizeState(clone(state));
  app.saved = s;
  const forced = (kind, id) => (force[kind] || []).includes(id);

  // Services: saved ones in stored order, then new unsaved drafts.
  const list = $('#serviceList');
  const keep = new Set();
  const order = [];
  for (const p of s.notify_profiles) {
    let card = app.serviceCards.get(p.id);
    if (card) card.setSaved(p, forced('services', p.id));
    else {
      card = new ServiceCard(ctx, p);
      app.serviceCards.set(p.id, card);
    }
    keep.add(p.id);
    order.push(card);
  }
  for (const [id, card] of app.serviceCards) {
    if (keep.has(id)) continue;
    if (card.isNew) order.push(card);
    else {
      card.el.remove();
      app.serviceCards.delete(id);
    }
  }
  placeChildren(list, order.map((c) => c.el));

  // Runners
  const runnerIds = new Set();
  for (const r of s.runners) {
    runnerIds.add(r.id);
    const card = app.runnerCards.get(r.id);
    if (card) card.setSaved(r, forced('runners', r.id));
    else {
      const c = new RunnerCard(ctx, r);
      if (app.status[r.id]) c.setStatus(app.status[r.id]);
      app.runnerCards.set(r.id, c);
    }
  }
  for (const [id, card] of app.runnerCards) {
    if (!runnerIds.has(id)) {
      card.el.remove();
      app.runnerCards.delete(id);
    }
  }

  // Groups
  const groupIds = new Set();
  for (const g of s.runner_groups) {
    groupIds.add(g.id);
    const card = app.groupCards.get(g.id);
    if (card) card.setSaved(g, forced('groups', g.id));
    else {
      const c = new GroupCard(ctx, g);
      c.setGroupStatus(app.groupStatus[g.id] || null);
      app.groupCards.set(g.id, c);
    }
  }
  for (const [id, card] of app.groupCards) {
    if (!groupIds.has(id)) {
      card.el.remove();
      app.groupCards.delete(id);
    }
  }

  renderLayout();
  updateCounts();
  onDirtyChange(true);
}

/** Puts elements into a container in order, moving as few nodes as possible. */
function placeChildren(container, els) {
  els.forEach((el, i) => {
    if (container.children[i] !== el) container.insertBefore(el, container.children[i] || null);
  });
  while (container.children.length > els.length) container.lastElementChild.remove();
}

function renderLayout() {
  const s = app.saved;
  const focused = document.activeElement;
  const groups = new Map(s.runner_groups.map((g) => [g.id, g]));
  const top = [];
  for (const it of L.orderedItems(s)) {
    if (it.type === 'runner') {
      const c = app.runnerCards.get(it.id);
      if (!c) continue;
      c.setGroup(null, true);
      top.push(c.el);
    } else {
      const gc = app.groupCards.get(it.id);
      const g = groups.get(it.id);
      if (!gc || !g) continue;
      const disabled = new Set(g.disabled_runner_ids || []);
      const members = (g.runner_ids || []).map((id) => app.runnerCards.get(id)).filter(Boolean);
      members.forEach((c) => c.setGroup(g, !disabled.has(c.id)));
      gc.setMembers(members);
      top.push(gc.el);
    }
  }
  placeChildren($('#runnerList'), top);
  for (const c of app.runnerCards.values()) c.setGroupChoices(s.runner_groups);
  $('#runnerEmpty').hidden = top.length > 0;
  if (focused && focused !== document.activeElement && focused.isConnected) focused.focus();
}

function updateCounts() {
  $('#serviceCount').textContent = `(${app.serviceCards.size})`;
  $('#runnerCount').textContent = `(${app.saved ? app.saved.runners.length : 0})`;
  $('#serviceEmpty').hidden = app.serviceCards.size > 0;
  updateActivity();
}

function updateActivity() {
  let running = 0;
  let scheduled = 0;
  for (const c of app.runnerCards.values()) {
    if (c.status.running) running += 1;
    else if (c.status.scheduled) scheduled += 1;
  }
  const pill = $('#activity');
  pill.hidden = running + scheduled === 0;
  tr(pill, { text: ['activity', { running, scheduled }] });
  pill.classList.toggle('busy', running > 0);
}

function onDirtyChange(forceRefresh = false) {
  let any = false;
  for (const c of app.runnerCards.values()) any = any || c.isDirty();
  for (const c of app.groupCards.values()) any = any || c.isDirty();
  for (const c of app.serviceCards.values()) any = any || c.isDirty();
  const changed = any !== app.anyDirty;
  app.anyDirty = any;
  if (changed || forceRefresh) for (const c of app.runnerCards.values()) c.renderButtons();
  for (const c of app.groupCards.values()) c.renderButtons();
  document.body.classList.toggle('has-unsaved', any);
}

// ----- the controller handed to the cards --------------------------------------------

const ctx = {
  isCollapsed: (key) => !!ui.collapsed[key],
  setCollapsed(key, v) {
    if (v) ui.collapsed[key] = true;
    else delete ui.collapsed[key];
    saveUi();
  },
  profiles: () => (app.saved ? app.saved.notify_profiles : []),
  anyDirty: () => app.anyDirty,
  onDirtyChange: () => onDirtyChange(),
  names,
  runnerName,
  confirm: (key, args) => confirmDialog(key, args),

  async saveRunner(card) {
    const bad = card.invalidCases();
    if (bad.length) {
      flash('error', 'casesInvalid', { name: card.displayName() });
      return;
    }
    const name = card.draft.name.trim() || card.displayName();
    try {
      await commit((s) => {
        const i = s.runners.findIndex((r) => r.id === card.id);
        if (i < 0) throw new ApiError(404, t('runnerGone'));
        s.runners[i] = card.collect();
        return s;
      }, { runners: [card.id] });
      flash('success', 'savedRunner', { name });
    } catch (e) {
      fail(e, 'actSaveRunner', { name });
    }
  },

  async runRunner(card) {
    if (card.isDirty()) {
      flash('error', 'runNeedsSave');
      return;
    }
    if (!String(card.saved.command || '').trim()) {
      flash('error', 'runNeedsCommand');
      return;
    }
    try {
      await enqueue(() => post('/api/run', { runner_id: card.id }));
    } catch (e) {
      fail(e, 'actRun', { name: card.displayName() });
    }
  },

  async stopRunner(id) {
    try {
      await post('/api/stop', { runner_id: id });
    } catch (e) {
      fail(e, 'actStop', { name: runnerName(id) });
    }
  },

  async cloneRunner(id) {
    if (app.anyDirty) {
      flash('error', 'cloneNeedsSave');
      return;
    }
    try {
      const res = await enqueue(async () => {
        const r = await post('/api/clone_runner', { runner_id: id });
        await reloadState();
        return r;
      });
      flash('success', 'cloned', { name: runnerName(id), clone: res.cloned_name || runnerName(res.cloned_id) });
      const card = app.runnerCards.get(res.cloned_id);
      if (card) card.el.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      fail(e, 'actClone', { name: runnerName(id) });
    }
  },

  async removeRunner(id) {
    const name = runnerName(id);
    if (!(await confirmDialog('confirmRemoveRunner', { name }, 'remove'))) return;
    try {
      await commit((s) => L.removeRunner(s, id));
      flash('success', 'removedRunner', { name });
    } catch (e) {
      fail(e, 'actRemove', { name });
    }
  },

  async setNotify(runnerId, profileId, on, updatesOnly) {
    try {
      await commit((s) => {
        const r = s.runners.find((x) => x.id === runnerId);
        if (!r) return null;
        const ids = (r.notify_profile_ids || []).filter((x) => x !== profileId);
        const upd = (r.notify_profile_updates_only || []).filter((x) => x !== profileId);
        if (on) {
          const order = s.notify_profiles.map((p) => p.id);
          ids.push(profileId);
          ids.sort((a, b) => order.indexOf(a) - order.indexOf(b));
          if (updatesOnly) upd.push(profileId);
        }
        r.notify_profile_ids = ids;
        r.notify_profile_updates_only = upd;
        return s;
      });
    } catch (e) {
      fail(e, 'actNotify', { name: runnerName(runnerId) });
    }
  },

  openLog(id) {
    window.open(`/api/log/${encodeURIComponent(id)}`, '_blank', 'noopener');
  },

  async clearLog(id) {
    const name = runnerName(id);
    if (!(await confirmDialog('confirmClearLog', { name }, 'clearLog'))) return;
    try {
      await del(`/api/log/${encodeURIComponent(id)}`);
      flash('success', 'logCleared', { name });
    } catch (e) {
      fail(e, 'actClearLog', { name });
    }
  },

  async copyOutput(card) {
    try {
      await copyText(card.out.text());
      flash('success', 'copied', { name: card.displayName() });
    } catch (_) {
      flash('error', 'copyFailed');
    }
  },

  async moveRunner(id, dir) {
    try {
      await commit((s) => L.moveRunner(s, id, dir));
    } catch (e) {
      fail(e, 'actMove', { name: runnerName(id) });
    }
  },

  async moveRunnerTo(id, groupId) {
    try {
      await commit((s) => L.moveRunnerTo(s, id, groupId));
    } catch (e) {
      fail(e, 'actMove', { name: runnerName(id) });
      renderLayout();
    }
  },

  async setGroupEnabled(runnerId, enabled) {
    try {
      await commit((s) => {
        const g = L.groupOf(s, runnerId);
        if (!g) return null;
        const dis = (g.disabled_runner_ids || []).filter((x) => x !== runnerId);
        if (!enabled) dis.push(runnerId);
        g.disabled_runner_ids = g.runner_ids.filter((x) => dis.includes(x));
        return s;
      });
    } catch (e) {
      fail(e, 'actGroupToggle', { name: runnerName(runnerId) });
    }
  },

  // groups

  async saveGroup(card) {
    const name = card.draftName.trim() || card.displayName();
    try {
      await commit((s) => {
        const g = s.runner_groups.find((x) => x.id === card.id);
        if (!g) throw new ApiError(404, t('groupGone'));
        Object.assign(g, card.collect());
        return s;
      }, { groups: [card.id] });
      flash('success', 'savedGroup', { name });
    } catch (e) {
      fail(e, 'actSaveGroup', { name });
    }
  },

  async removeGroup(id) {
    const name = groupName(id);
    if (!(await confirmDialog('confirmRemoveGroup', { name }, 'remove'))) return;
    try {
      await commit((s) => L.removeGroup(s, id));
      flash('success', 'removedGroup', { name });
    } catch (e) {
      fail(e, 'actRemoveGroup', { name });
    }
  },

  async moveGroup(id, dir) {
    try {
      await commit((s) => L.moveGroup(s, id, dir));
    } catch (e) {
      fail(e, 'actMove', { name: groupName(id) });
    }
  },

  groupRunBlocker(card) {
    const g = card.saved;
    const disabled = new Set(g.disabled_runner_ids || []);
    const members = (g.runner_ids || []).filter((id) => !disabled.has(id) && app.runnerCards.has(id));
    if (!members.length) return 'groupNoActive';
    if (members.some((id) => app.runnerCards.get(id).isDirty())) return 'groupNeedsSave';
    if (members.some((id) => app.runnerCards.get(id).active())) return 'groupBusy';
    return null;
  },

  async runGroup(card) {
    const reason = ctx.groupRunBlocker(card);
    if (reason) {
      flash('error', reason);
      return;
    }
    try {
      await enqueue(() => post('/api/group/run', { group_id: card.id }));
    } catch (e) {
      fail(e, 'actGroupRun', { name: card.displayName() });
    }
  },

  async stopGroup(card) {
    try {
      await post('/api/group/stop', { group_id: card.id });
    } catch (e) {
      fail(e, 'actGroupStop', { name: card.displayName() });
    }
  },

  // services

  async saveService(card) {
    const name = card.draft.name.trim() || card.displayName();
    try {
      await commit((s) => {
        const p = card.collect();
        const i = s.notify_profiles.findIndex((x) => x.id === card.id);
        if (i >= 0) s.notify_profiles[i] = p;
        else s.notify_profiles.push(p);
        return s;
      }, { services: [card.id] });
      flash('success', 'savedService', { name });
      return true;
    } catch (e) {
      fail(e, 'actSaveService', { name });
      return false;
    }
  },

  async toggleService(card) {
    const name = card.displayName();
    const on = card.saved.active === false;
    try {
      await commit((s) => {
        const p = s.notify_profiles.find((x) => x.id === card.id);
        if (!p) return null;
        p.active = on;
        return s;
      });
      flash('success', on ? 'serviceOn' : 'serviceOff', { name });
    } catch (e) {
      fail(e, 'actToggleService', { name });
    }
  },

  async testService(card) {
    if (card.isDirty() && !(await ctx.saveService(card))) return;
    const name = card.displayName();
    try {
      await post('/api/pushover_test', { profile_id: card.id, message: '' });
      flash('success', 'testSent', { name });
    } catch (e) {
      fail(e, 'actTest', { name });
    }
  },

  async removeService(card) {
    const name = card.displayName();
    if (card.isNew) {
      card.el.remove();
      app.serviceCards.delete(card.id);
      updateCounts();
      onDirtyChange();
      return;
    }
    if (!(await confirmDialog('confirmRemoveService', { name }, 'remove'))) return;
    try {
      await commit((s) => L.removeProfile(s, card.id));
      flash('success', 'removedService', { name });
    } catch (e) {
      fail(e, 'actRemoveService', { name });
    }
  },

  async moveService(id, dir) {
    try {
      await commit((s) => {
        const list = L.moveInList(s.notify_profiles, id, dir);
        if (!list) return null;
        s.notify_profiles = list;
        return s;
      });
    } catch (e) {
      fail(e, 'actMove', { name: serviceName(id) });
    }
  },
};

// ----- section actions ---------------------------------------------------------------

async function addRunner() {
  const id = newId('runner_');
  const runner = {
    id, name: t('newRunnerName'), command: '', logging_enabled: true,
    schedule: { hours: 0, minutes: 0, seconds: 0 }, max_runs: 1, alert_cooldown_s: 300,
    alert_escalation_s: 1800, failure_pause_threshold: 5, cases: [],
    notify_profile_ids: [], notify_profile_updates_only: [],
  };
  try {
    await commit((s) => {
      s.runners.push(runner);
      s.runner_layout.push({ type: 'runner', id });
      return s;
    });
    flash('success', 'runnerCreated', { name: runner.name });
    const card = app.runnerCards.get(id);
    if (card) {
      if (card.collapsed) card.setCollapsed(false);
      card.el.scrollIntoView({ block: 'center' });
      card.nameIn.focus();
      card.nameIn.select();
    }
  } catch (e) {
    fail(e, 'actAddRunner');
  }
}

async function addGroup() {
  const id = newId('group_');
  const name = t('newGroupName');
  try {
    await commit((s) => {
      s.runner_groups.push({ id, name, runner_ids: [], disabled_runner_ids: [] });
      s.runner_layout.push({ type: 'group', id });
      return s;
    });
    flash('success', 'groupCreated', { name });
    const card = app.groupCards.get(id);
    if (card) {
      card.el.scrollIntoView({ block: 'center' });
      card.nameIn.focus();
      card.nameIn.select();
    }
  } catch (e) {
    fail(e, 'actAddGroup');
  }
}

function addService() {
  const p = {
    id: newId('notify_'), name: t('newServiceName'), type: 'pushover', active: true,
    failure_count: 0, sent_count: 0, config: { user_key: '', api_token: '' },
  };
  const card = new ServiceCard(ctx, p, true);
  app.serviceCards.set(p.id, card);
  $('#serviceList').append(card.el);
  updateCounts();
  onDirtyChange();
  card.el.scrollIntoView({ block: 'center' });
  card.nameIn.focus();
  card.nameIn.select();
}

async function exportRunners() {
  try {
    const resp = await get('/api/export', { raw: true });
    const blob = await resp.blob();
    const cd = resp.headers.get('content-disposition') || '';
    const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
    const d = new Date();
    const p2 = (n) => String(n).padStart(2, '0');
    const fallback = `multi-command-runner-export-${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}_${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}.json`;
    const a = h('a', { href: URL.createObjectURL(blob), download: m ? decodeURIComponent(m[1]) : fallback });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    flash('success', 'exported');
  } catch (e) {
    fail(e, 'actExport');
  }
}

async function importRunners(file) {
  if (!file) return;
  try {
    const text = await file.text();
    const res = await enqueue(async () => {
      const r = await post('/api/import', text);
      await reloadState();
      return r;
    });
    flash('success', 'imported', { n: toInt(res.imported_count) });
  } catch (e) {
    fail(e, 'actImport', { file: file.name });
  }
}

async function loadJournal() {
  try {
    const data = await get(`/api/notifications?limit=${JOURNAL_LOAD}`);
    const items = Array.isArray(data && data.items) ? data.items.slice().reverse() : [];
    journal.clear();
    journal.add(...items.map(journalEntry));
  } catch (e) {
    fail(e, 'actLoadJournal');
  }
}

function journalEntry(it) {
  const runner = it.runner_id === '__manual_test__' ? { t: 'manualTest' } : runnerName(it.runner_id);
  const args = {
    service: serviceName(it.profile_id, it.profile_name), runner,
    title: String(it.title || ''), message: String(it.message || ''),
    error: names(it.error || it.reason || ''),
  };
  return { time: clock(it.ts), spec: [it.delivery === 'success' ? 'journalOk' : 'journalErr', args] };
}

async function clearJournal() {
  if (!(await confirmDialog('confirmClearJournal', null, 'clearJournal'))) return;
  try {
    const res = await del('/api/notifications');
    journal.clear();
    flash('success', 'journalCleared', { n: toInt(res && res.deleted) });
  } catch (e) {
    fail(e, 'actClearJournal');
  }
}

// ----- live events -------------------------------------------------------------------

function normalizeStatus(st) {
  const s = { ...idleStatus(), ...(st || {}) };
  s.running = !!s.running;
  s.scheduled = !!s.scheduled;
  s.paused = !!s.paused;
  s.run_count = toInt(s.run_count);
  s.consecutive_failures = toInt(s.consecutive_failures);
  return s;
}

function applySnapshot(ev) {
  const snap = ev.snapshot && typeof ev.snapshot === 'object' ? ev.snapshot : {};
  app.status = {};
  for (const [rid, st] of Object.entries(snap)) app.status[rid] = normalizeStatus(st);
  for (const [rid, card] of app.runnerCards) {
    const st = app.status[rid] || idleStatus();
    card.setStatus(st);
    card.setOutput(snap[rid] && typeof snap[rid].tail === 'string' ? snap[rid].tail : '');
  }
  app.groupStatus = ev.group_snapshot && typeof ev.group_snapshot === 'object' ? ev.group_snapshot : {};
  for (const [gid, card] of app.groupCards) card.setGroupStatus(app.groupStatus[gid] || null);
  updateActivity();
  onDirtyChange(true);
}

function patchRunner(rid, patch) {
  app.status[rid] = { ...(app.status[rid] || idleStatus()), ...patch };
  const card = app.runnerCards.get(rid);
  if (card) {
    card.out.flush();
    card.patchStatus(patch);
  }
  return card;
}

function onStatus(ev) {
  const rid = ev.runner_id;
  const name = runnerName(rid);
  switch (ev.status) {
    case 'started': {
      const card = patchRunner(rid, {
        running: true, scheduled: false, stopping: false, stopped: false, paused: false,
        active_ts: ev.active_ts || ev.ts || '', started_ts: ev.ts || '',
        run_count: toInt(ev.run_count, 1), remaining: ev.remaining ?? null, next_at: 0,
      });
      if (card) card.setOutput('');
      logEvent(['evStarted', { name, n: toInt(ev.run_count, 1) }], ev.ts);
      break;
    }
    case 'stopping':
      patchRunner(rid, { stopping: true });
      logEvent(['evStopping', { name }], ev.ts);
      break;
    case 'stopped':
      patchRunner(rid, {
        running: false, scheduled: false, stopping: false, stopped: true, paused: false,
        active_ts: '', started_ts: '', run_count: 0, next_at: 0,
      });
      logEvent(['evStopped', { name }], ev.ts);
      break;
    case 'finished': {
      const patch = {
        running: false, stopping: false, stopped: !!ev.stopped,
        last_exit_code: ev.exit_code ?? null, last_finish_ts: ev.ts || '',
        consecutive_failures: toInt(ev.consecutive_failures),
      };
      if (ev.stopped) Object.assign(patch, { scheduled: false, active_ts: '', next_at: 0 });
      patchRunner(rid, patch);
      logEvent([ev.stopped ? 'evFinishedStopped' : 'evFinished', { name, code: ev.exit_code ?? '?' }], ev.ts);
      break;
    }
    case 'scheduled':
      patchRunner(rid, { scheduled: true, next_at: Date.now() + toInt(ev.in_s) * 1000 });
      logEvent(['evScheduled', { name, s: toInt(ev.in_s) }], ev.ts);
      break;
    case 'paused':
      patchRunner(rid, {
        paused: true, scheduled: false, running: false, active_ts: '', next_at: 0,
        consecutive_failures: toInt(ev.consecutive_failures), threshold: toInt(ev.threshold),
      });
      logEvent(['evPaused', { name, n: toInt(ev.consecutive_failures) }], ev.ts);
      flash('error', 'pausedFlash', { name, n: toInt(ev.consecutive_failures) });
      break;
    default:
      logEvent(['evStatusOther', { name, status: String(ev.status || '') }], ev.ts);
  }
  updateActivity();
  for (const gc of app.groupCards.values()) {
    if ((gc.saved.runner_ids || []).includes(rid)) gc.renderButtons();
  }
}

function onEvent(ev) {
  switch (ev.type) {
    case 'snapshot':
      applySnapshot(ev);
      break;
    case 'output': {
      const card = app.runnerCards.get(ev.runner_id);
      if (card) card.appendOutput(String(ev.line ?? ''));
      break;
    }
    case 'status':
      onStatus(ev);
      break;
    case 'case_match': {
      patchRunner(ev.runner_id, { last_case: String(ev.message ?? ''), last_case_ts: ev.ts || new Date().toISOString() });
      const name = runnerName(ev.runner_id);
      if (ev.pattern === '__on_finish__') logEvent(['evLastLine', { name, message: String(ev.message ?? '') }], ev.ts);
      else logEvent(['evCase', { name, state: ev.state || '—', message: String(ev.message ?? '') }], ev.ts);
      break;
    }
    case 'case_error': {
      const card = app.runnerCards.get(ev.runner_id);
      const error = String(ev.error ?? '');
      if (card && /^invalid regex/i.test(error)) card.setCaseError(ev.pattern, error);
      logEvent(['evCaseError', { name: runnerName(ev.runner_id), pattern: String(ev.pattern ?? ''), error: names(error) }], ev.ts);
      break;
    }
    case 'group_status': {
      const gid = ev.group_id;
      app.groupStatus[gid] = ev;
      const card = app.groupCards.get(gid);
      if (card) card.setGroupStatus(ev);
      const [key, args] = progressText(ev, ctx);
      logEvent(['evGroup', { name: groupName(gid) || String(ev.group_name || gid), progress: { t: key, args } }], ev.ts);
      break;
    }
    case 'notify_profile_status': {
      updateProfileCounters(ev);
      if (ev.delivery && ev.message != null) journal.add(journalEntry(ev));
      if (ev.delivery === 'error') {
        logEvent(['evNotifyFailed', { service: serviceName(ev.profile_id, ev.profile_name), reason: names(ev.reason || '') }], ev.ts);
      }
      break;
    }
    case 'notify_profile_auto_disabled': {
      updateProfileCounters({ ...ev, active: false });
      const args = { service: serviceName(ev.profile_id, ev.profile_name), n: toInt(ev.failure_count, 3), reason: names(ev.reason || '') };
      logEvent(['evAutoDisabled', args], ev.ts);
      flash('error', 'evAutoDisabled', args);
      break;
    }
    default:
      break;
  }
}

function updateProfileCounters(ev) {
  const p = app.saved && app.saved.notify_profiles.find((x) => x.id === ev.profile_id);
  if (p) {
    if (typeof ev.active === 'boolean') p.active = ev.active;
    if (ev.failure_count != null) p.failure_count = toInt(ev.failure_count);
    if (ev.sent_count != null) p.sent_count = toInt(ev.sent_count);
  }
  const card = app.serviceCards.get(ev.profile_id);
  if (card) card.setCounters(ev);
}

function onLiveState(state, info = {}) {
  const pill = $('#conn');
  pill.className = `conn ${state}`;
  if (state === 'open') {
    tr(pill, { text: 'connLive', title: 'connLiveTitle' });
    if (app.wasLive === 'lost') logEvent(['evConnBack']);
    app.wasLive = true;
    if (info.reconnect) {
      // The snapshot arrives by itself; the configuration and the journal may have changed too.
      enqueue(() => reloadState()).catch((e) => fail(e, 'actReload'));
      loadJournal();
    }
  } else if (state === 'retry') {
    tr(pill, { text: ['connRetry', { s: Math.round(info.delay / 1000) }], title: 'connRetryTitle' });
    if (app.wasLive === true) logEvent(['evConnLost']);
    app.wasLive = 'lost';
  } else {
    tr(pill, { text: 'connConnecting', title: null });
  }
}

// ----- first load --------------------------------------------------------------------

let bootAttempt = 0;
let bootTimer = 0;

async function boot() {
  clearInterval(bootTimer);
  const panel = $('#loadError');
  tr($('#loadErrorText'), { text: 'loading' });
  $('#loadErrorRetryIn').textContent = '';
  try {
    const state = await get('/api/state');
    panel.hidden = true;
    $('#main').hidden = false;
    applyState(state);
    loadJournal();
    if (!app.live) {
      app.live = new LiveStream('/api/events', { onEvent, onState: onLiveState });
      app.live.start();
    }
  } catch (e) {
    panel.hidden = false;
    $('#main').hidden = true;
    tr($('#loadErrorText'), { text: ['loadFailed', { reason: reasonOf(e) }] });
    let left = Math.min(30, 2 ** bootAttempt * 2);
    bootAttempt += 1;
    const show = () => tr($('#loadErrorRetryIn'), { text: ['retryIn', { s: left }] });
    show();
    bootTimer = setInterval(() => {
      left -= 1;
      if (left <= 0) boot();
      else show();
    }, 1000);
  }
}

// ----- static page wiring ------------------------------------------------------------

function setupSections() {
  for (const key of SECTIONS) {
    const btn = $(`#${key}Toggle`);
    const body = $(`#${key}Body`);
    const apply = (collapsed) => {
      btn.setAttribute('aria-expanded', String(!collapsed));
      body.hidden = collapsed;
      btn.closest('section').classList.toggle('collapsed', collapsed);
    };
    apply(!!ui.collapsed[`section:${key}`]);
    btn.addEventListener('click', () => {
      const collapsed = btn.getAttribute('aria-expanded') === 'true';
      ctx.setCollapsed(`section:${key}`, collapsed);
      apply(collapsed);
    });
  }
  for (const key of ['services', 'runners']) {
    const btn = $(`#${key}Sort`);
    const section = btn.closest('section');
    const apply = (on) => {
      btn.setAttribute('aria-pressed', String(on));
      tr(btn, { text: on ? 'sortOn' : 'sortOff' });
      section.classList.toggle('sorting', on);
    };
    apply(!!ui.sort[key]);
    btn.addEventListener('click', () => {
      ui.sort[key] = !ui.sort[key];
      saveUi();
      apply(ui.sort[key]);
    });
  }
}

function setupLanguage() {
  const sel = $('#langSel');
  sel.replaceChildren(...LANGS.map((l) => h('option', { value: l.code }, l.label)));
  setLang(initialLang(ui.lang));
  sel.value = getLang();
  sel.addEventListener('change', () => {
    setLang(sel.value);
    ui.lang = getLang();
    saveUi();
    retranslate(document);
    journal.retranslate();
    events.retranslate();
    if ($('#infoDialog').open) renderGuide(APP_VERSION);
  });
}

function setupHeader() {
  $('#brand').addEventListener('click', () => {
    renderGuide(APP_VERSION);
    openModal($('#infoDialog'), $('#infoClose'));
  });
  $('#flashClose').addEventListener('click', () => { $('#flash').hidden = true; });
  $('#loadErrorRetry').addEventListener('click', () => boot());
  $('#addService').addEventListener('click', addService);
  $('#addRunner').addEventListener('click', addRunner);
  $('#addGroup').addEventListener('click', addGroup);
  $('#exportBtn').addEventListener('click', exportRunners);
  $('#importBtn').addEventListener('click', () => $('#importFile').click());
  $('#importFile').addEventListener('change', (ev) => {
    const f = ev.target.files && ev.target.files[0];
    ev.target.value = '';
    importRunners(f);
  });
  $('#clearJournal').addEventListener('click', clearJournal);
  $('#clearEvents').addEventListener('click', () => events.clear());
  window.addEventListener('beforeunload', (ev) => {
    if (app.anyDirty) {
      ev.preventDefault();
      ev.returnValue = '';
    }
  });
}

function tick() {
  for (const c of app.runnerCards.values()) {
    if (c.status.running || c.status.scheduled) c.tick();
  }
  for (const c of app.groupCards.values()) if (c.isActive()) c.tick();
}

function init() {
  journal = new LogPane($('#journal'), { maxLines: JOURNAL_MAX_LINES });
  events = new LogPane($('#events'), { maxChars: EVENTS_MAX_CHARS });
  setupLanguage();
  bindStatic(document);
  setupSections();
  setupHeader();
  setInterval(tick, 1000);
  boot();
}

init();
