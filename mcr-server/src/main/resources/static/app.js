// The page controller: loads the state, owns the cards, routes live events to the
// affected card only, and performs every write through one serialized queue.

import { h, $, clone, toInt, newId, copyText, parseTs, dateTime } from './util.js';
import { t, tr, setLang, getLang, initialLang, retranslate, bindStatic, LANGS } from './i18n.js';
import { get, post, put, del, ApiError } from './api.js';
import { openModal, confirmDialog, renderGuide } from './dialogs.js';
import { previewOf, confirmImport, pointOutNew } from './import-preview.js';
import { localizeDemo } from './demo.js';
import * as L from './layout.js';
import { RunnerCard, idleStatus } from './runner-card.js';
import { GroupCard, progressText } from './group-card.js';
import { ServiceCard, loadChannels } from './service-card.js';
import { LogPane } from './panes.js';
import { LiveStream, SseParser } from './live.js';
import { Overview } from './overview.js';
import { healthPatch } from './health.js';
import { fillIcons } from './icons.js';
import { loadRunStrips, runStripEvent } from './history-strip.js';
import { startHistoryRoute } from './history-view.js';
import { startAccess, wireAccess, me } from './access.js';
import { onFrame, onNextFrame, onPaint, underLoad, paintsUnderLoad } from './output.js';

const APP_VERSION = '0.1.0';
const UI_KEY = 'mcr.ui';
const EVENTS_MAX_CHARS = 120000;
const JOURNAL_MAX_LINES = 500;
const JOURNAL_LOAD = 250;
/** Runs shown in the events pane when the page loads (the pane holds only what arrives live otherwise). */
const RECENT_RUNS = 50;
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
const overview = new Overview({
  runnerCards: () => app.runnerCards,
  groupCards: () => app.groupCards,
  runnerCount: () => (app.saved ? app.saved.runners.length : 0),
  saveRunner: (card) => ctx.saveRunner(card),
  runRunner: (card) => ctx.runRunner(card),
});

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
  events.add({ time: dateTime(ts || new Date()), spec });
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

async function reloadState() {
  const state = await get('/api/state');
  applyState(state);
}

// Every save goes through the versioned routes: one object at a time, based on the
// version this page has seen, so that nothing anyone else saved meanwhile is undone.

const KINDS = {
  runner: { list: 'runners', path: '/api/runners', cards: () => app.runnerCards },
  group: { list: 'runner_groups', path: '/api/groups', cards: () => app.groupCards },
  profile: { list: 'notify_profiles', path: '/api/profiles', cards: () => app.serviceCards },
};

const objPath = (kind, id) => `${KINDS[kind].path}/${encodeURIComponent(id)}`;

/** The stored object this page knows (the newest), or undefined. */
function stored(kind, id) {
  return app.saved ? app.saved[KINDS[kind].list].find((x) => x.id === id) : undefined;
}

function knownVersion(kind, id) {
  if (kind === 'layout') return app.saved ? toInt(app.saved.layout_version) : 0;
  const o = stored(kind, id);
  return o ? toInt(o.version) : 0;
}

function newCard(kind, obj) {
  if (kind === 'runner') {
    const c = new RunnerCard(ctx, obj);
    if (app.status[obj.id]) c.setStatus(app.status[obj.id]);
    return c;
  }
  if (kind === 'group') {
    const c = new GroupCard(ctx, obj);
    c.setGroupStatus(app.groupStatus[obj.id] || null);
    return c;
  }
  return new ServiceCard(ctx, obj);
}

/**
 * A stored object as the server has it now. own: written by this page (a save's answer
 * goes through the card itself; toggles and moves come here); otherwise someone else
 * changed it, and a card with unsaved edits shows the conflict notice instead.
 */
function applyObject(kind, obj, own = false) {
  if (kind === 'layout') {
    app.saved.runner_layout = Array.isArray(obj.runner_layout) ? clone(obj.runner_layout) : [];
    app.saved.layout_version = toInt(obj.version);
    return;
  }
  const list = app.saved[KINDS[kind].list];
  const i = list.findIndex((x) => x.id === obj.id);
  if (i >= 0) list[i] = clone(obj);
  else list.push(clone(obj));
  const cards = KINDS[kind].cards();
  const card = cards.get(obj.id);
  if (!card) cards.set(obj.id, newCard(kind, obj));
  else if (own) card.ownUpdate(obj);
  else card.offer(obj);
  if (kind === 'profile') placeServices();
}

/** An object that no longer exists on the server; a card with unsaved edits stays and says so. */
function applyRemoved(kind, id, own = false) {
  const list = app.saved[KINDS[kind].list];
  const i = list.findIndex((x) => x.id === id);
  if (i >= 0) list.splice(i, 1);
  const card = KINDS[kind].cards().get(id);
  if (card && (own || !card.offerGone())) dropCard(kind, id);
  if (kind === 'profile') placeServices();
}

function dropCard(kind, id) {
  const cards = KINDS[kind].cards();
  const card = cards.get(id);
  if (!card) return;
  card.el.remove();
  cards.delete(id);
}

/** A 409 of a versioned route: the stored object (or its absence) becomes known. */
function applyConflict(kind, id, err) {
  const current = err.body && err.body.current;
  if (current && typeof current === 'object') applyObject(kind, current);
  else applyRemoved(kind, id);
  refresh();
}

/** After objects changed: the layout, the counts and the buttons. */
function refresh() {
  renderLayout();
  updateCounts();
  for (const c of app.runnerCards.values()) c.renderNotify();
  onDirtyChange(true);
  overview.update();
}

/**
 * Runs an immediate change (a toggle, a move) in the write queue; when someone else
 * changed the object meanwhile (409), it is applied and the change is made once more on
 * top of it, as the user's click meant.
 */
function instant(kind, idOf, fn) {
  return enqueue(async () => {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ApiError) || !e.isConflict) throw e;
      applyConflict(kind, idOf(), e);
      if (!e.body.current) throw e;
      return fn();
    } finally {
      refresh();
    }
  });
}

async function putObject(kind, id, body) {
  const res = await put(objPath(kind, id), body);
  applyObject(kind, res[kind], true);
  return res[kind];
}

async function deleteObject(kind, id) {
  await del(`${objPath(kind, id)}?version=${knownVersion(kind, id)}`);
  applyRemoved(kind, id, true);
}

const itemKey = (it) => `${it.type}:${it.id}`;

/**
 * The order wanted by this page, put onto a layout that someone else changed meanwhile:
 * items both know take the wanted order, items only the server knows keep their place
 * after their predecessor.
 */
function rebaseOrder(have, want) {
  const haveKeys = new Set(have.map(itemKey));
  const wantKeys = new Set(want.map(itemKey));
  const out = want.filter((it) => haveKeys.has(itemKey(it)));
  have.forEach((it, i) => {
    if (wantKeys.has(itemKey(it))) return;
    const prev = i > 0 ? itemKey(have[i - 1]) : null;
    const at = prev ? out.findIndex((x) => itemKey(x) === prev) + 1 : 0;
    out.splice(at, 0, it);
  });
  return out;
}

/**
 * A change of groups and layout computed by a pure function of the state (layout.js),
 * saved through the versioned routes: removed groups are deleted, groups whose members
 * change are saved (those that lose members first: a runner is in one group at most),
 * then the layout. A 409 before anything was written makes the change again on the
 * stored state.
 */
function changeLayout(transform) {
  return enqueue(async () => {
    try {
      for (let attempt = 0; ; attempt += 1) {
        const before = app.saved;
        const next = transform(clone(before));
        if (!next) return false;
        let wrote = false;
        let current = { kind: 'layout', id: '' };
        try {
          const oldGroups = new Map(before.runner_groups.map((g) => [g.id, g]));
          const nextIds = new Set(next.runner_groups.map((g) => g.id));
          let membership = false;
          for (const g of before.runner_groups) {
            if (nextIds.has(g.id)) continue;
            current = { kind: 'group', id: g.id };
            await deleteObject('group', g.id);
            wrote = true;
            membership = true;
          }
          const changed = [];
          for (const g of next.runner_groups) {
            const old = oldGroups.get(g.id);
            if (!old) continue;
            const ids = g.runner_ids || [];
            const sameMembers = JSON.stringify(old.runner_ids || []) === JSON.stringify(ids);
            const sameDisabled = JSON.stringify(old.disabled_runner_ids || []) === JSON.stringify(g.disabled_runner_ids || []);
            if (sameMembers && sameDisabled) continue;
            const losing = (old.runner_ids || []).some((id) => !ids.includes(id));
            changed.push({ g, losing, sameMembers });
          }
          changed.sort((a, b) => Number(b.losing) - Number(a.losing));
          for (const { g, sameMembers } of changed) {
            current = { kind: 'group', id: g.id };
            await putObject('group', g.id, {
              runner_ids: g.runner_ids || [], disabled_runner_ids: g.disabled_runner_ids || [],
              version: knownVersion('group', g.id),
            });
            wrote = true;
            membership = membership || !sameMembers;
          }
          current = { kind: 'layout', id: '' };
          // The server puts runners that leave a group at the end of the layout: read it again.
          if (membership) applyObject('layout', (await get('/api/layout')).layout);
          const want = L.orderedItems(next);
          const have = L.orderedItems(app.saved);
          if (JSON.stringify(have.map(itemKey)) === JSON.stringify(want.map(itemKey))) return true;
          const sameSet = JSON.stringify(have.map(itemKey).sort()) === JSON.stringify(want.map(itemKey).sort());
          const target = (sameSet ? want : rebaseOrder(have, want)).map((it) => ({ type: it.type, id: it.id }));
          const res = await put('/api/layout', { runner_layout: target, version: knownVersion('layout', '') });
          applyObject('layout', res.layout, true);
          return true;
        } catch (e) {
          if (!(e instanceof ApiError) || !e.isConflict) throw e;
          applyConflict(current.kind, current.id, e);
          if (wrote || attempt > 0) throw e;
        }
      }
    } finally {
      refresh();
    }
  });
}

// ----- live sync ---------------------------------------------------------------------

const sync = { pending: new Map(), scheduled: false };

/** A state_changed event: collected, then applied in the write queue (after this page's own writes). */
function onStateChanged(ev) {
  const kind = String(ev.kind || '');
  if (kind !== 'layout' && !KINDS[kind]) return;
  const key = `${kind}:${ev.id || ''}`;
  const prev = sync.pending.get(key);
  if (!prev || toInt(ev.version) >= toInt(prev.version)) sync.pending.set(key, { kind, id: String(ev.id || ''), version: toInt(ev.version), deleted: !!ev.deleted });
  if (sync.scheduled) return;
  sync.scheduled = true;
  enqueue(flushSync).catch((e) => fail(e, 'actSync'));
}

async function flushSync() {
  sync.scheduled = false;
  if (!app.saved) return;
  const todo = [...sync.pending.values()].filter((ev) => ev.version > knownVersion(ev.kind, ev.id)
    && !(ev.deleted && !stored(ev.kind, ev.id)));
  sync.pending.clear();
  if (!todo.length) return;
  try {
    if (todo.length > 20) {
      await reloadState();
      return;
    }
    for (const ev of todo) {
      if (ev.version <= knownVersion(ev.kind, ev.id)) continue;
      if (ev.kind === 'layout') {
        applyObject('layout', (await get('/api/layout')).layout);
      } else if (ev.deleted) {
        applyRemoved(ev.kind, ev.id);
      } else {
        try {
          applyObject(ev.kind, (await get(objPath(ev.kind, ev.id)))[ev.kind]);
        } catch (e) {
          if (!(e instanceof ApiError) || e.status !== 404) throw e;
          applyRemoved(ev.kind, ev.id);
        }
      }
    }
  } finally {
    refresh();
  }
}

// ----- applying the stored state -----------------------------------------------------

function normalizeState(s) {
  const out = s && typeof s === 'object' ? s : {};
  for (const k of ['notify_profiles', 'runners', 'runner_groups', 'runner_layout']) {
    if (!Array.isArray(out[k])) out[k] = [];
  }
  return out;
}

/** The whole stored state (first load, reconnect, after clone or import): each card gets its object. */
function applyState(state) {
  const s = normalizeState(clone(state));
  app.saved = s;
  for (const kind of ['profile', 'runner', 'group']) {
    const ids = new Set();
    for (const o of s[KINDS[kind].list]) {
      ids.add(o.id);
      const card = KINDS[kind].cards().get(o.id);
      if (card) card.offer(o);
      else KINDS[kind].cards().set(o.id, newCard(kind, o));
    }
    for (const [id, card] of [...KINDS[kind].cards()]) {
      if (ids.has(id) || card.isNew) continue;
      if (!card.offerGone()) dropCard(kind, id);
    }
  }
  placeServices();
  renderLayout();
  updateCounts();
  onDirtyChange(true);
  overview.update();
}

/** Services: stored ones in stored order, then new drafts and kept edits of removed ones. */
function placeServices() {
  const order = [];
  for (const p of app.saved.notify_profiles) {
    const card = app.serviceCards.get(p.id);
    if (card) order.push(card);
  }
  for (const [id, card] of app.serviceCards) {
    if (!stored('profile', id)) order.push(card);
  }
  placeChildren($('#serviceList'), order.map((c) => c.el));
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
  // Cards whose object was removed elsewhere while they had unsaved edits stay at the end.
  for (const gc of app.groupCards.values()) {
    if (!gc.detached()) continue;
    gc.setMembers([]);
    top.push(gc.el);
  }
  for (const c of app.runnerCards.values()) {
    if (!c.detached()) continue;
    c.setGroup(null, true);
    top.push(c.el);
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
  firstVisitLayout();
  updateActivity();
}

/**
 * What a first visit meets: "Sort" only when there are two things to order; Runners before an empty services
 * section (the runners are what one comes for); empty panes say so instead of showing a black box.
 */
function firstVisitLayout() {
  const topItems = app.saved ? L.orderedItems(app.saved).length : 0;
  $('#runnersSort').hidden = topItems < 2 && $('#runnersSort').getAttribute('aria-pressed') !== 'true';
  $('#servicesSort').hidden = app.serviceCards.size < 2 && $('#servicesSort').getAttribute('aria-pressed') !== 'true';
  const services = $('#services');
  const runners = $('#runners');
  const runnersFirst = app.serviceCards.size === 0;
  if (runnersFirst && services.nextElementSibling !== runners.nextElementSibling) runners.after(services);
  else if (!runnersFirst && runners.previousElementSibling !== services) runners.before(services);
  for (const [pane, key] of [['#journal', 'journalEmpty'], ['#events', 'eventsEmpty']]) {
    $(pane).dataset.empty = t(key);
  }
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
  rowExpanded: (runnerId) => overview.isExpanded(runnerId),
  setRowExpanded: (runnerId, expanded) => overview.setExpanded(runnerId, expanded),
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

  dropCard: (kind, id) => {
    dropCard(kind, id);
    refresh();
  },

  async saveRunner(card) {
    const bad = card.invalidCases();
    if (bad.length) {
      flash('error', 'casesInvalid', { name: card.displayName() });
      return;
    }
    const rules = card.alertRulesProblem();
    if (rules) {
      flash('error', rules);
      return;
    }
    const name = card.draft.name.trim() || card.displayName();
    const sent = card.snapshot();
    try {
      await enqueue(async () => {
        let res;
        if (card.isNew) {
          const body = card.collect();
          delete body.version;
          res = await post('/api/runners', body);
        } else {
          // Only the edited fields: everything else keeps what is stored.
          res = await put(objPath('runner', card.id), { ...sent, version: toInt(card.saved.version) });
        }
        const i = app.saved.runners.findIndex((x) => x.id === card.id);
        if (i >= 0) app.saved.runners[i] = clone(res.runner);
        else app.saved.runners.push(clone(res.runner));
        card.saveDone(res.runner, sent);
        refresh();
      });
      flash('success', 'savedRunner', { name });
    } catch (e) {
      conflictOrFail(e, 'runner', card.id, 'actSaveRunner', { name });
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

  async ackRunner(id) {
    try {
      await post(`/api/runners/${encodeURIComponent(id)}/ack`, {});
    } catch (e) {
      fail(e, 'actAck', { name: runnerName(id) });
    }
  },

  async snoozeRunner(id, seconds) {
    try {
      await post(`/api/runners/${encodeURIComponent(id)}/snooze`, { for_s: seconds });
    } catch (e) {
      fail(e, 'actSnooze', { name: runnerName(id) });
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
    const draft = app.runnerCards.get(id);
    if (draft && draft.isNew && !app.saved.runners.some((r) => r.id === id)) {
      // A draft was never stored: it only leaves the page.
      dropCard('runner', id);
      renderLayout();
      onDirtyChange();
      return;
    }
    try {
      await enqueue(async () => {
        try {
          await deleteObject('runner', id);
        } finally {
          refresh();
        }
      });
      flash('success', 'removedRunner', { name });
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) applyConflict('runner', id, e);
      fail(e, 'actRemove', { name });
    }
  },

  async setNotify(runnerId, profileId, on, updatesOnly) {
    try {
      await instant('runner', () => runnerId, async () => {
        const r = stored('runner', runnerId);
        if (!r) return;
        const ids = (r.notify_profile_ids || []).filter((x) => x !== profileId);
        const upd = (r.notify_profile_updates_only || []).filter((x) => x !== profileId);
        if (on) {
          const order = app.saved.notify_profiles.map((p) => p.id);
          ids.push(profileId);
          ids.sort((a, b) => order.indexOf(a) - order.indexOf(b));
          if (updatesOnly) upd.push(profileId);
        }
        await putObject('runner', runnerId, {
          notify_profile_ids: ids, notify_profile_updates_only: upd, version: toInt(r.version),
        });
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
      await changeLayout((s) => L.moveRunner(s, id, dir));
    } catch (e) {
      fail(e, 'actMove', { name: runnerName(id) });
    }
  },

  async moveRunnerTo(id, groupId) {
    try {
      await changeLayout((s) => L.moveRunnerTo(s, id, groupId));
    } catch (e) {
      fail(e, 'actMove', { name: runnerName(id) });
      renderLayout();
    }
  },

  async setGroupEnabled(runnerId, enabled) {
    try {
      await changeLayout((s) => {
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
    const name = card.draft.name.trim() || card.displayName();
    const sent = card.snapshot();
    try {
      await enqueue(async () => {
        let res;
        if (card.isNew) {
          const runners = new Set(app.saved.runners.map((r) => r.id));
          const members = (card.saved.runner_ids || []).filter((id) => runners.has(id));
          res = await post('/api/groups', {
            id: card.id, name: sent.name, runner_ids: members,
            disabled_runner_ids: (card.saved.disabled_runner_ids || []).filter((id) => members.includes(id)),
          });
        } else {
          res = await put(objPath('group', card.id), { name: sent.name, version: toInt(card.saved.version) });
        }
        const i = app.saved.runner_groups.findIndex((x) => x.id === card.id);
        if (i >= 0) app.saved.runner_groups[i] = clone(res.group);
        else app.saved.runner_groups.push(clone(res.group));
        card.saveDone(res.group, sent);
        refresh();
      });
      flash('success', 'savedGroup', { name });
    } catch (e) {
      conflictOrFail(e, 'group', card.id, 'actSaveGroup', { name });
    }
  },

  async removeGroup(id) {
    const name = groupName(id);
    if (!(await confirmDialog('confirmRemoveGroup', { name }, 'remove'))) return;
    try {
      await changeLayout((s) => L.removeGroup(s, id));
      flash('success', 'removedGroup', { name });
    } catch (e) {
      fail(e, 'actRemoveGroup', { name });
    }
  },

  async moveGroup(id, dir) {
    try {
      await changeLayout((s) => L.moveGroup(s, id, dir));
    } catch (e) {
      fail(e, 'actMove', { name: groupName(id) });
    }
  },

  groupRunBlocker(card) {
    const g = card.latest();
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
    const sent = card.snapshot();
    try {
      await enqueue(async () => {
        let res;
        if (card.isNew) {
          const body = card.collect();
          delete body.version;
          res = await post('/api/profiles', body);
        } else {
          const p = card.collect();
          // Counters and On/Off are the server's; secrets: ••• keeps, '' clears, text replaces.
          res = await put(objPath('profile', card.id), {
            name: p.name, type: p.type, config: card.collectConfig(), quiet_hours: p.quiet_hours,
            version: toInt(card.saved.version),
          });
        }
        const i = app.saved.notify_profiles.findIndex((x) => x.id === card.id);
        if (i >= 0) app.saved.notify_profiles[i] = clone(res.profile);
        else app.saved.notify_profiles.push(clone(res.profile));
        card.saveDone(res.profile, sent);
        placeServices();
        refresh();
      });
      flash('success', 'savedService', { name });
      return true;
    } catch (e) {
      conflictOrFail(e, 'profile', card.id, 'actSaveService', { name });
      return false;
    }
  },

  async toggleService(card) {
    const name = card.displayName();
    const on = card.latest().active === false;
    try {
      await instant('profile', () => card.id, async () => {
        const p = stored('profile', card.id);
        if (!p) return;
        await putObject('profile', card.id, { active: on, version: toInt(p.version) });
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
      // A 400 with ok:false is the channel's own answer (a DNS or connect failure, a refusal), not a bad request.
      if (e instanceof ApiError && e.status === 400 && e.body && e.body.ok === false) {
        flash('error', 'testFailed', { name, reason: names(e.detail) });
        logEvent(['testFailed', { name, reason: names(e.detail) }]);
      } else {
        fail(e, 'actTest', { name });
      }
    }
  },

  async removeService(card) {
    const name = card.displayName();
    if (card.isNew) {
      dropCard('profile', card.id);
      updateCounts();
      onDirtyChange();
      return;
    }
    if (!(await confirmDialog('confirmRemoveService', { name }, 'remove'))) return;
    try {
      await enqueue(async () => {
        try {
          await deleteObject('profile', card.id);
        } finally {
          refresh();
        }
      });
      flash('success', 'removedService', { name });
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) applyConflict('profile', card.id, e);
      fail(e, 'actRemoveService', { name });
    }
  },

  async moveService(id, dir) {
    try {
      await enqueue(async () => {
        const list = L.moveInList(app.saved.notify_profiles, id, dir);
        if (!list) return;
        const res = await put('/api/profiles', { order: list.map((p) => p.id) });
        const order = Array.isArray(res.order) ? res.order : [];
        app.saved.notify_profiles.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
        placeServices();
        refresh();
      });
    } catch (e) {
      fail(e, 'actMove', { name: serviceName(id) });
    }
  },
};

/** A failed save of a card: a 409 leaves the edits in place and shows the notice on the card. */
function conflictOrFail(e, kind, id, actionKey, args) {
  if (e instanceof ApiError && e.isConflict) {
    applyConflict(kind, id, e);
    flash('error', e.body.current ? 'conflictFlash' : 'conflictRemovedFlash', args);
    logEvent(['evConflict', args]);
    return;
  }
  fail(e, actionKey, args);
}

// ----- section actions ---------------------------------------------------------------

/** "+ Runner": a draft card; nothing is stored until Save (POST /api/runners), Remove or a reload leaves nothing. */
function addRunner() {
  const id = newId('runner_');
  const runner = {
    id, name: t('newRunnerName'), command: '', logging_enabled: true,
    schedule: { hours: 0, minutes: 0, seconds: 0 }, max_runs: 1, alert_cooldown_s: 300,
    alert_escalation_s: 1800, failure_pause_threshold: 5, cases: [],
    notify_profile_ids: [], notify_profile_updates_only: [],
  };
  const card = newCard('runner', runner);
  card.isNew = true;
  app.runnerCards.set(id, card);
  renderLayout();
  card.changed();
  if (card.collapsed) card.setCollapsed(false);
  card.el.scrollIntoView({ block: 'center' });
  card.nameIn.focus();
  card.nameIn.select();
}

async function addGroup() {
  const id = newId('group_');
  const name = t('newGroupName');
  try {
    await enqueue(async () => {
      const res = await post('/api/groups', { id, name, runner_ids: [], disabled_runner_ids: [] });
      applyObject('group', res.group, true);
      refresh();
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
    // A file that is not an export goes straight to the server, whose answer says what is wrong with it.
    const preview = previewOf(text, app.saved);
    if (preview && !(await confirmImport(preview, file.name))) return;
    const cardsNow = () => [...app.runnerCards.values(), ...app.groupCards.values()];
    const before = new Set(cardsNow().map((c) => c.id));
    const res = await enqueue(async () => {
      const r = await post('/api/import', text);
      await reloadState();
      return r;
    });
    pointOutNew(before, cardsNow());
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
    // Each service card shows the last error of its service, newest last.
    for (const it of items) {
      const card = app.serviceCards.get(it.profile_id);
      if (card && it.delivery === 'error') card.setLastError(it.error, it.ts);
      else if (card && it.delivery === 'success' && it.runner_id !== '__manual_test__') card.setLastError('', null);
    }
  } catch (e) {
    fail(e, 'actLoadJournal');
  }
}

/** Fills the events pane with the runs recorded before this page was loaded (it is empty after a reload). */
async function loadRecentRuns() {
  try {
    const data = await get(`/api/runs?limit=${RECENT_RUNS}`);
    const items = Array.isArray(data && data.items) ? data.items.slice().reverse() : [];
    if (!items.length) return;
    events.add({ time: '', spec: ['evRecentRuns', { n: items.length }] });
    events.add(...items.map(recentRunEntry));
  } catch (e) {
    // The events pane works without its past; the live stream still starts.
    logEvent(['evActionFailed', { action: { t: 'actLoadRecentRuns' }, reason: reasonOf(e) }]);
  }
}

/** Every runner's strip of recent runs, from one request; the page works without them. */
async function loadStrips() {
  try {
    await loadRunStrips();
  } catch (e) {
    logEvent(['evActionFailed', { action: { t: 'actLoadRunStrips' }, reason: reasonOf(e) }]);
  }
}

function recentRunEntry(run) {
  const name = app.runnerCards.has(run.runner_id) ? runnerName(run.runner_id) : String(run.runner_name || run.runner_id);
  switch (run.outcome) {
    case 'running':
      return { time: dateTime(run.started_ts), spec: ['evRunRunning', { name }] };
    case 'lost':
      return { time: dateTime(run.finished_ts), spec: ['evRunLost', { name }] };
    default:
      return {
        time: dateTime(run.finished_ts),
        spec: [run.stopped ? 'evFinishedStopped' : 'evFinished', { name, code: run.exit_code ?? '?' }],
      };
  }
}

function journalEntry(it) {
  const runner = it.runner_id === '__manual_test__' ? { t: 'manualTest' } : runnerName(it.runner_id);
  const args = {
    service: serviceName(it.profile_id, it.profile_name), runner,
    title: String(it.title || ''), message: String(it.message || ''),
    error: names(it.error || it.reason || ''),
  };
  const key = it.delivery === 'success' ? 'journalOk' : it.delivery === 'suppressed' ? 'journalSuppressed' : 'journalErr';
  return { time: dateTime(it.ts), spec: [key, args] };
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
  overview.update();
  onDirtyChange(true);
}

// Live events are applied once per animation frame: a chatty run sends thousands per second, and each card
// that changed renders once per frame, only the part that changed (a case match: the state line). A frame takes
// messages out of the stream's text, parses and applies them for at most LIVE_BUDGET_MS; the rest waits for the
// next frame, in order, so that no frame takes long enough to be seen (the stream's reader only queues the text).
const LIVE_BUDGET_MS = 4;
const live = { sse: new SseParser(), render: new Map() };

function queueEvent(text) {
  live.sse.feed(text);
  onFrame(drainEvents);
}

function drainEvents() {
  const start = performance.now();
  // A hidden tab has no frames to keep smooth (a timer drains then, four times a second): it takes everything.
  // A frame that also lays out and paints takes fewer events: under load the two kinds of frame alternate.
  const budget = document.hidden ? Infinity : paintsUnderLoad() ? LIVE_BUDGET_MS / 4 : LIVE_BUDGET_MS;
  let n = 0;
  let data;
  while ((data = live.sse.next()) !== null) {
    let ev;
    try {
      ev = JSON.parse(data);
    } catch (_) {
      ev = null;
    }
    if (ev && typeof ev === 'object') {
      try {
        onEvent(ev);
      } catch (e) {
        console.error(e); // eslint-disable-line no-console
      }
    }
    // A batch of lines weighs like eight messages: the time is checked after each.
    n += ev && ev.type === 'output_batch' ? 8 - (n & 7) : 1;
    if ((n & 7) === 0 && performance.now() - start > budget) {
      underLoad();
      onNextFrame(drainEvents);
      break;
    }
  }
  if (live.render.size) onPaint(renderLive);
}

/** Renders what the live events changed on the cards (the state line, or the whole status). */
function renderLive() {
  for (const [card, what] of live.render) {
    if (what === 'status') card.renderStatus();
    else card.renderCase();
  }
  live.render.clear();
}

function patchRunner(rid, patch, what = 'status') {
  app.status[rid] = { ...(app.status[rid] || idleStatus()), ...patch };
  const card = app.runnerCards.get(rid);
  if (card) {
    Object.assign(card.status, patch);
    if (live.render.get(card) !== 'status') live.render.set(card, what);
  }
  overview.update();
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
        ...healthPatch(ev),
      });
      if (card) card.setOutput('', ev.run_id || '');
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
        ...healthPatch(ev),
      };
      if (ev.stopped) Object.assign(patch, { scheduled: false, active_ts: '', next_at: 0 });
      patchRunner(rid, patch);
      logEvent([ev.stopped ? 'evFinishedStopped' : 'evFinished', { name, code: ev.exit_code ?? '?' }], ev.ts);
      if (ev.timed_out) logEvent(['evTimedOut', { name }], ev.ts);
      break;
    }
    case 'scheduled': {
      // next_run_ts (mcr's addition) is exact; in_s of the original is whole seconds.
      const due = parseTs(ev.next_run_ts);
      patchRunner(rid, { scheduled: true, next_at: due ? due.getTime() : Date.now() + toInt(ev.in_s) * 1000 });
      logEvent(['evScheduled', { name, s: toInt(ev.in_s) }], ev.ts);
      break;
    }
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
    if ((gc.latest().runner_ids || []).includes(rid)) gc.renderButtons();
  }
}

function onEvent(ev) {
  runStripEvent(ev);
  switch (ev.type) {
    case 'snapshot':
      applySnapshot(ev);
      break;
    case 'output': {
      const card = app.runnerCards.get(ev.runner_id);
      if (card) card.appendOutput(String(ev.line ?? ''), ev.run_id);
      break;
    }
    case 'output_batch': {
      const card = app.runnerCards.get(ev.runner_id);
      if (card && Array.isArray(ev.lines)) for (const line of ev.lines) card.appendOutput(String(line ?? ''), ev.run_id);
      break;
    }
    case 'status':
      onStatus(ev);
      break;
    case 'case_match': {
      const card = patchRunner(ev.runner_id, {
        last_case: String(ev.message ?? ''), last_case_ts: ev.ts || new Date().toISOString(), last_case_state: String(ev.state || ''),
        ...healthPatch(ev, app.status[ev.runner_id]),
      }, 'case');
      if (card && typeof ev.line === 'string') card.markOutput(ev.line, ev.state);
      const name = runnerName(ev.runner_id);
      if (ev.pattern === '__on_finish__') logEvent(['evLastLine', { name, message: String(ev.message ?? '') }], ev.ts);
      else logEvent(['evCase', { name, state: ev.state || '—', message: String(ev.message ?? '') }], ev.ts);
      break;
    }
    case 'case_error': {
      const card = app.runnerCards.get(ev.runner_id);
      const error = String(ev.error ?? '');
      if (card && /^invalid regex/i.test(error)) card.setCaseError(ev.pattern, error);
      // A failed delivery is logged once, as the service's (notify_profile_status, which comes just before), not
      // as an error of the case ("Pushover failed: …").
      const d = app.lastDeliveryError;
      if (d && d.runner_id === ev.runner_id && d.error && error.endsWith(` failed: ${d.error}`)) break;
      logEvent(['evCaseError', { name: runnerName(ev.runner_id), pattern: String(ev.pattern ?? ''), error: names(error) }], ev.ts);
      break;
    }
    case 'group_status': {
      const gid = ev.group_id;
      app.groupStatus[gid] = ev;
      const card = app.groupCards.get(gid);
      if (card) card.setGroupStatus(ev);
      const [key, args] = progressText(ev, ctx);
      // The server sends "running i/n" when member i starts and again when it ended; the log says it once.
      const memberEnded = ev.status === 'running' && Number(ev.completed_count) >= Number(ev.current_index);
      if (!memberEnded) logEvent(['evGroup', { name: groupName(gid) || String(ev.group_name || gid), progress: { t: key, args } }], ev.ts);
      break;
    }
    case 'notify_profile_status': {
      updateProfileCounters(ev);
      if (ev.delivery && ev.message != null) journal.add(journalEntry(ev));
      app.lastDeliveryError = ev.delivery === 'error' ? { runner_id: ev.runner_id, error: String(ev.error || ev.reason || '') } : null;
      if (ev.delivery === 'error') {
        logEvent(['evNotifyFailed', { service: serviceName(ev.profile_id, ev.profile_name), reason: names(ev.reason || '') }], ev.ts);
      }
      break;
    }
    case 'state_changed':
      onStateChanged(ev);
      break;
    case 'alert': {
      const { type, runner_id: rid, actor, ts, ...alert } = ev;
      patchRunner(rid, { alert });
      if (actor) logEvent(['evAlert', { name: runnerName(rid), actor: String(actor) }], ts);
      break;
    }
    case 'schedule_skipped':
      logEvent(['evScheduleSkipped', {
        name: runnerName(ev.runner_id), time: dateTime(ev.due_ts) || String(ev.due_ts ?? ''),
        reason: { t: ev.reason === 'misfire' ? 'reasonMisfire' : 'reasonOverlap' },
      }], ev.ts);
      break;
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
    await loadChannels(get);
    const state = await get('/api/state');
    panel.hidden = true;
    $('#main').hidden = false;
    applyState(state);
    if (me.role === 'editor' || me.role === 'admin') {
      localizeDemo(state, getLang(), (runner) => {
        applyObject('runner', runner, true);
        refresh();
      });
    }
    loadJournal();
    // Before the live stream starts, so the pane reads oldest first: what happened before this page was opened.
    if (!app.live) await Promise.all([loadRecentRuns(), loadStrips()]);
    if (!app.live) startHistoryRoute();
    if (!app.live) {
      // Batched output: a run's consecutive lines come as one message (output_batch); for a flood with cases that is
      // 40 % of the bytes and a fifth of the messages to parse. The original's page asks for nothing: one per line.
      app.live = new LiveStream('/api/events?output=batched', { onData: queueEvent, onState: onLiveState });
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
    firstVisitLayout();
    overview.retranslate();
    if ($('#infoDialog').open) renderGuide(APP_VERSION);
  });
}

function setupHeader() {
  const openGuide = () => {
    renderGuide(APP_VERSION);
    openModal($('#infoDialog'), $('#infoClose'));
  };
  $('#brand').addEventListener('click', openGuide);
  // The guide has its own visible button: hidden behind the logo, a new user never finds it.
  $('#guideBtn').addEventListener('click', openGuide);
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

async function init() {
  journal = new LogPane($('#journal'), { maxLines: JOURNAL_MAX_LINES });
  events = new LogPane($('#events'), { maxChars: EVENTS_MAX_CHARS });
  setupLanguage();
  fillIcons(document);
  bindStatic(document);
  overview.wire();
  setupSections();
  setupHeader();
  wireAccess();
  setInterval(tick, 1000);
  try {
    // Who is this? Without a login (once users exist) the page shows the login form instead.
    if (!await startAccess()) return;
  } catch (_) {
    // The server is unreachable: boot() shows that and retries.
  }
  boot();
}

init();
