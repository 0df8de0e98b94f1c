package dev.incidentgateway.timeline;

/** Optimistic concurrency: the caller's {@code expectedSeq} is not the incident's last seq. Answered as 409. */
public class SeqConflictException extends AppendRejectedException {
    private final long expected;
    private final long actual;

    public SeqConflictException(String incidentId, long expected, long actual) {
        super("expectedSeq " + expected + " does not match incident " + incidentId + " whose last seq is " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public long expected() {
        return expected;
    }

    public long actual() {
        return actual;
    }
}
