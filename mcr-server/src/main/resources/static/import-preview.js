// Import preview: what an export file will add (runners, groups; services are never part of an export), which
// names exist already, confirm or cancel; after the import the new cards are pointed out.

import { h } from './util.js';
import { tr } from './i18n.js';
import { openModal } from './dialogs.js';

const nameOf = (o, fallback) => String((o && o.name) || '').trim() || fallback;

/**
 * Reads an export document: null when it is not one (the server then answers with its precise message), else
 * { runners: [{ name, duplicate }], groups: [{ name, duplicate, members }] }.
 */
export function previewOf(text, saved) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (_) {
    return null;
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.runners)) return null;
  if (doc.runners.some((r) => !r || typeof r !== 'object')) return null;
  const runnerNames = new Set((saved.runners || []).map((r) => nameOf(r, r.id)));
  const groupNames = new Set((saved.runner_groups || []).map((g) => nameOf(g, g.id)));
  const byId = new Map(doc.runners.map((r) => [r.id, r]));
  const runners = doc.runners.map((r, i) => {
    const name = nameOf(r, `#${i + 1}`);
    return { name, duplicate: runnerNames.has(name) };
  });
  const groups = (Array.isArray(doc.runner_groups) ? doc.runner_groups : []).filter((g) => g && typeof g === 'object')
    .map((g, i) => {
      const name = nameOf(g, `#${i + 1}`);
      const members = (Array.isArray(g.runner_ids) ? g.runner_ids : []).filter((id) => byId.has(id)).length;
      return { name, duplicate: groupNames.has(name), members };
    });
  return { runners, groups };
}

let dialog = null;

function ensureDialog() {
  if (dialog) return dialog;
  const title = tr(h('h2', { id: 'importPreviewTitle' }), { text: 'importPreviewTitle' });
  dialog = h('dialog', { id: 'importPreviewDialog', class: 'dialog', 'aria-labelledby': 'importPreviewTitle' },
    h('form', { method: 'dialog', class: 'dialog-inner' },
      title,
      h('div', { id: 'importPreviewBody', class: 'dialog-body' }),
      h('div', { class: 'dialog-actions' },
        tr(h('button', { type: 'submit', id: 'importCancel', class: 'btn', value: 'cancel' }), { text: 'cancel' }),
        tr(h('button', { type: 'submit', id: 'importConfirm', class: 'btn primary', value: 'ok' }), { text: 'importConfirm' }))));
  document.body.append(dialog);
  return dialog;
}

function list(items, memberText) {
  return h('ul', { class: 'import-list' }, items.map((it) => h('li', { class: it.duplicate ? 'duplicate' : '' },
    h('span', { class: 'import-name' }, it.name),
    memberText ? tr(h('span', { class: 'hint' }), { text: ['importMembers', { n: it.members }] }) : null,
    it.duplicate ? tr(h('span', { class: 'badge dup-badge' }), { text: 'importDuplicate' }) : null)));
}

/** Shows the preview; resolves true when the user confirms. */
export async function confirmImport(preview, fileName) {
  const d = ensureDialog();
  const dups = preview.runners.filter((r) => r.duplicate).length + preview.groups.filter((g) => g.duplicate).length;
  d.querySelector('#importPreviewBody').replaceChildren(
    tr(h('p'), { text: ['importPreviewSummary', { file: fileName, runners: preview.runners.length, groups: preview.groups.length }] }),
    dups ? tr(h('p', { class: 'form-error' }), { text: ['importPreviewDuplicates', { n: dups }] }) : null,
    tr(h('h3'), { text: ['importPreviewRunners', { n: preview.runners.length }] }),
    list(preview.runners, false),
    preview.groups.length ? tr(h('h3'), { text: ['importPreviewGroups', { n: preview.groups.length }] }) : null,
    preview.groups.length ? list(preview.groups, true) : null,
    tr(h('p', { class: 'hint' }), { text: 'importPreviewServices' }));
  d.querySelector('#importConfirm').disabled = !preview.runners.length;
  return (await openModal(d, d.querySelector('#importConfirm'))) === 'ok';
}

/** Marks the cards that are new since `before` (sets of runner and group ids) and scrolls to the first. */
export function pointOutNew(before, cards) {
  const fresh = cards.filter(({ id }) => !before.has(id)).map(({ el }) => el);
  fresh.forEach((el) => el.classList.add('just-imported'));
  if (fresh.length) {
    fresh[0].scrollIntoView({ block: 'center' });
    const clear = () => {
      fresh.forEach((el) => el.classList.remove('just-imported'));
      document.removeEventListener('pointerdown', clear, true);
      document.removeEventListener('keydown', clear, true);
    };
    // The mark stays until the user does something else on the page.
    setTimeout(() => {
      document.addEventListener('pointerdown', clear, true);
      document.addEventListener('keydown', clear, true);
    }, 0);
  }
  return fresh.length;
}
