// The outbox page: deliveries to connectors that are waiting (pending) or gave up (dead), per connector, with
// replay and skip (scope operate).
import { api, mayUse } from './api.js';
import { announce, busy, guarded, reread, showProblem } from './ui.js';
import { badge, h, replaceKeepingFocus, table } from './views.js';

/** Renders the page into `view`; returns the page object the router keeps. */
export async function outboxPage(view) {
  const heading = h('h2', { tabindex: '-1' }, 'Outbox');
  const body = h('div', {});
  view.replaceChildren(heading, h('p', {}, 'Deliveries to connectors that are waiting (pending) or gave up (dead). '
    + 'Replay sends a dead delivery again (Replay all dead: every one of that connector); skip gives it up and releases the '
    + 'deliveries behind it.'), body);

  // POSTs one operation with `button` busy; once the gateway took it, says `done` to a screen reader and reads anew.
  async function operate(path, done, button) {
    if (await busy(button, () => guarded(() => api(path, { method: 'POST' })))) {
      showProblem(null);
      announce(done);
      await guarded(refresh);
    }
  }

  function change(row, what, button) {
    return operate(`/api/v1/outbox/${row.id}/${what}`, `${what === 'replay' ? 'Replayed' : 'Skipped'} delivery ${row.id}.`, button);
  }

  // Every dead delivery of one connector in one call (POST /api/v1/outbox/replay?connector=): after a revoked token or
  // an outage, an alert storm leaves hundreds of them.
  function replayAll(connector, button) {
    return operate(`/api/v1/outbox/replay?connector=${encodeURIComponent(connector)}`, `Replayed the dead deliveries to ${connector}.`,
      button);
  }

  // A key without `operate` sees the deliveries with Replay and Skip greyed out (GET /api/v1/whoami), not a 403 per click.
  const canOperate = await mayUse('operate');
  const lacking = canOperate ? null : 'This key lacks the operate scope: Replay and Skip are greyed out.';
  // Said on the page too, not only in the buttons' title: a greyed-out button takes no keyboard focus, so neither a
  // keyboard nor a screen reader ever reaches its tooltip.
  if (lacking) body.before(h('p', { class: 'help', 'data-field': 'lacking' }, lacking));

  async function refresh() {
    const [pending, dead] = await Promise.all([api('/api/v1/outbox?status=pending&limit=500'), api('/api/v1/outbox?status=dead&limit=500')]);
    const rows = [...dead.items, ...pending.items];
    const connectors = [...new Set(rows.map((r) => r.connector))].sort();
    if (connectors.length === 0) {
      replaceKeepingFocus(body, h('p', { class: 'empty' }, 'Nothing pending or dead: every delivery went through.'));
      return;
    }
    const deadOf = (c) => rows.filter((r) => r.connector === c && r.status === 'dead').length;
    replaceKeepingFocus(body, ...connectors.map((c) => h('section', { 'aria-label': `Connector ${c}` },
      h('h3', {}, `${c} — ${deadOf(c)} dead, `
        + `${rows.filter((r) => r.connector === c && r.status === 'pending').length} pending`),
      deadOf(c) > 0 ? h('button', { type: 'button', 'data-action': 'replay-all', 'aria-label': `Replay all dead deliveries to ${c}`, disabled: !canOperate, title: lacking,
        onclick: (e) => replayAll(c, e.currentTarget) }, 'Replay all dead') : null,
      // Stacked on a phone (a card per delivery), so the last error, what the operator decides on, stays in sight.
      table(`Deliveries to ${c}`, ['Row', 'Incident', 'Status', 'Attempts', 'Last error', 'Action'],
        rows.filter((r) => r.connector === c).map((r) => h('tr', { 'data-row': r.id },
          h('td', {}, String(r.id)),
          h('td', {}, h('a', { href: `#/incidents/${encodeURIComponent(r.incidentId)}` }, r.incidentId), ` #${r.eventSeq}`),
          h('td', {}, badge('st', r.status)),
          h('td', {}, String(r.attempts)),
          h('td', { class: 'error-cell', 'data-field': 'last-error' }, r.lastError || '—'),
          h('td', {},
            r.status === 'dead' ? h('button', { type: 'button', 'data-action': 'replay', 'aria-label': `Replay delivery ${r.id}`, disabled: !canOperate, title: lacking, onclick: (e) => change(r, 'replay', e.currentTarget) }, 'Replay') : null,
            ' ',
            h('button', { type: 'button', class: 'secondary', 'data-action': 'skip', 'aria-label': `Skip delivery ${r.id}`, disabled: !canOperate, title: lacking, onclick: (e) => change(r, 'skip', e.currentTarget) }, 'Skip')))),
        'None.', { stacked: true }))));
  }

  await refresh();
  // Deliveries change without a timeline event (retried, delivered, dead): re-read while the page is open.
  const timer = setInterval(() => reread(refresh), 3000);
  return { heading, refresh, onEvents: refresh, position: null, stop: () => clearInterval(timer) };
}
