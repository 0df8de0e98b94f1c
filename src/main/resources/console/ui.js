// What every page does around the API: show a failure as the problem's title and detail (the alert box in
// index.html, role="alert": a screen reader says it at once), say what an action did (announce), and keep a button
// disabled while its request runs.
import { calm, pausedFor, Problem } from './api.js';

let onScreen = null; // the problem the alert box shows, as it was handed to showProblem
let fromReread = null; // the problem a re-read showed (reread), which that re-read's next success takes down again

export function showProblem(problem) {
  onScreen = problem || null;
  const box = document.getElementById('problem');
  if (!problem) {
    box.hidden = true;
    return;
  }
  const p = problem instanceof Problem ? problem : new Problem(0, 'Console error', String(problem.message || problem));
  document.getElementById('problem-title').textContent = p.title;
  document.getElementById('problem-detail').textContent = p.detail;
  // A 429 or 503 with Retry-After: say that the console waits, and how long, rather than leave the page looking stuck.
  const waiting = document.getElementById('problem-wait');
  waiting.textContent = p.retryAfter ? `The gateway asked the console to wait (Retry-After ${p.retryAfter} s): it reads `
    + `again in ${p.waitSeconds} s, at ${new Date(Date.now() + pausedFor()).toLocaleTimeString()}.` : '';
  waiting.hidden = !p.retryAfter;
  box.hidden = false;
}
document.getElementById('problem-close').addEventListener('click', () => showProblem(null));

/**
 * Says what the operator's own action did ("Acknowledged INC-7.") to a screen reader, politely (#announcement, not
 * shown on screen: the page itself shows the change). A failure is not announced here: showProblem's alert says it.
 */
export function announce(message) {
  const region = document.getElementById('announcement');
  // Emptied first and filled a moment later: the same words twice in a row (a second note) change nothing in the
  // region otherwise, and would not be read again.
  region.textContent = '';
  setTimeout(() => { region.textContent = message; }, 100);
}

export async function guarded(action) {
  try {
    await action();
    return true;
  } catch (e) {
    showProblem(e);
    return false;
  }
}

/**
 * For what a page does on its own (the Outbox and Sources re-read every few seconds, every page at a live event): a
 * failure shows like any other, and the next success takes it down, so a gateway that is back (a restart, a store
 * that answered 503) no longer says it is unreachable. A problem from the operator's own action stays. Nothing is re-read
 * while the gateway's Retry-After runs.
 */
export async function reread(action) {
  if (pausedFor() > 0) return false; // the gateway asked to wait: the page is re-read once the wait is over (api.js onResume)
  try {
    await action();
    calm();
    if (fromReread && onScreen === fromReread) showProblem(null);
    fromReread = null;
    return true;
  } catch (e) {
    showProblem(e);
    fromReread = e;
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

/**
 * fn, run at most once at a time: a call while it runs is answered by one more run after it, shared by every call made
 * meanwhile. For a page's re-read at live events, which can come faster than a re-read takes: the incident list's SLA
 * clocks are an expensive read, of which one caller may run only a share at once (a second one in parallel was a 429).
 */
export function oneAtATime(fn) {
  let running = null;
  let next = null;
  return function run() {
    if (!running) {
      running = Promise.resolve().then(fn).finally(() => { running = null; });
      return running;
    }
    if (!next) {
      next = running.catch(() => {}).then(() => {
        next = null;
        return run();
      });
    }
    return next;
  };
}
