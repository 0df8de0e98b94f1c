package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.store.SqlDialect;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The timeline: durable appends (through the group-committing {@link TimelineWriter}) and the queries
 * the API serves. Reads page by event id ({@code > after}), never by offset.
 */
public final class TimelineStore implements AutoCloseable {
    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TimelineWriter writer;
    private final MeterRegistry meters;
    private final AppendSubmission submission;
    private dev.incidentgateway.audit.ChainKeyEpochs verifierKeys;
    private volatile dev.incidentgateway.store.StoreHealthProbe healthProbe;
    /** Appends in a row with an unknown outcome after which the breaker opens (only with a health probe). */
    static final int BREAKER_THRESHOLD = 5;

    /** @param chainKey the audit chain's key (see {@link EventHasher}, {@link GlobalChain}) */
    public TimelineStore(DataSource dataSource, SqlDialect dialect, String typePrefix, int maxBatch, int queueCapacity,
                         MeterRegistry meters, ChainKey chainKey, List<AppendListener> listeners) {
        this(dataSource, dialect, typePrefix, maxBatch, queueCapacity, meters, chainKey, new ExactKeyCorrelator(), listeners);
    }

    public TimelineStore(DataSource dataSource, SqlDialect dialect, String typePrefix, int maxBatch, int queueCapacity,
                         MeterRegistry meters, ChainKey chainKey, Correlator correlator, List<AppendListener> listeners) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.meters = meters;
        this.verifierKeys = dev.incidentgateway.audit.ChainKeyEpochs.single(chainKey);
        this.writer = new TimelineWriter(dataSource, dialect, typePrefix, maxBatch, queueCapacity, correlator, chainKey, listeners,
                new GroupMeters(meters));
        this.submission = new AppendSubmission(writer, meters);
    }

    /** Appends one event; see {@link #appendAll}. */
    public AppendOutcome append(NewEvent event) {
        return appendAll(List.of(event)).get(0);
    }

    /**
     * Appends the events all-or-nothing, returning once they are committed.
     *
     * @throws AppendRejectedException    refused by the domain (nothing stored)
     * @throws StoreUnavailableException  the store could not take it now (nothing stored; retry)
     */
    public List<AppendOutcome> appendAll(List<NewEvent> events) {
        return append(events, false, null);
    }

    /**
     * Appends what a polling source read, each event on its own (a refused one is reported as REFUSED), and
     * commits the source's new watermark in the same transaction.
     */
    public List<AppendOutcome> appendPolled(List<NewEvent> events, SourceProgress progress) {
        return append(events, true, progress);
    }

    /** The watermark a polling source last committed, if any. */
    public Optional<String> watermark(String source) {
        List<String> found = new ArrayList<>();
        query("SELECT watermark FROM source_watermarks WHERE source = ?", new String[]{source}, rs -> found.add(rs.getString(1)));
        return found.stream().findFirst();
    }

    private List<AppendOutcome> append(List<NewEvent> events, boolean bestEffort, SourceProgress progress) {
        if (bestEffort) {
            return PolledRecords.appendValid(events, valid -> submission.await(valid, AppendMode.EACH_EVENT, progress), meters);
        }
        events.forEach(EventLimits::check); // before the writer: bad input never costs a transaction
        return submission.await(events, AppendMode.ALL_OR_NOTHING, progress);
    }

    /**
     * {@link #appendAll} without blocking the caller: the future completes (never on the writer thread) once the events
     * are committed, or exceptionally ({@link java.util.concurrent.CompletionException} around the exception
     * {@code appendAll} throws). Bad input fails the future before anything is queued.
     */
    public java.util.concurrent.CompletableFuture<List<AppendOutcome>> appendAllAsync(List<NewEvent> events) {
        return appendAllAsync(events, AppendMode.ALL_OR_NOTHING);
    }

    /** {@link #appendAllAsync(List)} with {@code mode}'s treatment of refused events (bad input still fails the future). */
    public java.util.concurrent.CompletableFuture<List<AppendOutcome>> appendAllAsync(List<NewEvent> events, AppendMode mode) {
        try {
            events.forEach(EventLimits::check);
        } catch (RuntimeException bad) {
            return java.util.concurrent.CompletableFuture.failedFuture(bad);
        }
        return submission.submit(events, mode, null);
    }

    /**
     * How long an append waits for its commit (GATEWAY_APPEND_TIMEOUT_MS). A request still queued when it runs out
     * is dropped unwritten by the writer; one already inside a transaction may still commit, hence
     * {@link AppendOutcomeUnknownException} says "unknown", not "not stored".
     */
    public TimelineStore withAppendTimeout(java.time.Duration timeout) {
        submission.timeout(timeout);
        return this;
    }

    public Optional<Incident> incident(String id) {
        List<Incident> found = queryIncidents("SELECT " + TimelineRows.INCIDENT_COLUMNS + " FROM incidents WHERE id = ?", id);
        return found.stream().findFirst();
    }

    /** Incidents, newest declared first, optionally of one status ({@code null}: every status). */
    public List<Incident> incidents(IncidentStatus status, int limit) {
        return incidents(status == null ? Set.of() : Set.of(status), Set.of(), limit);
    }

    /**
     * Incidents, newest declared first, of any of {@code statuses} and {@code severities} (empty: any): {@code limit} index
     * entries read per status ({@link IncidentListQuery} says how).
     */
    public List<Incident> incidents(Set<IncidentStatus> statuses, Set<Severity> severities, int limit) {
        IncidentListQuery list = IncidentListQuery.of(statuses, severities, limit);
        return queryIncidents(list.sql(), list.params());
    }

    /**
     * An incident's events in order, after the event {@code afterId} (exclusive; {@code null} from the start). A page
     * starts in the (incident_id, seq) index at the seq of {@code afterId} (an incident's ids rise with its seq), so
     * the thousandth page of a long timeline costs what the first does; {@code id > ?} stays for an {@code afterId}
     * of another incident.
     */
    public List<TimelineEvent> timeline(String incidentId, String afterId, int limit) {
        return queryEvents(timelineSql(afterId, limit), timelineParams(incidentId, afterId));
    }

    static String timelineSql(String afterId, int limit) {
        return "SELECT " + TimelineRows.EVENT_COLUMNS + " FROM timeline_events WHERE incident_id = ?"
                + (afterId == null ? "" : " AND id > ? AND seq > COALESCE((SELECT a.seq FROM timeline_events a WHERE a.id = ? "
                + "AND a.incident_id = ?), 0)") + " ORDER BY seq LIMIT " + limit;
    }

    static String[] timelineParams(String incidentId, String afterId) {
        return afterId == null ? new String[]{incidentId} : new String[]{incidentId, afterId, afterId, incidentId};
    }

    /** The {@code Since} feed: every event of every incident with an id above {@code afterId}, in id order. */
    public List<TimelineEvent> since(String afterId, int limit) {
        return queryEvents(sinceSql(afterId, limit), sinceParams(afterId));
    }

    static String sinceSql(String afterId, int limit) {
        return "SELECT " + TimelineRows.EVENT_COLUMNS + " FROM timeline_events"
                + (afterId == null ? "" : " WHERE id > ?") + " ORDER BY id LIMIT " + limit;
    }

    static String[] sinceParams(String afterId) {
        return afterId == null ? new String[0] : new String[]{afterId};
    }

    /** The pages of {@link #timeline} and {@link #since} handed over one event at a time (the API's byte-capped pages). */
    public StreamedEvents streamed() {
        return new StreamedEvents(this);
    }

    /** The id of the newest stored event, if any (where a tail of the Since feed starts). */
    public Optional<String> newestEventId() {
        List<String> found = new ArrayList<>();
        query("SELECT MAX(id) FROM timeline_events", new String[0], rs -> found.add(rs.getString(1)));
        return found.stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** One event by id. */
    public Optional<TimelineEvent> event(String eventId) {
        return queryEvents("SELECT " + TimelineRows.EVENT_COLUMNS + " FROM timeline_events WHERE id = ?", eventId).stream().findFirst();
    }

    /**
     * Uses a background probe of the store (answers from memory, never blocks on the database) for
     * {@link #isHealthy()}; the store closes it with itself.
     */
    public TimelineStore withHealthProbe(dev.incidentgateway.store.StoreHealthProbe probe) {
        this.healthProbe = probe;
        writer.knownOutage(probe.outage()::retried);
        AppendCircuitBreaker breaker = new AppendCircuitBreaker(BREAKER_THRESHOLD, probe::lastSuccessStart);
        submission.breaker(breaker);
        // For alerts from /metrics alone, without a /health probe of their own; both read memory, never the database.
        Gauge.builder("gateway.store.up", probe, p -> p.isUp() ? 1 : 0).strongReference(true)
                .description("1 while the background store probe succeeds (what /health reports), else 0").register(meters);
        Gauge.builder("gateway.store.circuit.open", breaker, b -> b.refusing() ? 1 : 0).strongReference(true)
                .description("1 while appends are refused at once after failing in a row in the store, else 0").register(meters);
        return this;
    }

    /** The probe's cached status if there is one (the server), else whether the database answers within two seconds. */
    public boolean isHealthy() {
        dev.incidentgateway.store.StoreHealthProbe probe = healthProbe;
        if (probe != null) {
            return probe.isUp();
        }
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The outage its health probe sees ({@link dev.incidentgateway.store.StoreOutage#untracked()} without one). */
    public dev.incidentgateway.store.StoreOutage outage() {
        dev.incidentgateway.store.StoreHealthProbe probe = healthProbe;
        return probe == null ? dev.incidentgateway.store.StoreOutage.untracked() : probe.outage();
    }

    /** Why the store does not answer, while its health probe's last check failed (for /health's detail). */
    public java.util.Optional<String> downReason() {
        dev.incidentgateway.store.StoreHealthProbe probe = healthProbe;
        return probe == null ? java.util.Optional.empty() : probe.failure();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Which database {@link #dataSource()} is, for the few reads whose best form differs between them. */
    public SqlDialect dialect() {
        return dialect;
    }

    /** A verifier of the incidents' audit chains with this store's chain key. */
    public ChainVerifier verifier() {
        return new ChainVerifier(dataSource, verifierKeys);
    }

    /** The retired chain keys as well, for the verification of events written before a {@code chain-key rotate}. */
    public TimelineStore withChainKeyEpochs(dev.incidentgateway.audit.ChainKeyEpochs keys) {
        this.verifierKeys = keys;
        return this;
    }

    private List<Incident> queryIncidents(String sql, String... params) {
        List<Incident> out = new ArrayList<>();
        query(sql, params, rs -> out.add(TimelineRows.readIncident(rs)));
        return out;
    }

    private List<TimelineEvent> queryEvents(String sql, String... params) {
        List<TimelineEvent> out = new ArrayList<>();
        query(sql, params, rs -> out.add(TimelineRows.readEvent(rs)));
        return out;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /**
     * The gate of every read: while the health probe's last check failed it throws {@link StoreUnavailableException}
     * (503 + Retry-After) at once, instead of holding an HTTP worker for the pool's connection timeout (5 s) or the
     * socket timeout of a store that does not answer. Public for reads outside this class ({@code /api/v1/outbox}).
     */
    public void refuseWhileDown() {
        dev.incidentgateway.store.StoreHealthProbe probe = healthProbe;
        if (probe != null && probe.lastProbeFailed()) {
            throw new StoreUnavailableException("the store does not answer (health probe)", null);
        }
    }

    private void query(String sql, String[] params, RowReader reader) {
        refuseWhileDown();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not answer a query", e);
        }
    }

    @Override
    public void close() {
        close(java.time.Duration.ofSeconds(10));
    }

    /**
     * Stops the probe and the writer, waiting up to {@code maxWait} for the writer to commit its queue.
     *
     * @return false when the writer was still busy then (see {@link TimelineWriter#close(java.time.Duration)})
     */
    public boolean close(java.time.Duration maxWait) {
        if (healthProbe != null) {
            healthProbe.close();
        }
        boolean finished = writer.close(maxWait);
        submission.close();
        return finished;
    }
}
