package dev.incidentgateway.audit;

import dev.incidentgateway.timeline.GlobalChain;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Signs the head of the global chain when it moved and appends the checkpoint to the checkpoint file. Run by a
 * timer ({@code GATEWAY_CHECKPOINT_INTERVAL_S}) and once more at shutdown.
 */
public final class Checkpointer {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    /** Events counted per statement (see {@link #count}). */
    static final int COUNT_RANGE = 50_000;

    private final int countRange;
    private final DataSource dataSource;
    private final CheckpointSigner signer;
    private final Path file;
    private final Clock clock;
    private Checkpoint latest;
    /** Events counted so far, up to this id: later counts only read the events added since. */
    private String countedUpTo;
    private long counted;
    /** The head last refused a checkpoint (its ERROR is logged once, not every interval). */
    private GlobalChain.Head refusedHead;
    private final CheckpointMetrics metrics;
    /** Guards the file append against {@link #abandon()}: a checkpoint is written whole or not at all. */
    private final Object fileLock = new Object();
    private boolean abandoned;

    public Checkpointer(DataSource dataSource, CheckpointSigner signer, Path file, Clock clock) {
        this(dataSource, signer, file, clock, COUNT_RANGE, new SimpleMeterRegistry());
    }

    /** With its metrics in {@code meters} (the gateway's /metrics). */
    public Checkpointer(DataSource dataSource, CheckpointSigner signer, Path file, Clock clock, MeterRegistry meters) {
        this(dataSource, signer, file, clock, COUNT_RANGE, meters);
    }

    /** @param countRange events counted per statement (tests count over several ranges with a few events) */
    Checkpointer(DataSource dataSource, CheckpointSigner signer, Path file, Clock clock, int countRange, MeterRegistry meters) {
        this.countRange = countRange;
        this.dataSource = dataSource;
        this.signer = signer;
        this.file = file;
        this.clock = clock;
        this.metrics = new CheckpointMetrics(meters);
        this.latest = fromFile();
        if (latest != null) {
            metrics.latest(latest, false);
        }
    }

    /** The latest checkpoint this gateway signed (also one from an earlier run, read from the file). */
    public synchronized Optional<Checkpoint> latest() {
        return Optional.ofNullable(latest);
    }

    public CheckpointSigner signer() {
        return signer;
    }

    /**
     * Signs and appends a checkpoint of the current head unless it is the one signed last; nothing while the log is
     * empty or holds only events from before the upgrade (no keyed event yet), and nothing while the log contradicts
     * the last checkpoint (its last event gone or changed, fewer events): a new checkpoint over what is left would
     * become the latest one, which {@code verify} checks, and hide the removal from it.
     */
    public synchronized Optional<Checkpoint> checkpointIfMoved() throws SQLException, IOException {
        GlobalChain.Head head;
        long count;
        try (Connection c = dataSource.getConnection()) {
            head = GlobalChain.readHead(c);
            if (head == null || head.globalHash() == null
                    || latest != null && latest.lastEventId().equals(head.lastEventId()) && latest.headHash().equals(head.globalHash())) {
                return Optional.empty();
            }
            count = count(c, head.lastEventId());
            Optional<String> contradiction = contradiction(c, count);
            if (contradiction.isPresent()) {
                metrics.failed(CheckpointMetrics.Failure.LOG_CONTRADICTS_CHECKPOINT); // every interval, unlike the ERROR
                if (!head.equals(refusedHead)) {
                    LOG.error("No checkpoint signed: the log contradicts the last checkpoint (of {}, {} events): {}. Events were removed "
                            + "or changed (or an older backup was restored: then move {} aside and keep it). Run verify.",
                            latest.time(), latest.count(), contradiction.get(), file);
                    refusedHead = head;
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            metrics.failed(CheckpointMetrics.Failure.STORE_ERROR);
            throw e;
        }
        Checkpoint cp = signer.sign(head.lastEventId(), count, head.globalHash(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        synchronized (fileLock) {
            if (abandoned) {
                return Optional.empty();
            }
            try {
                CheckpointFile.append(file, cp);
            } catch (IOException e) {
                metrics.failed(CheckpointMetrics.Failure.FILE_ERROR);
                throw e;
            }
        }
        latest = cp;
        metrics.latest(cp, true);
        LOG.debug("Checkpoint at event {} ({} events)", cp.lastEventId(), cp.count());
        return Optional.of(cp);
    }

    /**
     * No checkpoint is written from now on, not even by one under way: the shutdown gave up waiting for it (a store
     * that does not answer) and the process is about to exit, which must not cut a checkpoint line in half. Returns once
     * a write under way, if any, is complete.
     */
    public void abandon() {
        synchronized (fileLock) {
            abandoned = true;
        }
    }

    /** What in the log contradicts the latest checkpoint, if anything ({@code count}: the events up to the head now). */
    private Optional<String> contradiction(Connection c, long count) throws SQLException {
        if (latest == null) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT global_hash FROM timeline_events WHERE id = ?")) {
            ps.setString(1, latest.lastEventId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.of("its last event " + latest.lastEventId() + " is not in the log");
                }
                String hash = rs.getString(1);
                if (hash == null || !hash.trim().equals(latest.headHash())) {
                    return Optional.of("the global hash at its last event " + latest.lastEventId() + " is not the one it signed");
                }
            }
        }
        return count < latest.count()
                ? Optional.of("the log holds " + count + " events up to its head, fewer than the " + latest.count() + " it counted")
                : Optional.empty();
    }

    /**
     * The number of events up to {@code upTo}, counted in ranges of {@link #COUNT_RANGE} ids (by default), each its own
     * statement, and remembered as it goes. One {@code COUNT(*)} over a million events outlasted the statement timeout on a busy H2
     * (10 s, the append timeout): the first checkpoint after a start then failed every interval and counted from the
     * first event again, most of an idle gateway's CPU (issue 13, bench/README.md "Scale"). A range that fails now
     * leaves the ranges before it counted.
     */
    private long count(Connection c, String upTo) throws SQLException {
        if (countedUpTo == null || countedUpTo.compareTo(upTo) > 0) {
            countedUpTo = "";
            counted = 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MAX(r.id) FROM (SELECT id FROM timeline_events "
                + "WHERE id > ? AND id <= ? ORDER BY id LIMIT " + countRange + ") r")) {
            while (true) {
                ps.setString(1, countedUpTo);
                ps.setString(2, upTo);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long n = rs.getLong(1);
                    if (n == 0) {
                        break;
                    }
                    counted += n;
                    countedUpTo = rs.getString(2);
                }
            }
        }
        countedUpTo = upTo;
        return counted;
    }

    private Checkpoint fromFile() {
        try {
            return CheckpointFile.latest(file).map(CheckpointFile.Entry::checkpoint)
                    .filter(cp -> CheckpointSigner.validSignature(cp, signer.publicKey())).orElse(null);
        } catch (IOException e) {
            LOG.warn("Cannot read the checkpoint file {}: {}", file, e.getMessage());
            return null;
        }
    }
}
