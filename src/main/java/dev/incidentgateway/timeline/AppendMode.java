package dev.incidentgateway.timeline;

/** How one append request treats an event the store refuses; whatever is stored commits in one transaction either way. */
public enum AppendMode {
    /** Every event or none: the first refusal is thrown (the REST API, CloudEvents, a route's batch). */
    ALL_OR_NOTHING,
    /** Each event on its own; a refused or invalid one is {@link AppendOutcome.Kind#REFUSED} (a poller's page). */
    EACH_EVENT,
    /**
     * A machine sender's batch (an alert webhook): an event that would only repeat the state its incident has is
     * {@link AppendOutcome.Kind#IGNORED}, one the state machine refuses otherwise is {@link AppendOutcome.Kind#REFUSED}
     * (its index set), and the rest commit together; any other refusal (bad input) still refuses the whole request.
     */
    SENDER_BATCH
}
