// Scale benchmark of the Incident Gateway: a store of BENCH_EVENTS (1,000,000) events over BENCH_INCIDENTS (100,000) open
// incidents, and what a user of the real gateway jar sees on it over HTTP.
//
//   javac -cp <jar> -d <classes> bench/WebhookBenchmark.java bench/DeliveryBenchmark.java bench/ScaleBenchmark.java
//   java -cp <jar>:<classes> ScaleBenchmark <gateway-jar> [<pg-jdbc-url>]
//
// (bench/scale.sh does this.) Compiled together with WebhookBenchmark.java (and DeliveryBenchmark.java, for its
// `api-key create`): it reuses that benchmark's load generator
// (64 keep-alive connections posting Alertmanager notifications, one new incident each), its HTTP client, its gateway
// process handling and its CPU accounting. For each store (H2, then PostgreSQL when a URL is given):
//   1. LOAD, in this JVM, through the store's real append path: TimelineStore (the group-committing TimelineWriter,
//      AppendTransaction: hash chains, global chain, the incidents view, correlation keys) with the gateway's chain key
//      (ChainKeys, so the gateway and `verify` accept the chain) and the outbox writer of the chat-webhook connector as
//      append listener (one outbox row per declare/ack/mitigate, as the gateway writes them with CHAT_WEBHOOK_URL set).
//      BENCH_LOADERS (16) threads each append one incident at a time: a declare (sev3/sev4, a correlation key) and its
//      further events in one appendAll; 80 % of the incidents stay declared, 15 % are acknowledged, 5 % acknowledged and
//      mitigated; every incident stays open. Then, still in this JVM on the loaded store: one SLA tracker scan
//      (SlaTracker.dueNotes) and the outbox gauge counts, timed; the outbox rows are then marked delivered (a running
//      gateway's relay would have delivered them: the steady state), and the bytes on disk per event measured the way
//      bench/storage.sh does (H2: the .mv.db file while open 2 s after the load, and after close; PostgreSQL:
//      pg_database_size growth).
//   2. Starts two gateway jars with -Xmx256m: one on the loaded store, one on an empty store of the same kind, each with
//      CHAT_WEBHOOK_URL pointing at a trivial sink in this JVM (answers 204) so new events are delivered as in production.
//   3. On the loaded gateway, one client, one request at a time (the latency a user sees; warm-up first, repeated while
//      the JIT compilers are busy: BENCH_WARMUP_JIT_PCT, BENCH_WARMUP_MAX_S as in bench/webhook.sh): the Since feed
//      (GET /api/v1/events?after=<a random stored event id>&limit=100), one incident's timeline (a random incident), the
//      incident list by status (declared / acknowledged / mitigated in turn, limit 50), GET /api/v1/stats, and `ack` (POST
//      /api/v1/incidents/{id}/events {"type":"ack"}) on random incidents still declared, each acked once.
//   4. Ingest at that size against the empty store's: warm-up of both, then BENCH_ROUNDS (2) rounds alternating
//      empty -> loaded, BENCH_SECONDS (10) each (WebhookBenchmark's load).
//   5. The loaded gateway idle for BENCH_IDLE_SECONDS (40; more than one SLA scan interval): its CPU; its heap
//      (jcmd GC.heap_info, after a GC.run: the live set) and RSS (VmRSS, VmHWM).
// Last lines, machine-readable, one per measurement:
//   scale store=<h2|postgresql> metric=<name> ... goal=<...> pass=<true|false>
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.outbox.OutboxStore;
import dev.incidentgateway.outbox.OutboxWriter;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.sla.SlaPolicyFile;
import dev.incidentgateway.sla.SlaTracker;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

public class ScaleBenchmark {
    static final int EVENTS = WebhookBenchmark.intEnv("BENCH_EVENTS", 1_000_000);
    /** The loaded alerts' startsAt (their ce ids'): an hour before the run, as alerts that have been firing for a while. */
    static final String LOADED_STARTS_AT = java.time.Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    static final int INCIDENTS = WebhookBenchmark.intEnv("BENCH_INCIDENTS", 100_000);
    static final int LOADERS = WebhookBenchmark.intEnv("BENCH_LOADERS", 16);
    /** Incidents per appendAll while loading (each with all its events). */
    static final int BATCH = WebhookBenchmark.intEnv("BENCH_LOAD_BATCH", 10);
    static final int REQUESTS = WebhookBenchmark.intEnv("BENCH_REQUESTS", 2000);
    static final int ACKS = WebhookBenchmark.intEnv("BENCH_ACKS", 1000);
    static final int IDLE_S = WebhookBenchmark.intEnv("BENCH_IDLE_SECONDS", 40);
    static final int WARMUP_S = WebhookBenchmark.intEnv("BENCH_WARMUP", 10);
    static final String CONNECTOR = "chat-webhook";
    static final String NOTE = "Rolled back deploy 4711 on the payments API; error rate back under 0.1 %. Watching p99 latency "
            + "before we call it mitigated. Next update at :30. ";

    /** The last lines: one per measurement. */
    static final List<String> LINES = new ArrayList<>();

    record Loaded(double seconds, List<String> eventIds, int[] declared, long bytesPerEvent, String sizeNote) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        String pgUrl = args.length > 1 ? args[1].trim() : "";
        System.out.printf(Locale.ROOT, "Scale benchmark: %d events over %d incidents, %d loader threads; %d cores (shared), Java %s%n",
                EVENTS, INCIDENTS, LOADERS, WebhookBenchmark.CORES, System.getProperty("java.version"));
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        AtomicLong delivered = SINK_CALLS;
        sink.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            delivered.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        sink.start();
        String sinkUrl = "http://127.0.0.1:" + sink.getAddress().getPort() + "/hook";
        boolean failed = false;
        try {
            if (System.getenv("BENCH_SKIP_H2") == null) {
                failed |= !runStore("h2", jar, sinkUrl, null);
            }
            if (pgUrl.isEmpty()) {
                System.out.println("PostgreSQL: skipped (no JDBC URL given)");
            } else {
                failed |= !runStore("postgresql", jar, sinkUrl, pgUrl);
            }
        } catch (Exception e) {
            failed = true;
            e.printStackTrace();
        } finally {
            sink.stop(0);
        }
        System.out.println("\n(chat sink received " + delivered.get() + " deliveries)\n");
        LINES.forEach(System.out::println);
        System.out.flush();
        System.exit(failed ? 1 : 0);
    }

    // ---------------------------------------------------------------- one store

    static boolean runStore(String store, Path jar, String sinkUrl, String pgUrl) throws Exception {
        Path work = Files.createTempDirectory("scale-bench-" + store + "-");
        List<String> dbs = new ArrayList<>();
        String chainKey = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        Process loadedGw = null, emptyGw = null;
        try {
            Map<String, String> loadedEnv = storeEnv(store, work.resolve("loaded"), pgUrl, dbs, chainKey);
            Map<String, String> emptyEnv = storeEnv(store, work.resolve("empty"), pgUrl, dbs, chainKey);
            System.out.printf(Locale.ROOT, "%n== %s: loading %,d events over %,d incidents into %s%n", store, EVENTS, INCIDENTS,
                    loadedEnv.get("GATEWAY_DB_URL"));
            Loaded loaded = load(store, loadedEnv);
            String key = DeliveryBenchmark.createApiKey(jar, work.resolve("loaded"), loadedEnv); // scopes read, write

            int loadedPort = WebhookBenchmark.freePort();
            int emptyPort = WebhookBenchmark.freePort();
            String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
            loadedGw = start(jar, work.resolve("loaded"), loadedEnv, loadedPort, token, sinkUrl);
            emptyGw = start(jar, work.resolve("empty"), emptyEnv, emptyPort, token, sinkUrl);
            int pgPort = WebhookBenchmark.pgPort(loadedEnv.get("GATEWAY_DB_URL"));

            Reads reads = new Reads(loadedPort, key, loadedGw.pid(), pgPort);
            Random random = new Random(42);
            List<String> ids = loaded.eventIds();
            IntFunction<String> since = i -> "GET /api/v1/events?after=" + ids.get(random.nextInt(ids.size())) + "&limit=100";
            IntFunction<String> timeline = i -> "GET /api/v1/incidents/" + incident(random.nextInt(INCIDENTS)) + "/timeline";
            String[] statuses = {"declared", "acknowledged", "mitigated"};
            IntFunction<String> list = i -> "GET /api/v1/incidents?status=" + statuses[i % 3];
            warmReads(reads, loadedGw.pid(), pgPort, List.of(since, timeline, list));
            System.out.printf(Locale.ROOT, "   (the loaded gateway has run %.1f s when the Since measurement starts)%n",
                    (System.currentTimeMillis() - loadedGw.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L)) / 1e3);
            report(store, "since_page_100", reads.run("since", since, REQUESTS, 200), 10, "since page of 100 (GET /api/v1/events)");
            report(store, "timeline", reads.run("timeline", timeline, REQUESTS, 200), 10, "one incident's timeline");
            report(store, "list_by_status", reads.run("list", list, REQUESTS, 200), 20, "incident list by status (limit 50)");
            reads.run("warm-up", i -> "GET /api/v1/stats", 100, 200);
            report(store, "stats", reads.run("stats", i -> "GET /api/v1/stats", REQUESTS, 200), 10,
                    "incident counts by status (GET /api/v1/stats; no goal in the issue: 10 ms is ours)");
            int[] declared = loaded.declared().clone();
            shuffle(declared, random);
            // Each incident is acked once, never a cached one: the warm-up takes up to 300 of them, at most a quarter of a
            // small store's declared incidents, and the measurement what is left.
            int warmAcks = Math.min(300, declared.length / 4);
            int acks = Math.min(ACKS, declared.length - warmAcks);
            AtomicInteger nextAck = new AtomicInteger();
            IntFunction<String> ack = i -> "POST /api/v1/incidents/" + incident(declared[nextAck.getAndIncrement()]) + "/events\n"
                    + "{\"type\":\"ack\",\"actor\":\"alice\",\"content\":\"on it\"}";
            reads.run("warm-up", ack, warmAcks, 201);
            report(store, "ack", reads.run("ack", ack, acks, 201), 50, "ack of a random declared incident (POST .../events)");

            ingest(store, loadedGw, loadedPort, emptyGw, emptyPort, token, pgPort);
            idle(store, loadedGw, pgPort);
            LINES.add(String.format(Locale.ROOT, "scale store=%s metric=load events=%d incidents=%d loaders=%d seconds=%.1f events_per_s=%.0f",
                    store, EVENTS, INCIDENTS, LOADERS, loaded.seconds(), EVENTS / loaded.seconds()));
            LINES.add(String.format(Locale.ROOT, "scale store=%s metric=bytes_per_event events=%d bytes_per_event=%d %s", store, EVENTS,
                    loaded.bytesPerEvent(), loaded.sizeNote()));
            System.out.println("   (results so far; repeated at the end)");
            LINES.forEach(l -> System.out.println("   " + l));
            return true;
        } finally {
            for (Process p : new Process[]{loadedGw, emptyGw}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
            for (String db : dbs) {
                try (Connection admin = DriverManager.getConnection(pgUrl); Statement s = admin.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                } catch (Exception e) {
                    System.err.println("could not drop " + db + ": " + e.getMessage());
                }
            }
            WebhookBenchmark.deleteTree(work);
        }
    }

    static Map<String, String> storeEnv(String store, Path dir, String pgUrl, List<String> dbs, String chainKey) throws Exception {
        Files.createDirectories(dir);
        Map<String, String> env = new LinkedHashMap<>();
        if (pgUrl == null) {
            env.put("GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("data/gateway").toAbsolutePath());
        } else {
            String db = "scale_" + dir.getFileName() + "_" + Long.toString(System.currentTimeMillis(), 36);
            try (Connection admin = DriverManager.getConnection(pgUrl); Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE " + db);
            }
            dbs.add(db);
            env.put("GATEWAY_DB_URL", WebhookBenchmark.withDatabase(pgUrl, db));
        }
        env.put("GATEWAY_CHAIN_KEY", chainKey);
        env.put("GATEWAY_KEYS_DIR", dir.resolve("keys").toAbsolutePath().toString());
        return env;
    }

    static Process start(Path jar, Path dir, Map<String, String> storeEnv, int port, String token, String sinkUrl) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(storeEnv);
        env.put("GATEWAY_HTTP_PORT", Integer.toString(port));
        env.put("GATEWAY_WEBHOOK_TOKEN", token);
        env.put("CHAT_WEBHOOK_URL", sinkUrl);
        Path log = dir.resolve("gateway.log");
        List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx256m"));
        String extra = System.getenv("BENCH_GATEWAY_JVM_OPTS"); // e.g. -Xlog:gc:file=/tmp/gc-%p.log (diagnosis; not for figures)
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        Process p = WebhookBenchmark.startJava(jar, dir, env, log, jvm, List.of());
        WebhookBenchmark.recordPid(p.pid());
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        try {
            WebhookBenchmark.waitHealthy(p, port, log);
        } catch (Exception e) {
            WebhookBenchmark.tail(log, 40);
            throw e;
        }
        return p;
    }

    // ---------------------------------------------------------------- loading

    static Loaded load(String store, Map<String, String> env) throws Exception {
        GatewayConfig config = GatewayConfig.load(env, Map.of());
        int perIncident = Math.max(1, EVENTS / INCIDENTS);
        List<String> sample = Collections.synchronizedList(new ArrayList<>());
        int[] declared;
        double seconds;
        long bytesPerEvent;
        String sizeNote;
        Path h2File = store.equals("h2") ? Path.of(env.get("GATEWAY_DB_URL").substring("jdbc:h2:file:".length()) + ".mv.db") : null;
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            ChainKey chainKey = ChainKeys.forGateway(config, ds);
            long emptySize = h2File != null ? Files.size(h2File) : pgSize(ds);
            OutboxWriter outbox = new OutboxWriter(List.of(new SinkDescriptor(CONNECTOR,
                    Set.of(EventType.DECLARE, EventType.ACK, EventType.MITIGATE, EventType.RESOLVE, EventType.CLOSE), Severity.SEV4,
                    Map.of(), null)));
            TimelineStore timeline = new TimelineStore(ds, SqlDialect.forUrl(ds.getJdbcUrl()), "dev.incidentgateway", 256, 10_000,
                    new SimpleMeterRegistry(), chainKey, List.of(outbox))
                    .withAppendTimeout(java.time.Duration.ofMinutes(10)); // a shared machine: never give up on a bulk append
            AtomicInteger next = new AtomicInteger();
            AtomicLong events = new AtomicLong();
            List<Integer> stillDeclared = Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < LOADERS; w++) {
                Thread t = new Thread(() -> {
                    int first;
                    while ((first = next.getAndAdd(BATCH)) < INCIDENTS) {
                        List<NewEvent> batch = new ArrayList<>();
                        for (int i = first; i < Math.min(INCIDENTS, first + BATCH); i++) {
                            batch.addAll(incidentEvents(i, perIncident + (i < EVENTS % INCIDENTS ? 1 : 0)));
                            if (i % 20 < 16) {
                                stillDeclared.add(i);
                            }
                        }
                        List<AppendOutcome> out;
                        try {
                            out = timeline.appendAll(batch);
                        } catch (RuntimeException e) {
                            System.out.println("   LOAD ERROR (batch of incidents from " + first + " not counted): " + e);
                            continue;
                        }
                        long done = events.addAndGet(out.size());
                        sample.add(out.get(out.size() / 2).event().id());
                        if (done / 100_000 != (done - out.size()) / 100_000) {
                            System.out.printf(Locale.ROOT, "   %,d events in %.0f s%n", done, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                }, "loader-" + w);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "   loaded %,d events over %,d incidents in %.1f s (%.0f events/s) through TimelineStore.appendAll, "
                    + "%d threads, %d incident(s) (declare + %d events each) per append%n", events.get(), INCIDENTS, seconds,
                    events.get() / seconds, LOADERS, BATCH, perIncident - 1);
            if (System.getenv("BENCH_LOAD_ONLY") != null) {
                System.exit(0);
            }
            declared = stillDeclared.stream().mapToInt(Integer::intValue).toArray();

            // The background work of a gateway at this size, timed on the loaded store.
            SlaTracker sla = new SlaTracker(timeline, SlaPolicyFile.load("", "GATEWAY_SLA_FILE"), Clock.systemUTC(), new SimpleMeterRegistry());
            for (int r = 1; r <= 2; r++) {
                long s = System.nanoTime();
                int due = sla.dueNotes().size();
                double ms = (System.nanoTime() - s) / 1e6;
                System.out.printf(Locale.ROOT, "   SLA tracker scan #%d (SlaTracker.dueNotes over %,d open incidents): %.0f ms, %d notes due%n",
                        r, INCIDENTS, ms, due);
                if (r == 2) {
                    LINES.add(String.format(Locale.ROOT, "scale store=%s metric=sla_scan incidents=%d ms=%.0f notes_due=%d", store, INCIDENTS, ms, due));
                }
            }
            try {
                explain(ds, h2File == null, sample.get(sample.size() / 2), incident(INCIDENTS / 2));
            } catch (Exception e) {
                System.out.println("   EXPLAIN failed: " + e);
            }
            OutboxStore outboxStore = new OutboxStore(ds);
            long pending = 0;
            long s = System.nanoTime();
            for (int r = 0; r < 5; r++) {
                pending = outboxStore.count(CONNECTOR, "pending") + outboxStore.count(CONNECTOR, "dead");
            }
            double gaugeMs = (System.nanoTime() - s) / 1e6 / 5;
            System.out.printf(Locale.ROOT, "   outbox gauges (count pending + dead of %s, %,d pending rows): %.1f ms%n", CONNECTOR, pending, gaugeMs);
            if (h2File != null) {
                Thread.sleep(2000); // like bench/storage.sh: what a running gateway's file settles to after the burst
                long running = Files.size(h2File);
                bytesPerEvent = (running - emptySize) / EVENTS;
                sizeNote = String.format(Locale.ROOT, "h2_file_bytes_running=%d", running);
            } else {
                long size = pgSize(ds);
                bytesPerEvent = (size - emptySize) / EVENTS;
                sizeNote = String.format(Locale.ROOT, "pg_database_size=%d", size);
            }
            // Steady state: a running gateway's relay would have delivered these rows (at ~440/s that is hours of
            // delivery for a bulk load): mark them delivered, so the gateway started next has no backlog.
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                int n = st.executeUpdate("UPDATE outbox SET status = 'delivered', delivered_at = created_at, attempts = 1 WHERE status = 'pending'");
                System.out.printf(Locale.ROOT, "   %,d outbox rows marked delivered (the steady state of a running relay)%n", n);
                if (h2File == null) {
                    st.execute("VACUUM ANALYZE");
                }
            }
            timeline.close();
            LINES.add(String.format(Locale.ROOT, "scale store=%s metric=outbox_gauges pending_rows=%d ms=%.1f", store, pending, gaugeMs));
        }
        if (h2File != null) {
            long closed = Files.size(h2File);
            sizeNote += String.format(Locale.ROOT, " bytes_per_event_closed=%d", closed / EVENTS);
        }
        System.out.printf(Locale.ROOT, "   bytes on disk per event: %d (%s)%n", bytesPerEvent, sizeNote);
        return new Loaded(seconds, new ArrayList<>(sample), declared, bytesPerEvent, sizeNote);
    }

    /**
     * The plans of the API's read queries on the loaded store (EXPLAIN ANALYZE on both stores; literal values of this
     * store): the Since feed, one incident and its timeline, the list by status, what an ack reads in the writer, the SLA
     * tracker's walk step (its range, then the range's unsettled incidents), the outbox gauge count and the stats route.
     */
    static void explain(HikariDataSource ds, boolean pg, String eventId, String incidentId) throws Exception {
        String events = "id, incident_id, seq, type, actor, title, content, event_time, recorded_at, source, ce_id, ce_source, ce_type, "
                + "data, prev_hash, hash, principal";
        String incidents = dev.incidentgateway.store.SqlDialect.Columns.INCIDENT;
        String now = "TIMESTAMP WITH TIME ZONE '2030-01-01 00:00:00+00'";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("since page (GET /api/v1/events?after=)", "SELECT " + events + " FROM timeline_events WHERE id > '" + eventId + "' ORDER BY id LIMIT 100");
        queries.put("one incident (GET /api/v1/incidents/{id}; also the writer's view read of an ack)",
                "SELECT " + incidents + " FROM incidents WHERE id = '" + incidentId + "'");
        queries.put("timeline (GET /api/v1/incidents/{id}/timeline)",
                "SELECT " + events + " FROM timeline_events WHERE incident_id = '" + incidentId + "' ORDER BY seq LIMIT 50");
        queries.put("list by status (GET /api/v1/incidents?status=declared)",
                "SELECT " + incidents + " FROM incidents WHERE status = 'declared' ORDER BY status, declared_at DESC, id DESC LIMIT 50");
        queries.put("list, all (GET /api/v1/incidents)", "SELECT " + incidents + " FROM incidents ORDER BY declared_at DESC, id DESC LIMIT 50");
        queries.put("ack: idempotency lookup in the writer", "SELECT " + events + " FROM timeline_events WHERE principal = 'key:bench' "
                + "AND ce_source = '/api' AND ce_id = 'x'");
        String rangeEnd;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(p.id) FROM (SELECT id FROM incidents WHERE id > '' ORDER BY id LIMIT 500) p")) {
            rs.next();
            rangeEnd = "'" + rs.getString(1) + "'"; // the tracker binds the id it read; a literal here, as in the other queries
        }
        queries.put("SLA tracker walk step, its range (SlaIncidents.rangeEnd)", "SELECT MAX(p.id) FROM (SELECT id FROM incidents "
                + "WHERE id > '' ORDER BY id LIMIT 500) p");
        queries.put("SLA tracker walk step, the range's unsettled incidents (SlaIncidents.unsettled)", "SELECT i.id, i.severity, i.status, "
                + "i.last_seq, (SELECT m.last_seq FROM sla_settled m WHERE m.incident_id = i.id) FROM incidents i WHERE NOT EXISTS "
                + "(SELECT 1 FROM sla_settled s WHERE s.incident_id = i.id AND s.last_seq = i.last_seq AND (s.recheck_at IS NULL "
                + "OR (s.recheck_at > " + now + " AND s.policy = 'p'))) AND i.id > '' AND i.id <= " + rangeEnd + " ORDER BY i.id");
        queries.put("SLA tracker after its first scan: events since its last scan, with the clock columns (SlaTimelines.since)",
                "SELECT incident_id, seq, type, event_time, CASE WHEN type = 'state_change' THEN data END, CASE WHEN type = 'note' "
                + "AND principal = 'system:sla' THEN ce_id END FROM timeline_events WHERE id > '" + eventId + "' ORDER BY id");
        queries.put("SLA tracker after its first scan: incidents whose recheck moment came", "SELECT incident_id FROM sla_settled WHERE recheck_at <= " + now);
        queries.put("outbox gauge (OutboxStore.count)", "SELECT COUNT(*) FROM outbox WHERE connector = '" + CONNECTOR + "' AND status = 'pending'");
        queries.put("stats (GET /api/v1/stats; counts kept by the writer, V13_4)",
                "SELECT status, incidents FROM incident_status_counts WHERE incidents > 0 ORDER BY status");
        queries.put("stats before V13_4 (counting the view)", "SELECT status, COUNT(*) FROM incidents GROUP BY status ORDER BY status");
        System.out.println("   query plans on the loaded store (EXPLAIN ANALYZE):");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (Map.Entry<String, String> q : queries.entrySet()) {
                System.out.println("   -- " + q.getKey());
                try (ResultSet rs = st.executeQuery((pg ? "EXPLAIN (ANALYZE, COSTS OFF) " : "EXPLAIN ANALYZE ") + q.getValue())) {
                    while (rs.next()) {
                        for (String line : rs.getString(1).split("\n")) {
                            System.out.println("      " + line);
                        }
                    }
                }
            }
        }
    }

    /**
     * An incident's events: a declare, then (by its number) an ack or an ack and a mitigate, then notes. The declare is
     * keyed as an Alertmanager alert that arrived by webhook (principal, ce source, {@code <fingerprint>:firing:<startsAt>}
     * ce id, {@code alertmanager:<fingerprint>} correlation key; fingerprints hashed as WebhookBenchmark's with
     * BENCH_FINGERPRINTS=hashed, from a range its random start does not reach): the ingest rounds then insert their keys
     * into indexes already holding 100k keys of the same shape, as on a store Alertmanager filled. Before session 40 the
     * declares had {@code scale:<i>} keys and no ce id, so the new alerts' keys went to index ranges of their own, and the
     * "loaded" ingest rounds ran on near-empty trees.
     */
    static List<NewEvent> incidentEvents(int i, int count) {
        String id = incident(i);
        List<NewEvent> out = new ArrayList<>(count);
        String fingerprint = String.format("%016x", WebhookBenchmark.Load.mixed(i));
        out.add(NewEvent.builder(EventType.DECLARE, "alertmanager").incident(id).title("checkout-api-" + i + " answers slowly")
                .severity(i % 2 == 0 ? Severity.SEV3 : Severity.SEV4).correlationKey("alertmanager:" + fingerprint)
                .principal("webhook:alertmanager").source("/webhooks/alertmanager").ceId(fingerprint + ":firing:" + LOADED_STARTS_AT)
                .content("p99 latency above 500 ms for 5 minutes on checkout-api-" + i).build());
        int phase = i % 20; // 0-15 stay declared, 16-18 acknowledged, 19 mitigated
        if (phase >= 16 && out.size() < count) {
            out.add(NewEvent.builder(EventType.ACK, "bob").incident(id).build());
        }
        if (phase == 19 && out.size() < count) {
            out.add(NewEvent.builder(EventType.MITIGATE, "bob").incident(id).content("rolled back").build());
        }
        while (out.size() < count) {
            out.add(NewEvent.builder(EventType.NOTE, "alice").incident(id).content(NOTE + out.size()).build());
        }
        return out;
    }

    /**
     * The reads' warm-up (JIT, pools), not measured: 300 of each read, repeated while the gateway's JIT compilers used at
     * least BENCH_WARMUP_JIT_PCT (10) % of one core in the last pass, for at most BENCH_WARMUP_MAX_S (120) s, as
     * bench/webhook.sh warms up. Until session 41 it was one pass: the Since measurement began 13-15 s after the
     * gateway's start, while C2 still compiled, and the single client's latency measured the compiler too.
     */
    static void warmReads(Reads reads, long pid, int pgPort, List<IntFunction<String>> kinds) throws IOException {
        long start = System.nanoTime();
        double jitShare;
        int passes = 0;
        do {
            WebhookBenchmark.Cpu before = WebhookBenchmark.Cpu.sample(pid, pgPort);
            long t0 = System.nanoTime();
            for (IntFunction<String> kind : kinds) {
                reads.run("warm-up", kind, 300, 200);
            }
            WebhookBenchmark.Cpu after = WebhookBenchmark.Cpu.sample(pid, pgPort);
            jitShare = (after.threads().getOrDefault("jit", 0L) - before.threads().getOrDefault("jit", 0L)) / (double) (System.nanoTime() - t0);
            passes++;
        } while (jitShare * 100 >= WebhookBenchmark.WARMUP_JIT_PCT
                && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(WebhookBenchmark.WARMUP_MAX_S));
        System.out.printf(Locale.ROOT, "   read warm-up: %d pass(es) in %.1f s, JIT compilers at %.0f %% of one core in the last%n",
                passes, (System.nanoTime() - start) / 1e9, jitShare * 100);
    }

    static String incident(int i) {
        return "SCALE-" + i;
    }

    static long pgSize(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    // ---------------------------------------------------------------- reads and acks over HTTP

    record Timed(long[] nanos, double seconds, long bad, String lastBad, double gatewayCpu, double pgCpu, double othersCpu) {
        double ms(double p) {
            if (nanos.length == 0) return Double.NaN;
            int i = (int) Math.ceil(p / 100.0 * nanos.length) - 1;
            return nanos[Math.max(0, Math.min(nanos.length - 1, i))] / 1e6;
        }
    }

    /** One client on one keep-alive connection, one request at a time. */
    static final class Reads {
        final int port;
        final String key;
        final long pid;
        final int pgPort;
        WebhookBenchmark.HttpConn conn;

        Reads(int port, String key, long pid, int pgPort) {
            this.port = port;
            this.key = key;
            this.pid = pid;
            this.pgPort = pgPort;
        }

        /** {@code request(i)} is "METHOD path" or "METHOD path\nJSON body". */
        Timed run(String name, IntFunction<String> request, int n, int expected) throws IOException {
            long[] lat = new long[n];
            long bad = 0;
            String lastBad = null;
            WebhookBenchmark.Cpu before = WebhookBenchmark.Cpu.sample(pid, pgPort);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                byte[] req = bytes(request.apply(i));
                if (conn == null || conn.closed) conn = new WebhookBenchmark.HttpConn(port);
                long t0 = System.nanoTime();
                WebhookBenchmark.HttpConn.Answer a = conn.exchange(req);
                lat[i] = System.nanoTime() - t0;
                if (a.status() != expected) {
                    bad++;
                    lastBad = a.status() + " " + new String(a.body(), StandardCharsets.UTF_8);
                }
            }
            long elapsed = System.nanoTime() - start;
            WebhookBenchmark.Cpu after = WebhookBenchmark.Cpu.sample(pid, pgPort);
            Arrays.sort(lat);
            double wall = elapsed * (double) WebhookBenchmark.CORES;
            double gw = (after.gateway() - before.gateway()) / wall;
            double gen = (after.generator() - before.generator()) / wall;
            double pg = after.postgresSince(before) / wall;
            double others = Math.max(0, after.machineShare(before) - gw - gen - pg);
            return new Timed(lat, elapsed / 1e9, bad, lastBad, gw, pg, others);
        }

        byte[] bytes(String request) {
            int nl = request.indexOf('\n');
            String line = nl < 0 ? request : request.substring(0, nl);
            byte[] body = nl < 0 ? new byte[0] : request.substring(nl + 1).getBytes(StandardCharsets.UTF_8);
            String head = line + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + key + "\r\n"
                    + (nl < 0 ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(h, h.length + body.length);
            System.arraycopy(body, 0, all, h.length, body.length);
            return all;
        }
    }

    static void report(String store, String metric, Timed t, double goalMs, String what) {
        System.out.printf(Locale.ROOT, "   %-16s %5d requests in %5.1f s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.1f ms  bad %d"
                        + "  cpu: gateway %3.0f%%  postgres %3.0f%%  others %3.0f%%   (%s)%n", metric, t.nanos().length, t.seconds(), t.ms(50),
                t.ms(90), t.ms(99), t.ms(100), t.bad(), t.gatewayCpu() * 100, t.pgCpu() * 100, t.othersCpu() * 100, what);
        if (t.lastBad() != null) {
            System.out.println("      last unexpected answer: " + t.lastBad());
        }
        LINES.add(String.format(Locale.ROOT, "scale store=%s metric=%s requests=%d p50_ms=%.2f p99_ms=%.2f goal=p99<%.0fms bad=%d oth_cpu=%.0f%% pass=%s",
                store, metric, t.nanos().length, t.ms(50), t.ms(99), goalMs, t.bad(), t.othersCpu() * 100,
                t.ms(99) < goalMs && t.bad() == 0));
    }

    // ---------------------------------------------------------------- ingest at size vs empty

    /** Calls the chat sink has answered, from both gateways. */
    static final AtomicLong SINK_CALLS = new AtomicLong();

    /**
     * Waits (up to 120 s, not measured) until neither gateway has delivered anything for a second. Every new incident
     * of a round is also delivered to the sink, and a relay drains more slowly than the webhook adds: before session 40
     * the backlog of one gateway's round was delivered during the other gateway's round ("others" 12–42 %), so
     * loaded/empty swung between 0.73 and 1.59 from run to run.
     */
    static void awaitDeliveriesSettled(WebhookBenchmark.Load... loads) throws InterruptedException {
        long t0 = System.nanoTime();
        long last = SINK_CALLS.get();
        while (System.nanoTime() - t0 < 120_000_000_000L) {
            Thread.sleep(1000);
            long now = SINK_CALLS.get();
            if (now == last) {
                break;
            }
            last = now;
        }
        System.out.printf(Locale.ROOT, "      (deliveries settled after %.1f s)%n", (System.nanoTime() - t0) / 1e9);
        // One gateway's connections sit idle through two such waits and the other gateway's round: on PostgreSQL 30-42 s,
        // past GATEWAY_HTTP_IDLE_TIMEOUT_S (30), so the gateway had closed them and each one's next request met EOF (64
        // "bad" answers a round, session 41). Connect anew, as a client does after an idle close.
        for (WebhookBenchmark.Load load : loads) {
            load.reconnectNextPhase();
        }
    }

    static void ingest(String store, Process loaded, int loadedPort, Process empty, int emptyPort, String token, int pgPort) throws Exception {
        System.out.printf(Locale.ROOT, "   ingest: %d connections, POST /webhooks/alertmanager (a new incident each), empty store vs loaded store "
                + "alternating, %d rounds of %d s%n", WebhookBenchmark.CONNECTIONS, WebhookBenchmark.ROUNDS, WebhookBenchmark.SECONDS);
        // Only the webhook path is sent: the webhook token authenticates it, so no API key is needed (null).
        try (WebhookBenchmark.Load onEmpty = new WebhookBenchmark.Load(emptyPort, token, null, pgPort);
             WebhookBenchmark.Load onLoaded = new WebhookBenchmark.Load(loadedPort, token, null, pgPort)) {
            String path = WebhookBenchmark.WEBHOOK_PATH;
            int c = WebhookBenchmark.CONNECTIONS;
            WebhookBenchmark.report(store, onEmpty.run("warm-up empty", path, true, c, WARMUP_S, empty.pid()));
            WebhookBenchmark.report(store, onLoaded.run("warm-up loaded", path, true, c, WARMUP_S, loaded.pid()));
            List<WebhookBenchmark.Phase> e = new ArrayList<>(), l = new ArrayList<>();
            for (int r = 1; r <= WebhookBenchmark.ROUNDS; r++) {
                awaitDeliveriesSettled(onEmpty, onLoaded);
                e.add(WebhookBenchmark.report(store, onEmpty.run("empty #" + r, path, true, c, WebhookBenchmark.SECONDS, empty.pid())));
                awaitDeliveriesSettled(onEmpty, onLoaded);
                l.add(WebhookBenchmark.report(store, onLoaded.run("loaded #" + r, path, true, c, WebhookBenchmark.SECONDS, loaded.pid())));
                System.out.printf(Locale.ROOT, "      round %d: loaded/empty = %.2f%n", r, l.get(r - 1).perSecond() / e.get(r - 1).perSecond());
            }
            WebhookBenchmark.Phase pe = WebhookBenchmark.merge("empty", e), pl = WebhookBenchmark.merge("loaded", l);
            double ratio = pl.perSecond() / pe.perSecond();
            double others = Math.max(0, pl.machineCpu() - pl.gatewayCpu() - pl.generatorCpu() - pl.pgCpu());
            LINES.add(String.format(Locale.ROOT, "scale store=%s metric=ingest_ratio connections=%d empty_rps=%d empty_p99_ms=%.2f loaded_rps=%d "
                            + "loaded_p50_ms=%.2f loaded_p99_ms=%.2f ratio=%.2f goal=ratio>=0.80 bad=%d oth_cpu=%.0f%% pass=%s", store, c,
                    Math.round(pe.perSecond()), pe.percentileMs(99), Math.round(pl.perSecond()), pl.percentileMs(50), pl.percentileMs(99), ratio,
                    pe.failed() + pl.failed(), others * 100, ratio >= 0.8 && pe.failed() + pl.failed() == 0));
        }
    }

    // ---------------------------------------------------------------- idle CPU, heap, RSS

    static void idle(String store, Process gw, int pgPort) throws Exception {
        WebhookBenchmark.Cpu before = WebhookBenchmark.Cpu.sample(gw.pid(), pgPort);
        long t0 = System.nanoTime();
        Thread.sleep(IDLE_S * 1000L);
        long elapsed = System.nanoTime() - t0;
        WebhookBenchmark.Cpu after = WebhookBenchmark.Cpu.sample(gw.pid(), pgPort);
        double wallOneCore = elapsed;
        double gwCore = (after.gateway() - before.gateway()) / wallOneCore;
        double pgCore = after.postgresSince(before) / wallOneCore;
        double others = Math.max(0, after.machineShare(before) * WebhookBenchmark.CORES - gwCore - pgCore);
        System.out.printf(Locale.ROOT, "   idle %d s (no requests; the SLA tracker scans every 30 s): gateway %.1f%% of one core, postgres %.1f%%, "
                + "others %.0f%% (by thread: %s)%n", IDLE_S, gwCore * 100, pgCore * 100, others * 100,
                WebhookBenchmark.threadLine(new WebhookBenchmark.Phase("idle", 0, elapsed / 1e9, new long[0], 0, Map.of(), 0, 0, 0, 0,
                        after.threadShares(before, elapsed))));
        LINES.add(String.format(Locale.ROOT, "scale store=%s metric=idle_cpu seconds=%d gateway_core_pct=%.1f postgres_core_pct=%.1f oth_cpu_cores=%.2f",
                store, IDLE_S, gwCore * 100, pgCore * 100, others));
        String heap = jcmd(gw.pid(), "GC.heap_info");
        jcmd(gw.pid(), "GC.run");
        String heapAfterGc = jcmd(gw.pid(), "GC.heap_info");
        String status = Files.readString(Path.of("/proc/" + gw.pid() + "/status"));
        long rss = kb(status, "VmRSS"), hwm = kb(status, "VmHWM");
        long used = heapUsedKb(heap), live = heapUsedKb(heapAfterGc);
        System.out.printf(Locale.ROOT, "   memory (-Xmx256m): heap used %,d KB (%,d KB after a full GC), RSS %,d KB, peak RSS %,d KB%n",
                used, live, rss, hwm);
        LINES.add(String.format(Locale.ROOT, "scale store=%s metric=memory xmx_mb=256 heap_used_mb=%d heap_live_mb=%d rss_mb=%d peak_rss_mb=%d",
                store, used / 1024, live / 1024, rss / 1024, hwm / 1024));
    }

    static String jcmd(long pid, String cmd) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (Exception e) {
            return "";
        }
    }

    /** "garbage-first heap   total 262144K, used 81234K" → 81234. */
    static long heapUsedKb(String heapInfo) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(heapInfo);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static long kb(String status, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(field + ":\\s+(\\d+) kB").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
