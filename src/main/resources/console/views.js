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

/** "12 min left", "breached 3 min ago" from an SLA answer; tolerant of its exact shape (another helper's endpoint). */
export function slaSummary(sla) {
  if (!sla) return '—';
  const targets = Array.isArray(sla.targets) ? sla.targets
    : Object.entries(sla.targets || sla).filter(([, v]) => v && typeof v === 'object').map(([name, v]) => ({ target: name, ...v }));
  const open = targets.filter((t) => t.state && t.state !== 'met');
  if (open.length === 0) return targets.length ? badge('sla', 'met') : '—';
  const next = open.sort((a, b) => String(a.due || a.dueAt || '').localeCompare(String(b.due || b.dueAt || '')))[0];
  return h('span', {}, badge('sla', next.state), ' ', `${next.target || next.name || ''} ${duration(next.remaining)}`.trim());
}

function duration(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return `${Math.round(value / 60)} min`;
  const m = /^-?PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(value);
  if (!m) return String(value);
  const minutes = (+(m[1] || 0)) * 60 + (+(m[2] || 0)) + Math.round((+(m[3] || 0)) / 60);
  return `${value.startsWith('-') ? '-' : ''}${minutes} min`;
}
