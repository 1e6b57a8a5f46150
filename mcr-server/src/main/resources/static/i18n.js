// Translations. Every visible text goes through t(); elements remember their keys
// (tr) so that a language switch re-translates them in place without re-rendering.

import en from './i18n/en.js';
import de from './i18n/de.js';
import fr from './i18n/fr.js';
import zh from './i18n/zh.js';

/** Supported languages with the label of the switch. */
export const LANGS = [
  { code: 'en', label: 'EN' },
  { code: 'de', label: 'DE' },
  { code: 'fr', label: 'FR' },
  { code: 'zh', label: '中文' },
];

export const DICTS = { en, de, fr, zh };

let lang = 'en';

/** The current language code. */
export function getLang() {
  return lang;
}

/** Sets the language (unknown codes fall back to English). */
export function setLang(code) {
  lang = DICTS[code] ? code : 'en';
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : lang;
}

/** Picks the initial language: stored choice, then the browser's, then English. */
export function initialLang(stored) {
  if (stored && DICTS[stored]) return stored;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const code = String(l).slice(0, 2).toLowerCase();
    if (DICTS[code]) return code;
  }
  return 'en';
}

function argText(v) {
  if (v && typeof v === 'object' && typeof v.t === 'string') return t(v.t, v.args);
  return v == null ? '' : String(v);
}

/** Translates key, filling {name} placeholders from args (nested {t, args} allowed). */
export function t(key, args) {
  let s = DICTS[lang][key];
  if (s == null) s = en[key];
  if (s == null) return key;
  if (typeof s !== 'string') return s;
  if (!args) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(args, k) ? argText(args[k]) : m));
}

const ATTRS = { title: 'title', aria: 'aria-label', placeholder: 'placeholder' };

function applyTr(el) {
  const spec = el._tr;
  if (!spec) return;
  for (const [what, v] of Object.entries(spec)) {
    if (v == null) {
      if (ATTRS[what]) el.removeAttribute(ATTRS[what]);
      continue;
    }
    const [key, args] = Array.isArray(v) ? v : [v];
    const s = t(key, args);
    if (what === 'text') {
      if (el.textContent !== s) el.textContent = s;
    } else if (ATTRS[what]) {
      if (el.getAttribute(ATTRS[what]) !== s) el.setAttribute(ATTRS[what], s);
    }
  }
}

/**
 * Binds translated texts to an element. spec: {text, title, aria, placeholder}, each a
 * key, [key, args], or null to remove. Returns the element.
 */
export function tr(el, spec) {
  el._tr = { ...(el._tr || {}), ...spec };
  if (!el.hasAttribute('data-tr')) el.setAttribute('data-tr', '');
  applyTr(el);
  return el;
}

/** Re-applies every bound translation below root. */
export function retranslate(root = document) {
  root.querySelectorAll('[data-tr]').forEach(applyTr);
}

/** Turns data-i18n, data-i18n-title, data-i18n-aria, data-i18n-ph of static markup into bindings. */
export function bindStatic(root = document) {
  root.querySelectorAll('[data-i18n],[data-i18n-title],[data-i18n-aria],[data-i18n-ph]').forEach((el) => {
    const spec = {};
    if (el.dataset.i18n) spec.text = el.dataset.i18n;
    if (el.dataset.i18nTitle) spec.title = el.dataset.i18nTitle;
    if (el.dataset.i18nAria) spec.aria = el.dataset.i18nAria;
    if (el.dataset.i18nPh) spec.placeholder = el.dataset.i18nPh;
    tr(el, spec);
  });
}
