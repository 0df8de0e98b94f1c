package dev.incidentgateway.ingest.poll;

import java.time.Duration;

/** A poll that failed, classified once by the source. Messages never contain credentials. */
public class PollFailure extends Exception {
    /** How the poller reacts. */
    public enum Kind {
        /** 401/403: credentials are wrong; stop polling, report DOWN until restarted with new ones. */
        AUTH,
        /** 429, 5xx, timeouts, no answer: try again later (after {@link #retryAfter} when the target said). */
        TRANSIENT
    }

    private final Kind kind;
    private final Duration retryAfter;

    public PollFailure(Kind kind, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The target's Retry-After, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
