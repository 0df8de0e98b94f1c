package dev.incidentgateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refused callers in the log, so that "Alertmanager says 401" can be debugged from the gateway's log: one WARN for the
 * first refusal of a kind (where × status), then at most one a minute per kind, saying how many like it came meanwhile.
 * A flood of bad credentials therefore costs a line a minute, not one per request. Never the credential itself: only
 * where, the status and the refusal's title or the principal's name (callers pass nothing secret).
 */
public final class RefusalLog {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    static final Duration EVERY = Duration.ofMinutes(1);
    /** Kinds are route templates and declared sources × status: a few hundred at most; beyond this, start afresh. */
    private static final int MAX_KINDS = 1_000;

    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public RefusalLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param where  the kind of refusal, e.g. {@code a request to webhook source grafana} or {@code key:reader}
     * @param status the answer's status
     * @param why    the refusal in words (this one's: its path may differ from the next of its kind), without secrets
     */
    public void refused(String where, int status, String why) {
        if (windows.size() > MAX_KINDS) {
            windows.clear();
        }
        Instant now = clock.instant();
        Window w = windows.computeIfAbsent(where + " " + status, k -> new Window());
        long suppressed;
        synchronized (w) {
            if (w.lastLogged != null && now.isBefore(w.lastLogged.plus(EVERY))) {
                w.since.incrementAndGet();
                return;
            }
            w.lastLogged = now;
            suppressed = w.since.getAndSet(0);
        }
        LOG.warn("Refused {}: {} {}{}", where, status, why,
                suppressed == 0 ? "" : " (" + suppressed + " more like it since the last such line)");
    }

    private static final class Window {
        private Instant lastLogged;
        private final AtomicLong since = new AtomicLong();
    }
}
