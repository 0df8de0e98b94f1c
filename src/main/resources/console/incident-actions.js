// What a responder can change on the incident page, each as one POST /api/v1/incidents/{id}/events:
// - Acknowledge at once (the 3 a.m. click);
// - Mitigate and Resolve through a short step with an optional summary (the event's content);
// - Close only after a confirm step: closed is terminal, a misclick cannot be undone;
// - Reopen a resolved incident with a reason (state_change to acknowledged, data.reason);
// - assign a role (role_assign, data.role and data.assignee; role commander sets the incident's commander).
// A change is offered only when the incident's status accepts it (the API's allowedEvents) and the key holds `write`
// (GET /api/v1/whoami): a read-only key sees every change greyed out, with the reason, instead of a 403 after a click.
import { api, session } from './api.js';
import { announce, busy, guarded, showProblem } from './ui.js';
import { h } from './views.js';

// done: what a screen reader is told once the gateway took the change ("Acknowledged INC-7.").
const CHANGES = [
  { action: 'ack', label: 'Acknowledge', done: 'Acknowledged', event: 'ack' },
  { action: 'mitigate', label: 'Mitigate', done: 'Mitigated', event: 'mitigate', summary: 'What was done to mitigate it (optional)' },
  { action: 'resolve', label: 'Resolve', done: 'Resolved', event: 'resolve', summary: 'How it was resolved (optional)' },
  { action: 'close', label: 'Close', done: 'Closed', event: 'close', confirm: 'Close this incident? Closed is final: afterwards only notes can be added.' },
  { action: 'reopen', label: 'Reopen', done: 'Reopened', event: 'state_change', reason: 'Why it is reopened' },
];

/**
 * The action buttons, their step form and the role form of incident `id`; `refresh` re-reads the page after a change.
 * Returns { element, roleForm, update(incident, canWrite) }.
 */
export function incidentActions(id, refresh) {
  const buttons = h('div', { class: 'actions', role: 'group', 'aria-label': 'Change the incident', 'aria-describedby': 'actions-help' });
  const help = h('p', { id: 'actions-help', class: 'help' });
  const step = h('form', { class: 'action-step', hidden: true, 'aria-label': 'Confirm the change' });
  for (const change of CHANGES) {
    buttons.append(h('button', { type: 'button', 'data-action': change.action, class: change.action === 'reopen' ? 'secondary' : null,
      onclick: (e) => (change.summary || change.confirm || change.reason ? openStep(change) : send(change, {}, e.currentTarget)) }, change.label));
  }

  async function send(change, fields, button) {
    const body = { type: change.event, actor: session.actor(), ...fields };
    const sent = await busy(button, () => guarded(() => api(`/api/v1/incidents/${encodeURIComponent(id)}/events`, { method: 'POST', body })));
    if (sent) {
      showProblem(null);
      step.hidden = true;
      announce(`${change.done} ${id}.`);
    }
    await guarded(refresh); // also after a refusal: the status may have moved on elsewhere
    // The button just used is usually greyed out now: keep the keyboard focus on the page's next step.
    if (button.disabled || !button.offsetParent) (buttons.querySelector('button:not(:disabled)') || document.getElementById('note-text')).focus();
    return sent;
  }

  // The step between the click and the change: a summary to add, a reason to give, or a "yes, close it".
  function openStep(change) {
    const field = change.summary ? h('textarea', { id: 'step-text', name: 'content', maxlength: '10000' })
      : change.reason ? h('input', { id: 'step-text', name: 'reason', type: 'text', required: true, maxlength: '1000' }) : null;
    const confirm = h('button', { type: 'submit', 'data-confirm': change.action }, change.confirm ? 'Yes, close it' : change.label);
    step.replaceChildren(...[ // (the DOM's replaceChildren would show a null as the text "null")
      change.confirm ? h('p', { class: 'step-question' }, change.confirm) : null,
      field ? h('label', { for: 'step-text' }, change.summary || change.reason) : null, field,
      h('div', { class: 'actions' }, confirm,
        h('button', { type: 'button', class: 'secondary', 'data-cancel': '', onclick: () => closeStep(change) }, 'Cancel'))].filter(Boolean));
    step.onsubmit = (e) => {
      e.preventDefault();
      const value = field ? field.value.trim() : '';
      if (change.reason && !value) return;
      const fields = change.reason ? { data: { to: 'acknowledged', reason: value } } : value ? { content: value } : {};
      send(change, fields, confirm);
    };
    step.hidden = false;
    (field || confirm).focus();
  }

  function closeStep(change) {
    step.hidden = true;
    const button = buttons.querySelector(`button[data-action='${change.action}']`);
    if (button) button.focus();
  }

  const roleForm = assignRoleForm(id, (fields, button) => send({ event: 'role_assign', done: `${fields.data.assignee} is now ${fields.data.role} of` },
    fields, button));

  /** Greys out what the incident's status refuses now, and everything when the key may not write. */
  function update(incident, canWrite) {
    const allowed = Array.isArray(incident.allowedEvents) ? incident.allowedEvents : null; // null: an older gateway, offer all
    for (const button of buttons.querySelectorAll('button[data-action]')) {
      const change = CHANGES.find((c) => c.action === button.dataset.action);
      const byStatus = change.action === 'reopen' ? incident.status === 'resolved' && (!allowed || allowed.includes('state_change'))
        : !allowed || allowed.includes(change.event);
      button.disabled = !canWrite || !byStatus;
    }
    for (const control of roleForm.querySelectorAll('input, button')) control.disabled = !canWrite;
    if (!canWrite) step.hidden = true;
    help.textContent = !canWrite ? 'This key may only read (no write scope): changes and notes are greyed out.'
      : incident.status === 'closed' ? 'Closed is final: only notes can be added.'
        : `Greyed-out changes do not apply to an incident that is ${incident.status}.`;
  }

  return { element: h('div', {}, buttons, step, help), roleForm, update };
}

/** Role (commander, communications, …; free text) and assignee. */
function assignRoleForm(id, send) {
  const role = h('input', { id: 'role-name', name: 'role', type: 'text', required: true, maxlength: '100', list: 'role-names' });
  const assignee = h('input', { id: 'role-assignee', name: 'assignee', type: 'text', required: true, maxlength: '256' });
  const names = h('datalist', { id: 'role-names' }, ['commander', 'communications', 'scribe', 'operations'].map((r) => h('option', { value: r })));
  return h('form', { class: 'role-form', 'aria-label': `Assign a role on ${id}`, onsubmit: async (e) => {
    e.preventDefault();
    if (!role.value.trim() || !assignee.value.trim()) return;
    if (await send({ data: { role: role.value.trim(), assignee: assignee.value.trim() } }, e.submitter)) {
      role.value = '';
      assignee.value = '';
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'role-name' }, 'Role'), role, names),
  h('div', { class: 'field' }, h('label', { for: 'role-assignee' }, 'Assignee'), assignee),
  h('button', { type: 'submit', 'data-action': 'assign-role' }, 'Assign role'));
}
