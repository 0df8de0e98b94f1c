package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What one incident's log says about the tables derived from it besides its view, gathered while verify walks the log:
 * the correlation key its declare bound, when it was open, its last seq and the ticket its declare came from. Held for
 * the incidents of one page only ({@link DerivedTablesCheck}).
 */
final class LoggedBindings {
    final String incidentId;
    /** Whether the declare records its correlation key (declares from before that was recorded do not). */
    private boolean keyRecorded;
    /** The key the declare bound ({@code null}: none). */
    private String key;
    /** The declare's {@code data.externalRef} (a poller's ticket), or {@code null}. */
    private JsonNode externalRef;
    /** Who made the declare: only the connector's own poller may link a ticket ({@link ExternalRefProvenance}). */
    private String declarePrincipal;
    private long lastSeq;
    private String declareId;
    /** The event of its latest reopen ({@code null}: never reopened). */
    private String reopenId;
    /** The seqs after which the incident went from open to resolved/closed or back, in order (a release, a reopen, …). */
    private final List<Long> toggles = new ArrayList<>();

    LoggedBindings(String incidentId) {
        this.incidentId = incidentId;
    }

    /** Takes in the next event of the log and the incident as it left it. */
    void add(TimelineEvent e, Incident after) {
        if (e.type() == EventType.DECLARE) {
            declareId = e.id();
            JsonNode recorded = e.data().get(EventRules.CORRELATION_KEY);
            keyRecorded = recorded != null && (recorded.isNull() || recorded.isTextual());
            key = keyRecorded && recorded.isTextual() ? recorded.asText() : null;
            JsonNode ref = e.data().get(ExternalRefProvenance.FIELD);
            externalRef = ref != null && ref.hasNonNull("connector") && ref.hasNonNull("externalId") ? ref : null;
            declarePrincipal = e.principal();
        }
        if (stoppedAt(e.seq() - 1) == after.isOpen()) {
            toggles.add(e.seq());
            reopenId = after.isOpen() ? e.id() : reopenId;
        }
        lastSeq = e.seq();
    }

    boolean keyRecorded() {
        return keyRecorded;
    }

    String key() {
        return key;
    }

    JsonNode externalRef() {
        return externalRef;
    }

    String declarePrincipal() {
        return declarePrincipal;
    }

    String declareId() {
        return declareId;
    }

    String reopenId() {
        return reopenId;
    }

    long lastSeq() {
        return lastSeq;
    }

    boolean open() {
        return !stoppedAt(lastSeq);
    }

    /** Whether a resolve or close released its keys at some point (the correlator keeps them then). */
    boolean everReleased() {
        return !toggles.isEmpty();
    }

    /** Whether the incident was resolved or closed right after its event {@code seq}. */
    boolean stoppedAt(long seq) {
        int flips = 0;
        for (long t : toggles) {
            if (t <= seq) {
                flips++;
            }
        }
        return flips % 2 == 1;
    }
}
