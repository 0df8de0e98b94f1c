// Sign-in at the identity provider: OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) as a public client,
// the way single-page apps sign in to Keycloak, Okta, Auth0 or Entra ID. Hand-written on purpose, like the rest of the
// console (no CDN, no build step): the flow is two redirects and one fetch, with the browser's own crypto.
//
// 1. startSignIn: a random `state` and `code_verifier` (crypto.getRandomValues), kept in sessionStorage with where to
//    come back to; the browser goes to the authorization endpoint with the S256 challenge of the verifier.
// 2. finishSignIn, on the page's return (?code=&state= or ?error=): `code`, `state` and `error` leave the address bar
//    at once (history.replaceState: no code in the history or a bookmark); the state must equal the one kept, else
//    nothing is exchanged or stored; the code is exchanged once at the token endpoint (form-encoded, with the
//    verifier), and the access token is kept in sessionStorage like an API key (api.js). No refresh token is kept:
//    when the access token expires the gateway answers 401 and the console asks to sign in again.
// crypto.subtle exists only in secure contexts: the console must be served over HTTPS (or from localhost).
import { Problem, session } from './api.js';

const PENDING = 'incidentGateway.oidc.pending';
const RETURN_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri', 'session_state', 'iss'];

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32))); // 256 bits, 43 characters (RFC 7636 §4.1)
}

/** The console's own address, which the identity provider must have registered as this client's redirect URI. */
export function redirectUri() {
  return `${location.origin}/`;
}

/** Leaves for the authorization endpoint of `signIn` (features.json's oidcSignIn); `actor` is kept for the return. */
export async function startSignIn(signIn, actor) {
  const state = randomString();
  const verifier = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({
    state, verifier, actor, hash: location.hash, tokenEndpoint: signIn.tokenEndpoint, clientId: signIn.clientId,
    issuer: signIn.issuer, issuerHost: signIn.issuerHost, redirectUri: redirectUri(),
  }));
  const url = new URL(signIn.authorizationEndpoint);
  const params = { response_type: 'code', client_id: signIn.clientId, redirect_uri: redirectUri(), scope: signIn.scopes,
    state, code_challenge: challenge, code_challenge_method: 'S256' };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  location.assign(url.toString());
}

/**
 * Completes a sign-in when the page was opened by the identity provider's redirect: resolves to true once the
 * access token is kept, false when the address is not such a return; rejects with a Problem (nothing stored) when
 * the provider refused, the state does not match, or the exchange failed.
 */
export async function finishSignIn() {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) return false;
  const returned = Object.fromEntries(RETURN_PARAMS.map((name) => [name, query.get(name)]));
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING); // one attempt per verifier, whatever happens next
  for (const name of RETURN_PARAMS) query.delete(name);
  const rest = query.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${pending && pending.hash ? pending.hash : location.hash}`);

  const from = pending ? pending.issuerHost : 'the identity provider';
  if (returned.error) {
    throw new Problem(0, `Sign-in refused by ${from}`,
      `${returned.error}${returned.error_description ? `: ${returned.error_description}` : ''}`);
  }
  if (!pending || !returned.state || returned.state !== pending.state) {
    throw new Problem(0, 'Sign-in failed', 'The answer from the identity provider does not belong to a sign-in started in this '
      + 'tab (its state does not match), so it was not used. Sign in again.');
  }
  // RFC 9207: a provider that names itself in the answer (iss) must be the one the sign-in went to (mix-up attacks).
  if (returned.iss && returned.iss !== pending.issuer) {
    throw new Problem(0, 'Sign-in failed', `The answer names the issuer ${returned.iss}, not ${pending.issuer}, so it was not used.`);
  }
  let response;
  try {
    response = await fetch(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: returned.code, redirect_uri: pending.redirectUri,
        client_id: pending.clientId, code_verifier: pending.verifier }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new Problem(0, 'Sign-in failed', `The token endpoint of ${from} could not be reached (${e.message}); `
      + 'it must allow this origin (CORS).');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) {
    throw new Problem(response.status, `Sign-in refused by ${from}`,
      body.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}`
        : `The token endpoint answered HTTP ${response.status} without an access token.`);
  }
  session.save(body.access_token, pending.actor, pending.issuerHost);
  return true;
}
