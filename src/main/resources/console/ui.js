// What every page does around the API: show a failure as the problem's title and detail (the alert box in
// index.html), and keep a button disabled while its request runs.
import { Problem } from './api.js';

export function showProblem(problem) {
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

export async function guarded(action) {
  try {
    await action();
    return true;
  } catch (e) {
    showProblem(e);
    return false;
  }
}

/** Runs fn with `button` disabled (no double acknowledge from a double click), then gives the focus back. */
export async function busy(button, fn) {
  if (!button) return fn();
  button.disabled = true;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    if (button.isConnected) button.focus();
  }
}
