// ANSI escape sequences of command output: SGR (colours, bold, italic, underline) becomes classes, every
// other sequence (cursor moves, erase, OSC titles, charset switches) is dropped.
//
// No inline style attribute may carry a colour (the Content-Security-Policy forbids them). The 16 standard
// colours are fixed classes in style.css; a 256-colour or truecolour value gets a class of its own whose
// rule goes into one constructed stylesheet (CSSOM is not inline style, the policy allows it). Those rules
// are bounded: past MAX_RULES distinct colours, a colour is rounded to the nearest of the 16, so that a
// command printing a rainbow cannot grow the stylesheet without end.

const MAX_RULES = 512;

// xterm's default values of the 16 standard colours, used to round a colour past MAX_RULES.
const BASE16 = [
  [0, 0, 0], [205, 49, 49], [13, 188, 121], [229, 229, 16], [36, 114, 200], [188, 63, 188], [17, 168, 205], [229, 229, 229],
  [102, 102, 102], [241, 76, 76], [35, 209, 139], [245, 245, 67], [59, 142, 234], [214, 112, 214], [41, 184, 219], [255, 255, 255],
];

let sheet = null;
const ruled = new Set();

function hex(rgb) {
  return rgb.map((v) => Math.max(0, Math.min(255, v | 0)).toString(16).padStart(2, '0')).join('');
}

function nearest16(rgb) {
  let best = 0;
  let bestD = Infinity;
  BASE16.forEach((c, i) => {
    const d = (c[0] - rgb[0]) ** 2 + (c[1] - rgb[1]) ** 2 + (c[2] - rgb[2]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** The RGB value of an entry of the 256-colour table (16–255; 0–15 are the classes of the 16). */
function rgb256(n) {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return [v, v, v];
  }
  const i = n - 16;
  const step = (k) => (k === 0 ? 0 : 55 + k * 40);
  return [step(Math.floor(i / 36)), step(Math.floor(i / 6) % 6), step(i % 6)];
}

/** The class of an exact colour ('fg' or 'bg'); its rule is added on first use. */
function rgbClass(kind, rgb) {
  const name = `a-${kind}-${hex(rgb)}`;
  if (ruled.has(name)) return name;
  if (ruled.size >= MAX_RULES || !ensureSheet()) return `a-${kind}${nearest16(rgb)}`;
  const prop = kind === 'fg' ? 'color' : 'background-color';
  sheet.insertRule(`.output .${name} { ${prop}: #${hex(rgb)}; }`, sheet.cssRules.length);
  ruled.add(name);
  return name;
}

function ensureSheet() {
  if (sheet) return true;
  try {
    sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return true;
  } catch (_) {
    return false;
  }
}

/** The colour of an extended SGR (38/48 ;5;n or ;2;r;g;b); returns [class or null, parameters used]. */
function extended(kind, params, i) {
  const mode = params[i + 1];
  if (mode === 5 && params.length > i + 2) {
    const n = params[i + 2];
    if (!(n >= 0 && n <= 255)) return [null, 2];
    return [n < 16 ? `a-${kind}${n}` : rgbClass(kind, rgb256(n)), 2];
  }
  if (mode === 2 && params.length > i + 4) {
    return [rgbClass(kind, [params[i + 2], params[i + 3], params[i + 4]]), 4];
  }
  return [null, 1];
}

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two- and three-byte escapes, C1 CSI, lone ESC.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[([0-?]*)[ -/]*([@-~])|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]|\x1b/g;
// Control characters a terminal would not print (tab and newline stay).
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

/**
 * Parses output text line by line; the SGR state carries over from one line to the next, as in a terminal.
 * parse() returns { text, segs }: text is what the line says without any escape, segs is null for a line
 * without any style, otherwise a list of [text, className] pieces.
 */
export class AnsiParser {
  constructor() {
    this.reset();
  }

  reset() {
    this.fg = null;
    this.bg = null;
    this.bold = false;
    this.italic = false;
    this.underline = false;
  }

  cls() {
    const c = [];
    if (this.bold) c.push('a-b');
    if (this.italic) c.push('a-i');
    if (this.underline) c.push('a-u');
    if (this.fg) c.push(this.fg);
    if (this.bg) c.push(this.bg);
    return c.join(' ');
  }

  sgr(paramText) {
    const params = paramText === '' ? [0] : paramText.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
    for (let i = 0; i < params.length; i += 1) {
      const p = params[i];
      if (p === 0) this.reset();
      else if (p === 1) this.bold = true;
      else if (p === 3) this.italic = true;
      else if (p === 4) this.underline = true;
      else if (p === 22) this.bold = false;
      else if (p === 23) this.italic = false;
      else if (p === 24) this.underline = false;
      else if (p >= 30 && p <= 37) this.fg = `a-fg${p - 30}`;
      else if (p >= 90 && p <= 97) this.fg = `a-fg${p - 90 + 8}`;
      else if (p === 39) this.fg = null;
      else if (p >= 40 && p <= 47) this.bg = `a-bg${p - 40}`;
      else if (p >= 100 && p <= 107) this.bg = `a-bg${p - 100 + 8}`;
      else if (p === 49) this.bg = null;
      else if (p === 38 || p === 48) {
        const [c, used] = extended(p === 38 ? 'fg' : 'bg', params, i);
        if (c) {
          if (p === 38) this.fg = c;
          else this.bg = c;
        }
        i += used;
      }
    }
  }

  /** One line (with or without its line break). */
  parse(line) {
    let s = String(line);
    // A carriage return inside a line overwrites it from the start (progress bars): what stays is its last part.
    const end = s.endsWith('\r\n') ? 2 : (s.endsWith('\n') ? 1 : 0);
    const br = end ? '\n' : '';
    s = end ? s.slice(0, s.length - end) : s;
    const cr = s.lastIndexOf('\r');
    if (cr >= 0) s = s.slice(cr + 1);
    if (s.indexOf('\x1b') < 0 && s.indexOf('\x9b') < 0 && !this.fg && !this.bg && !this.bold && !this.italic && !this.underline) {
      const text = s.replace(CONTROLS, '') + br;
      return { text, segs: null };
    }
    const segs = [];
    let text = '';
    let last = 0;
    const push = (piece) => {
      const p = piece.replace(CONTROLS, '');
      if (!p) return;
      text += p;
      const c = this.cls();
      const prev = segs[segs.length - 1];
      if (prev && prev[1] === c) prev[0] += p;
      else segs.push([p, c]);
    };
    ESCAPES.lastIndex = 0;
    for (let m = ESCAPES.exec(s); m; m = ESCAPES.exec(s)) {
      push(s.slice(last, m.index));
      last = ESCAPES.lastIndex;
      if (m[2] === 'm') this.sgr(m[1]);
    }
    push(s.slice(last));
    push(br);
    return { text, segs: segs.some((x) => x[1]) ? segs : null };
  }
}

/** Fills an element with a parsed line: plain text, or one span per styled piece. */
export function renderLine(el, parsed) {
  if (!parsed.segs) {
    el.textContent = parsed.text;
    return;
  }
  el.replaceChildren(...parsed.segs.map(([text, c]) => {
    if (!c) return text;
    const s = document.createElement('span');
    s.className = c;
    s.textContent = text;
    return s;
  }));
}
