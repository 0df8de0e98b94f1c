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
