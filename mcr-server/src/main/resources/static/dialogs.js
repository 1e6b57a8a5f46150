// Modal dialogs: focus is trapped inside while open and returned to the opener on close.

import { h } from './util.js';
import { t, tr } from './i18n.js';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), '
  + 'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function trapFocus(dialog, ev) {
  if (ev.key !== 'Tab') return;
  const items = Array.from(dialog.querySelectorAll(FOCUSABLE)).filter((el) => el.offsetParent !== null);
  if (!items.length) {
    ev.preventDefault();
    return;
  }
  const first = items[0];
  const last = items[items.length - 1];
  if (ev.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
    ev.preventDefault();
    last.focus();
  } else if (!ev.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
    ev.preventDefault();
    first.focus();
  }
}

/** Opens a <dialog> modally; resolves with its returnValue when it closes. */
export function openModal(dialog, focusEl) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const onKey = (ev) => trapFocus(dialog, ev);
    const onClose = () => {
      dialog.removeEventListener('keydown', onKey);
      dialog.removeEventListener('close', onClose);
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(dialog.returnValue);
    };
    dialog.addEventListener('keydown', onKey);
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
    (focusEl || dialog.querySelector(FOCUSABLE))?.focus();
  });
}

/** Asks for confirmation; resolves true only when the user confirms. */
export async function confirmDialog(messageKey, args, okKey = 'confirmOk') {
  const dialog = document.getElementById('confirmDialog');
  tr(document.getElementById('confirmMsg'), { text: [messageKey, args] });
  tr(document.getElementById('confirmOk'), { text: okKey });
  const result = await openModal(dialog, document.getElementById('confirmCancel'));
  return result === 'ok';
}

/** Fills the info dialog with the guide of the current language. */
export function renderGuide(version) {
  const body = document.getElementById('infoBody');
  body.replaceChildren(
    h('p', { class: 'version' }, t('infoVersion', { version })),
    h('p', { class: 'hint' }, t('infoIntro')),
    ...t('guide').map(([title, items]) => h('section', null,
      h('h3', null, title),
      h('ul', null, items.map((it) => h('li', null, it)))))
  );
}
