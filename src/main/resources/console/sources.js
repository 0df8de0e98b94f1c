// The sources page: what feeds the gateway. Webhook sources (POST /webhooks/<name>) with their auth mode and the
// requests accepted and refused since the gateway started, and pollers with their health, from
// GET /api/v1/sources; the store's health from /health.
import { api, authHeaders } from './api.js';
import { reread } from './ui.js';
import { badge, h, replaceKeepingFocus, table, when } from './views.js';

/** Renders the page into `view`; returns the page object the router keeps ({ heading, refresh, onEvents, position }). */
export async function sourcesPage(view) {
  const heading = h('h2', { tabindex: '-1' }, 'Sources');
  const store = h('div', {});
  const webhooks = h('div', {});
  const pollers = h('div', {});
  view.replaceChildren(heading,
    h('p', {}, 'What feeds the gateway. Webhook counts are since the gateway last started.'), store,
    h('h3', {}, 'Webhook sources'), webhooks,
    h('h3', {}, 'Pollers'), pollers);

  async function refresh() {
    const [sources, health] = await Promise.all([api('/api/v1/sources'), healthChecks()]);
    const storeCheck = (health.checks || {}).store || {};
    store.replaceChildren(h('p', { 'data-check': 'store' }, 'Gateway: ', badge('hc', health.status),
      ' · store ', badge('hc', storeCheck.status), storeCheck.database ? ` (${storeCheck.database})` : ''));
    replaceKeepingFocus(webhooks, table('Webhook sources',
      ['Source', { label: 'Auth', cls: 'hide-narrow' }, 'Accepted', 'Refused', { label: 'Last accepted', cls: 'hide-narrow' },
        { label: 'Last refusal', cls: 'hide-narrow' }],
      sources.webhooks.map((w) => h('tr', { 'data-source': w.name },
        h('th', { scope: 'row' }, h('code', {}, w.path)),
        h('td', { class: 'hide-narrow' }, w.auth === 'none' ? badge('auth', 'open') : w.auth),
        h('td', { 'data-field': 'accepted' }, String(w.accepted)),
        h('td', { 'data-field': 'refused' }, String(w.refused)),
        h('td', { class: 'hide-narrow' }, when(w.lastAcceptedAt)),
        h('td', { class: 'hide-narrow error-cell' }, w.lastRefusal ? [w.lastRefusal, ' ', when(w.lastRefusedAt)] : '—'))),
      'No webhook sources are declared (connectors/<name>.yaml with kind: webhook-source).'));
    replaceKeepingFocus(pollers, table('Pollers', ['Poller', 'Health', { label: 'Every', cls: 'hide-narrow' }, 'Detail'],
      sources.pollers.map((p) => h('tr', { 'data-poller': p.name },
        h('th', { scope: 'row' }, p.name),
        h('td', {}, badge('hc', p.status), ` ${p.state.replace(/_/g, ' ')}`),
        h('td', { class: 'hide-narrow' }, `${p.intervalSeconds} s`),
        h('td', { class: 'error-cell' }, p.detail || '—'))),
      'No pollers are configured.'));
  }

  await refresh();
  // Counts change without a timeline event (a refused webhook): re-read while the page is open.
  const timer = setInterval(() => reread(refresh), 5000);
  return { heading, refresh, onEvents: refresh, position: null, stop: () => clearInterval(timer) };
}

/** /health answers 503 with the same body when a check is down: read it either way. */
async function healthChecks() {
  const response = await fetch('/health', { headers: authHeaders('application/json') });
  return response.json();
}
