// The operator console: a hash router over three pages (incidents, one incident, outbox, sources), kept
// current by the live feed (live.js). Every page re-reads what it shows from the API; no state is cached
// beyond the key in sessionStorage and the feed's position.
import { api, optionalFeatures, Problem, session } from './api.js';
import { incidentOf, pollEvents } from './live.js';
import { badge, h, slaSummary, table, when } from './views.js';

const view = document.getElementById('view');
const liveStatus = document.getElementById('live-status');
let feed = null;
let current = { name: null, refresh: async () => {}, onEvents: null };

// ---- errors: the problem's title and detail -------------------------------------------------------------
function showProblem(problem) {
  const box = document.getElementById('problem');
  if (!problem) {
    box.hidden = true;
    return;
  }
  const p = problem instanceof Problem ? problem : new Problem(0, 'Console error', String(problem.message || problem));
  document.getElementById('problem-title').textContent = p.title;
  document.getElementById('problem-detail').textContent = p.detail;
  box.hidden = false;
}
document.getElementById('problem-close').addEventListener('click', () => showProblem(null));

async function guarded(action) {
  try {
    await action();
    return true;
  } catch (e) {
    showProblem(e);
    return false;
  }
}

/** Runs fn with `button` disabled (no double acknowledge from a double click), then gives the focus back. */
async function busy(button, fn) {
  if (!button) return fn();
  button.disabled = true;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    if (button.isConnected) button.focus();
  }
}

// ---- the key ------------------------------------------------------------------------------------------
function showSession() {
  const signedIn = Boolean(session.key());
  document.getElementById('key-form').hidden = signedIn;
  document.getElementById('session').hidden = !signedIn;
  document.getElementById('session-who').textContent = signedIn ? `Acting as ${session.actor()}` : '';
}

document.getElementById('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = document.getElementById('api-key').value.trim();
  if (!key) return;
  session.save(key, document.getElementById('actor').value.trim());
  document.getElementById('api-key').value = '';
  showSession();
  start();
});
document.getElementById('forget-key').addEventListener('click', () => {
  session.forget();
  if (feed) feed.stop();
  feed = null;
  showSession();
  view.replaceChildren(h('p', {}, 'Enter an API key (scope read; write to change incidents; operate for the outbox).'));
  document.getElementById('api-key').focus();
});

// ---- live feed --------------------------------------------------------------------------------------------
function startFeed(after) {
  if (feed) feed.stop();
  feed = pollEvents(after, (events) => {
    liveStatus.textContent = `Live: ${events.length} new event${events.length === 1 ? '' : 's'} at ${new Date().toLocaleTimeString()}`;
    if (current.onEvents) guarded(() => current.onEvents(events));
  }, (problem) => {
    if (problem) liveStatus.textContent = `Live updates paused: ${problem.title}. Retrying…`;
  });
}

// ---- pages ------------------------------------------------------------------------------------------------
async function incidentsPage() {
  const heading = h('h2', { tabindex: '-1' }, 'Incidents');
  const body = h('div', {});
  view.replaceChildren(heading, body);
  let withSla = null;

  async function refresh() {
    const { incidents } = await api('/api/v1/incidents?limit=100');
    if (withSla === null) withSla = Boolean((await optionalFeatures()).sla);
    const slas = withSla ? await Promise.all(incidents.map((i) => api(`/api/v1/incidents/${encodeURIComponent(i.id)}/sla`).catch(() => null))) : [];
    const headers = ['Incident', { label: 'Title', cls: 'hide-narrow' }, 'Status', 'Severity', { label: 'Commander', cls: 'hide-narrow' },
      { label: 'Declared', cls: 'hide-narrow' }];
    if (withSla) headers.push('SLA');
    const rows = incidents.map((i, n) => h('tr', { 'data-incident': i.id },
      h('td', {}, h('a', { href: `#/incidents/${encodeURIComponent(i.id)}` }, i.id)),
      h('td', { class: 'hide-narrow' }, i.title),
      h('td', { 'data-field': 'status' }, badge('st', i.status)),
      h('td', {}, i.severity || '—'),
      h('td', { class: 'hide-narrow' }, i.commander || '—'),
      h('td', { class: 'hide-narrow' }, when(i.declaredAt)),
      withSla ? h('td', {}, slaSummary(slas[n])) : null));
    body.replaceChildren(table('Incidents, newest first', headers, rows, 'No incidents yet.'));
    return incidents;
  }

  const incidents = await refresh();
  return { heading, refresh, onEvents: refresh, position: latest(incidents.map((i) => i.lastEventId)) };
}

async function incidentPage(id) {
  const heading = h('h2', { tabindex: '-1' }, `Incident ${id}`);
  const facts = h('dl', { class: 'facts' });
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'Timeline' });
  const actions = h('div', { class: 'actions', role: 'group', 'aria-label': 'Change the incident' });
  const seen = new Set();
  let lastId = null;
  for (const [type, label] of [['ack', 'Acknowledge'], ['mitigate', 'Mitigate'], ['resolve', 'Resolve'], ['close', 'Close']]) {
    actions.append(h('button', { type: 'button', 'data-action': type, onclick: (e) => act(type, e.currentTarget) }, label));
  }
  const noteText = h('textarea', { id: 'note-text', name: 'note', required: true, maxlength: '10000' });
  const noteForm = h('form', { class: 'note-form', onsubmit: (e) => { e.preventDefault(); note(e.submitter); } },
    h('label', { for: 'note-text' }, 'Add a note'), noteText, h('button', { type: 'submit' }, 'Add note'));
  view.replaceChildren(h('p', {}, h('a', { href: '#/incidents' }, '← All incidents')), heading, facts, actions,
    h('h3', {}, 'Timeline'), timeline, noteForm);

  async function act(type, button) {
    if (await busy(button, () => guarded(() => api(`/api/v1/incidents/${encodeURIComponent(id)}/events`, { method: 'POST', body: { type, actor: session.actor() } })))) {
      showProblem(null);
      await guarded(refresh);
    }
  }

  async function note(button) {
    const content = noteText.value.trim();
    if (!content) return;
    if (await busy(button, () => guarded(() => api(`/api/v1/incidents/${encodeURIComponent(id)}/events`,
      { method: 'POST', body: { type: 'note', actor: session.actor(), content } })))) {
      noteText.value = '';
      showProblem(null);
      await guarded(refresh);
    }
  }

  async function refresh() {
    const i = await api(`/api/v1/incidents/${encodeURIComponent(id)}`);
    heading.textContent = `Incident ${i.id}: ${i.title}`;
    facts.replaceChildren(
      h('dt', {}, 'Status'), h('dd', { 'data-field': 'status' }, badge('st', i.status)),
      h('dt', {}, 'Severity'), h('dd', {}, i.severity || '—'),
      h('dt', {}, 'Commander'), h('dd', {}, i.commander || '—'),
      h('dt', {}, 'Declared'), h('dd', {}, when(i.declaredAt)));
    for (;;) { // the timeline's new pages, after the last event shown
      const page = await api(`/api/v1/incidents/${encodeURIComponent(id)}/timeline?limit=200${lastId ? `&after=${lastId}` : ''}`);
      for (const e of page.events) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        lastId = e.id;
        timeline.append(h('li', { 'data-type': e.type },
          when(e.recordedAt), h('strong', {}, e.type), ` by ${e.actor}`,
          e.title ? ` — ${e.title}` : '', e.content ? h('div', {}, e.content) : null));
      }
      if (!page.nextAfter) break;
    }
    return i;
  }

  const incident = await refresh();
  return {
    heading,
    refresh,
    onEvents: (events) => (events.some((e) => incidentOf(e) === id) ? refresh() : null),
    position: incident.lastEventId,
  };
}

async function outboxPage() {
  const heading = h('h2', { tabindex: '-1' }, 'Outbox');
  const body = h('div', {});
  view.replaceChildren(heading, h('p', {}, 'Deliveries to connectors that are waiting (pending) or gave up (dead). '
    + 'Replay sends a dead delivery again; skip gives it up and releases the deliveries behind it.'), body);

  async function change(row, what, button) {
    if (await busy(button, () => guarded(() => api(`/api/v1/outbox/${row.id}/${what}`, { method: 'POST' })))) {
      showProblem(null);
      await guarded(refresh);
    }
  }

  async function refresh() {
    const [pending, dead] = await Promise.all([api('/api/v1/outbox?status=pending&limit=500'), api('/api/v1/outbox?status=dead&limit=500')]);
    const rows = [...dead.items, ...pending.items];
    const connectors = [...new Set(rows.map((r) => r.connector))].sort();
    if (connectors.length === 0) {
      body.replaceChildren(h('p', { class: 'empty' }, 'Nothing pending or dead: every delivery went through.'));
      return;
    }
    body.replaceChildren(...connectors.map((c) => h('section', { 'aria-label': `Connector ${c}` },
      h('h3', {}, `${c} — ${rows.filter((r) => r.connector === c && r.status === 'dead').length} dead, `
        + `${rows.filter((r) => r.connector === c && r.status === 'pending').length} pending`),
      table(`Deliveries to ${c}`, ['Row', 'Incident', 'Status', { label: 'Attempts', cls: 'hide-narrow' }, { label: 'Last error', cls: 'hide-narrow' }, 'Action'],
        rows.filter((r) => r.connector === c).map((r) => h('tr', { 'data-row': r.id },
          h('td', {}, String(r.id)),
          h('td', {}, h('a', { href: `#/incidents/${encodeURIComponent(r.incidentId)}` }, r.incidentId), ` #${r.eventSeq}`),
          h('td', {}, badge('st', r.status)),
          h('td', { class: 'hide-narrow' }, String(r.attempts)),
          h('td', { class: 'hide-narrow error-cell' }, r.lastError || '—'),
          h('td', {},
            r.status === 'dead' ? h('button', { type: 'button', 'data-action': 'replay', 'aria-label': `Replay delivery ${r.id}`, onclick: (e) => change(r, 'replay', e.currentTarget) }, 'Replay') : null,
            ' ',
            h('button', { type: 'button', class: 'secondary', 'data-action': 'skip', 'aria-label': `Skip delivery ${r.id}`, onclick: (e) => change(r, 'skip', e.currentTarget) }, 'Skip')))),
        'None.'))));
  }

  await refresh();
  // Deliveries change without a timeline event (retried, delivered, dead): re-read while the page is open.
  const timer = setInterval(() => guarded(refresh), 3000);
  return { heading, refresh, onEvents: refresh, position: null, stop: () => clearInterval(timer) };
}

async function sourcesPage() {
  const heading = h('h2', { tabindex: '-1' }, 'Sources');
  const body = h('div', {});
  view.replaceChildren(heading, h('p', {}, 'The gateway\'s health checks: its store and each poller. '
    + 'Webhook sources are not listed by the API yet.'), body);

  async function refresh() {
    // /health answers 503 with the same body when a check is down: read it either way.
    const response = await fetch('/health', { headers: { Authorization: `Bearer ${session.key()}`, Accept: 'application/json' } });
    const health = await response.json();
    const checks = Object.entries(health.checks || {});
    body.replaceChildren(h('p', {}, 'Gateway: ', badge('hc', health.status)),
      table('Health checks', ['Check', 'Kind', 'Status', 'Detail'], checks.map(([name, c]) => h('tr', { 'data-check': name },
        h('th', { scope: 'row' }, name.replace(/^poller-/, '')),
        h('td', {}, name.startsWith('poller-') ? 'poller' : name),
        h('td', {}, badge('hc', c.status), c.state ? ` ${c.state}` : ''),
        h('td', { class: 'error-cell' }, c.detail || c.database || '—'))),
      'No details: this key may lack the read scope.'));
  }

  await refresh();
  return { heading, refresh, onEvents: null, position: null };
}

/** Where the live feed starts when the first page shown has no position: the newest incident event. */
async function latestPosition() {
  const { incidents } = await api('/api/v1/incidents?limit=100');
  return latest(incidents.map((i) => i.lastEventId));
}

/** The newest of some ULIDs (they sort by time as strings). */
function latest(ids) {
  return ids.filter(Boolean).sort().pop() || null;
}

// ---- router -----------------------------------------------------------------------------------------------
async function route() {
  if (!session.key()) {
    view.replaceChildren(h('p', {}, 'Enter an API key above to start.'));
    return;
  }
  const path = location.hash.replace(/^#/, '') || '/incidents';
  const match = /^\/incidents\/([^/]+)$/.exec(path);
  const name = match ? 'incident' : path.replace(/^\//, '');
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === (match ? 'incidents' : name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const pages = { incidents: incidentsPage, outbox: outboxPage, sources: sourcesPage };
  const page = match ? () => incidentPage(decodeURIComponent(match[1])) : pages[name] || incidentsPage;
  if (current.stop) current.stop();
  current = { name: null, refresh: async () => {}, onEvents: null };
  await guarded(async () => {
    const next = await page();
    current = next;
    document.title = `${next.heading.textContent} — Incident Gateway`;
    next.heading.focus();
    if (!feed) startFeed(next.position || await latestPosition());
  });
}

function start() {
  route();
}

window.addEventListener('hashchange', route);
showSession();
start();
