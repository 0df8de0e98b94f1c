// Live updates for the console. Today: poll the committed feed GET /api/v1/events?after= every 2 s.
// When GET /api/v1/stream (Server-Sent Events) is on main (/console/features.json then says stream: true),
// a second implementation with the same shape — (after, onEvents, onError) returning { stop() } — can open
//   new EventSource(`/api/v1/stream?after=${after}&access_token=${key}`)
// and call onEvents([JSON.parse(message.data)]) per message; nothing else in the console changes.
import { api } from './api.js';

const PAGE = 100;

/**
 * Calls onEvents(batch) with every committed CloudEvent after `after`, in id order, each once; onError(problem)
 * when a poll fails (it keeps polling). Returns { stop() }.
 */
export function pollEvents(after, onEvents, onError, intervalMs = 2000) {
  let last = after;
  let timer = null;
  let stopped = false;

  async function tick() {
    try {
      for (;;) {
        const query = last ? `after=${encodeURIComponent(last)}&limit=${PAGE}` : `limit=${PAGE}`;
        const batch = (await api(`/api/v1/events?${query}`)) || [];
        if (stopped) return;
        if (batch.length > 0) {
          last = batch[batch.length - 1].id;
          onEvents(batch);
        }
        if (batch.length < PAGE) break; // a full page means more are waiting
      }
      onError(null);
    } catch (problem) {
      if (!stopped) onError(problem);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
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
