// One runner card: settings editor with dirty tracking, live status, live output.

import { h, clone, toInt, fmtElapsed, dateTime, fullTime, parseTs, newId } from './util.js';
import { t, tr } from './i18n.js';
import { SyncedCard } from './conflict.js';
import { get } from './api.js';
import { healthOf, LEVEL_WORD } from './health.js';
import { icon, setIcon } from './icons.js';
import { mountRunStrip } from './history-strip.js';
import { checkPattern, patternReason } from './pattern-check.js';
import { AlertBar } from './alert-bar.js';
import { HeartbeatBox, projectHeartbeat } from './heartbeat-card.js';
import { OutputView } from './output.js';
import { openFullOutput } from './output-full.js';
import { AlertRules, projectAlertRules, alertRulesProblem } from './alert-rules.js';

export const COOLDOWN_OPTIONS = [0, 30, 60, 120, 300, 600, 900, 1800, 3600];
export const ESCALATION_OPTIONS = [0, 300, 600, 900, 1800, 3600, 7200, 14400];
export const PAUSE_OPTIONS = [0, 3, 5, 10, 15];
export const CASE_STATES = ['', 'UP', 'DOWN', 'WARN', 'INFO', 'STOP'];
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const RUN_OPTIONS = [...range(1, 100), -1];
export const SHELLS = ['bash -lc', 'bash -c', 'sh -c'];
const SECRET_SET = '__SECRET_SET__';
const PREVIEW_DELAY_MS = 300;

/** A runner's shell as the draft keeps it: one of SHELLS, or a list of words (custom). */
function shellOf(v) {
  const words = Array.isArray(v) ? v.map(String) : String(v ?? '').trim().split(/\s+/).filter(Boolean);
  const text = words.join(' ');
  if (!words.length || text === 'bash -lc') return 'bash -lc';
  return SHELLS.includes(text) && !Array.isArray(v) ? text : words;
}

/** Whether a runner has a cron schedule that is switched on (armed without a start request). */
export function cronArmed(r) {
  const s = (r && r.schedule) || {};
  return String(s.cron || '').trim() !== '' && s.enabled !== false;
}

/** Runtime status of a runner before anything is known. */
export function idleStatus() {
  return {
    running: false, scheduled: false, stopping: false, paused: false, stopped: false,
    active_ts: '', started_ts: '', run_count: 0, remaining: null, last_case: '', last_case_ts: '',
    consecutive_failures: 0, last_exit_code: null, last_finish_ts: '', next_at: 0,
  };
}

/** The editable part of a runner, in a fixed shape so that JSON comparison works. */
export function project(r) {
  const sch = r.schedule || {};
  return {
    name: String(r.name ?? ''),
    command: String(r.command ?? ''),
    logging_enabled: r.logging_enabled !== false,
    schedule: {
      hours: toInt(sch.hours), minutes: toInt(sch.minutes), seconds: toInt(sch.seconds),
      cron: String(sch.cron ?? ''), time_zone: String(sch.time_zone ?? ''), enabled: sch.enabled !== false,
      misfire: sch.misfire === 'skip' ? 'skip' : 'run_once', overlap: sch.overlap === 'queue' ? 'queue' : 'skip',
    },
    max_runs: toInt(r.max_runs, 1),
    timeout_s: Math.max(0, toInt(r.timeout_s)),
    retry_count: Math.max(0, toInt(r.retry_count)),
    retry_delay_s: Math.max(0, toInt(r.retry_delay_s)),
    retry_backoff: Number.isFinite(Number(r.retry_backoff)) && r.retry_backoff !== null && r.retry_backoff !== ''
      ? Number(r.retry_backoff) : 2,
    working_dir: String(r.working_dir ?? ''),
    env: (Array.isArray(r.env) ? r.env : []).map((e) => ({
      name: String((e && e.name) ?? ''), value: String((e && e.value) ?? ''), secret: !!(e && e.secret),
    })),
    shell: shellOf(r.shell),
    alert_cooldown_s: toInt(r.alert_cooldown_s, 300),
    alert_escalation_s: toInt(r.alert_escalation_s, 1800),
    failure_pause_threshold: toInt(r.failure_pause_threshold, 5),
    ...projectAlertRules(r),
    tags: parseTags(Array.isArray(r.tags) ? r.tags.join(',') : ''),
    cases: (Array.isArray(r.cases) ? r.cases : []).map((c) => ({
      id: String(c.id || newId('case_')),
      pattern: String(c.pattern ?? ''),
      message_template: String(c.message_template ?? ''),
      state: CASE_STATES.includes(String(c.state || '').trim().toUpperCase()) ? String(c.state || '').trim().toUpperCase() : '',
    })),
    ...projectHeartbeat(r),
  };
}

/** Tags from the text of the tags field: comma-separated, trimmed, without empty or repeated ones. */
export function parseTags(text) {
  const out = [];
  for (const part of String(text ?? '').split(',')) {
    const tag = part.trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** What the row says about the next run: [i18n key, args], from the status and the saved schedule. */
export function nextRunText(r, st) {
  const sch = (r && r.schedule) || {};
  if (st.running) return null;
  if (st.scheduled && st.next_at > 0) return ['nextRunIn', { time: fmtElapsed(Math.max(0, (st.next_at - Date.now()) / 1000)) }];
  const cron = String(sch.cron || '').trim();
  if (cron) return sch.enabled === false ? ['scheduleOff', { cron }] : ['scheduleCron', { cron }];
  const every = intervalOf(r || {});
  if (every > 0) {
    const [key, args] = durationLabel(every);
    return ['scheduleEvery', { every: { t: key, args } }];
  }
  return ['scheduleManual'];
}

/** Seconds between runs of a runner. */
export function intervalOf(r) {
  const s = r.schedule || {};
  return Math.max(0, toInt(s.hours) * 3600 + toInt(s.minutes) * 60 + toInt(s.seconds));
}

function durationLabel(sec) {
  if (sec === 0) return ['optOff'];
  if (sec % 3600 === 0) return ['unitH', { n: sec / 3600 }];
  if (sec % 60 === 0) return ['unitMin', { n: sec / 60 }];
  return ['unitS', { n: sec }];
}

function withDefault(label, isDefault) {
  if (!isDefault) return label;
  return ['withDefault', { v: { t: label[0], args: label[1] } }];
}

/** Fills a select; a value outside the list gets an extra option marked as custom. */
function fillSelect(sel, values, value, labelOf, defaultValue) {
  const list = values.includes(value) ? values : [...values, value].sort((a, b) => {
    if (a === -1) return 1;
    if (b === -1) return -1;
    return a - b;
  });
  const sig = list.join(',');
  if (sel._sig === sig) {
    sel.value = String(value);
    return;
  }
  sel._sig = sig;
  sel.replaceChildren(...list.map((v) => {
    const o = h('option', { value: String(v) });
    const extra = !values.includes(v);
    const label = labelOf(v);
    if (Array.isArray(label)) {
      tr(o, { text: extra ? ['customValue', { v: { t: label[0], args: label[1] } }] : withDefault(label, v === defaultValue) });
    } else if (extra) {
      tr(o, { text: ['customValue', { v: label }] });
    } else {
      o.textContent = label;
    }
    return o;
  }));
  sel.value = String(value);
}

let seq = 0;

/** A runner card. ctx is the page controller (see app.js). */
export class RunnerCard extends SyncedCard {
  constructor(ctx, runner) {
    super(ctx, 'runner', runner);
    this.uid = `r${++seq}`;
    this.draft = project(runner);
    this.status = idleStatus();
    this.caseErrors = new Map();
    this.group = null;
    this.groupEnabled = true;
    this.build();
    this.fill();
    this.renderStatus();
  }

  // ----- building -----------------------------------------------------------------

  build() {
    const u = this.uid;
    const collapsed = !this.ctx.rowExpanded(this.id);
    this.toggleBtn = h('button', { type: 'button', class: 'collapse', 'data-act': 'expand', 'aria-expanded': String(!collapsed), 'aria-controls': `${u}-body`, onclick: () => this.setCollapsed(!this.collapsed) }, h('span', { class: 'chev', 'aria-hidden': 'true' }, icon('chevron')));
    this.nameEl = h('h3', { class: 'card-title', id: `${u}-title` });
    this.healthEl = h('span', { class: 'badge health-badge', 'data-role': 'health' });
    this.tagsEl = h('span', { class: 'tags', 'data-role': 'tags' });
    this.stripSlot = h('div', { class: 'run-strip-slot' });
    this.badgeEl = h('span', { class: 'badge state-badge hidden' });
    this.dirtyEl = tr(h('span', { class: 'badge dirty-badge hidden' }), { text: 'unsaved' });
    this.elapsedEl = tr(h('span', { class: 'elapsed hidden', role: 'timer' }), { title: 'elapsedTitle' });
    this.pillEl = tr(h('span', { class: 'pill runs hidden' }), { title: 'runCountTitle' });
    this.groupToggle = h('button', { type: 'button', 'data-act': 'group-toggle', class: 'btn small group-toggle hidden', 'aria-pressed': 'true', onclick: () => this.ctx.setGroupEnabled(this.id, !this.groupEnabled) });
    this.runLabel = h('span');
    this.runBtn = h('button', { type: 'button', 'data-act': 'run', class: 'btn run', onclick: () => this.onRunStop() }, icon('play'), this.runLabel);
    this.saveBtn = tr(h('button', { type: 'button', 'data-act': 'save', class: 'btn save', onclick: () => this.ctx.saveRunner(this) }), { text: 'save' });
    this.cloneBtn = tr(h('button', { type: 'button', 'data-act': 'clone', class: 'btn', onclick: () => this.ctx.cloneRunner(this.id) }), { text: 'clone' });
    this.removeBtn = tr(h('button', { type: 'button', 'data-act': 'remove', class: 'btn danger', onclick: () => this.ctx.removeRunner(this.id) }), { text: 'remove' });
    this.upBtn = h('button', { type: 'button', 'data-act': 'up', class: 'btn icon sort-only', onclick: () => this.ctx.moveRunner(this.id, -1) }, icon('up'));
    this.downBtn = h('button', { type: 'button', 'data-act': 'down', class: 'btn icon sort-only', onclick: () => this.ctx.moveRunner(this.id, 1) }, icon('down'));
    this.groupSel = h('select', { class: 'group-select', onchange: () => this.ctx.moveRunnerTo(this.id, this.groupSel.value || null) });
    // Not a sort-mode control: moving into a group must be findable without "Sort" (shown when a group exists).
    this.groupSelWrap = h('label', { class: 'inline group-move hidden' }, tr(h('span'), { text: 'groupLabel' }), this.groupSel);

    this.pausedEl = h('span', { class: 'paused hidden' });
    this.nextEl = h('span', { class: 'next hidden' });
    this.caseEl = h('span', { class: 'last-case hidden' });
    this.exitEl = h('span', { class: 'last-exit hidden' });
    this.alertBar = new AlertBar(u, { ack: () => this.ctx.ackRunner(this.id), snooze: (s) => this.ctx.snoozeRunner(this.id, s) });
    this.stateLine = h('div', { class: 'state-line', 'aria-live': 'off' }, this.pausedEl, this.caseEl, this.exitEl, this.nextEl, this.alertBar.el);

    const head = h('header', { class: 'card-head' },
      h('div', { class: 'title-row' }, this.toggleBtn, this.nameEl, this.healthEl, this.badgeEl, this.dirtyEl, this.elapsedEl, this.pillEl, this.tagsEl),
      h('div', { class: 'actions' }, this.groupToggle, this.runBtn, this.saveBtn, this.cloneBtn, this.removeBtn, this.upBtn, this.downBtn, this.groupSelWrap),
      this.stripSlot);
    this.runStrip = mountRunStrip(this.stripSlot, this.id, () => this.displayName());

    // Settings
    this.nameIn = h('input', { type: 'text', 'data-field': 'name', class: 'setting', id: `${u}-name`, maxlength: '200', autocomplete: 'off', oninput: () => { this.draft.name = this.nameIn.value; this.changed(); } });
    this.tagsIn = h('input', { type: 'text', 'data-field': 'tags', class: 'setting', id: `${u}-tags`, maxlength: '900', autocomplete: 'off', spellcheck: 'false', oninput: () => { this.draft.tags = parseTags(this.tagsIn.value); this.changed(); } });
    tr(this.tagsIn, { placeholder: 'tagsPh' });
    this.cmdIn = h('textarea', { 'data-field': 'command', class: 'setting mono', id: `${u}-cmd`, rows: '4', spellcheck: 'false', autocomplete: 'off', oninput: () => { this.draft.command = this.cmdIn.value; this.changed(); } });
    this.notifyBox = h('div', { class: 'notify-rows' });
    this.logIn = h('input', { type: 'checkbox', 'data-field': 'logging', class: 'setting', id: `${u}-log`, onchange: () => { this.draft.logging_enabled = this.logIn.checked; this.changed(); } });
    this.openLogBtn = tr(h('button', { type: 'button', 'data-act': 'open-log', class: 'btn small', onclick: () => this.ctx.openLog(this.id) }), { text: 'openLog' });
    this.clearLogBtn = tr(h('button', { type: 'button', 'data-act': 'clear-log', class: 'btn small danger lockable', onclick: () => this.ctx.clearLog(this.id) }), { text: 'clearLog' });

    const sel = (key, onchange) => h('select', { class: 'setting', id: `${u}-${key}`, 'data-field': key, onchange });
    this.hSel = sel('h', () => { this.draft.schedule.hours = toInt(this.hSel.value); this.changed(); });
    this.mSel = sel('m', () => { this.draft.schedule.minutes = toInt(this.mSel.value); this.changed(); });
    this.sSel = sel('s', () => { this.draft.schedule.seconds = toInt(this.sSel.value); this.changed(); });
    this.runsSel = sel('runs', () => { this.draft.max_runs = toInt(this.runsSel.value, 1); this.changed(); });
    this.coolSel = sel('cool', () => { this.draft.alert_cooldown_s = toInt(this.coolSel.value); this.changed(); });
    this.escSel = sel('esc', () => { this.draft.alert_escalation_s = toInt(this.escSel.value); this.changed(); });
    this.pauseSel = sel('pause', () => { this.draft.failure_pause_threshold = toInt(this.pauseSel.value); this.changed(); });
    const field = (labelKey, control) => h('div', { class: 'field' }, tr(h('label', { for: control.id }), { text: labelKey }), control);
    this.alertRules = new AlertRules(u, () => this.draft, () => this.changed());
    const text = (key, onInput, props = {}) => h('input', { type: 'text', class: 'setting', id: `${u}-${key}`, 'data-field': key, autocomplete: 'off', spellcheck: 'false', oninput: onInput, ...props });
    const num = (key, onInput, props = {}) => h('input', { type: 'number', class: 'setting', id: `${u}-${key}`, 'data-field': key, min: '0', step: '1', oninput: onInput, ...props });

    // Cron schedule
    this.cronIn = text('cron', () => { this.draft.schedule.cron = this.cronIn.value; this.changed(); this.previewSoon(); }, { class: 'setting mono' });
    this.tzIn = text('tz', () => { this.draft.schedule.time_zone = this.tzIn.value; this.changed(); this.previewSoon(); });
    this.cronOnIn = h('input', { type: 'checkbox', 'data-field': 'cron-enabled', class: 'setting', id: `${u}-cron-on`, onchange: () => { this.draft.schedule.enabled = this.cronOnIn.checked; this.changed(); } });
    this.misfireSel = sel('misfire', () => { this.draft.schedule.misfire = this.misfireSel.value; this.changed(); });
    this.overlapSel = sel('overlap', () => { this.draft.schedule.overlap = this.overlapSel.value; this.changed(); });
    this.misfireSel.append(tr(h('option', { value: 'run_once' }), { text: 'misfireRunOnce' }), tr(h('option', { value: 'skip' }), { text: 'misfireSkip' }));
    this.overlapSel.append(tr(h('option', { value: 'skip' }), { text: 'overlapSkip' }), tr(h('option', { value: 'queue' }), { text: 'overlapQueue' }));
    this.previewEl = h('ol', { class: 'cron-preview', 'data-role': 'cron-preview', 'aria-live': 'polite' });
    this.previewMsg = h('p', { class: 'hint', 'data-role': 'cron-preview-msg' });
    tr(this.tzIn, { placeholder: 'timeZonePh' });
    tr(this.cronIn, { placeholder: 'cronPh' });

    // Interval with one run: runs once, as in the original
    this.onceWarn = h('p', { class: 'warn hidden', 'data-role': 'interval-once-warning' },
      tr(h('span'), { text: 'intervalOnceWarning' }), ' ',
      tr(h('button', { type: 'button', 'data-act': 'set-unlimited', class: 'btn small lockable', onclick: () => { this.draft.max_runs = -1; this.fill(); } }), { text: 'setUnlimited' }));

    // Execution
    this.timeoutIn = num('timeout', () => { this.draft.timeout_s = Math.max(0, toInt(this.timeoutIn.value)); this.changed(); });
    this.retrySel = sel('retries', () => { this.draft.retry_count = toInt(this.retrySel.value); this.changed(); });
    this.retryDelayIn = num('retry-delay', () => { this.draft.retry_delay_s = Math.max(0, toInt(this.retryDelayIn.value)); this.changed(); });
    this.backoffIn = num('backoff', () => { const v = Number(this.backoffIn.value); this.draft.retry_backoff = Number.isFinite(v) ? v : 2; this.changed(); }, { min: '1', max: '10', step: '0.5' });
    this.workIn = text('workdir', () => { this.draft.working_dir = this.workIn.value; this.changed(); }, { class: 'setting mono' });
    tr(this.workIn, { placeholder: 'workingDirPh' });
    this.shellSel = sel('shell', () => {
      this.draft.shell = this.shellSel.value === 'custom' ? (Array.isArray(this.draft.shell) ? this.draft.shell : ['bash', '-c']) : this.shellSel.value;
      this.fill();
    });
    this.shellSel.append(...SHELLS.map((v) => h('option', { value: v }, v)), tr(h('option', { value: 'custom' }), { text: 'shellCustom' }));
    this.shellIn = text('shell-words', () => { this.draft.shell = this.shellIn.value.trim().split(/\s+/).filter(Boolean); this.changed(); this.renderCmdLabel(); }, { class: 'setting mono' });
    tr(this.shellIn, { placeholder: 'shellCustomPh', aria: 'shellCustom' });
    this.envBox = h('div', { class: 'env-rows' });
    this.addEnvBtn = tr(h('button', { type: 'button', 'data-act': 'add-env', class: 'btn small lockable', onclick: () => this.addEnv() }), { text: 'addEnv' });

    this.casesBox = h('div', { class: 'cases' });
    this.addCaseBtn = tr(h('button', { type: 'button', 'data-act': 'add-case', class: 'btn small lockable', onclick: () => this.addCase() }), { text: 'addCase' });

    this.outEl = h('pre', { class: 'output', tabindex: '0', role: 'log', 'aria-live': 'off' });
    tr(this.outEl, { aria: ['outputOf', { name: '' }] });
    this.earlierBtn = tr(h('button', { type: 'button', 'data-act': 'output-earlier', class: 'btn small link hidden', onclick: () => openFullOutput(this) }), { text: ['outputEarlier', { n: 0 }] });
    this.out = new OutputView(this.outEl, { onChange: (v) => this.renderEarlier(v) });
    this.copyBtn = tr(h('button', { type: 'button', 'data-act': 'copy', class: 'btn small', onclick: () => this.ctx.copyOutput(this) }), { text: 'copy' });
    this.searchBtn = tr(h('button', { type: 'button', 'data-act': 'output-search', class: 'btn small', onclick: () => openFullOutput(this, { search: true }) }), { text: 'outputSearch' });
    this.fullBtn = tr(h('button', { type: 'button', 'data-act': 'output-full', class: 'btn small', onclick: () => openFullOutput(this) }), { text: 'outputFull' });

    this.cmdLabel = h('label', { for: this.cmdIn.id });
    this.heartbeat = new HeartbeatBox(this);
    this.cmdField = h('div', { class: 'field' }, this.cmdLabel, this.cmdIn);
    this.body = h('div', { class: 'card-body', id: `${u}-body` },
      h('div', { class: 'cols' },
        h('div', { class: 'col' },
          field('name', this.nameIn),
          field('tags', this.tagsIn),
          this.heartbeat.kindField,
          this.cmdField,
          this.heartbeat.box,
          h('fieldset', null, tr(h('legend'), { text: 'notifications' }), this.notifyBox),
          h('fieldset', { class: 'log-box' }, tr(h('legend'), { text: 'log' }),
            h('div', { class: 'row wrap' },
              h('label', { class: 'check', for: this.logIn.id }, this.logIn, tr(h('span'), { text: 'loggingEnabled' })),
              this.openLogBtn, this.clearLogBtn)),
          h('fieldset', null, tr(h('legend'), { text: 'scheduleTitle' }),
            h('div', { class: 'grid3' }, field('hours', this.hSel), field('minutes', this.mSel), field('seconds', this.sSel)),
            h('div', { class: 'grid2' }, field('runs', this.runsSel), field('cooldown', this.coolSel),
              field('escalation', this.escSel), field('autoPause', this.pauseSel)),
            this.onceWarn),
          this.alertRules.el,
          h('fieldset', { class: 'cron-box' }, tr(h('legend'), { text: 'cronTitle' }),
            h('div', { class: 'grid2' }, field('cronExpr', this.cronIn), field('timeZone', this.tzIn)),
            h('label', { class: 'check', for: this.cronOnIn.id }, this.cronOnIn, tr(h('span'), { text: 'cronEnabled' })),
            h('div', { class: 'grid2' }, field('misfire', this.misfireSel), field('overlap', this.overlapSel)),
            tr(h('p', { class: 'hint' }), { text: 'cronHelp' }),
            h('div', { class: 'preview-box' }, tr(h('span', { class: 'label' }), { text: 'cronPreview' }), this.previewEl, this.previewMsg)),
          this.execBox = h('fieldset', { class: 'exec-box' }, tr(h('legend'), { text: 'executionTitle' }),
            h('div', { class: 'grid2' }, field('timeout', this.timeoutIn), field('retries', this.retrySel),
              field('retryDelay', this.retryDelayIn), field('retryBackoff', this.backoffIn)),
            field('workingDir', this.workIn),
            h('div', { class: 'grid2' }, field('shell', this.shellSel), h('div', { class: 'field' }, this.shellIn)),
            tr(h('p', { class: 'hint' }), { text: 'shellHint' }),
            h('div', { class: 'field' }, tr(h('span', { class: 'label' }), { text: 'env' }), this.envBox,
              h('div', { class: 'row wrap' }, this.addEnvBtn)))),
        h('div', { class: 'col' },
          h('fieldset', null, tr(h('legend'), { text: 'cases' }), this.casesBox,
            h('div', { class: 'row wrap' }, this.addCaseBtn),
            tr(h('p', { class: 'hint' }), { text: 'casesHelp' })),
          h('div', { class: 'output-box' },
            h('div', { class: 'row between' }, tr(h('span', { class: 'label' }), { text: 'output' }),
              h('div', { class: 'row wrap output-tools' }, this.searchBtn, this.fullBtn, this.copyBtn)),
            this.earlierBtn, this.outEl))));

    this.el = h('article', { class: 'card runner', id: `runner-${this.id}`, 'data-runner-id': this.id, 'aria-labelledby': `${u}-title` },
      head, this.stateLine, this.notice.el, this.body);
    this.setCollapsed(collapsed, false);
  }

  setCollapsed(collapsed, persist = true) {
    this.collapsed = collapsed;
    this.toggleBtn.setAttribute('aria-expanded', String(!collapsed));
    this.body.classList.toggle('hidden', collapsed);
    this.el.classList.toggle('collapsed', collapsed);
    if (persist) this.ctx.setRowExpanded(this.id, !collapsed);
  }

  // ----- filling from the model ----------------------------------------------------

  fill() {
    const d = this.draft;
    if (this.nameIn.value !== d.name) this.nameIn.value = d.name;
    if (JSON.stringify(parseTags(this.tagsIn.value)) !== JSON.stringify(d.tags)) this.tagsIn.value = d.tags.join(', ');
    if (this.cmdIn.value !== d.command) this.cmdIn.value = d.command;
    this.heartbeat.fill([this.cmdField, this.execBox]);
    this.logIn.checked = d.logging_enabled;
    fillSelect(this.hSel, range(0, 23), d.schedule.hours, String, 0);
    fillSelect(this.mSel, range(0, 59), d.schedule.minutes, String, 0);
    fillSelect(this.sSel, range(0, 59), d.schedule.seconds, String, 0);
    fillSelect(this.runsSel, RUN_OPTIONS, d.max_runs, (v) => (v === -1 ? '∞' : String(v)), 1);
    fillSelect(this.coolSel, COOLDOWN_OPTIONS, d.alert_cooldown_s, durationLabel, 300);
    fillSelect(this.escSel, ESCALATION_OPTIONS, d.alert_escalation_s, durationLabel, 1800);
    fillSelect(this.pauseSel, PAUSE_OPTIONS, d.failure_pause_threshold, (v) => (v === 0 ? ['optOff'] : ['nFailures', { n: v }]), 5);
    if (this.cronIn.value !== d.schedule.cron) this.cronIn.value = d.schedule.cron;
    if (this.tzIn.value !== d.schedule.time_zone) this.tzIn.value = d.schedule.time_zone;
    this.cronOnIn.checked = d.schedule.enabled;
    this.misfireSel.value = d.schedule.misfire;
    this.overlapSel.value = d.schedule.overlap;
    if (toInt(this.timeoutIn.value, -1) !== d.timeout_s) this.timeoutIn.value = String(d.timeout_s);
    fillSelect(this.retrySel, range(0, 10), d.retry_count, String, 0);
    if (toInt(this.retryDelayIn.value, -1) !== d.retry_delay_s) this.retryDelayIn.value = String(d.retry_delay_s);
    if (Number(this.backoffIn.value) !== d.retry_backoff || this.backoffIn.value === '') this.backoffIn.value = String(d.retry_backoff);
    if (this.workIn.value !== d.working_dir) this.workIn.value = d.working_dir;
    const custom = Array.isArray(d.shell);
    this.shellSel.value = custom ? 'custom' : d.shell;
    this.shellIn.classList.toggle('hidden', !custom);
    if (custom && this.shellIn.value.trim().split(/\s+/).filter(Boolean).join(' ') !== d.shell.join(' ')) this.shellIn.value = d.shell.join(' ');
    this.renderEnv();
    this.renderCmdLabel();
    this.previewSoon(0);
    this.renderCases();
    this.renderNotify();
    this.alertRules.fill(this.ctx.profiles());
    this.renderName();
    this.changed(false);
  }

  renderCmdLabel() {
    const shell = Array.isArray(this.draft.shell) ? this.draft.shell.join(' ') : this.draft.shell;
    tr(this.cmdLabel, { text: ['commandLabel', { shell }] });
  }

  // ----- cron preview --------------------------------------------------------------

  /** Asks the server for the next five due times of the expression being edited (debounced). */
  previewSoon(delay = PREVIEW_DELAY_MS) {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => this.preview(), delay);
  }

  async preview() {
    const expr = this.draft.schedule.cron.trim();
    const tz = this.draft.schedule.time_zone.trim();
    const key = `${expr}\u0000${tz}`;
    if (key === this.previewKey) return;
    this.previewKey = key;
    if (!expr) {
      this.previewEl.replaceChildren();
      tr(this.previewMsg, { text: 'cronPreviewNone' });
      this.previewMsg.className = 'hint';
      return;
    }
    try {
      const res = await get(`/api/cron/preview?expr=${encodeURIComponent(expr)}&tz=${encodeURIComponent(tz)}&count=5`);
      if (key !== this.previewKey) return;
      this.previewEl.replaceChildren(...(res.next || []).map((ts) => h('li', null, dateTime(ts) || ts)));
      tr(this.previewMsg, { text: 'empty' });
      this.previewMsg.className = 'hint';
    } catch (e) {
      if (key !== this.previewKey) return;
      this.previewEl.replaceChildren();
      tr(this.previewMsg, { text: ['cronPreviewError', { error: e.detail || e.message }] });
      this.previewMsg.className = 'hint error';
    }
  }

  // ----- environment ---------------------------------------------------------------

  renderEnv() {
    const sig = JSON.stringify(this.draft.env.map((e) => [e.secret, e.value === SECRET_SET]));
    if (sig === this.envSig && this.envBox.childElementCount === Math.max(1, this.draft.env.length)) return;
    this.envSig = sig;
    if (!this.draft.env.length) {
      this.envBox.replaceChildren(tr(h('p', { class: 'hint' }), { text: 'noEnv' }));
      return;
    }
    this.envBox.replaceChildren(...this.draft.env.map((e, i) => {
      const n = i + 1;
      const name = h('input', { type: 'text', class: 'setting mono', 'data-field': 'env-name', value: e.name, autocomplete: 'off', spellcheck: 'false', oninput: () => { this.draft.env[i].name = name.value; this.changed(); } });
      const isSet = e.secret && e.value === SECRET_SET;
      const value = h('input', { type: e.secret ? 'password' : 'text', class: 'setting mono', 'data-field': 'env-value', value: isSet ? '' : e.value, autocomplete: e.secret ? 'new-password' : 'off', spellcheck: 'false',
        oninput: () => { this.draft.env[i].value = value.value === '' && isSet ? SECRET_SET : value.value; this.changed(); } });
      const secret = h('input', { type: 'checkbox', class: 'setting', 'data-field': 'env-secret', checked: e.secret, onchange: () => { this.draft.env[i].secret = secret.checked; if (!secret.checked && this.draft.env[i].value === SECRET_SET) this.draft.env[i].value = ''; this.renderEnv(); this.changed(); } });
      const remove = h('button', { type: 'button', 'data-act': 'remove-env', class: 'btn icon danger lockable', onclick: () => { this.draft.env.splice(i, 1); this.envSig = null; this.renderEnv(); this.changed(); } }, icon('cross'));
      tr(name, { placeholder: 'envNamePh', aria: ['envNameAria', { n }] });
      tr(value, { placeholder: isSet ? 'secretSetPh' : 'envValuePh', aria: ['envValueAria', { n }] });
      tr(remove, { aria: ['envRemoveAria', { n }], title: ['envRemoveAria', { n }] });
      return h('div', { class: 'env-row', 'data-env-index': String(i) }, name, value,
        h('label', { class: 'check' }, secret, tr(h('span'), { text: 'envSecret' })), remove);
    }));
    this.applyLock();
  }

  addEnv() {
    this.draft.env.push({ name: '', value: '', secret: false });
    this.renderEnv();
    this.changed();
    const rows = this.envBox.querySelectorAll('[data-field="env-name"]');
    if (rows.length) rows[rows.length - 1].focus();
  }

  renderName() {
    const name = this.draft.name.trim() || this.saved.name || '';
    if (name) {
      this.nameEl._tr = null;
      this.nameEl.removeAttribute('data-tr');
      this.nameEl.textContent = name;
    } else {
      tr(this.nameEl, { text: 'unnamed' });
    }
    const n = this.displayName();
    tr(this.toggleBtn, { aria: ['toggleCard', { name: n }] });
    tr(this.upBtn, { aria: ['moveUp', { name: n }], title: ['moveUp', { name: n }] });
    tr(this.downBtn, { aria: ['moveDown', { name: n }], title: ['moveDown', { name: n }] });
    tr(this.outEl, { aria: ['outputOf', { name: n }] });
    tr(this.groupSel, { aria: ['groupOf', { name: n }] });
    if (this.runStrip) this.runStrip.labels();
  }

  /** The saved name (used in messages), never the id unless the name is empty. */
  displayName() {
    return String(this.saved.name || '').trim() || this.id;
  }

  /** New saved data from the server; unsaved edits are kept unless force is set. */
  setSaved(runner, force = false) {
    const wasDirty = this.isDirty();
    this.saved = clone(runner);
    if (!wasDirty || force) {
      this.draft = project(runner);
      this.fill();
    } else {
      this.renderNotify();
      this.renderName();
      this.changed(false);
    }
    this.heartbeat.onSaved();
    this.renderStatus();
  }

  isDirty() {
    return this.detached() || JSON.stringify(this.draft) !== JSON.stringify(project(this.saved));
  }

  draftOf(runner) {
    return project(runner);
  }

  resetDraft(runner) {
    this.draft = project(runner);
  }

  /** What a save sends: the edited fields. */
  snapshot() {
    return clone(this.draft);
  }

  sameAsSent(sent) {
    return JSON.stringify(this.draft) === JSON.stringify(sent);
  }

  /** The server-owned parts of a newer version show at once (services' state, status). */
  renderTheirs() {
    this.renderNotify();
    this.renderStatus();
  }

  /** Problems that block saving (half-filled cases). */
  /** Why the N-of-M or escalation settings cannot be saved (an i18n key), or null. */
  alertRulesProblem() {
    return alertRulesProblem(this.draft);
  }

  invalidCases() {
    return this.draft.cases.filter((c) => !c.pattern.trim() !== !c.message_template.trim());
  }

  /** The runner as it would be saved: stored data with the edited fields replaced. */
  collect() {
    return { ...clone(this.saved), ...clone(this.draft) };
  }

  changed(notify = true) {
    if (this.takeTheirsIfUndone(notify)) return;
    this.onceWarn.classList.toggle('hidden', !(intervalOf(this.draft) > 0 && this.draft.max_runs === 1 && !this.draft.schedule.cron.trim()));
    const dirty = this.isDirty();
    this.el.classList.toggle('dirty', dirty);
    this.dirtyEl.classList.toggle('hidden', !dirty);
    this.saveBtn.disabled = !dirty || this.locked();
    this.saveBtn.classList.toggle('attention', dirty);
    const rules = this.alertRulesProblem();
    const invalid = this.invalidCases().length > 0 || rules !== null;
    this.saveBtn.classList.toggle('invalid', invalid);
    tr(this.saveBtn, { title: invalid ? (rules || 'casesInvalidSave') : null });
    this.renderName();
    this.renderButtons();
    if (notify) this.ctx.onDirtyChange();
  }

  // ----- notifications -------------------------------------------------------------

  renderNotify() {
    const profiles = this.ctx.profiles();
    this.alertRules.fill(profiles);
    const ids = this.latest().notify_profile_ids || [];
    const upd = this.latest().notify_profile_updates_only || [];
    const sig = JSON.stringify([profiles.map((p) => [p.id, p.name, p.active !== false]), ids, upd]);
    if (sig === this.notifySig) return;
    this.notifySig = sig;
    // Keep keyboard focus on the same control when the rows are rebuilt after a save.
    const focused = document.activeElement;
    const restore = focused && this.notifyBox.contains(focused)
      ? [focused.closest('.notify-row')?.dataset.profileId, focused.tagName.toLowerCase()] : null;
    this.buildNotifyRows(profiles, ids, upd);
    if (restore) {
      const row = Array.from(this.notifyBox.querySelectorAll('.notify-row')).find((r) => r.dataset.profileId === restore[0]);
      const el = row && row.querySelector(restore[1]);
      if (el) el.focus();
    }
  }

  buildNotifyRows(profiles, ids, upd) {
    if (!profiles.length) {
      this.notifyBox.replaceChildren(tr(h('p', { class: 'hint' }), { text: 'noServicesHint' }));
      return;
    }
    this.notifyBox.replaceChildren(...profiles.map((p) => {
      const on = ids.includes(p.id);
      const only = on && upd.includes(p.id);
      const name = String(p.name || p.id);
      // A service that is off (by hand or after 3 failures) delivers nothing: the toggle must not say On.
      const svcOff = p.active === false;
      const shown = on && !svcOff ? 'on' : (on ? 'notifyServiceOff' : 'off');
      const onBtn = tr(h('button', {
        type: 'button', class: `btn small toggle ${on && !svcOff ? 'on' : ''} ${svcOff ? 'svc-off' : ''}`, 'aria-pressed': String(on),
        onclick: () => this.ctx.setNotify(this.id, p.id, !on, false),
      }), { text: shown, aria: ['notifyToggleAria', { service: name, state: { t: shown } }], title: svcOff ? 'notifyServiceOffTitle' : null });
      const updIn = h('input', { type: 'checkbox', checked: only, disabled: !on, onchange: () => this.ctx.setNotify(this.id, p.id, true, updIn.checked) });
      return h('div', { class: 'notify-row', 'data-profile-id': p.id },
        h('span', { class: 'notify-name' }, name), onBtn,
        h('label', { class: `check ${on ? '' : 'muted'}` }, updIn, tr(h('span'), { text: 'updatesOnly' })));
    }));
  }

  // ----- cases ---------------------------------------------------------------------

  renderCases() {
    const sig = JSON.stringify(this.draft.cases);
    if (sig === this.casesSig && this.casesBox.querySelectorAll(':scope > .case-row').length === this.draft.cases.length) {
      this.draft.cases.forEach((c, i) => this.renderCaseMsg(i));
      return;
    }
    this.casesSig = sig;
    this.caseRows = this.draft.cases.map((c, i) => this.buildCaseRow(c, i));
    this.casesBox.replaceChildren(...this.caseRows.map((r) => r.el));
    // Visible column labels: the placeholders vanish once a row is filled (the inputs keep their aria-labels).
    if (this.draft.cases.length) {
      this.casesBox.prepend(h('div', { class: 'case-fields case-head', 'aria-hidden': 'true' },
        tr(h('span'), { text: 'colPattern' }), tr(h('span'), { text: 'colMessage' }), tr(h('span'), { text: 'colState' }), h('span')));
    }
    if (!this.draft.cases.length) this.casesBox.append(tr(h('p', { class: 'hint' }), { text: 'noCases' }));
    this.draft.cases.forEach((c, i) => this.renderCaseMsg(i));
    this.applyLock();
  }

  buildCaseRow(c, i) {
    const row = {};
    const idx = () => this.draft.cases.findIndex((x) => x.id === c.id);
    const update = (field, value) => {
      const k = idx();
      if (k < 0) return;
      this.draft.cases[k][field] = value;
      this.casesSig = JSON.stringify(this.draft.cases);
      this.renderCaseMsg(k);
      this.changed();
      if (field === 'pattern') {
        clearTimeout(row.checkTimer);
        row.checkTimer = setTimeout(() => checkPattern(value.trim()).then(() => this.renderCaseMsg(idx())), 250);
      }
    };
    row.pattern = h('input', { type: 'text', 'data-field': 'pattern', class: 'setting mono', value: c.pattern, spellcheck: 'false', autocomplete: 'off', oninput: () => update('pattern', row.pattern.value) });
    row.template = h('input', { type: 'text', 'data-field': 'template', class: 'setting', value: c.message_template, autocomplete: 'off', oninput: () => update('message_template', row.template.value) });
    row.state = h('select', { class: 'setting', 'data-field': 'state', onchange: () => update('state', row.state.value) },
      CASE_STATES.map((s) => (s ? h('option', { value: s }, s) : tr(h('option', { value: '' }), { text: 'stateNone' }))));
    row.state.value = c.state;
    row.remove = h('button', { type: 'button', 'data-act': 'remove-case', class: 'btn icon danger lockable', onclick: () => this.removeCase(c.id) }, icon('cross'));
    row.msg = h('div', { class: 'case-msg', id: `${this.uid}-${c.id}-msg` });
    row.pattern.setAttribute('aria-describedby', row.msg.id);
    row.template.setAttribute('aria-describedby', row.msg.id);
    const n = i + 1;
    tr(row.pattern, { placeholder: 'patternPh', aria: ['casePatternAria', { n }] });
    tr(row.template, { placeholder: 'templatePh', aria: ['caseTemplateAria', { n }] });
    tr(row.state, { aria: ['caseStateAria', { n }] });
    tr(row.remove, { aria: ['caseRemoveAria', { n }], title: ['caseRemoveAria', { n }] });
    row.el = h('div', { class: 'case-row', 'data-case-id': c.id }, h('div', { class: 'case-fields' }, row.pattern, row.template, row.state, row.remove), row.msg);
    return row;
  }

  renderCaseMsg(i) {
    const c = this.draft.cases[i];
    const row = this.caseRows && this.caseRows[i];
    if (!c || !row) return;
    const p = c.pattern.trim();
    const m = c.message_template.trim();
    const half = !p !== !m;
    const err = p ? this.caseErrors.get(p) : null;
    const bad = p ? patternReason(p) : '';
    row.el.classList.toggle('invalid', half || !!err || !!bad);
    row.pattern.setAttribute('aria-invalid', String((half && !p) || !!err || !!bad));
    row.template.setAttribute('aria-invalid', String(half && !m));
    if (bad) {
      tr(row.msg, { text: ['casePatternInvalid', { reason: bad }] });
      row.msg.className = 'case-msg error';
    } else if (err) {
      tr(row.msg, { text: ['caseErrorMsg', { error: this.ctx.names(err) }] });
      row.msg.className = 'case-msg error';
    } else if (half) {
      tr(row.msg, { text: p ? 'caseNeedsTemplate' : 'caseNeedsPattern' });
      row.msg.className = 'case-msg error';
    } else if (!p && !m) {
      tr(row.msg, { text: 'caseLastLine' });
      row.msg.className = 'case-msg hint';
    } else {
      tr(row.msg, { text: 'empty' });
      row.msg.className = 'case-msg';
    }
  }

  addCase() {
    this.draft.cases.push({ id: newId('case_'), pattern: '', message_template: '', state: '' });
    this.renderCases();
    this.changed();
    this.caseRows[this.caseRows.length - 1].pattern.focus();
  }

  async removeCase(caseId) {
    const i = this.draft.cases.findIndex((c) => c.id === caseId);
    if (i < 0) return;
    if (!(await this.ctx.confirm('confirmRemoveCase', { n: i + 1, name: this.displayName() }))) return;
    this.draft.cases.splice(i, 1);
    this.renderCases();
    this.changed();
    this.addCaseBtn.focus();
  }

  /** A case_error event for this runner: shown next to the case with that pattern. */
  setCaseError(pattern, error) {
    this.caseErrors.set(String(pattern || '').trim(), error);
    this.draft.cases.forEach((c, i) => this.renderCaseMsg(i));
  }

  // ----- runtime status ------------------------------------------------------------

  /**
   * Settings lock while a run lives or an interval's next run waits; a cron runner that only waits for its next due
   * time stays editable (switching it off is such an edit) and can be run now.
   */
  locked() {
    return this.status.running || this.status.stopping || (this.status.scheduled && !cronArmed(this.saved));
  }

  active() {
    return this.status.running || (this.status.scheduled && !cronArmed(this.saved));
  }

  applyLock() {
    const locked = this.locked();
    this.el.querySelectorAll('.setting, .lockable').forEach((el) => { el.disabled = locked; });
    this.el.classList.toggle('locked', locked);
  }

  renderButtons() {
    const st = this.status;
    const active = this.active() || st.stopping;
    if (active) {
      tr(this.runLabel, { text: 'stop' });
      tr(this.runBtn, { title: null });
      if (!this.runBtn.classList.contains('stop')) setIcon(this.runBtn, 'stop');
      this.runBtn.classList.add('stop');
      this.runBtn.disabled = !!st.stopping && !st.running && !st.scheduled;
    } else {
      tr(this.runLabel, { text: 'run' });
      if (this.runBtn.classList.contains('stop')) setIcon(this.runBtn, 'play');
      this.runBtn.classList.remove('stop');
      let reason = null;
      if (this.isDirty()) reason = 'runNeedsSave';
      else if (this.heartbeat.storedHeartbeat()) reason = 'heartbeatNoRun';
      else if (!String(this.saved.command || '').trim()) reason = 'runNeedsCommand';
      this.runBtn.disabled = !!reason;
      tr(this.runBtn, { title: reason });
    }
    const locked = this.locked();
    this.saveBtn.disabled = !this.isDirty() || locked;
    this.removeBtn.disabled = locked;
    const anyDirty = this.ctx.anyDirty();
    this.cloneBtn.disabled = anyDirty;
    tr(this.cloneBtn, { title: anyDirty ? 'cloneNeedsSave' : 'cloneTitle' });
    this.upBtn.disabled = false;
    this.downBtn.disabled = false;
  }

  onRunStop() {
    if (this.active() || this.status.stopping) this.ctx.stopRunner(this.id);
    else this.ctx.runRunner(this);
  }

  /** Replaces the runtime status (snapshot). */
  setStatus(st) {
    const next = parseTs(st && st.next_run_ts);
    this.status = { ...idleStatus(), ...st, stopping: false, next_at: next ? next.getTime() : 0 };
    this.renderStatus();
  }

  /** Merges a partial status change. */
  patchStatus(patch) {
    Object.assign(this.status, patch);
    this.renderStatus();
  }

  renderStatus() {
    const st = this.status;
    this.heartbeat.onStatus(st);
    let badge = null;
    if (st.stopping && (st.running || st.scheduled)) badge = ['stStopping', 'stopping'];
    else if (st.running) badge = ['stRunning', 'running'];
    else if (st.scheduled) badge = ['stScheduled', 'scheduled'];
    else if (st.paused) badge = ['stPaused', 'paused'];
    this.el.classList.toggle('is-running', !!st.running);
    this.el.classList.toggle('is-scheduled', !st.running && !!st.scheduled);
    this.el.classList.toggle('is-paused', !st.running && !st.scheduled && !!st.paused);
    this.badgeEl.classList.toggle('hidden', !badge);
    if (badge) {
      tr(this.badgeEl, { text: badge[0] });
      this.badgeEl.className = `badge state-badge ${badge[1]}`;
    }
    const repeating = intervalOf(this.latest()) > 0;
    // The session's own total: a group run (or Run once) starts a session of one run, whatever max_runs says.
    const max = toInt(this.latest().max_runs, 1);
    const total = st.remaining == null ? max : toInt(st.run_count, 0) + toInt(st.remaining, 0);
    const showPill = repeating && this.active() && st.run_count > 0 && total !== 1;
    this.pillEl.classList.toggle('hidden', !showPill);
    if (showPill) this.pillEl.textContent = `${st.run_count}/${total === -1 ? '∞' : total}`;
    this.pausedEl.classList.toggle('hidden', !st.paused);
    if (st.paused) tr(this.pausedEl, { text: ['pausedAfter', { n: st.consecutive_failures || st.threshold || 0 }] });
    this.renderCase();
    const hasExit = st.last_exit_code !== null && st.last_exit_code !== undefined;
    this.exitEl.classList.toggle('hidden', !hasExit);
    if (hasExit) {
      const time = dateTime(st.last_finish_ts) || '—';
      // A stop by the user is no failure: it says so, without the exit code of the signal, and not in red.
      tr(this.exitEl, { text: st.last_stopped ? ['stoppedByYou', { time }] : ['lastExit', { code: st.last_exit_code, time }] });
      this.exitEl.classList.toggle('bad', !st.last_stopped && Number(st.last_exit_code) !== 0);
      this.exitEl.title = fullTime(st.last_finish_ts);
    }
    this.alertBar.render(st.alert);
    this.renderHealth();
    this.applyLock();
    this.renderButtons();
    this.tick();
  }

  /** The last case message in the state line: all a case_match changes on the card. */
  renderCase() {
    const st = this.status;
    this.caseEl.classList.toggle('hidden', !st.last_case);
    if (st.last_case) {
      const ts = dateTime(st.last_case_ts);
      const text = ts ? `${ts}: ${st.last_case}` : st.last_case;
      if (this.caseEl.textContent !== text) this.caseEl.textContent = text;
      const cls = `last-case lvl-${String(st.last_state || 'none').toLowerCase()}`;
      if (this.caseEl.className !== cls) this.caseEl.className = cls;
      const state = String(st.last_case_state || '').toLowerCase();
      if (this.caseEl.dataset.state !== state) this.caseEl.dataset.state = state;
      const full = fullTime(st.last_case_ts);
      if (this.caseEl.title !== full) this.caseEl.title = full;
    }
    this.renderHealth();
  }

  /** Updates the timers (called every second by the page). */
  tick() {
    const st = this.status;
    const start = (st.running || st.scheduled) ? parseTs(st.active_ts || st.started_ts) : null;
    this.elapsedEl.classList.toggle('hidden', !start);
    if (start) this.elapsedEl.textContent = `${fmtElapsed((Date.now() - start.getTime()) / 1000)}`;
    const next = nextRunText(this.latest(), st);
    this.nextEl.classList.toggle('hidden', !next);
    if (next) tr(this.nextEl, { text: next });
  }

  /** The health badge (a word and a colour, see health.js) and the tags of the row. */
  renderHealth() {
    const level = healthOf(this.status);
    if (level !== this.level) {
      this.level = level;
      this.healthEl.className = `badge health-badge h-${level}`;
      this.el.dataset.health = level;
      tr(this.healthEl, { text: LEVEL_WORD[level], title: ['healthTitle', { word: { t: LEVEL_WORD[level] } }] });
    }
    const tags = Array.isArray(this.latest().tags) ? this.latest().tags : [];
    const sig = JSON.stringify(tags);
    if (sig !== this.tagsSig) {
      this.tagsSig = sig;
      this.tagsEl.replaceChildren(...tags.map((x) => h('span', { class: 'tag' }, String(x))));
    }
  }

  // ----- output --------------------------------------------------------------------

  setOutput(text, runId = '') {
    this.out.set(text, runId);
  }

  appendOutput(line, runId) {
    this.out.append(line, runId);
  }

  /** A case matched this line: it shows in the state's colour. */
  markOutput(line, state) {
    this.out.mark(line, state);
  }

  /** A link to the lines the pane no longer shows (they are in the full-screen view). */
  renderEarlier(view) {
    const n = view.hiddenCount() + view.dropped;
    this.earlierBtn.classList.toggle('hidden', n <= 0);
    if (n > 0) tr(this.earlierBtn, { text: ['outputEarlier', { n }] });
  }

  // ----- groups and sort mode ------------------------------------------------------

  /** Group membership: shows the "group run on/off" toggle for members. */
  setGroup(group, enabled) {
    this.group = group;
    this.groupEnabled = enabled;
    this.groupToggle.classList.toggle('hidden', !group);
    this.groupToggle.setAttribute('aria-pressed', String(enabled));
    this.groupToggle.classList.toggle('on', enabled);
    tr(this.groupToggle, { text: enabled ? 'groupRunOn' : 'groupRunOff', title: 'groupRunTitle' });
    this.el.classList.toggle('group-disabled', !!group && !enabled);
  }

  /** Fills the "move to group" select (hidden while there is no group). */
  setGroupChoices(groups) {
    const current = this.group ? this.group.id : '';
    const sig = JSON.stringify([groups.map((g) => [g.id, g.name]), current]);
    if (sig === this.groupSig) return;
    this.groupSig = sig;
    this.groupSel.replaceChildren(tr(h('option', { value: '' }), { text: 'noGroup' }),
      ...groups.map((g) => h('option', { value: g.id }, String(g.name || g.id))));
    this.groupSel.value = current;
    this.groupSelWrap.classList.toggle('hidden', !groups.length);
  }
}
