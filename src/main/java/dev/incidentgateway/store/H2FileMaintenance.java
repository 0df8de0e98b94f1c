package dev.incidentgateway.store;

import dev.incidentgateway.security.Redact;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.Chunk;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an embedded H2 file close to the size of its live data while the gateway runs.
 *
 * <p>Why it is needed: the gateway's H2 URL has {@code WRITE_DELAY=0} (a commit is written before it returns, so
 * a 2xx survives kill -9). That also switches off H2's background writer, and with it the only thing that
 * compacts the file while it is open: every commit appends a new chunk of changed B-tree pages (15–25 KB for one
 * event) and the file grew by that much per event until it was closed. H2 has no SQL command for online
 * compaction, so this does what the background writer would: every {@link #PERIOD} it forces the file to disk
 * ({@link MVStore#sync()}) and rewrites chunks that are mostly garbage ({@link MVStore#compact(int, int)}), so
 * their space is reused by later commits. The file shrinks while open only when its end is free (H2 compacts it on
 * close), but it stops growing by a chunk per commit: it holds its live data plus a working area of recent writes
 * and of chunks not yet rewritten (how large that gets under long runs of small commits: below). H2 reuses a freed chunk's space only after its {@code RETENTION_TIME} (5 s in the
 * gateway's URL, ten of this class's fsync periods; 45 s, H2's default, until session 38: see
 * {@link StoreFactory#durableUrl}). Figures: {@code bench/storage.sh}.
 *
 * <p>What bounds the running file under many small commits (measured in session 29 with an outside soak's load:
 * webhooks, declares, acks and notes committed 1–2 events at a time, two outbox targets, 30 streams; ~40 requests/s,
 * ~65 commits/s on two busy cores; bench/README "Storage per event"). Each such commit writes a chunk of 35–40 KB
 * (the changed pages of about ten maps; over a third of it is H2's layout map, which rewrites the entry of every
 * chunk that lost a page), 2.5 MB/s here. H2 reuses a chunk's space only once the chunk was written at least the
 * retention time ago, so the file cannot be smaller than its live data plus a retention time of writes (~95 MB here
 * with the 45 s of that time): that part follows the write rate and levels off with it. What kept the file growing on top of it: H2 frees dead chunks from a
 * queue in the order they died and stops at the first one still too young. Under small commits nearly every chunk
 * dies young (its pages are rewritten by the next commit or two), so a chunk written minutes ago that died just now
 * (its last live pages moved by the compaction below) waited behind them for another whole retention time: 860
 * such chunks, 40 MB of a 150 MB file after five minutes, and growing with the age of the data. They are moved ahead
 * ({@link #unblockSeasonedDeadChunks}); H2 frees them at its next write if it would free them at the head of its
 * queue anyway (old enough, no reader on their version), so no chunk is reused earlier than H2's own rule allows.
 * Within those five minutes the compaction budget was not what fell behind (the old chunks' live pages stayed under
 * 100 KB). Over longer runs it is (session 30, bench/README: 40 new alerts/s for 43 min, the file 175 MB for 51 MB of
 * live data, still growing): H2's {@code compact} picks any chunk older than the retention time, the fullest ones too,
 * so the maintenance moves the live data about once a retention time, and once the live data outgrows what
 * {@link #MAX_REWRITE_BYTES} per run moves in that time, partly live chunks pile up. Rewriting only chunks at most
 * half live was tried and did not make the file smaller within 40 minutes; not done.
 *
 * <p>Reaches the MVStore through H2's engine classes (stable within the pinned H2 version; a store opened
 * differently, e.g. through a TCP server, is left alone). It stops by itself once the database is closed.
 */
public final class H2FileMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(H2FileMaintenance.class);
    static final Duration PERIOD = Duration.ofMillis(500);
    /**
     * Rewrite whenever the file holds any garbage: H2 counts a chunk as used while one live page is left in it,
     * so the file's fill rate stays high (over 90 %) while its chunks are mostly dead (5 % live measured); a lower
     * target than 100 rewrote nothing and the file grew without bound.
     */
    static final int TARGET_FILL_RATE = 100;
    /**
     * Chunks are rewritten only once less than half of what they hold is live: rewriting more often competes with
     * the writer for the same file and measured worse under concurrent appends.
     */
    static final int REWRITE_BELOW_CHUNK_FILL = 50;
    /**
     * At most this many live bytes rewritten per run (1 MB/s), under H2's store lock: no commit goes through meanwhile.
     * H2 picks the emptiest, oldest chunks first, so a small budget frees the most space per byte rewritten; the budget
     * is spent on every run while ingest goes on (the young chunks keep the fill rate below
     * {@link #REWRITE_BELOW_CHUNK_FILL}). With 2 MB (4 MB/s) this thread was a quarter of the gateway's CPU samples and
     * of its allocation under webhook ingest on H2, and on a busy machine held the lock for seconds (appends timed
     * out). At one run per 2,150 commits of new alerts 512 KB did a seventh of the work per event and held the lock
     * 56 instead of 453 ms at most, for an open file about 1.5 times the size (issue 13, bench/README "Webhook ingest",
     * session 22).
     */
    static final int MAX_REWRITE_BYTES = 512 << 10;
    /** H2's queue of dead chunks ({@code FileStore.deadChunks} in the pinned H2 2.5.252); null if an H2 has none. */
    private static final Field DEAD_CHUNKS = deadChunksField();

    private H2FileMaintenance() {
    }

    /** Starts the maintenance for an embedded H2 store; does nothing for any other store. */
    public static void startIfEmbeddedH2(DataSource dataSource) {
        mvStore(dataSource).ifPresent(mv -> {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "h2-file-maintenance");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(() -> {
                if (mv.isClosed() || !runOnce(mv)) {
                    timer.shutdown();
                }
            }, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** @return whether to go on */
    static boolean runOnce(MVStore mv) {
        try {
            mv.sync();
            unblockSeasonedDeadChunks(mv);
            if (mv.getFileStore().getChunksFillRate() < REWRITE_BELOW_CHUNK_FILL) {
                mv.compact(TARGET_FILL_RATE, MAX_REWRITE_BYTES);
            }
            return true;
        } catch (RuntimeException e) {
            if (mv.isClosed()) {
                return false; // closed between the check and the call: the store is shutting down
            }
            LOG.warn("H2 file maintenance failed (the file may grow until the next restart): {}", Redact.text(String.valueOf(e.getMessage())));
            return true;
        }
    }

    /**
     * Puts the dead chunks that H2 may already free (written more than its retention time ago) at the head of H2's
     * queue of dead chunks, where its next write frees them; see the class comment. Only the order changes: H2 itself
     * checks again, chunk by chunk, that each one is old enough and that no reader still uses its version.
     *
     * @return how many chunks were moved ahead, 0 if none was held up, -1 if this H2 keeps no such queue
     */
    static int unblockSeasonedDeadChunks(MVStore mv) {
        FileStore<?> fs = mv.getFileStore();
        Deque<Chunk<?>> queue = deadChunks(fs);
        if (queue == null || fs.getRetentionTime() < 0) {
            return queue == null ? -1 : 0;
        }
        // H2's own test (FileStore.isSeasonedChunk): written at least the retention time ago, in its clock
        long seasonedUntil = mv.getTimeAbsolute() - fs.getCreationTime() - fs.getRetentionTime();
        boolean youngSeen = false;
        boolean heldUp = false;
        for (Chunk<?> c : queue) {
            youngSeen |= c.time > seasonedUntil;
            if (youngSeen && c.time <= seasonedUntil) {
                heldUp = true;
                break;
            }
        }
        if (!heldUp) {
            return 0;
        }
        List<Chunk<?>> seasoned = new ArrayList<>();
        List<Chunk<?>> young = new ArrayList<>();
        for (Chunk<?> c; (c = queue.pollFirst()) != null; ) {
            (c.time <= seasonedUntil ? seasoned : young).add(c);
        }
        // Back at the head (before any chunk H2 queued meanwhile): the old ones first, each group in its own order.
        for (int i = young.size() - 1; i >= 0; i--) {
            queue.offerFirst(young.get(i));
        }
        for (int i = seasoned.size() - 1; i >= 0; i--) {
            queue.offerFirst(seasoned.get(i));
        }
        return seasoned.size();
    }

    @SuppressWarnings("unchecked")
    private static Deque<Chunk<?>> deadChunks(FileStore<?> fs) {
        try {
            return DEAD_CHUNKS == null ? null : (Deque<Chunk<?>>) DEAD_CHUNKS.get(fs);
        } catch (IllegalAccessException | ClassCastException e) {
            return null;
        }
    }

    private static Field deadChunksField() {
        try {
            Field f = FileStore.class.getDeclaredField("deadChunks");
            f.setAccessible(true);
            return Deque.class.isAssignableFrom(f.getType()) ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static Optional<MVStore> mvStore(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isWrapperFor(JdbcConnection.class)
                    || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)
                    || local.getDatabase().getStore() == null || !local.getDatabase().isPersistent()) {
                return Optional.empty();
            }
            return Optional.ofNullable(local.getDatabase().getStore().getMvStore());
        } catch (SQLException e) {
            LOG.warn("H2 file maintenance not started: {}", Redact.text(String.valueOf(e.getMessage())));
            return Optional.empty();
        }
    }
}
