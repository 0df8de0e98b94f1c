// The incident page (/#/incidents/<id>): the incident's facts, its SLA clocks with their due times, the changes a
// responder can make (incident-actions.js), the live timeline (timeline.js) and a note form. Re-read at each of the
// incident's events.
import { api, mayUse, optionalFeatures, session } from './api.js';
import { incidentActions } from './incident-actions.js';
import { incidentOf } from './live.js';
import { slaClocks } from './sla.js';
import { timelineEntry } from './timeline.js';
import { announce, busy, guarded, oneAtATime, showProblem } from './ui.js';
import { badge, externalLinks, h, replaceKeepingFocus, when } from './views.js';

/** Renders incident `id` into `view`; returns the page object the router keeps. */
export async function incidentPage(view, id) {
  const path = `/api/v1/incidents/${encodeURIComponent(id)}`;
  const heading = h('h2', { tabindex: '-1' }, `Incident ${id}`);
  const facts = h('dl', { class: 'facts' });
  const clocks = h('div', {});
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'Timeline' });
  const [withSla, canWrite] = await Promise.all([optionalFeatures().then((f) => Boolean(f.sla)), mayUse('write')]);
  const actions = incidentActions(id, () => refreshOnce());
  const seen = new Set();
  let lastId = null;
  let declare = null; // the declare event, for the time it was recorded
  const noteText = h('textarea', { id: 'note-text', name: 'note', required: true, maxlength: '10000', disabled: !canWrite });
  const noteForm = h('form', { class: 'note-form', onsubmit: (e) => { e.preventDefault(); note(e.submitter); } },
    h('label', { for: 'note-text' }, 'Add a note'), noteText,
    h('button', { type: 'submit', disabled: !canWrite }, 'Add note'));
  view.replaceChildren(h('p', {}, h('a', { href: '#/incidents' }, '← All incidents')), heading, facts,
    h('h3', { hidden: !withSla }, 'SLA clocks'), clocks, actions.element,
    h('h3', {}, 'Timeline'), timeline, noteForm, h('h3', {}, 'Assign a role'), actions.roleForm);

  async function note(button) {
    const content = noteText.value.trim();
    if (!content) return;
    if (await busy(button, () => guarded(() => api(`${path}/events`,
      { method: 'POST', body: { type: 'note', actor: session.actor(), content } })))) {
      noteText.value = '';
      showProblem(null);
      announce(`Note added to ${id}.`);
      await guarded(refreshOnce);
    }
  }

  // "Declared" is the declare's event time: for an alert the sender's (startsAt), which is also where the incident
  // list sorts it. When the gateway recorded it later, that time is shown beside it, as on the timeline.
  function declared(i) {
    const late = declare && declare.recordedAt && Date.parse(declare.recordedAt) - Date.parse(i.declaredAt) >= 60_000;
    return [when(i.declaredAt), late ? [' (recorded ', when(declare.recordedAt), ')'] : null];
  }

  async function refresh() {
    const [i, sla] = await Promise.all([api(path), withSla ? api(`${path}/sla`).catch(() => null) : null]);
    for (;;) { // the timeline's new pages, after the last event shown
      const page = await api(`${path}/timeline?limit=200${lastId ? `&after=${lastId}` : ''}`);
      for (const e of page.events) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        lastId = e.id;
        if (e.type === 'declare' && !declare) declare = e;
        timeline.append(timelineEntry(e));
      }
      if (!page.nextAfter) break;
    }
    heading.textContent = `Incident ${i.id}: ${i.title}`;
    replaceKeepingFocus(facts,
      h('dt', {}, 'Status'), h('dd', { 'data-field': 'status' }, badge('st', i.status)),
      h('dt', {}, 'Severity'), h('dd', { 'data-field': 'severity' }, i.severity || '—'),
      h('dt', {}, 'Commander'), h('dd', { 'data-field': 'commander' }, i.commander || '—'),
      h('dt', {}, 'Declared (event time)'), h('dd', { 'data-field': 'declared' }, declared(i)),
      h('dt', {}, 'Linked'), h('dd', { 'data-field': 'external-refs' }, externalLinks(i.externalRefs)));
    if (withSla) clocks.replaceChildren(sla ? slaClocks(sla) : h('p', { class: 'empty' }, 'SLA clocks unavailable.'));
    actions.update(i, canWrite);
    return i;
  }

  // One re-read at a time, as the incident list's: live events can come faster than a re-read takes, and two side by side
  // could render an older status after a newer one.
  const refreshOnce = oneAtATime(refresh);
  const incident = await refreshOnce();
  return {
    heading,
    refresh: refreshOnce,
    onEvents: (events) => (events.some((e) => incidentOf(e) === id) ? refreshOnce() : null),
    position: incident.lastEventId,
  };
}
