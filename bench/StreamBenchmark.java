import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live-stream benchmark (bench/stream.sh): the gateway jar as a process, on the embedded H2 store (the stream fed by
 * the writer's commit hook) and, when a PostgreSQL URL is given, on PostgreSQL (fed by the store's Since feed, poll
 * mode: GATEWAY_STREAM_SOURCE=auto picks it there). Per store:
 * 1. cost of open streams: the gateway's RSS and thread count with 0 and with BENCH_IDLE_STREAMS (1,000) idle streams;
 * 2. fan-out: with S subscribers (BENCH_SUBSCRIBERS, default 10,100,1000), 8 writers append notes for BENCH_SECONDS
 *    (15) s; events/s appended and deliveries/s (events x subscribers) received, and the delay from "append answered"
 *    (committed) to "seen by a subscriber" (p50/p99/max over every delivery). One NIO selector thread reads every
 *    stream. Each fan-out line ends with the CPU shares of the machine (all cores) used meanwhile by the gateway, this
 *    JVM (writers and readers) and other processes (/proc/stat, /proc/<pid>/stat), since the machine is shared.
 * Args: jar work-dir [postgresql-jdbc-url].
 */
public class StreamBenchmark {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Map<String, Long> COMMITTED = new ConcurrentHashMap<>(); // note content -> nanoTime the append returned
    static final int SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "15"));
    static final int IDLE_STREAMS = Integer.parseInt(System.getenv().getOrDefault("BENCH_IDLE_STREAMS", "1000"));
    static final String SUBSCRIBERS = System.getenv().getOrDefault("BENCH_SUBSCRIBERS", "10,100,1000");

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        run("h2", jar, dir, Map.of());
        if (args.length > 2 && !args[2].isBlank()) {
            run("postgresql", jar, dir, Map.of("GATEWAY_DB_URL", args[2]));
        }
    }

    static void run(String store, Path jar, Path parent, Map<String, String> storeEnv) throws Exception {
        Path dir = Files.createDirectories(parent.resolve(store));
        int port = freePort();
        Map<String, String> env = new HashMap<>(storeEnv);
        env.put("GATEWAY_HTTP_PORT", Integer.toString(port));
        env.put("GATEWAY_STREAM_MAX_SUBSCRIBERS", "5000");
        String key = createKey(jar, dir, env);
        Process gw = start(jar, dir, env, List.of("-Xmx512m"), List.of());
        Files.writeString(parent.resolve("pids"), gw.pid() + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        System.out.println("== store=" + store + (storeEnv.isEmpty() ? " (embedded H2 file, commit-hook stream)"
                : " (" + storeEnv.get("GATEWAY_DB_URL") + ", Since-feed stream)"));
        try {
            awaitHealthy(port);
            post(port, key, "/api/v1/incidents", "{\"id\":\"BENCH-1\",\"title\":\"bench\",\"actor\":\"b\"}");
            warmUp(port, key);
            long[] idle = procStatus(gw.pid());
            try (Readers r = new Readers(port, key, IDLE_STREAMS)) {
                Thread.sleep(3000);
                long[] open = procStatus(gw.pid());
                System.out.printf(Locale.ROOT, "open streams: 0 -> RSS %d MB, %d threads; %d -> RSS %d MB, %d threads%n",
                        idle[0] / 1024, idle[1], IDLE_STREAMS, open[0] / 1024, open[1]);
                System.out.printf(Locale.ROOT, "stream-cost store=%s streams=%d rss_delta_mb=%d threads_delta=%d%n",
                        store, IDLE_STREAMS, (open[0] - idle[0]) / 1024, open[1] - idle[1]);
            }
            for (String subscribers : SUBSCRIBERS.split(",")) {
                fanOut(store, gw.pid(), port, key, Integer.parseInt(subscribers.trim()), SECONDS);
            }
        } finally {
            gw.destroy();
            gw.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static void fanOut(String store, long gatewayPid, int port, String key, int subscribers, int seconds) throws Exception {
        COMMITTED.clear();
        try (Readers r = new Readers(port, key, subscribers)) {
            Thread.sleep(1000);
            long[] machine0 = machineTicks();
            long gw0 = processTicks(gatewayPid);
            long self0 = processTicks(ProcessHandle.current().pid());
            ExecutorService writers = Executors.newFixedThreadPool(8);
            AtomicLong appended = new AtomicLong();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                fs.add(writers.submit(() -> {
                    for (long i = 0; System.nanoTime() < end; i++) {
                        String content = "w" + writer + "-" + i + "-" + subscribers;
                        post(port, key, "/api/v1/incidents/BENCH-1/events",
                                "{\"type\":\"note\",\"actor\":\"b\",\"content\":\"" + content + "\"}");
                        COMMITTED.put(content, System.nanoTime());
                        appended.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            writers.shutdown();
            long expected = appended.get() * subscribers;
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (r.received.get() < expected && System.nanoTime() < waitUntil) {
                Thread.sleep(50);
            }
            long[] machine1 = machineTicks();
            double total = Math.max(1, machine1[1] - machine0[1]);
            double gw = (processTicks(gatewayPid) - gw0) / total;
            double self = (processTicks(ProcessHandle.current().pid()) - self0) / total;
            double other = Math.max(0, (machine1[0] - machine0[0]) / total - gw - self);
            List<Long> delays = r.delays();
            Collections.sort(delays);
            double eps = appended.get() / (double) seconds;
            System.out.printf(Locale.ROOT, "fan-out store=%s subscribers=%d events_per_s=%.0f deliveries_per_s=%.0f delivered=%d/%d "
                            + "commit_to_subscriber_ms p50=%.1f p99=%.1f max=%.1f cpu gw=%.0f%% bench=%.0f%% oth=%.0f%%%n", store,
                    subscribers, eps, eps * subscribers, r.received.get(), expected, pct(delays, 0.5), pct(delays, 0.99),
                    pct(delays, 1.0), gw * 100, self * 100, other * 100);
        }
    }

    /** utime + stime of a process in clock ticks (/proc/<pid>/stat), or 0 when unreadable. */
    static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {busy, total} clock ticks of the whole machine, all cores (/proc/stat), or zeros. */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[]{total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
        } catch (IOException | RuntimeException e) {
            return new long[]{0, 0};
        }
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
        return sorted.get(Math.max(0, i)) / 1e6;
    }

    /** Subscribers read by one selector thread; counts events and records the delay of every delivery. */
    static final class Readers implements AutoCloseable {
        final AtomicLong received = new AtomicLong();
        private final List<Long> delays = Collections.synchronizedList(new ArrayList<>());
        private final Selector selector = Selector.open();
        private final Thread thread;
        private volatile boolean running = true;

        Readers(int port, String key, int n) throws IOException {
            byte[] request = ("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.write(ByteBuffer.wrap(request));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, new StringBuilder());
            }
            thread = new Thread(this::run, "bench-readers");
            thread.start();
        }

        private void run() {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            try {
                while (running) {
                    selector.select(200);
                    for (SelectionKey k : selector.selectedKeys()) {
                        buf.clear();
                        int n = ((SocketChannel) k.channel()).read(buf);
                        if (n < 0) {
                            k.cancel();
                            continue;
                        }
                        long now = System.nanoTime();
                        StringBuilder pending = (StringBuilder) k.attachment();
                        pending.append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
                        int frameEnd;
                        while ((frameEnd = pending.indexOf("\n\n")) >= 0) {
                            String frame = pending.substring(0, frameEnd);
                            pending.delete(0, frameEnd + 2);
                            int c = frame.indexOf("\"content\":\"");
                            if (frame.contains("\nid: ") || frame.startsWith("id: ")) {
                                received.incrementAndGet();
                                if (c >= 0) {
                                    String content = frame.substring(c + 11, frame.indexOf('"', c + 11));
                                    Long committed = COMMITTED.get(content);
                                    // not yet recorded: seen before the writer had parsed its 201 (a delay of at most 0)
                                    delays.add(committed == null ? 0L : Math.max(0, now - committed));
                                }
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                System.out.println("reader failed: " + e);
            }
        }

        List<Long> delays() {
            synchronized (delays) {
                return new ArrayList<>(delays);
            }
        }

        @Override
        public void close() throws Exception {
            running = false;
            thread.join();
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
        }
    }

    static void warmUp(int port, String key) throws Exception {
        for (int i = 0; i < 300; i++) {
            post(port, key, "/api/v1/incidents/BENCH-1/events", "{\"type\":\"note\",\"actor\":\"b\",\"content\":\"warm\"}");
        }
    }

    static void post(int port, String key, String path, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** VmRSS (kB) and Threads of a process. */
    static long[] procStatus(long pid) throws IOException {
        long rss = 0;
        long threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return new long[]{rss, threads};
    }

    static String createKey(Path jar, Path dir, Map<String, String> env) throws Exception {
        Process p = start(jar, dir, env, List.of(), List.of("api-key", "create", "--name", "bench", "--scopes", "admin"));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("api-key create failed: " + out);
        }
        String[] lines = out.split("\n");
        return lines[lines.length - 1].trim();
    }

    static Process start(Path jar, Path dir, Map<String, String> env, List<String> jvm, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        if (args.isEmpty()) {
            pb.redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
        } else {
            pb.redirectError(dir.resolve("cli.log").toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    static void awaitHealthy(int port) throws Exception {
        for (int i = 0; i < 600; i++) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not become healthy");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
