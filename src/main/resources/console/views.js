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
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function badge(kind, value) {
  return h('span', { class: `badge ${kind}-${value}` }, value ? String(value).replace(/_/g, ' ') : '—');
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString());
}

/** A scrollable, labelled table (keyboard users can scroll it: it is focusable). */
export function table(label, headers, rows, emptyText) {
  if (rows.length === 0) return h('p', { class: 'empty' }, emptyText);
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', {},
      h('caption', { class: 'sr-only' }, label),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', class: x.cls }, x.label || x)))),
      h('tbody', {}, rows)));
}

/**
 * The SLA cell from GET /api/v1/incidents/{id}/sla ({ targets: [{ target, state, remainingSeconds, completedAt?, … }] },
 * sla/SlaClock): the most urgent open target (not met, clock not stopped; smallest remainingSeconds first) as
 * "[at risk] acknowledge 12 min" or "[breached] acknowledge, 5 min ago". `remaining` itself is a Java Duration
 * ("PT-5M"), so only the seconds are read.
 */
export function slaSummary(sla) {
  const targets = (sla && Array.isArray(sla.targets)) ? sla.targets : [];
  if (targets.length === 0) return '—';
  const open = targets.filter((t) => t.state !== 'met' && !t.completedAt)
    .sort((a, b) => a.remainingSeconds - b.remainingSeconds);
  if (open.length === 0) { // every clock stopped: met, or the worst one that was breached
    const missed = targets.find((t) => t.state === 'breached');
    return missed ? h('span', {}, badge('sla', 'breached'), ` ${missed.target}`) : badge('sla', 'met');
  }
  const next = open[0];
  const text = next.remainingSeconds < 0 ? `${next.target}, ${minutes(-next.remainingSeconds, Math.floor)} ago`
    : `${next.target} ${minutes(next.remainingSeconds, Math.ceil)}`;
  return h('span', { 'data-sla-target': next.target }, badge('sla', next.state), ' ', text);
}

/** 720 → "12 min", 7500 → "2 h 5 min", 20 (rounded down) → "under 1 min"; `round` decides the partial minute (up for time left, down for time past). */
function minutes(seconds, round) {
  const total = round(seconds / 60);
  if (total === 0) return 'under 1 min';
  return total < 90 ? `${total} min` : `${Math.floor(total / 60)} h${total % 60 ? ` ${total % 60} min` : ''}`;
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
    return h('li', { 'data-connector': r.connector }, /^https?:\/\//i.test(r.url || '')
      ? h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer' }, label) : label);
  }));
}
