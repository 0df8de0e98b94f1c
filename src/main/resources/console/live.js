// Live updates for the console, two implementations of one shape:
//   (after, onEvents, onError) → { stop() }
// onEvents(batch) gets committed timeline CloudEvents after `after`, in id order; onError(problem) says the feed
// is interrupted (it keeps retrying), onError(null) that it is live again.
// - streamEvents: GET /api/v1/stream (Server-Sent Events), used when /console/features.json says stream: true.
//   It is read with fetch() and a stream reader rather than EventSource, because EventSource cannot send an
//   Authorization header and the API key must never be put in a URL (logs, proxies and history keep URLs).
// - pollEvents: GET /api/v1/events?after= every 2 s, the fallback for a gateway without the stream.
import { apiResponse, authHeaders, optionalFeatures, pausedFor, Problem, problemOf } from './api.js';

const PAGE = 100;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 10000;

/** The stream when the gateway has it, else polling; resolves to { stop(), kind }; onError gets (problem, kind). */
export async function liveEvents(after, onEvents, onError) {
  const kind = (await optionalFeatures()).stream ? 'stream' : 'polling';
  const open = kind === 'stream' ? streamEvents : pollEvents;
  return { kind, ...open(after, onEvents, (problem) => onError(problem, kind)) };
}

/**
 * Reads GET /api/v1/stream?after=<last id seen>; on its end or a failure reconnects with the last id seen, waiting
 * 1 s, then twice as long each time up to 10 s (back to 1 s once a stream opens), or a refusal's Retry-After if longer.
 */
export function streamEvents(after, onEvents, onError) {
  let last = after;
  let stopped = false;
  let delay = RETRY_FIRST_MS;
  let timer = null;
  let controller = null;

  async function connect() {
    controller = new AbortController();
    try {
      const query = last ? `?after=${encodeURIComponent(last)}` : '';
      const response = await fetch(`/api/v1/stream${query}`,
        { headers: authHeaders('text/event-stream'), signal: controller.signal, cache: 'no-store' });
      if (!response.ok) throw await problemOf(response, 'The live stream was refused.');
      delay = RETRY_FIRST_MS;
      onError(null);
      await readFrames(response.body, (frame) => {
        if (frame.data === undefined) return; // a frame without data (only comments, the heartbeat) carries no event
        const event = JSON.parse(frame.data);
        last = frame.id || event.id;
        onEvents([event]);
      });
      if (!stopped) onError(new Problem(0, 'Live stream ended', 'Reconnecting…'));
    } catch (e) {
      if (stopped) return;
      onError(e instanceof Problem ? e : new Problem(0, 'Live stream interrupted', String(e.message || e)));
    }
    if (stopped) return;
    timer = setTimeout(connect, Math.max(delay, pausedFor())); // a refusal's Retry-After (too many streams) first
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  }

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (controller) controller.abort();
    },
  };
}

/**
 * Calls onFrame({ id, event, data }) per Server-Sent Events frame of `body` (frames end with a blank line; lines
 * starting with ':' are comments; several data lines join with '\n'); resolves when the body ends.
 */
export async function readFrames(body, onFrame) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let frame = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') { // end of a frame
        if (Object.keys(frame).length) onFrame(frame);
        frame = {};
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
        else if (field === 'id' || field === 'event') frame[field] = value;
      }
    }
  }
}

/**
 * Polls the committed feed: calls onEvents(batch) with every CloudEvent after `after`, each once; onError(problem)
 * when a poll fails (it keeps polling).
 */
export function pollEvents(after, onEvents, onError, intervalMs = 2000) {
  let last = after;
  let timer = null;
  let stopped = false;

  async function tick() {
    try {
      for (;;) {
        const query = last ? `after=${encodeURIComponent(last)}&limit=${PAGE}` : `limit=${PAGE}`;
        const page = await apiResponse(`/api/v1/events?${query}`);
        const batch = page.body || [];
        if (stopped) return;
        if (batch.length > 0) {
          last = batch[batch.length - 1].id;
          onEvents(batch);
        }
        // More are waiting after a full page, and after one the gateway closed at GATEWAY_PAGE_MAX_BYTES (fewer than
        // PAGE events, with a Link rel="next"): read on now, not at the next tick 2 s later.
        const next = /rel="next"/.test(page.headers.get('Link') || '');
        if (!next && batch.length < PAGE) break;
      }
      onError(null);
    } catch (problem) {
      if (!stopped) onError(problem);
    }
    if (!stopped) timer = setTimeout(tick, Math.max(intervalMs, pausedFor())); // a 429/503's Retry-After first
  }

  timer = setTimeout(tick, 0);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** The incident a CloudEvent of the timeline belongs to. */
export function incidentOf(cloudEvent) {
  return (cloudEvent.data && cloudEvent.data.incidentId) || cloudEvent.subject;
}
