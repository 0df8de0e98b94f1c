// The console's only way to the gateway: every call carries the operator's key from sessionStorage
// (never localStorage: it must end with the browser tab). Failures become a Problem with the RFC 9457
// title and detail the gateway sent.
const KEY = 'incidentGateway.apiKey';
const ACTOR = 'incidentGateway.actor';
const VIA = 'incidentGateway.signedInAt'; // the identity provider's host when the key is an access token from sign-in

export class Problem extends Error {
  /**
   * retryAfter: the seconds a 429 or 503 asked the console to wait (its Retry-After), else null; waitSeconds: how long
   * the console waits for it (at least that: see pause).
   */
  constructor(status, title, detail, retryAfter = null, waitSeconds = null) {
    super(`${title}: ${detail}`);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.retryAfter = retryAfter;
    this.waitSeconds = waitSeconds;
  }
}

// ---- the gateway's "wait" ----------------------------------------------------------------------------------
// A 429 (the per-principal rate limit, a caller's share of the expensive reads) or a 503 (overloaded, a store that is
// down) with Retry-After asks every caller to wait that long. The console then re-reads nothing on its own until the
// time is up (ui.js reread), and re-reads the page on screen once at the end (onResume): re-reading at each live event
// meanwhile only met the limit again, and an SLA cell per incident read one by one went blank at each refusal.
let pausedUntil = 0;
let resumeTimer = null;
let resume = () => {};
let refusedInARow = 0; // refusals since the last re-read that worked (calm): each doubles the wait
const LONGEST_WAIT_S = 60;

/** Milliseconds left of the wait the gateway asked for; 0 when there is none. */
export function pausedFor() {
  return Math.max(0, pausedUntil - Date.now());
}

/** What runs once when a wait the gateway asked for is over (console.js: re-read the page on screen). */
export function onResume(handler) {
  resume = handler;
}

/** Retry-After as seconds (RFC 9110: a number of seconds or an HTTP date), null when absent or unreadable. */
function retryAfterOf(response) {
  if (response.status !== 429 && response.status !== 503) return null;
  const value = (response.headers.get('Retry-After') || '').trim();
  if (!value) return null;
  const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
  return Number.isFinite(seconds) ? Math.max(1, seconds) : null;
}

/**
 * Starts the wait a refusal asks for; returns its seconds. Retry-After is when the gateway can take one request again,
 * and a page's re-read is two or three: under GATEWAY_API_RATE_PER_S=1 each 1 s wait bought the list's read and the SLA
 * clocks were refused again, for ever. So a refusal that follows a refusal waits twice as long (up to a minute, or the
 * Retry-After if longer), until a re-read works again.
 */
function pause(retryAfter) {
  const seconds = Math.max(retryAfter, Math.min(LONGEST_WAIT_S, retryAfter * 2 ** refusedInARow));
  refusedInARow += 1;
  pausedUntil = Math.max(pausedUntil, Date.now() + seconds * 1000);
  clearTimeout(resumeTimer);
  resumeTimer = setTimeout(() => { // the latest wait's timer: each new one replaces the one before
    resumeTimer = null;
    pausedUntil = 0; // a timer may fire a millisecond before Date.now() reaches the end
    resume();
  }, pausedFor());
  return seconds;
}

/** A re-read worked: the next refusal waits its Retry-After again, no longer. */
export function calm() {
  refusedInARow = 0;
}

let caller = null; // GET /api/v1/whoami for the key in use, asked once per key

export const session = {
  key: () => sessionStorage.getItem(KEY),
  actor: () => sessionStorage.getItem(ACTOR) || 'console',
  via: () => sessionStorage.getItem(VIA),
  save(key, actor, via) {
    caller = null;
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ACTOR, actor || 'console');
    if (via) sessionStorage.setItem(VIA, via);
    else sessionStorage.removeItem(VIA);
  },
  forget() {
    caller = null;
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ACTOR);
    sessionStorage.removeItem(VIA);
  },
};

// What happens when the gateway refuses the credential (401: an expired access token, a revoked key): console.js
// signs the operator out and shows the sign-in screen again.
let unauthorized = () => {};
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** GET or POST a JSON API path; resolves to the parsed body (null when empty). */
export async function api(path, options = {}) {
  return (await apiResponse(path, options)).body;
}

/** {@link api}'s answer with its headers: { body, headers } (a page's `Link: rel="next"`). */
export async function apiResponse(path, { method = 'GET', body } = {}) {
  const headers = authHeaders('application/json, application/problem+json, application/cloudevents-batch+json');
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new Problem(0, 'Gateway unreachable', `The request to ${path} did not reach the gateway (${e.message}).`);
  }
  if (!response.ok) throw await problemOf(response, `${method} ${path} failed.`);
  const text = await response.text();
  const type = response.headers.get('Content-Type') || '';
  return { body: text && type.includes('json') ? JSON.parse(text) : null, headers: response.headers };
}

/** The headers of every API call: the operator's key as a Bearer token (never in a URL). */
export function authHeaders(accept) {
  const key = session.key();
  return key ? { Accept: accept, Authorization: `Bearer ${key}` } : { Accept: accept };
}

/**
 * A failed response as a Problem: the RFC 9457 title and detail when the gateway sent them, else `fallback`; a 429 or 503
 * with Retry-After also starts the wait it asks for (pausedFor).
 */
export async function problemOf(response, fallback) {
  if (response.status === 401 && session.key()) unauthorized();
  const retryAfter = retryAfterOf(response);
  const waitSeconds = retryAfter === null ? null : pause(retryAfter);
  const type = response.headers.get('Content-Type') || '';
  const parsed = type.includes('json') ? await response.json().catch(() => null) : null;
  if (parsed && parsed.title) return new Problem(response.status, parsed.title, parsed.detail || '', retryAfter, waitSeconds);
  return new Problem(response.status, `HTTP ${response.status}`, fallback, retryAfter, waitSeconds);
}

/**
 * Which optional endpoints this gateway has ({ sla, stream }), as the gateway itself reports them from its
 * running routes: asking is cheaper than probing, and a probe's 404 would be an error in the browser console.
 */
let features = null;
export function optionalFeatures() {
  if (!features) features = fetch('/console/features.json').then((r) => r.json()).catch(() => ({}));
  return features;
}

/**
 * Who the gateway takes the operator's key for and what it may do: GET /api/v1/whoami, { principal, scopes } (admin
 * lists every scope). Asked once per key, so a page can grey out what the key may not do instead of letting a click
 * find out from a 403. A gateway without the endpoint answers { scopes: null }: then every action is offered.
 */
export function whoami() {
  if (!caller) caller = api('/api/v1/whoami').catch(() => ({ principal: null, scopes: null }));
  return caller;
}

/** True unless the key is known to lack `scope` (unknown scopes: offer the action, the gateway refuses with a 403). */
export async function mayUse(scope) {
  const { scopes } = await whoami();
  return !Array.isArray(scopes) || scopes.includes(scope);
}
