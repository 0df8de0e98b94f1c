// Renders the console's pages from API answers. Everything is built with DOM nodes and textContent:
// nothing an alert source or a vendor wrote is ever parsed as HTML.

/** h('td', { class: 'x' }, 'text', childNode) */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * container.replaceChildren(...nodes), keeping the keyboard focus: the pages draw their tables anew at each re-read (the
 * list at every live event, the Outbox every 3 s), and the focused link or button went with the old ones, so the focus
 * fell back to the start of the page. It goes to the same element in the new ones (the same row's link or action), or,
 * when that is gone (a replayed delivery), to the page's heading, from where Tab leads back into the page.
 */
export function replaceKeepingFocus(container, ...nodes) {
  const focused = document.activeElement;
  const wasInside = focused !== container && container.contains(focused);
  const again = wasInside ? sameElementSelector(focused) : null;
  container.replaceChildren(...nodes);
  if (!wasInside) return;
  const target = (again && container.querySelector(again)) || document.querySelector('#view h2');
  if (target) target.focus({ preventScroll: true });
}

// What identifies a focusable element of a page across a redraw: the row, section or table it is in (their data-
// attributes and labels are the incident, delivery, source or connector), and its own action, link or label.
const ROW_KEYS = ['data-incident', 'data-row', 'data-source', 'data-poller', 'aria-label'];
const OWN_KEYS = ['data-action', 'href', 'aria-label'];

function sameElementSelector(element) {
  const own = selectorBy(element, OWN_KEYS);
  if (!own) return null;
  const row = element.parentElement && element.parentElement.closest(ROW_KEYS.map((k) => `[${k}]`).join(','));
  const within = row ? selectorBy(row, ROW_KEYS) : null;
  return within ? `${within} ${own}` : own;
}

function selectorBy(element, keys) {
  const key = keys.find((k) => element.hasAttribute(k));
  return key ? `${element.localName}[${key}="${CSS.escape(element.getAttribute(key))}"]` : null;
}

export function badge(kind, value) {
  return h('span', { class: `badge ${kind}-${value}` }, value ? String(value).replace(/_/g, ' ') : '—');
}

// Times are shown in the browser's time zone, named ("Dec 3, 2026, 03:12:09 AM CET"), so a responder never has to
// guess whether a time is local or UTC; the tooltip keeps the exact UTC instant the API sent.
const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit',
  minute: '2-digit', second: '2-digit', timeZoneName: 'short' });

/** A <time> of an ISO instant, in local time with the zone's name; '—' when absent. */
export function when(iso) {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: `${iso} (UTC)` }, TIME_FORMAT.format(new Date(iso)));
}

/**
 * A scrollable, labelled table (keyboard users can scroll it: it is focusable). Every cell is labelled with its
 * column's name (data-label): with `stacked`, a phone shows each row as a card of "name value" lines instead of
 * columns (console.css), so no column has to be hidden or scrolled to.
 */
export function table(label, headers, rows, emptyText, { stacked = false } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, emptyText);
  const names = headers.map((x) => x.label || x);
  for (const row of rows) {
    [...row.children].forEach((cell, n) => { if (names[n] && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', names[n]); });
  }
  return h('div', { class: stacked ? 'table-wrap stacked' : 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', {},
      h('caption', { class: 'sr-only' }, label),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', class: x.cls }, x.label || x)))),
      h('tbody', {}, rows)));
}

/** An http(s) URL as a link opening in a new tab; anything else (javascript:, data:) only as text, never clickable. */
export function safeLink(url, label) {
  return /^https?:\/\//i.test(url || '') ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label) : label;
}

/**
 * The tickets and threads the connectors hold for an incident (GET /api/v1/incidents/{id}'s externalRefs): a link
 * per connector where the gateway knows the URL, else the identifier as text. Only http(s) URLs become links: a
 * URL comes from a connector or a YAML route, and a javascript: one must never be clickable.
 */
export function externalLinks(refs) {
  if (!Array.isArray(refs) || refs.length === 0) return '—';
  return h('ul', { class: 'external-refs' }, refs.map((r) => {
    const name = r.externalKey || (r.channel ? `${r.channel} thread ${r.externalId}` : r.externalId);
    const label = `${r.connector}: ${name}`;
    return h('li', { 'data-connector': r.connector }, safeLink(r.url, label));
  }));
}
