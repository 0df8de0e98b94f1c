package dev.incidentgateway.timeline;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the single writer thread carries from one transaction to the next: the id source, and the views of
 * recently written incidents, so a busy incident costs no SELECT per group.
 *
 * <p>The views are only trusted while nobody else has appended: each transaction starts (under the append
 * lock) by comparing the store's largest event id with the last one this writer committed. Any difference
 * (another instance on the same PostgreSQL) or any failed transaction forgets them all.
 */
final class WriterMemory {
    private static final int MAX_VIEWS = 10_000;

    final EventIdSource ids = new EventIdSource();
    private final Map<String, Incident> views = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Incident> eldest) {
            return size() > MAX_VIEWS;
        }
    };
    private String lastCommittedMaxId;

    /** Called under the append lock with the store's current largest event id. */
    void startTransaction(String storedMaxId) {
        ids.raiseFloor(storedMaxId);
        if (!Objects.equals(storedMaxId, lastCommittedMaxId)) {
            views.clear();
        }
        lastCommittedMaxId = storedMaxId;
    }

    /** The committed view of an incident, if remembered. */
    Incident view(String incidentId) {
        return views.get(incidentId);
    }

    void committed(Collection<Incident> changedViews, List<TimelineEvent> written) {
        changedViews.forEach(v -> views.put(v.id(), v));
        if (!written.isEmpty()) {
            lastCommittedMaxId = written.get(written.size() - 1).id();
        }
    }

    void forget() {
        views.clear();
        lastCommittedMaxId = null;
    }
}
