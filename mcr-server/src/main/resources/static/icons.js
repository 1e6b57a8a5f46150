// Inline SVG icons (our own simple paths on a 16×16 grid, drawn with currentColor), so that no meaning depends on
// an emoji or symbol font being installed. Icons are decoration next to a text label or carry an aria-label on
// their button; they are always aria-hidden.

const NS = 'http://www.w3.org/2000/svg';

const PATHS = {
  play: 'M4 2.5v11l9-5.5z',
  stop: 'M3.5 3.5h9v9h-9z',
  pause: 'M4 3h3v10H4zM9 3h3v10H9z',
  check: 'M2.5 8.5l3.5 3.5 7.5-8',
  cross: 'M3.5 3.5l9 9M12.5 3.5l-9 9',
  warn: 'M8 1.5l7 12.5H1zM8 6v4M8 11.5v1.2',
  bell: 'M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11zM6.5 14h3',
  chevron: 'M3.5 6l4.5 4.5L12.5 6',
  up: 'M8 13V3M3.5 7.5L8 3l4.5 4.5',
  down: 'M8 3v10M3.5 8.5L8 13l4.5-4.5',
  download: 'M8 2v8M4.5 6.5L8 10l3.5-3.5M2.5 13.5h11',
  upload: 'M8 11V3M4.5 6.5L8 3l3.5 3.5M2.5 13.5h11',
  plus: 'M8 3v10M3 8h10',
  search: 'M7 2.5a4.5 4.5 0 1 1 0 9a4.5 4.5 0 1 1 0-9zM10.3 10.3l3.5 3.5',
  expand: 'M2.5 6V2.5H6M10 2.5h3.5V6M13.5 10v3.5H10M6 13.5H2.5V10',
  collapse: 'M6 2.5V6H2.5M13.5 6H10V2.5M10 13.5V10h3.5M2.5 10H6v3.5',
  clock: 'M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13zM8 4.5V8l2.5 1.5',
  tag: 'M2 2h6l6 6-6 6-6-6zM5 5.2v.1',
};

/** Names of the icons there are. */
export const ICONS = Object.keys(PATHS);

/** A new icon element (an SVG, aria-hidden); unknown names give an empty one. */
export function icon(name, cls = '') {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', `icon icon-${name}${cls ? ` ${cls}` : ''}`);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', PATHS[name] || '');
  svg.append(path);
  return svg;
}

/** Swaps the icon inside an element (the first svg.icon child) for another one. */
export function setIcon(el, name) {
  const old = el.querySelector(':scope > svg.icon');
  const next = icon(name);
  if (old) old.replaceWith(next);
  else el.prepend(next);
}

/** Fills every [data-icon] placeholder below root with its icon (static markup). */
export function fillIcons(root = document) {
  root.querySelectorAll('[data-icon]').forEach((el) => {
    if (!el.querySelector(':scope > svg.icon')) el.append(icon(el.dataset.icon));
  });
}
