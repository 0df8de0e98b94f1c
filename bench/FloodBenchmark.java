// Sustained appends with the timeline writer's queue never empty, and the heap that leaves (issue 13, memory; session 48).
//
//   java -Xmx256m -cp target/incident-gateway.jar bench/FloodBenchmark.java [<jdbc-url>] [<seconds>]
//
// <jdbc-url>: a jdbc:h2: or jdbc:postgresql: URL (user/password from GATEWAY_DB_USER / GATEWAY_DB_PASSWORD; default: a new
// H2 file in a temp dir); <seconds>: how long to flood (default 40). One TimelineStore as the gateway builds it (group
// commit up to 256, queue 10,000), one incident, notes appended asynchronously with 2,000 always outstanding, so the writer
// never runs dry: the load of a Kafka backlog or a poller catching up. Every 5 s the heap used right after a full GC.
// Until session 48 each group kept the one it was staged on reachable, and this load filled -Xmx256m after about 310k
// appends (H2) or 320k (PostgreSQL). Last line, machine-readable (exit status 1 if an append failed or the heap after GC
// ever passed half of -Xmx):
//
//   flood store=<h2|postgresql> seconds=<n> appends=<n> appends_per_s=<n> heap_after_gc_mb_max=<n> xmx_mb=<n> failed=<n>

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class FloodBenchmark {
    private static final int OUTSTANDING = 2_000;

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 && !args[0].isBlank() ? args[0]
                : "jdbc:h2:file:" + Files.createTempDirectory("flood-bench").resolve("gateway");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        String storeName = url.startsWith("jdbc:postgresql") ? "postgresql" : "h2";
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("GATEWAY_DB_URL", url);
        Runtime rt = Runtime.getRuntime();
        long xmxMb = rt.maxMemory() >> 20;
        System.out.printf(Locale.ROOT, "Flood benchmark: %s, %d s, %d appends outstanding, -Xmx %d MB, %d cores%n",
                storeName, seconds, OUTSTANDING, xmxMb, rt.availableProcessors());
        long appends;
        long maxHeapMb = 0;
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start;
        long elapsed;
        try (HikariDataSource ds = StoreFactory.openAndMigrate(GatewayConfig.load(env, Map.of()))) {
            TimelineStore store = new TimelineStore(ds, SqlDialect.forUrl(url), "dev.incidentgateway", 256, 10_000,
                    new SimpleMeterRegistry(), ChainKey.generate(), List.of());
            String incident = "FLOOD-" + Long.toString(System.nanoTime(), 36);
            store.append(NewEvent.builder(EventType.DECLARE, "bench").incident(incident).title("flood").build());
            Semaphore outstanding = new Semaphore(OUTSTANDING);
            start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long nextSample = start + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < end) {
                outstanding.acquire();
                store.appendAllAsync(List.of(NewEvent.builder(EventType.NOTE, "bench").incident(incident).content("n").build()))
                        .whenComplete((ok, error) -> {
                            outstanding.release();
                            (error == null ? done : failed).incrementAndGet();
                        });
                if (System.nanoTime() >= nextSample) {
                    nextSample += TimeUnit.SECONDS.toNanos(5);
                    System.gc();
                    long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
                    maxHeapMb = Math.max(maxHeapMb, heapMb);
                    System.out.printf(Locale.ROOT, "   %3.0f s: %,d appends committed, heap after GC %d MB%n",
                            (System.nanoTime() - start) / 1e9, done.get(), heapMb);
                }
            }
            outstanding.acquire(OUTSTANDING); // the last ones committed (or failed)
            elapsed = System.nanoTime() - start;
            appends = done.get();
            store.close();
        }
        System.out.printf(Locale.ROOT, "flood store=%s seconds=%d appends=%d appends_per_s=%.0f heap_after_gc_mb_max=%d xmx_mb=%d failed=%d%n",
                storeName, seconds, appends, appends / (elapsed / 1e9), maxHeapMb, xmxMb, failed.get());
        System.exit(failed.get() > 0 || maxHeapMb > xmxMb / 2 ? 1 : 0);
    }
}
