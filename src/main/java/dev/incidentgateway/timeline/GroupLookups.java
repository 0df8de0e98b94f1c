package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-alert lookups of one group transaction, done once for the whole group with set-based statements: the
 * idempotency dedup (one statement for every {@code (principal, ce_source, ce_id)} of the group), the open incident of
 * every correlation key (one statement), and the {@code INC-<n>} numbers new incidents will need (one statement for
 * all). On PostgreSQL each of these was a round trip per alert on the single writer.
 *
 * <p>Correlation changes (a declare binds its key, a resolve or close releases its incident's keys, a reopen binds them
 * again) are kept here,
 * per request first ({@link #beginRequest}), joined to the group's when the request is accepted ({@link #acceptRequest})
 * and dropped when it is refused, and written with batched statements by {@link #flush}. Nothing is written while
 * requests are applied, so a refused request has nothing to undo and needs no savepoint.
 */
final class GroupLookups {
    private final Connection connection;
    private final SqlDialect dialect;
    private final Correlator correlator;
    /** Events stored before this transaction, by ce key; a looked-up key without a stored event maps to {@code null}. */
    private final Map<String, TimelineEvent> storedByCe = new HashMap<>();
    /** The committed open incident of each looked-up key ({@code null}: none). */
    private final Map<String, String> committedKeys = new HashMap<>();
    private final Map<String, String> groupBound = new LinkedHashMap<>();
    private final Set<String> groupReleased = new LinkedHashSet<>();
    private final Map<String, String> requestBound = new LinkedHashMap<>();
    private final Set<String> requestReleased = new LinkedHashSet<>();
    /** Keys bound in this group (or request) to an incident then released in it, by key: what a reopen binds again. */
    private final Map<String, String> groupReleasedBinds = new LinkedHashMap<>();
    private final Map<String, String> requestReleasedBinds = new LinkedHashMap<>();
    private final IncidentNumberReservation numbers;
    /**
     * The lookups of the group in flight this one is staged on: its correlation changes count as done ({@code null}:
     * none, or staging is done: {@link #stagingDone}).
     */
    private GroupLookups inFlight;
    /** The idempotency keys of the events of the group in flight. */
    private Set<String> inFlightCeKeys;

    GroupLookups(Connection connection, SqlDialect dialect, Correlator correlator, GroupLookups inFlight, Set<String> inFlightCeKeys) {
        this.connection = connection;
        this.dialect = dialect;
        this.correlator = correlator;
        this.numbers = new IncidentNumberReservation(connection, dialect);
        this.inFlight = inFlight;
        this.inFlightCeKeys = inFlightCeKeys;
    }

    /** The group is sealed: what only staging reads is let go, so no group keeps the one before it reachable. */
    void stagingDone() {
        inFlight = null;
        inFlightCeKeys = Set.of();
    }

    static String ceKey(String principal, String ceSource, String ceId) {
        return principal + "\n" + ceSource + "\n" + ceId;
    }

    /**
     * Looks up what the group's events need, and reserves the incident numbers its new incidents will probably take.
     *
     * @return the reserved numbers not yet handed out, as incident ids
     */
    IncidentNumberReservation.ReservedIds prefetch(List<List<NewEvent>> requests) throws SQLException {
        List<NewEvent> all = requests.stream().flatMap(List::stream).toList();
        Map<String, String[]> wanted = IdempotencyLookup.wanted(all);
        List<String> keys = all.stream().map(NewEvent::correlationKey).filter(k -> k != null).distinct().toList();
        if (!keys.isEmpty() && dialect == SqlDialect.POSTGRESQL && correlator instanceof ExactKeyCorrelator) {
            storedAndOpenInOneRoundTrip(wanted, keys);
        } else {
            loadStored(wanted);
            if (!keys.isEmpty()) {
                Map<String, String> open = correlator.openIncidents(connection, keys);
                keys.forEach(k -> committedKeys.put(k, afterInFlight(k, open.get(k))));
            }
        }
        int needed = newIncidentsExpected(all);
        if (needed > 0) {
            numbers.reserve(needed);
        }
        return numbers.notHandedOut();
    }

    /**
     * New incidents the group will declare unless a request is refused: declares without an incident id that are no
     * duplicate and whose key has no open incident (a second declare of a key new in this group joins the first).
     * Too few (a key released and declared again within the group) costs one more statement; too many leaves gaps.
     */
    private int newIncidentsExpected(List<NewEvent> all) {
        Set<String> seenCe = new HashSet<>();
        Set<String> opening = new HashSet<>();
        int n = 0;
        for (NewEvent e : all) {
            if (e.ceId() != null) {
                String k = ceKey(e.principal(), e.effectiveCeSource(), e.ceId());
                if (storedByCe.get(k) != null || inFlightCeKeys.contains(k) || !seenCe.add(k)) {
                    continue;
                }
            }
            if (e.type() != EventType.DECLARE || e.incidentId() != null) {
                continue;
            }
            if (e.correlationKey() != null && (committedKeys.get(e.correlationKey()) != null || !opening.add(e.correlationKey()))) {
                continue;
            }
            n++;
        }
        return n;
    }

    private void loadStored(Map<String, String[]> wanted) throws SQLException {
        if (wanted.isEmpty()) {
            return;
        }
        List<String[]> keys = IdempotencyLookup.keys(dialect, wanted);
        try (PreparedStatement ps = connection.prepareStatement(IdempotencyLookup.sql(dialect, keys.size()))) {
            IdempotencyLookup.bind(ps, dialect, keys);
            wanted.keySet().forEach(k -> storedByCe.put(k, null));
            try (ResultSet rs = ps.executeQuery()) {
                IdempotencyLookup.read(rs, storedByCe);
            }
        }
    }

    /**
     * PostgreSQL with the built-in correlator: the dedup lookup (if the group has ce ids) and the correlation keys' in one
     * round trip (two statements), where they were one each; a pipelined group runs one such round per batch of requests
     * that join it, and the one in progress when the group before it commits delays the hand-over (issue 13, session 23).
     * The keys are one array parameter, each looked up by primary key ({@link ExactKeyCorrelator#OPEN_INCIDENTS_PG}).
     */
    private void storedAndOpenInOneRoundTrip(Map<String, String[]> wanted, List<String> correlationKeys) throws SQLException {
        List<String[]> keys = wanted.isEmpty() ? List.of() : IdempotencyLookup.keys(dialect, wanted);
        Map<String, String> found = new HashMap<>();
        String sql = (keys.isEmpty() ? "" : IdempotencyLookup.sql(dialect, keys.size()) + "; ") + ExactKeyCorrelator.OPEN_INCIDENTS_PG;
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int next = keys.isEmpty() ? 1 : IdempotencyLookup.bind(ps, dialect, keys);
            ps.setArray(next, connection.createArrayOf("varchar", correlationKeys.toArray()));
            wanted.keySet().forEach(k -> storedByCe.put(k, null));
            if (!ps.execute()) {
                throw new SQLException("the group's first lookup returned no result set");
            }
            if (!keys.isEmpty()) {
                try (ResultSet rs = ps.getResultSet()) {
                    IdempotencyLookup.read(rs, storedByCe);
                }
                if (!ps.getMoreResults()) {
                    throw new SQLException("the correlation lookup returned no result set");
                }
            }
            try (ResultSet rs = ps.getResultSet()) {
                ExactKeyCorrelator.readOpen(rs, found);
            }
        }
        correlationKeys.forEach(k -> committedKeys.put(k, afterInFlight(k, found.get(k))));
    }

    /** The event stored before this transaction under this idempotency key, or {@code null}. */
    TimelineEvent stored(String principal, String ceSource, String ceId) throws SQLException {
        String k = ceKey(principal, ceSource, ceId);
        if (!storedByCe.containsKey(k)) {
            storedByCe.put(k, TimelineRows.findByIdempotencyKey(connection, principal, ceSource, ceId));
        }
        return storedByCe.get(k);
    }

    /** The next reserved incident number (one more from the sequence when the reservation is used up). */
    long nextIncidentNumber() throws SQLException {
        return numbers.next();
    }

    void beginRequest() {
        requestBound.clear();
        requestReleased.clear();
        requestReleasedBinds.clear();
    }

    /** The open incident of a key as the requests accepted so far (and this one up to now) left it. */
    String openIncident(String key) throws SQLException {
        if (requestBound.containsKey(key)) {
            return requestBound.get(key);
        }
        if (groupBound.containsKey(key)) { // bound after any release of the group (a reopen binds again)
            String open = groupBound.get(key);
            return requestReleased.contains(open) ? null : open;
        }
        String open = committed(key);
        return open == null || requestReleased.contains(open) || groupReleased.contains(open) ? null : open;
    }

    private String committed(String key) throws SQLException {
        if (!committedKeys.containsKey(key)) {
            committedKeys.put(key, afterInFlight(key, correlator.openIncidents(connection, List.of(key)).get(key)));
        }
        return committedKeys.get(key);
    }

    /**
     * A key's open incident as read from the store, once the group in flight has committed: the store may be read before
     * or after that commit, and the group's own changes give the same answer either way.
     */
    private String afterInFlight(String key, String stored) {
        if (inFlight == null) {
            return stored;
        }
        if (inFlight.groupBound.containsKey(key)) {
            return inFlight.groupBound.get(key);
        }
        return stored != null && inFlight.groupReleased.contains(stored) ? null : stored;
    }

    void bind(String key, String incidentId) {
        requestBound.put(key, incidentId);
    }

    void release(String incidentId) {
        keysOf(incidentId, requestBound).forEach(key -> requestReleasedBinds.put(key, incidentId));
        requestBound.values().removeIf(incidentId::equals);
        requestReleased.add(incidentId);
    }

    void acceptRequest() {
        for (String released : requestReleased) {
            keysOf(released, groupBound).forEach(key -> groupReleasedBinds.put(key, released));
            groupBound.values().removeIf(released::equals);
            groupReleased.add(released);
        }
        groupReleasedBinds.putAll(requestReleasedBinds);
        groupBound.putAll(requestBound);
        beginRequest();
    }

    /**
     * A reopened incident (resolved → acknowledged, by a responder or a poller) takes its correlation keys again, so the
     * alert's next firing counts as a repeat on it instead of declaring another incident. Its keys: those the store holds
     * or kept at its release ({@link Correlator#keysHeld}, one statement, asked only on a reopen), and those bound and
     * released by this group or the one in flight, not yet committed.
     */
    void rebind(String incidentId) throws SQLException {
        Set<String> keys = new LinkedHashSet<>(correlator.keysHeld(connection, List.of(incidentId)).getOrDefault(incidentId, Set.of()));
        keys.addAll(keysOf(incidentId, requestReleasedBinds));
        keys.addAll(keysOf(incidentId, groupReleasedBinds));
        if (inFlight != null) {
            keys.addAll(keysOf(incidentId, inFlight.groupReleasedBinds));
        }
        for (String key : keys) {
            // A key another open incident took meanwhile (the alert fired again while this one was resolved) stays
            // there: taking it back would move a live alert's repeats off the incident people are working on.
            if (openIncident(key) == null) {
                bind(key, incidentId);
            }
        }
    }

    private static List<String> keysOf(String incidentId, Map<String, String> keyToIncident) {
        return keyToIncident.entrySet().stream().filter(e -> e.getValue().equals(incidentId)).map(Map.Entry::getKey).toList();
    }

    /**
     * The group's new correlation keys, for the group's writes to bind in their own statement ({@link GroupWrites#lockThenWrite});
     * {@code null} when {@link #flush} must write them: another correlator than the built-in one (its table is its own),
     * or keys released in the group (releases go first: a released key may be bound again in the same group).
     */
    Map<String, String> bindsToWriteWithRows() {
        return correlator instanceof ExactKeyCorrelator && groupReleased.isEmpty() ? groupBound : null;
    }

    /**
     * Writes the group's correlation changes through {@code writes}: releases first (a released key may be bound again in
     * the same group).
     *
     * @param bindsWritten the binds were written with the group's rows ({@link #bindsToWriteWithRows})
     */
    void flush(Connection writes, Instant now, boolean bindsWritten) throws SQLException {
        if (!groupReleased.isEmpty()) {
            correlator.releaseAll(writes, groupReleased);
        }
        if (!groupReleasedBinds.isEmpty()) { // bound and released in this group: releaseAll found them nowhere to keep
            correlator.keepReleased(writes, groupReleasedBinds);
        }
        if (!groupBound.isEmpty() && !bindsWritten) {
            correlator.bindAll(writes, groupBound, now);
        }
    }
}
