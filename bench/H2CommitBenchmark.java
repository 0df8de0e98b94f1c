// What one group commit costs the timeline writer on H2, by URL setting and by B-tree map (bench/README.md, "Storage per
// event", session 21). Three modes, each with a load of 32 threads appending through TimelineStore (no HTTP, no listeners):
//
//   java -cp target/incident-gateway.jar bench/H2CommitBenchmark.java ab <notes|declares> <preload> <perRound> <rounds> <urlSettingsA> <urlSettingsB> <dir>
//       two stores in this JVM (each with its own writer thread), loaded alternately in rounds so that other load on the
//       machine hits both; prints the writer's and the committer's thread CPU and H2's file bytes written per event for each setting
//   java -cp target/incident-gateway.jar bench/H2CommitBenchmark.java one <notes|declares> <preload> <perRound> <rounds> <urlSettings> <dir>
//       one store, for comparing jars (schemas) run back to back: CPU per event of the writer and committer threads (the
//       committer runs H2's commit: page serialization and compression), of H2's own threads
//       (H2-serialization, H2-save, the background writer: where MVStore serializes and writes a commit's pages) and of the
//       whole JVM (load threads, GC and JIT included), H2 file bytes written per event, and events/s
//   java -cp target/incident-gateway.jar bench/H2CommitBenchmark.java anatomy <notes|declares> <preload> <events> <urlSettings> <dir>
//       one store without H2FileMaintenance (its rewrites would mix in), then MVStoreTool.dump of a copy of the file: pages
//       and bytes per commit (chunk) for every map, named by table/index
//
// notes: 32 writers each appending notes to its own incident (bench/append.sh's durable side); declares: new alerts, each a
// declare with a new correlation key and ce id (bench/webhook.sh's writer load). urlSettings are appended to the H2 URL
// (";COMPRESS=TRUE", "" for the gateway's defaults; an explicit setting wins over StoreFactory's). -Dbench.keysPerPage=N
// sets MVStore's keys per page (48; no H2 setting reaches it) by reflection on the opened store, for what-if figures.

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;
import org.h2.schema.Schema;
import org.h2.schema.SchemaObject;
import org.h2.table.Table;

import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class H2CommitBenchmark {
    static final int WRITERS = 32;

    /** One store under test: its pool, its writer and committer threads (the committer runs H2's commit), and the events appended so far. */
    record Side(String name, HikariDataSource ds, TimelineStore store, Thread writer, Thread committer, AtomicLong appended) {
        void close() {
            store.close();
            ds.close();
        }
    }

    public static void main(String[] a) throws Exception {
        Locale.setDefault(Locale.ROOT);
        if (a[0].equals("one")) {
            one(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]), a[5], Path.of(a[6]));
        } else if (a[0].equals("ab")) {
            ab(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]), a[5], a[6], Path.of(a[7]));
        } else {
            anatomy(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), a[4], Path.of(a[5]));
        }
        System.exit(0);
    }

    static void ab(String load, int preload, int perRound, int rounds, String settingsA, String settingsB, Path dir) throws Exception {
        List<Side> sides = List.of(open("A " + settingsA, dir.resolve("a"), settingsA, true),
                open("B " + settingsB, dir.resolve("b"), settingsB, true));
        var threads = ManagementFactory.getThreadMXBean();
        Map<Side, long[]> totals = new HashMap<>(); // writer cpu ns, bytes, events, committer cpu ns
        for (Side s : sides) {
            append(s, load, preload);
            totals.put(s, new long[4]);
        }
        for (int r = 0; r < rounds; r++) {
            for (Side s : r % 2 == 0 ? sides : List.of(sides.get(1), sides.get(0))) {
                long committer0 = threads.getThreadCpuTime(s.committer().getId());
                long cpu0 = threads.getThreadCpuTime(s.writer().getId()), bytes0 = writeBytes(s.ds()), events0 = s.appended().get();
                append(s, load, perRound);
                long cpu = threads.getThreadCpuTime(s.writer().getId()) - cpu0, events = s.appended().get() - events0;
                long committer = threads.getThreadCpuTime(s.committer().getId()) - committer0;
                long[] t = totals.get(s);
                t[0] += cpu;
                t[1] += writeBytes(s.ds()) - bytes0;
                t[2] += events;
                t[3] += committer;
                System.out.printf("round %d %-40s writer %.1f committer %.1f us/event%n", r, s.name(), cpu / 1e3 / events,
                        committer / 1e3 / events);
            }
        }
        for (Side s : sides) {
            long[] t = totals.get(s);
            System.out.printf("h2-commit-ab load=%s settings=\"%s\" writer_cpu_us_per_event=%.1f committer_cpu_us_per_event=%.1f "
                            + "write_bytes_per_event=%.0f events=%d%n",
                    load, s.name().substring(2), t[0] / 1e3 / t[2], t[3] / 1e3 / t[2], (double) t[1] / t[2], t[2]);
            s.close();
        }
    }

    static void one(String load, int preload, int perRound, int rounds, String settings, Path dir) throws Exception {
        Side s = open(settings, dir, settings, true);
        append(s, load, preload);
        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] t = new long[7]; // writer ns, H2 threads ns, process ns, bytes, events, wall ns, committer ns
        for (int r = 0; r < rounds; r++) {
            long w0 = threads.getThreadCpuTime(s.writer().getId()), h0 = h2ThreadsCpu(), p0 = os.getProcessCpuTime();
            long b0 = writeBytes(s.ds()), e0 = s.appended().get(), n0 = System.nanoTime(), c0 = threads.getThreadCpuTime(s.committer().getId());
            append(s, load, perRound);
            long[] d = {threads.getThreadCpuTime(s.writer().getId()) - w0, h2ThreadsCpu() - h0, os.getProcessCpuTime() - p0,
                    writeBytes(s.ds()) - b0, s.appended().get() - e0, System.nanoTime() - n0,
                    threads.getThreadCpuTime(s.committer().getId()) - c0};
            for (int i = 0; i < t.length; i++) {
                t[i] += d[i];
            }
            System.out.printf("round %d writer %.1f committer %.1f h2_threads %.1f jvm %.1f us/event, %.0f B/event, %.0f events/s%n",
                    r, d[0] / 1e3 / d[4], d[6] / 1e3 / d[4], d[1] / 1e3 / d[4], d[2] / 1e3 / d[4], (double) d[3] / d[4], d[4] * 1e9 / d[5]);
        }
        Thread.getAllStackTraces().keySet().stream().sorted((x, y) -> Long.compare(threads.getThreadCpuTime(y.getId()),
                threads.getThreadCpuTime(x.getId()))).limit(6).forEach(th -> System.out.printf("thread %-50s cpu %.1f s (whole run)%n",
                th.getName(), threads.getThreadCpuTime(th.getId()) / 1e9));
        System.out.printf("h2-commit-one load=%s settings=\"%s\" writer_cpu_us_per_event=%.1f committer_cpu_us_per_event=%.1f "
                        + "h2_threads_cpu_us_per_event=%.1f jvm_cpu_us_per_event=%.1f write_bytes_per_event=%.0f events_per_s=%.0f "
                        + "events=%d%n", load, settings, t[0] / 1e3 / t[4], t[6] / 1e3 / t[4], t[1] / 1e3 / t[4], t[2] / 1e3 / t[4],
                (double) t[3] / t[4], t[4] * 1e9 / t[5], t[4]);
        s.close();
    }

    /** CPU of H2's and MVStore's own threads alive now (a commit's page serialization may run there, not on the writer). */
    static long h2ThreadsCpu() {
        var threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("H2") || t.getName().startsWith("MVStore"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }

    static void anatomy(String load, int preload, int events, String settings, Path dir) throws Exception {
        Side s = open(settings, dir, settings, false);
        append(s, load, preload);
        MVStore mv;
        try (Connection c = s.ds().getConnection()) {
            mv = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
        }
        long firstVersion = mv.getCurrentVersion();
        long bytes0 = writeBytes(s.ds());
        append(s, load, events);
        System.out.printf("%d events in %d commits (%.1f per commit), %.0f bytes written per event%n", events,
                mv.getCurrentVersion() - firstVersion, (double) events / (mv.getCurrentVersion() - firstVersion),
                (double) (writeBytes(s.ds()) - bytes0) / events);
        mv.sync();
        Path copy = dir.resolve("copy.mv.db");
        Files.copy(dir.resolve("g.mv.db"), copy, StandardCopyOption.REPLACE_EXISTING);
        Map<Integer, String> names = mapNames(s.ds(), mv);
        s.close();
        printPagesByMap(copy, firstVersion, names, events);
    }

    static Side open(String name, Path dir, String settings, boolean maintained) throws Exception {
        Files.createDirectories(dir);
        String url = "jdbc:h2:file:" + dir.resolve("g").toAbsolutePath() + settings;
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_DB_URL", url, "GATEWAY_DB_USER", "sa", "GATEWAY_DB_PASSWORD", ""), Map.of());
        HikariDataSource ds;
        if (maintained) {
            ds = StoreFactory.openAndMigrate(config);
        } else {
            ds = StoreFactory.open(config);
            StoreFactory.migrate(ds, SqlDialect.H2);
        }
        String keysPerPage = System.getProperty("bench.keysPerPage");
        if (keysPerPage != null) { // H2 exposes no setting for it (its Store builds the MVStore without), so reflection
            try (Connection c = ds.getConnection()) {
                MVStore mv = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
                var field = MVStore.class.getDeclaredField("keysPerPage");
                field.setAccessible(true);
                field.setInt(mv, Integer.parseInt(keysPerPage));
                System.out.println("keysPerPage " + mv.getKeysPerPage());
            }
        }
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        TimelineStore store = new TimelineStore(ds, SqlDialect.H2, "dev.incidentgateway", 256, 10000, new SimpleMeterRegistry(),
                ChainKey.generate(), List.of());
        Thread writer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("timeline-writer") && !before.contains(t)).findFirst().orElseThrow();
        for (int i = 0; i < WRITERS; i++) {
            store.append(NewEvent.builder(EventType.DECLARE, "bench").incident("BENCH-W" + i).title("benchmark " + i)
                    .severity(Severity.SEV3).build());
        }
        Thread committer = Thread.getAllStackTraces().keySet().stream() // started by the first group
                .filter(t -> t.getName().equals("timeline-committer") && !before.contains(t)).findFirst().orElseThrow();
        return new Side(name, ds, store, writer, committer, new AtomicLong());
    }

    /** {@code count} more appends by {@link #WRITERS} threads in a closed loop. */
    static void append(Side side, String load, int count) throws InterruptedException {
        AtomicLong n = side.appended();
        long target = n.get() + count;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            String incident = "BENCH-W" + t;
            Thread thread = new Thread(() -> {
                for (long i = 0; n.get() < target; i++) {
                    side.store().append(load.equals("notes") ? note(incident, i) : newAlert(i));
                    n.incrementAndGet();
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    static NewEvent note(String incident, long i) {
        return NewEvent.builder(EventType.NOTE, "bench").incident(incident)
                .content("benchmark note: the append path under load, a realistic few words of text #" + i).build();
    }

    /** Shaped like an Alertmanager webhook's declare: a new fingerprint, its key and ce id. */
    static NewEvent newAlert(long i) {
        String fingerprint = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return NewEvent.builder(EventType.DECLARE, "alertmanager").title("HighLatency " + fingerprint).severity(Severity.SEV2)
                .correlationKey("alertmanager:" + fingerprint).ceId(fingerprint + ":firing:2026-12-01T15:00:00Z")
                .principal("webhook:alertmanager").source("/webhooks/alertmanager")
                .content("alert fired: a realistic description of the alert #" + i).build();
    }

    static long writeBytes(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.FILE_WRITE_BYTES'")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    /** MVStore map id → its name, with the table or index it holds ("table.51 TIMELINE_EVENTS"). */
    static Map<Integer, String> mapNames(HikariDataSource ds, MVStore mv) throws SQLException {
        Map<Integer, String> objects = new HashMap<>();
        try (Connection c = ds.getConnection()) {
            SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
            for (Schema schema : session.getDatabase().getAllSchemas()) {
                for (SchemaObject o : schema.getAll(null)) {
                    objects.put(o.getId(), (o instanceof Table ? "table " : o instanceof Index ? "index " : "") + o.getName());
                }
            }
        }
        Map<Integer, String> names = new TreeMap<>();
        Pattern objectMap = Pattern.compile("(?:table|index)\\.(\\d+)");
        for (String name : mv.getMapNames()) {
            Matcher m = objectMap.matcher(name);
            names.put(mv.openMap(name).getId(), m.matches() ? name + " " + objects.getOrDefault(Integer.parseInt(m.group(1)), "?") : name);
        }
        names.put(0, "layout (chunk metadata, map roots)");
        return names;
    }

    /** Pages of the chunks written after {@code afterVersion}, per map: leaves, nodes, bytes, per chunk and per event. */
    static void printPagesByMap(Path file, long afterVersion, Map<Integer, String> names, long events) {
        StringWriter dump = new StringWriter();
        MVStoreTool.dump(file.toString(), dump, true);
        Pattern chunkHeader = Pattern.compile("chunkHeader chunk:[0-9a-f]+,.*version:([0-9a-f]+)");
        Pattern page = Pattern.compile("^\\+[0-9a-f]+ (node|leaf)( compressed)?, map ([0-9a-f]+), \\d+ entries, (\\d+) bytes");
        Map<Integer, long[]> byMap = new TreeMap<>(); // leaves, nodes, leaf bytes, node bytes
        long chunks = 0;
        boolean counted = false;
        for (String line : dump.toString().split("\n")) {
            Matcher c = chunkHeader.matcher(line);
            if (c.find()) {
                counted = Long.parseLong(c.group(1), 16) > afterVersion;
                chunks += counted ? 1 : 0;
                continue;
            }
            Matcher p = page.matcher(line);
            if (counted && p.find()) {
                long[] v = byMap.computeIfAbsent(Integer.parseInt(p.group(3), 16), k -> new long[4]);
                int node = p.group(1).equals("node") ? 1 : 0;
                v[node]++;
                v[2 + node] += Long.parseLong(p.group(4));
            }
        }
        double perChunk = chunks;
        System.out.printf("%d chunks%n%-60s %8s %8s %9s %9s %8s%n", chunks, "map", "leaves/c", "nodes/c", "leafB/c", "nodeB/c", "B/event");
        byMap.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[2] + y.getValue()[3], x.getValue()[2] + x.getValue()[3]))
                .forEach(e -> {
                    long[] v = e.getValue();
                    System.out.printf("%-60s %8.2f %8.2f %9.0f %9.0f %8.1f%n", Integer.toHexString(e.getKey()) + " "
                            + names.getOrDefault(e.getKey(), "?"), v[0] / perChunk, v[1] / perChunk, v[2] / perChunk, v[3] / perChunk,
                            (double) (v[2] + v[3]) / events);
                });
    }
}
