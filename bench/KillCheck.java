import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does every acknowledged append survive SIGKILL on the embedded H2 store? (bench/kill-check.sh runs it.)
 *
 * <p>{@code child <dir> <seconds> <threads>}: opens the store in {@code dir} as the gateway does (StoreFactory: the
 * gateway's H2 URL settings, H2DurableCommits, H2FileMaintenance), declares new incidents from {@code threads} threads
 * for {@code seconds} (a correlation key and CloudEvent id each, like a new Alertmanager alert), appending
 * "{incident} {eventId}" to {@code dir/acks.txt} after each append returned (unbuffered: the lines survive the
 * process), then prints {@code IDLE <n>} and waits to be killed. It prints {@code APPENDING} when the writers start (for a
 * kill during the appends: kill-check.sh with KILL_CHECK_AT=load).
 * <p>{@code check <dir>}: opens the killed store and prints {@code kill-check acked=… stored=… missing=…}.
 * <p>{@code KILL_CHECK_URL_EXTRA} (e.g. {@code ;RETENTION_TIME=1000}) is appended to the store URL in both modes: an
 * explicit setting there wins over the gateway's own (StoreFactory.durableUrl).
 * Session 37 found with it that H2 reopened without the last 23–32 acknowledged appends (see H2NewestChunkHeader).
 */
public class KillCheck {
    public static void main(String[] a) throws Exception {
        if (a[0].equals("child")) {
            child(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
        } else {
            check(Path.of(a[1]));
        }
    }

    static HikariDataSource open(Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("data/gateway") + System.getenv().getOrDefault("KILL_CHECK_URL_EXTRA", ""));
        return StoreFactory.openAndMigrate(GatewayConfig.load(env, Map.of()));
    }

    static void child(Path dir, int seconds, int threads) throws Exception {
        HikariDataSource ds = open(dir);
        TimelineStore store = new TimelineStore(ds, SqlDialect.H2, "dev.incidentgateway", 256, 10000,
                new SimpleMeterRegistry(), dev.incidentgateway.audit.ChainKey.generate(), List.of());
        FileOutputStream acks = new FileOutputStream(dir.resolve("acks.txt").toFile(), true);
        AtomicLong n = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String run = Long.toString(System.nanoTime(), 36);
        List<Thread> writers = new ArrayList<>();
        System.out.println("APPENDING");
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            Thread writer = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long i = n.incrementAndGet();
                    AppendOutcome o = store.append(NewEvent.builder(EventType.DECLARE, "kill-check").title("alert " + run + "-" + i)
                            .severity(Severity.SEV3).ceSource("kill-check").ceId(run + "-" + i).correlationKey("k-" + run + "-" + i).build());
                    byte[] line = (o.event().incidentId() + " " + o.event().id() + "\n").getBytes(StandardCharsets.UTF_8);
                    synchronized (acks) {
                        try {
                            acks.write(line);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }
            });
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        System.out.println("IDLE " + n.get());
        System.out.flush();
        Thread.sleep(600_000);
    }

    static void check(Path dir) throws Exception {
        List<String> acked = Files.readAllLines(dir.resolve("acks.txt"));
        Set<String> stored = new HashSet<>();
        try (HikariDataSource ds = open(dir); Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM timeline_events")) {
            while (rs.next()) {
                stored.add(rs.getString(1));
            }
        }
        List<String> missing = new ArrayList<>();
        for (String line : acked) {
            String[] p = line.split(" ");
            if (p.length == 2 && !stored.contains(p[1])) {
                missing.add(p[0]);
            }
        }
        System.out.println("kill-check store=h2 acked=" + acked.size() + " stored=" + stored.size() + " missing=" + missing.size()
                + (missing.isEmpty() ? "" : " first_missing=" + missing.get(0)));
    }
}
