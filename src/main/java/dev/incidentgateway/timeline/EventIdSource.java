package dev.incidentgateway.timeline;

import com.github.f4b6a3.ulid.Ulid;
import com.github.f4b6a3.ulid.UlidFactory;

/**
 * Hands out event ids: monotonic ULIDs (ulid-creator), never below a floor. Used only by the single
 * writer thread, which raises the floor to the largest stored id at the start of each transaction, so
 * ids keep increasing across restarts, clock steps back, and other gateway instances on the same database.
 */
final class EventIdSource {
    private final UlidFactory factory = UlidFactory.newMonotonicInstance();
    private Ulid last = Ulid.MIN;

    void raiseFloor(String storedMax) {
        if (storedMax != null) {
            Ulid max = Ulid.from(storedMax.trim());
            if (max.compareTo(last) > 0) {
                last = max;
            }
        }
    }

    String next() {
        Ulid candidate = factory.create();
        last = candidate.compareTo(last) > 0 ? candidate : last.increment();
        return last.toString();
    }
}
