package dev.incidentgateway.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which chain key each event was hashed with: after a {@code chain-key rotate}, the events up to a retired key's
 * boundary (its last event id; ids are in the global chain's order) were hashed with that key, later ones with the next.
 * Only verification asks ({@link #keyFor}); the writer always uses the current key.
 */
public final class ChainKeyEpochs {
    /** A retired key with the last event it covers ({@code null}: it covered no event, the log was empty at the rotation). */
    public record Retired(String fingerprint, String lastEventId, ChainKey key) {
        @Override
        public String toString() {
            return "Retired[" + fingerprint + ", " + lastEventId + "]"; // never the key
        }
    }

    private final List<Retired> retired;
    private final ChainKey current;

    private ChainKeyEpochs(List<Retired> retired, ChainKey current) {
        List<Retired> sorted = new ArrayList<>(retired);
        sorted.sort(Comparator.comparing(Retired::lastEventId, Comparator.nullsFirst(Comparator.naturalOrder())));
        this.retired = List.copyOf(sorted);
        this.current = current;
    }

    /** The keys of a store never rotated: every event with {@code current}. */
    public static ChainKeyEpochs single(ChainKey current) {
        return new ChainKeyEpochs(List.of(), current);
    }

    public static ChainKeyEpochs of(List<Retired> retired, ChainKey current) {
        return new ChainKeyEpochs(retired, current);
    }

    /** The key event {@code eventId} was hashed with: the first retired key whose boundary is at or after it, else the current. */
    public ChainKey keyFor(String eventId) {
        for (Retired r : retired) {
            if (r.lastEventId() != null && eventId.compareTo(r.lastEventId()) <= 0) {
                return r.key();
            }
        }
        return current;
    }

    /** The current key (the one a gateway writes with). */
    public ChainKey current() {
        return current;
    }

    /** The retired keys, oldest boundary first. */
    public List<Retired> retired() {
        return retired;
    }

    /** Every key, retired ones first, the current last. */
    public List<ChainKey> all() {
        List<ChainKey> out = new ArrayList<>();
        retired.forEach(r -> out.add(r.key()));
        out.add(current);
        return out;
    }
}
