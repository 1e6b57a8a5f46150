// Small DOM and formatting helpers shared by every module of the page.

/**
 * Creates an element. props: class, text, value, dataset, on<event> handlers,
 * boolean attributes (true → present) and plain attributes.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = !!v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Returns the first element matching the selector (inside root, default document). */
export function $(sel, root = document) {
  return root.querySelector(sel);
}

/** Deep copy of plain JSON data. */
export function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

/** Integer from any input, or the fallback when it is not a finite number. */
export function toInt(v, fallback = 0) {
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

const pad2 = (n) => String(n).padStart(2, '0');

/** hh:mm:ss with unbounded hours. */
export function fmtElapsed(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  return `${pad2(hh)}:${pad2(mm)}:${pad2(s % 60)}`;
}

/** Parses an ISO timestamp; null when empty or invalid. */
export function parseTs(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** HH:MM:SS of a timestamp (local time), or '' when there is none. */
export function clock(iso) {
  const d = iso instanceof Date ? iso : parseTs(iso);
  if (!d) return '';
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** The page's time zone (IANA name, e.g. Europe/Berlin), '' when the browser does not say. */
export function pageZone() {
  // Asked once: a new Intl.DateTimeFormat costs about a millisecond, and every case message's tooltip names the zone.
  if (zoneName === null) {
    try {
      zoneName = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch (_) {
      zoneName = '';
    }
  }
  return zoneName;
}
let zoneName = null;

/** The offset of a local date: sign and hours, e.g. '+02:00' (iso) or 'UTC+2' (label). */
function offsetOf(d, iso) {
  const total = -d.getTimezoneOffset();
  const sign = total < 0 ? '-' : '+';
  const hh = Math.floor(Math.abs(total) / 60);
  const mm = Math.abs(total) % 60;
  if (iso) return `${sign}${pad2(hh)}:${pad2(mm)}`;
  if (total === 0) return 'UTC';
  return `UTC${sign}${hh}${mm ? `:${pad2(mm)}` : ''}`;
}

function ymd(d) {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/**
 * The one display format of times on the page (local time): HH:MM:SS for today, which cannot be read two ways;
 * any other day with date and offset ("2026-03-29 03:30:00 UTC+2"). '' when there is no time.
 */
export function dateTime(iso) {
  const d = iso instanceof Date ? iso : parseTs(iso);
  if (!d) return '';
  const now = new Date();
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth()
    && d.getDate() === now.getDate();
  if (sameDay) return clock(d);
  return `${ymd(d)} ${clock(d)} ${offsetOf(d, false)}`;
}

/** The full time for a tooltip: local ISO-8601 with offset and the zone's name ("2026-03-29T03:30:00+02:00 (Europe/Berlin)"). */
export function fullTime(iso) {
  const d = iso instanceof Date ? iso : parseTs(iso);
  if (!d) return '';
  const zone = pageZone();
  return `${ymd(d)}T${clock(d)}${offsetOf(d, true)}${zone ? ` (${zone})` : ''}`;
}

/** A new id: prefix plus 32 lowercase hex characters (works without a secure context). */
export function newId(prefix) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when an element is scrolled to (or within a few pixels of) its end. */
export function atEnd(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight <= 4;
}

/** Copies text to the clipboard; falls back to a hidden textarea outside secure contexts. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const ta = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) throw new Error('copy failed');
}

/**
 * A text view bounded to maxChars: appends are batched, old text is dropped at a
 * line boundary, and the view follows the end only while the user is at the end.
 */
export class BoundedText {
  constructor(el, maxChars) {
    this.el = el;
    this.max = maxChars;
    this.node = document.createTextNode('');
    el.append(this.node);
    this.pending = '';
    this.timer = 0;
  }

  /** Replaces the whole content. */
  set(text) {
    this.pending = '';
    const follow = atEnd(this.el);
    this.node.data = this.trim(String(text || ''));
    if (follow) this.el.scrollTop = this.el.scrollHeight;
  }

  /** Appends text; rendering is batched. */
  append(text) {
    this.pending += text;
    if (this.pending.length > this.max) this.pending = this.trim(this.pending);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), 40);
  }

  /** Renders pending appends now (called before a status change so that output and status agree). */
  flush() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (!this.pending) return;
    const follow = atEnd(this.el);
    const add = this.pending;
    this.pending = '';
    if (this.node.length + add.length > this.max * 1.1) {
      this.node.data = this.trim(this.node.data + add);
    } else {
      this.node.appendData(add);
    }
    if (follow) this.el.scrollTop = this.el.scrollHeight;
  }

  trim(text) {
    if (text.length <= this.max) return text;
    let cut = text.length - this.max;
    const nl = text.indexOf('\n', cut);
    if (nl >= 0 && nl - cut < 2000) cut = nl + 1;
    return text.slice(cut);
  }

  /** Current text including pending appends. */
  text() {
    return this.node.data + this.pending;
  }
}
