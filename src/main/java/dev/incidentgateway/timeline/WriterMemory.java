package dev.incidentgateway.timeline;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the single writer thread carries from one transaction to the next: the id source, and the views of
 * recently written incidents, so a busy incident costs no SELECT per group.
 *
 * <p>The views are only trusted while nobody else has appended: a transaction compares the store's head (largest event
 * id), read under the append lock, with the head this writer's last commit left. Any difference (another instance on
 * the same PostgreSQL) or any failed transaction forgets them all, and the head with them.
 *
 * <p>Read by the writer thread while it stages, written by the committer thread after each commit: synchronized. The
 * {@link #ids} are the writer thread's alone.
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
    /** The store's head as this writer last read or left it under the lock ({@code null}: not known). */
    private GlobalChain.Head head;

    /** Called under the append lock with the store's current head ({@code null}: empty log). */
    synchronized void startTransaction(GlobalChain.Head storedHead) {
        String storedMaxId = storedHead == null ? null : storedHead.lastEventId();
        ids.raiseFloor(storedMaxId);
        if (!Objects.equals(storedMaxId, head == null ? null : head.lastEventId())) {
            views.clear();
        }
        head = storedHead;
    }

    /**
     * The head the store has if nobody else appended since this writer's last transaction ({@code null}: not known, or
     * the log is empty): what a transaction that takes the lock only with its first write assumes, and checks there.
     */
    synchronized GlobalChain.Head head() {
        return head;
    }

    /** The committed view of an incident, if remembered. */
    synchronized Incident view(String incidentId) {
        return views.get(incidentId);
    }

    /** @param headAfter the store's head after the commit (the last written event and its global hash) */
    synchronized void committed(Collection<Incident> changedViews, GlobalChain.Head headAfter) {
        changedViews.forEach(v -> views.put(v.id(), v));
        head = headAfter;
    }

    synchronized void forget() {
        views.clear();
        head = null;
    }
}
