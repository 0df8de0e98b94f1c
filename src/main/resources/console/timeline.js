// One entry of an incident's timeline, from GET /api/v1/incidents/{id}/timeline: what happened, who did it (the actor
// the caller named and the principal the gateway authenticated), when, and what the event's data says that matters to
// a responder: the role and assignee of a role_assign, the target status, reason and severity of a state_change, the
// links and labels an alert carried. Built with DOM nodes and textContent only: every field may come from an alert
// sender or another caller and is never parsed as HTML. What looks official is shown so only when the principal
// vouches for it: an SLA note only from the SLA tracker (system:sla), an alert's links and labels only from a webhook
// source or a poller; any caller with a write key can put the same fields in data, and those show as plain data.
import { h, safeLink, when } from './views.js';

const SLA_PRINCIPAL = 'system:sla';

// An event recorded this much after its own time (a late alert, a backfill) shows both times.
const LATE_MS = 60_000;

// The alert fields worth a click at 3 a.m., where Alertmanager and Grafana put them (ingest/AlertmanagerMapper, GrafanaMapper).
const ALERT_LINKS = [
  ['Runbook', (d) => text(d.annotations && d.annotations.runbook_url) || text(d.runbook_url)],
  ['Dashboard', (d) => text(d.dashboardURL) || text(d.annotations && d.annotations.dashboard_url)],
  ['Panel', (d) => text(d.panelURL)],
  ['Source', (d) => text(d.generatorURL)],
  ['Silence', (d) => text(d.silenceURL)],
];

function text(value) {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** The <li> of one timeline event. */
export function timelineEntry(e) {
  const data = e.data && typeof e.data === 'object' ? e.data : {};
  const principal = typeof e.principal === 'string' ? e.principal : '';
  const fromAlertSender = principal.startsWith('webhook:') || principal.startsWith('poller:');
  const what = summary(e.type, data, principal === SLA_PRINCIPAL);
  return h('li', { 'data-type': e.type, 'data-seq': e.seq },
    h('div', { class: 'tl-head' }, times(e), h('strong', {}, e.type), ` by ${e.actor}`,
      e.principal ? h('span', { class: 'principal', 'data-field': 'principal', title: 'Who did it, as the gateway authenticated it' },
        ` (${e.principal})`) : null,
      what ? h('span', { 'data-field': 'change' }, `: ${what}`) : null,
      e.title ? ` — ${e.title}` : null),
    e.content ? h('div', { class: 'tl-content', 'data-field': 'content' }, e.content) : null,
    fromAlertSender ? alertFacts(data) : plainData(e.type, data));
}

/** data a caller wrote that would look like an alert's facts or an SLA note: shown as the JSON it is, as text. */
function plainData(type, d) {
  const slaLike = type === 'note' && (d.kind === 'sla_warning' || d.kind === 'sla_breach');
  if (!slaLike && !alertFacts(d)) return null;
  return h('div', { class: 'tl-data', 'data-field': 'data' }, `data: ${JSON.stringify(d)}`);
}

/** The event time (the sender's, e.g. an alert's startsAt); the recording time too when the gateway learned of it later. */
function times(e) {
  const at = e.eventTime || e.recordedAt;
  const late = e.eventTime && e.recordedAt && Date.parse(e.recordedAt) - Date.parse(e.eventTime) >= LATE_MS;
  return h('span', { class: 'tl-time' }, when(at), late ? [' (recorded ', when(e.recordedAt), ')'] : null, ' ');
}

/** What a role_assign, state_change or SLA note (only the SLA tracker's: bySla) changed, in words; null for the others. */
function summary(type, d, bySla) {
  if (type === 'role_assign') {
    return `${text(d.role) || 'role'} → ${text(d.assignee) || '(nobody)'}`;
  }
  if (type === 'state_change') {
    const parts = [];
    if (text(d.to)) parts.push(`→ ${d.to}${text(d.reason) ? `: ${d.reason}` : ''}`);
    else if (text(d.reason)) parts.push(d.reason);
    if (text(d.severity)) parts.push(`severity → ${d.severity}`);
    return parts.join('; ') || null;
  }
  if (bySla && type === 'note' && (d.kind === 'sla_warning' || d.kind === 'sla_breach')) {
    return `SLA ${d.kind === 'sla_breach' ? 'breach' : 'warning'}: ${text(d.target) || ''}`.trim();
  }
  return null;
}

/** An alert's links (only http(s) ones clickable) and labels, on one or two compact lines; null when it has none. */
function alertFacts(d) {
  const links = ALERT_LINKS.map(([label, read]) => [label, read(d)]).filter(([, url]) => url);
  const labels = d.labels && typeof d.labels === 'object' && !Array.isArray(d.labels) ? Object.entries(d.labels) : [];
  if (links.length === 0 && labels.length === 0) return null;
  return h('div', { class: 'tl-alert' },
    links.length ? h('ul', { class: 'alert-links', 'aria-label': 'Alert links' }, links.map(([label, url]) =>
      h('li', { 'data-link': label.toLowerCase() }, /^https?:\/\//i.test(url) ? safeLink(url, label) : `${label}: ${url}`))) : null,
    labels.length ? h('ul', { class: 'alert-labels', 'aria-label': 'Alert labels' }, labels.map(([k, v]) =>
      h('li', {}, `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`))) : null);
}
