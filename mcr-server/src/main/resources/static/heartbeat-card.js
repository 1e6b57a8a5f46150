// A runner's heartbeat check on its card: the kind chooser (command | heartbeat), period and grace, the ping URL
// with a copy button, curl examples, the last ping and the deadline, and Regenerate. The token is read from the
// editors' route GET /api/runners/{id}/heartbeat (every other answer masks it); viewers see a sentence instead.

import { h, toInt, dateTime, copyText } from './util.js';
import { tr } from './i18n.js';
import { get, post } from './api.js';
import { confirmDialog } from './dialogs.js';

/** Period and grace a runner gets when it becomes a heartbeat check: a ping a day, an hour late at most. */
export const DEFAULT_PERIOD_S = 86400;
export const DEFAULT_GRACE_S = 3600;
const CURL = 'curl -fsS -m 10 --retry 5';

/** Shows a translated sentence in an element, or empties it (key null). */
function say(el, key) {
  if (key) {
    tr(el, { text: key });
  } else {
    tr(el, { text: null });
    el.textContent = '';
  }
}

/** The heartbeat part of a runner's editable projection (fixed shape, for the JSON comparison of drafts). */
export function projectHeartbeat(r) {
  const hb = (r && r.heartbeat) || {};
  return {
    kind: r && r.kind === 'heartbeat' ? 'heartbeat' : 'command',
    heartbeat: { period_s: Math.max(0, toInt(hb.period_s)), grace_s: Math.max(0, toInt(hb.grace_s)) },
  };
}

/** The curl lines a job runs: a plain ping, a start, and a ping with the job's output that fails when the job did. */
export function curlExample(url) {
  return `${CURL} ${url}\n\n`
    + `${CURL} ${url}/start\n`
    + 'if out=$(/path/to/job 2>&1); then s=; else s=/fail; fi\n'
    + `printf '%s' "$out" | tail -c 10240 | ${CURL} --data-binary @- "${url}$s"\n`;
}

export class HeartbeatBox {
  /** @param {object} card the runner card (its uid, draft, saved, id, fill(), changed()) */
  constructor(card) {
    this.card = card;
    const u = card.uid;
    this.info = null;
    this.kindSel = h('select', { class: 'setting', id: `${u}-kind`, 'data-field': 'kind', onchange: () => this.setKind(this.kindSel.value) });
    this.kindSel.append(tr(h('option', { value: 'command' }), { text: 'kindCommand' }),
      tr(h('option', { value: 'heartbeat' }), { text: 'kindHeartbeat' }));
    this.kindField = h('div', { class: 'field' }, tr(h('label', { for: this.kindSel.id }), { text: 'kind' }), this.kindSel);
    const num = (key, onInput) => h('input', { type: 'number', class: 'setting', id: `${u}-${key}`, 'data-field': key, min: '0', step: '1', oninput: onInput });
    this.periodIn = num('hb-period', () => { this.card.draft.heartbeat.period_s = Math.max(0, toInt(this.periodIn.value)); this.card.changed(); });
    this.graceIn = num('hb-grace', () => { this.card.draft.heartbeat.grace_s = Math.max(0, toInt(this.graceIn.value)); this.card.changed(); });
    this.urlIn = h('input', { type: 'text', readonly: '', class: 'mono ping-url', id: `${u}-ping-url`, 'data-role': 'ping-url', spellcheck: 'false' });
    this.copyBtn = tr(h('button', { type: 'button', 'data-act': 'copy-ping-url', class: 'btn small', onclick: () => this.copy() }), { text: 'copy' });
    this.regenBtn = tr(h('button', { type: 'button', 'data-act': 'regenerate-ping', class: 'btn small danger', onclick: () => this.regenerate() }),
      { text: 'pingRegenerate', title: 'pingRegenerateTitle' });
    this.curlEl = h('pre', { class: 'curl-example mono', 'data-role': 'curl-example', tabindex: '0' });
    this.timesEl = h('p', { class: 'hint', 'data-role': 'heartbeat-times' });
    this.msgEl = h('p', { class: 'hint', 'data-role': 'heartbeat-msg', 'aria-live': 'polite' });
    const field = (labelKey, control) => h('div', { class: 'field' }, tr(h('label', { for: control.id }), { text: labelKey }), control);
    this.linkBox = h('div', { class: 'ping-box' },
      h('div', { class: 'field' }, tr(h('label', { for: this.urlIn.id }), { text: 'pingUrl' }),
        h('div', { class: 'row' }, this.urlIn, this.copyBtn, this.regenBtn)),
      h('div', { class: 'field' }, tr(h('span', { class: 'label' }), { text: 'pingCurl' }), this.curlEl),
      this.timesEl);
    this.box = h('fieldset', { class: 'heartbeat-box hidden', 'data-role': 'heartbeat' }, tr(h('legend'), { text: 'heartbeatTitle' }),
      h('div', { class: 'grid2' }, field('heartbeatPeriod', this.periodIn), field('heartbeatGrace', this.graceIn)),
      tr(h('p', { class: 'hint' }), { text: 'heartbeatHelp' }),
      this.linkBox, this.msgEl);
  }

  /** Whether the draft is a heartbeat check. */
  isHeartbeat() {
    return this.card.draft.kind === 'heartbeat';
  }

  /** Whether the stored runner is a heartbeat check (it has a ping URL). */
  storedHeartbeat() {
    return !this.card.isNew && !!this.card.saved && this.card.saved.kind === 'heartbeat';
  }

  setKind(kind) {
    const d = this.card.draft;
    d.kind = kind === 'heartbeat' ? 'heartbeat' : 'command';
    if (d.kind === 'heartbeat' && !d.heartbeat.period_s && !String(d.schedule.cron || '').trim()) {
      d.heartbeat.period_s = DEFAULT_PERIOD_S;
      d.heartbeat.grace_s = DEFAULT_GRACE_S;
    }
    this.card.fill();
    this.card.changed();
  }

  /** Shows the draft; the command's fields are hidden for a heartbeat check. */
  fill(commandOnly) {
    const d = this.card.draft;
    const hb = d.kind === 'heartbeat';
    this.kindSel.value = d.kind;
    if (toInt(this.periodIn.value, -1) !== d.heartbeat.period_s) this.periodIn.value = String(d.heartbeat.period_s);
    if (toInt(this.graceIn.value, -1) !== d.heartbeat.grace_s) this.graceIn.value = String(d.heartbeat.grace_s);
    this.box.classList.toggle('hidden', !hb);
    commandOnly.forEach((el) => el.classList.toggle('hidden', hb));
    if (hb && this.storedHeartbeat() && !this.info && !this.loading) this.load();
    this.render();
  }

  /** Reads the token, the last ping and the deadline again (after a ping, a save or a regenerate elsewhere). */
  async load() {
    if (!this.storedHeartbeat()) return;
    this.loading = true;
    try {
      this.info = await get(`/api/runners/${encodeURIComponent(this.card.id)}/heartbeat`);
      this.error = null;
    } catch (e) {
      this.info = null;
      this.error = e && e.status === 403 ? 'pingUrlEditorsOnly' : 'pingUrlLoadFailed';
    } finally {
      this.loading = false;
    }
    this.render();
  }

  /** A newer stored version (its period may have moved the deadline, or it became a heartbeat check). */
  onSaved() {
    if (this.storedHeartbeat() && !this.loading) this.load();
    else this.render();
  }

  /** A run ended (a ping, or a missed deadline): the last ping and the deadline moved. */
  onStatus(st) {
    const finished = (st && st.last_finish_ts) || '';
    if (finished === this.lastFinish) return;
    this.lastFinish = finished;
    if (this.info && !this.loading) this.load();
  }

  url() {
    if (!this.info || !this.info.ping_token) return '';
    return this.info.ping_url || `${window.location.origin}/ping/${this.info.ping_token}`;
  }

  render() {
    const stored = this.storedHeartbeat();
    const url = this.url();
    this.linkBox.classList.toggle('hidden', !stored || !url);
    if (!stored) say(this.msgEl, 'pingUrlAfterSave');
    else if (this.error) say(this.msgEl, this.error);
    else if (!this.copied) say(this.msgEl, null);
    if (!url) return;
    if (this.urlIn.value !== url) this.urlIn.value = url;
    this.curlEl.textContent = curlExample(url);
    const i = this.info;
    tr(this.timesEl, { text: ['heartbeatTimes', {
      last: i.last_ping ? dateTime(i.last_ping) : '—',
      next: i.next_expected_by ? dateTime(i.next_expected_by) : '—',
      zone: Intl.DateTimeFormat().resolvedOptions().timeZone || '',
    }] });
  }

  async copy() {
    // Selected as well, so that it can be copied by hand where the clipboard is refused.
    this.urlIn.focus();
    this.urlIn.select();
    try {
      await copyText(this.urlIn.value);
      this.copied = true;
      say(this.msgEl, 'pingUrlCopied');
    } catch (_) {
      say(this.msgEl, 'pingUrlCopyFailed');
    }
  }

  async regenerate() {
    if (!(await confirmDialog('pingRegenerateConfirm', { name: this.card.displayName() }, 'pingRegenerate'))) return;
    try {
      this.info = await post(`/api/runners/${encodeURIComponent(this.card.id)}/heartbeat/regenerate`, {});
      this.error = null;
      this.copied = true;
      say(this.msgEl, 'pingRegenerated');
    } catch (e) {
      this.error = e && e.status === 403 ? 'pingUrlEditorsOnly' : 'pingUrlLoadFailed';
    }
    this.render();
  }
}
