// SLA clocks as the console shows them (sla/SlaClock): one cell per incident on the list (the most urgent open target;
// the list's clocks come from GET /api/v1/sla?incident=A,B,…, one object per incident), every clock with its due time on
// the incident page (GET /api/v1/incidents/{id}/sla).
import { badge, h, when } from './views.js';

/**
 * The SLA cell from an incident's clocks ({ targets: [{ target, state, remainingSeconds, completedAt?, … }] },
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
 * Every clock of one incident: "[running] acknowledge — due <time> (12 min left)", "[met] mitigate — due <time>, met
 * <time>", "[breached] resolve — due <time>, breached <time>"; the page is re-read at each of the incident's events.
 */
export function slaClocks(sla) {
  const targets = (sla && Array.isArray(sla.targets)) ? sla.targets : [];
  if (targets.length === 0) return h('p', { class: 'empty', 'data-field': 'sla-clocks' }, 'No SLA applies to this incident’s severity.');
  return h('ul', { class: 'sla-clocks', 'data-field': 'sla-clocks' }, targets.map((t) => {
    const stopped = Boolean(t.completedAt || t.metAt);
    let left = null;
    if (!stopped) {
      left = t.remainingSeconds < 0 ? ` (${minutes(-t.remainingSeconds, Math.floor)} overdue)`
        : ` (${minutes(t.remainingSeconds, Math.ceil)} left)`;
    }
    return h('li', { 'data-sla-clock': t.target }, badge('sla', t.state), ` ${t.target} — due `, when(t.dueAt),
      t.metAt ? [', met ', when(t.metAt)] : null,
      t.breachedAt ? [', breached ', when(t.breachedAt)] : null, left);
  }));
}
