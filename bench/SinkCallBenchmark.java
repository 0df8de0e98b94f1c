// What one sink HTTP call costs the calling thread: SinkHttpClient (camel-http, Apache HttpClient 5) against a local
// fake that answers at once like Slack's Web API (a small JSON body and the headers Slack sends), no vendor latency.
//
//   java -cp target/incident-gateway.jar bench/SinkCallBenchmark.java
//
// BENCH_THREADS (8) caller threads send alternately a JSON POST (chat.update) and a GET with a query
// (conversations.history); BENCH_WARMUP_CALLS (40000) calls first, then BENCH_ROUNDS (5) rounds of BENCH_CALLS (20000).
// Per round it prints the callers' thread CPU and allocation per call (the fake's threads are not counted);
// the last line is machine-readable:
//   sink-call threads=8 calls=<n> cpu_us_per_call=<median of rounds> alloc_bytes_per_call=<median> connections=<n>
// `connections` is how many TCP connections the fake accepted over the whole run (keep-alive: about BENCH_THREADS).
import com.sun.net.httpserver.HttpServer;
import dev.incidentgateway.connectors.http.HttpCall;
import dev.incidentgateway.connectors.http.HttpReply;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import org.apache.camel.impl.DefaultCamelContext;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

public class SinkCallBenchmark {
    static final int THREADS = Integer.getInteger("threads", env("BENCH_THREADS", 8));
    static final int WARMUP = env("BENCH_WARMUP_CALLS", 40_000);
    static final int CALLS = env("BENCH_CALLS", 20_000);
    static final int ROUNDS = env("BENCH_ROUNDS", 5);

    static int env(String name, int dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    public static void main(String[] args) throws Exception {
        byte[] answer = "{\"ok\":true,\"channel\":\"C0BENCH\",\"ts\":\"1733040000.000100\",\"message\":{\"text\":\"x\"}}"
                .getBytes(StandardCharsets.UTF_8);
        // The JDK server writes headers and body separately: without TCP_NODELAY every call waits out a delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Map<String, Boolean> connections = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/api", ex -> {
            connections.put(ex.getRemoteAddress().toString(), true);
            ex.getRequestBody().readAllBytes();
            var h = ex.getResponseHeaders();
            h.add("Content-Type", "application/json; charset=utf-8");
            h.add("X-Slack-Req-Id", "0123456789abcdef0123456789abcdef");
            h.add("X-OAuth-Scopes", "chat:write,channels:history,groups:history");
            h.add("X-Accepted-OAuth-Scopes", "chat:write");
            h.add("Access-Control-Allow-Origin", "*");
            h.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload");
            h.add("Vary", "Accept-Encoding");
            h.add("Cache-Control", "private, no-cache, no-store, must-revalidate");
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        String api = "http://127.0.0.1:" + server.getAddress().getPort() + "/api";

        DefaultCamelContext camel = new DefaultCamelContext();
        camel.start();
        SinkHttpClient http = new SinkHttpClient(camel.createProducerTemplate());
        String payload = "{\"channel\":\"C0BENCH\",\"ts\":\"1733040000.000100\",\"text\":\"INC-1 acknowledged by alice\","
                + "\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*INC-1* acknowledged\"}}]}";
        Map<String, String> auth = Map.of("Authorization", "Bearer xoxb-bench");
        HttpCall post = HttpCall.json("POST", api + "/chat.update", auth, payload);
        HttpCall get = HttpCall.get(api + "/conversations.history?channel=C0BENCH&latest=1733040000.000100&limit=1&inclusive=true",
                Map.of("Authorization", "Bearer xoxb-bench", "Accept", "application/json"));

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        round(http, post, get, threads, WARMUP);
        List<Double> cpu = new ArrayList<>();
        List<Double> alloc = new ArrayList<>();
        for (int r = 1; r <= ROUNDS; r++) {
            double[] m = round(http, post, get, threads, CALLS);
            cpu.add(m[0]);
            alloc.add(m[1]);
            System.out.printf(Locale.ROOT, "round %d: %d calls, %.1f us cpu/call, %.0f bytes allocated/call (callers)%n",
                    r, CALLS, m[0], m[1]);
        }
        Collections.sort(cpu);
        Collections.sort(alloc);
        System.out.printf(Locale.ROOT, "sink-call threads=%d calls=%d cpu_us_per_call=%.1f alloc_bytes_per_call=%.0f connections=%d%n",
                THREADS, CALLS, cpu.get(cpu.size() / 2), alloc.get(alloc.size() / 2), connections.size());
        camel.stop();
        server.stop(0);
        System.exit(0);
    }

    /** {cpu µs per call, bytes allocated per call} of the caller threads. */
    static double[] round(SinkHttpClient http, HttpCall post, HttpCall get, com.sun.management.ThreadMXBean threads,
                          int calls) throws InterruptedException {
        AtomicLong cpuNanos = new AtomicLong();
        AtomicLong allocated = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(THREADS);
        for (int t = 0; t < THREADS; t++) {
            int share = calls / THREADS;
            Thread thread = new Thread(() -> {
                long c0 = threads.getCurrentThreadCpuTime();
                long a0 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < share; i++) {
                    HttpReply reply = http.send(i % 2 == 0 ? post : get);
                    if (reply.status() != 200 || reply.body().length == 0) {
                        failures.incrementAndGet();
                    }
                }
                cpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - c0);
                allocated.addAndGet(threads.getCurrentThreadAllocatedBytes() - a0);
                done.countDown();
            }, "sink-call-" + t);
            thread.start();
        }
        done.await();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " calls failed");
        }
        int sent = calls / THREADS * THREADS;
        return new double[]{cpuNanos.get() / 1e3 / sent, allocated.get() / (double) sent};
    }
}
