// The operator console: a hash router over four pages (incidents, one incident in incident.js, outbox.js, sources.js), kept
// current by the live feed (live.js). Every page re-reads what it shows from the API; no state is cached
// beyond the key in sessionStorage and the feed's position.
import { api, onResume, onUnauthorized, optionalFeatures, session, whoami } from './api.js';
import { incidentPage } from './incident.js';
import { incidentOf, liveEvents } from './live.js';
import { outboxPage } from './outbox.js';
import { sourcesPage } from './sources.js';
import { finishSignIn, startSignIn } from './signin.js';
import { busy, guarded, oneAtATime, reread } from './ui.js';
import { slaSummary } from './sla.js';
import { badge, h, replaceKeepingFocus, table, when } from './views.js';

const view = document.getElementById('view');
const liveStatus = document.getElementById('live-status');
let feed = null;
let feedStarting = false; // a feed is being opened (the features are read first): open only one
let current = { name: null, refresh: async () => {}, onEvents: null };
let shown = 0; // counts the pages opened: a page that finishes loading after another was opened (or a sign-out) is dropped

/** Stops what the page on screen still does on its own (the Outbox and Sources re-read every few seconds). */
function leavePage() {
  shown += 1;
  if (current.stop) current.stop();
  current = { name: null, refresh: async () => {}, onEvents: null };
}

// ---- the key ------------------------------------------------------------------------------------------
function showSession() {
  const signedIn = Boolean(session.key());
  document.getElementById('key-form').hidden = signedIn;
  document.getElementById('session').hidden = !signedIn;
  const via = session.via();
  document.getElementById('session-who').textContent = signedIn ? `Acting as ${session.actor()}${via ? ` (signed in at ${via})` : ''}` : '';
  document.getElementById('forget-key').textContent = via ? 'Sign out' : 'Forget key';
  if (signedIn) showCaller();
}

// Beside the name the operator typed: who the gateway takes the key for and what it may do ("key:alice: read, write").
async function showCaller() {
  const { principal, scopes } = await whoami();
  const who = document.getElementById('session-who');
  if (!principal || !session.key() || who.querySelector('.caller')) return;
  who.append(h('span', { class: 'caller', 'data-field': 'caller' }, ` · ${principal}${Array.isArray(scopes) ? `: ${scopes.join(', ')}` : ''}`));
}

function signOut(message) {
  session.forget();
  leavePage(); // else the Outbox and Sources kept asking without a key: a 401 on the sign-in screen every 3 s
  if (feed) feed.stop();
  feed = null;
  showSession();
  view.replaceChildren(h('p', {}, message));
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
  signOut('Enter an API key (scope read; write to change incidents; operate for the outbox).');
  document.getElementById('api-key').focus();
});
// An access token expires (and a key can be revoked): the gateway's 401 brings the operator back to the sign-in.
onUnauthorized(() => signOut('Signed out: the gateway no longer accepts this key or access token (access tokens expire). '
  + 'Sign in again.'));

// When a wait the gateway asked for (429/503 + Retry-After) is over: re-read the page on screen once, or open it again if
// its first read was the one refused.
onResume(() => {
  if (!session.key()) return;
  if (current.heading) reread(current.refresh);
  else route();
});

// ---- live feed --------------------------------------------------------------------------------------------
// Events are handed to the page together when several arrive at once (a stream delivers them one by one):
// one re-read of the page per burst, not one per event.
let pending = [];
let liveKind = 'feed'; // 'stream' or 'polling', as live.js chose
let flushTimer = null;
function deliver(events) {
  pending.push(...events);
  if (flushTimer) return;
  flushTimer = setTimeout(() => {
    const batch = pending;
    pending = [];
    flushTimer = null;
    // A polite live region: a screen reader says what came in ("ack of INC-7 by kim") when the operator pauses.
    liveStatus.textContent = `Live (${liveKind}): ${batch.length} new event${batch.length === 1 ? '' : 's'} at ${new Date().toLocaleTimeString()}`
      + ` — ${whatHappened(batch)}`;
    if (current.onEvents) reread(() => current.onEvents(batch));
  }, 150);
}

/** "ack of INC-7 by kim; note of INC-7 by sam" for the first few events of a batch, and how many more. */
function whatHappened(batch) {
  const SAID = 3; // an alert storm's hundred declares are a count, not a hundred names read out
  const said = batch.slice(0, SAID).map((e) => {
    const type = String(e.type || '').split('.').pop(); // dev.incidentgateway.incident.ack → ack
    const actor = e.data && typeof e.data.actor === 'string' ? ` by ${e.data.actor}` : '';
    return `${type} of ${incidentOf(e)}${actor}`;
  });
  return said.join('; ') + (batch.length > SAID ? `; and ${batch.length - SAID} more` : '');
}

async function startFeed(after) {
  if (feed) feed.stop();
  feed = null;
  feedStarting = true;
  try {
    let live = false;
    const started = await liveEvents(after, deliver, (problem, kind) => {
      liveKind = kind;
      if (problem) {
        liveStatus.textContent = `Live updates paused: ${problem.title}. `
          + `${problem.retryAfter ? `Retrying in ${problem.waitSeconds} s, as the gateway asked.` : 'Retrying…'}`;
      } else if (!live) {
        liveStatus.textContent = `Live (${kind})`;
        // Re-read the page once live: what was committed before a feed without a position opened shows too.
        if (after === null) reread(current.refresh);
      }
      live = !problem;
    });
    if (!session.key()) started.stop(); // signed out while it was starting
    else feed = started;
  } finally {
    feedStarting = false;
  }
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
    const slas = withSla ? await slaOf(incidents) : new Map();
    const headers = ['Incident', { label: 'Title', cls: 'hide-narrow' }, 'Status', 'Severity', { label: 'Commander', cls: 'hide-narrow' },
      { label: 'Declared (event time)', cls: 'hide-narrow' }];
    if (withSla) headers.push('SLA');
    // On a phone the Title column is hidden and the title is the id's second line instead.
    const rows = incidents.map((i) => h('tr', { 'data-incident': i.id },
      h('td', { class: 'incident-cell' }, h('a', { href: `#/incidents/${encodeURIComponent(i.id)}` }, i.id),
        h('span', { class: 'show-narrow row-title', 'data-field': 'title' }, i.title)),
      h('td', { class: 'hide-narrow text-cell' }, i.title),
      h('td', { 'data-field': 'status' }, badge('st', i.status)),
      h('td', {}, i.severity || '—'),
      h('td', { class: 'hide-narrow text-cell' }, i.commander || '—'),
      h('td', { class: 'hide-narrow' }, when(i.declaredAt)),
      withSla ? h('td', {}, slaSummary(slas.get(i.id))) : null));
    replaceKeepingFocus(body, table('Incidents, newest first', headers, rows, 'No incidents yet.', { stacked: true }));
    return incidents;
  }

  // One re-read at a time: live events can come faster than a re-read takes, and the SLA clocks of the list are an
  // expensive read, of which a second one in parallel from the same key was refused (429).
  const refreshOnce = oneAtATime(refresh); // not `reread`: that name is ui.js's, imported above
  const incidents = await refreshOnce();
  return { heading, refresh: refreshOnce, onEvents: refreshOnce, position: latest(incidents.map((i) => i.lastEventId)) };
}

/**
 * The SLA clocks of the listed incidents by id, in one request (GET /api/v1/sla?incident=A,B,…): one request per incident
 * on every live update met the gateway's per-principal rate limit with a list of a hundred.
 */
async function slaOf(incidents) {
  if (incidents.length === 0) return new Map();
  const ids = incidents.map((i) => encodeURIComponent(i.id)).join(',');
  const { incidents: clocks } = await api(`/api/v1/sla?incident=${ids}`);
  return new Map(clocks.map((c) => [c.incidentId, c]));
}

/** The newest event of the newest incidents: where the live feed starts, unless the first page shown read later. */
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
    view.replaceChildren(h('p', {}, 'Sign in or enter an API key above to start.'));
    return;
  }
  const path = location.hash.replace(/^#/, '') || '/incidents';
  const match = /^\/incidents\/([^/]+)$/.exec(path);
  const name = match ? 'incident' : path.replace(/^\//, '');
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === (match ? 'incidents' : name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const pages = { incidents: incidentsPage, outbox: () => outboxPage(view), sources: () => sourcesPage(view) };
  const page = match ? () => incidentPage(view, decodeURIComponent(match[1])) : pages[name] || incidentsPage;
  leavePage();
  const opening = shown;
  await guarded(async () => {
    // Where a feed that is not running yet will start: the newest event read before the page reads anything, so
    // whatever the page misses comes through the feed. Not the page's own position alone: an incident last changed
    // long ago (a link from a chat message) would have the feed replay every event since, of every incident. The
    // incident list's own position is that same read, made by the page.
    const head = feed || feedStarting || page === incidentsPage ? null : await latestPosition();
    const next = await page();
    if (opening !== shown) { // signed out, or another page opened, while this one loaded
      if (next.stop) next.stop();
      return;
    }
    current = next;
    document.title = `${next.heading.textContent} — Incident Gateway`;
    next.heading.focus();
    if (!feed && !feedStarting) await startFeed(latest([next.position, head]));
  });
}

function start() {
  route();
}

// Where the gateway also accepts OpenID Connect access tokens, the sign-in form says so and names the issuer: a
// token pasted there (one a command-line tool obtained, say) is sent like a key (Authorization: Bearer), and kept the
// same way (this tab only). Where the console also has a client id there, "Sign in with <host>" starts signin.js.
optionalFeatures().then(({ oidcIssuer, oidcSignIn }) => {
  if (!oidcIssuer) return;
  document.querySelector('label[for="api-key"]').textContent = 'API key or access token';
  const help = document.getElementById('key-help');
  help.prepend(`Or paste an access token from ${oidcIssuer}. `);
  if (!oidcSignIn) return;
  if (oidcSignIn.problem) {
    help.prepend(`Sign-in with ${oidcSignIn.issuerHost} is unavailable: ${oidcSignIn.problem}. `);
    return;
  }
  const button = document.getElementById('idp-sign-in');
  button.textContent = `Sign in with ${oidcSignIn.issuerHost}`;
  button.hidden = false;
  button.addEventListener('click', () => busy(button, () => guarded(
    () => startSignIn(oidcSignIn, document.getElementById('actor').value.trim()))));
});

async function boot() {
  await guarded(finishSignIn); // the identity provider's redirect back, if this is one
  window.addEventListener('hashchange', route);
  showSession();
  start();
}
boot();
