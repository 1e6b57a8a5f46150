// A runner's alert handling on its card: who acknowledged its DOWN/WARN and until when its notifications are
// snoozed, with the buttons that change it (operators and up; the CSS hides them from viewers).

import { h, dateTime, parseTs } from './util.js';
import { tr } from './i18n.js';

/** Snooze lengths offered, in seconds (the server takes 0 to 30 days). */
export const SNOOZE_OPTIONS = [900, 3600, 4 * 3600, 8 * 3600, 86400, 7 * 86400];

const snoozeLabel = (s) => (s % 86400 === 0 ? ['snoozeDays', { n: s / 86400 }]
  : s % 3600 === 0 ? ['snoozeHours', { n: s / 3600 }] : ['snoozeMinutes', { n: s / 60 }]);

export class AlertBar {
  /**
   * @param {string} uid    the card's id prefix (for element ids)
   * @param {object} act    { ack(), snooze(seconds) }: the page's calls, each answering a promise
   */
  constructor(uid, act) {
    this.ackedEl = h('span', { class: 'alert-acked hidden', 'data-role': 'acked' });
    this.snoozedEl = h('span', { class: 'alert-snoozed hidden', 'data-role': 'snoozed' });
    this.escalationEl = h('span', { class: 'alert-escalation hidden', 'data-role': 'escalation' });
    this.ackBtn = tr(h('button', { type: 'button', 'data-act': 'ack', class: 'btn small operate-only', onclick: () => act.ack() }),
      { text: 'ack', title: 'ackTitle' });
    this.snoozeSel = h('select', { id: `${uid}-snooze`, 'data-act': 'snooze', class: 'operate-only', onchange: () => {
      const s = Number(this.snoozeSel.value);
      this.snoozeSel.value = '';
      if (s > 0) act.snooze(s);
    } });
    this.snoozeSel.append(tr(h('option', { value: '' }), { text: 'snoozeFor' }),
      ...SNOOZE_OPTIONS.map((s) => tr(h('option', { value: String(s) }), { text: snoozeLabel(s) })));
    tr(this.snoozeSel, { title: 'snoozeTitle', aria: 'snoozeFor' });
    this.unsnoozeBtn = tr(h('button', { type: 'button', 'data-act': 'unsnooze', class: 'btn small operate-only hidden', onclick: () => act.snooze(0) }),
      { text: 'unsnooze' });
    this.el = h('div', { class: 'alert-bar', 'data-role': 'alert-bar' }, this.ackedEl, this.snoozedEl, this.escalationEl, this.ackBtn,
      this.snoozeSel, this.unsnoozeBtn);
  }

  /** Shows an alert state as the status and the "alert" event carry it (or nothing when absent). */
  render(alert) {
    const a = alert || {};
    const acked = !!a.acked_by;
    this.ackedEl.classList.toggle('hidden', !acked);
    if (acked) tr(this.ackedEl, { text: ['ackedBy', { name: String(a.acked_by), state: String(a.acked_state || ''), time: dateTime(a.acked_at) || '—' }] });
    const until = parseTs(a.snoozed_until);
    const snoozed = !!until && until.getTime() > Date.now();
    this.snoozedEl.classList.toggle('hidden', !snoozed);
    if (snoozed) tr(this.snoozedEl, { text: ['snoozedUntil', { time: dateTime(a.snoozed_until) }] });
    this.unsnoozeBtn.classList.toggle('hidden', !snoozed);
    this.escalationEl.classList.toggle('hidden', !a.escalation_due);
    if (a.escalation_due) tr(this.escalationEl, { text: ['escalationDue', { time: dateTime(a.escalation_due) }] });
    this.el.classList.toggle('is-snoozed', snoozed);
  }
}
