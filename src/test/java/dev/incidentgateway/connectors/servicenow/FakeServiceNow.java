package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.incidentgateway.testsupport.ContractFake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stateful ServiceNow Table API for the incident table on 127.0.0.1 (JDK HttpServer): Basic auth, JSON
 * bodies, {@code POST /api/now/table/incident} (201), {@code GET ...?sysparm_query=&sysparm_fields=&sysparm_limit=}
 * and {@code GET/PATCH .../incident/<sys_id>}, answering errors with ServiceNow's envelope
 * {@code {"error":{"message","detail"},"status":"failure"}}. What a call stands for is read from the
 * {@code X-Incident-Gateway-Event} header the sink sends (creates count as "declare").
 *
 * <p>For pollers: list GETs of incident and sys_journal_field take {@link ServiceNowPollFakeQuery}'s encoded queries,
 * sysparm_limit/offset, and answer X-Total-Count and a Link header. HTTP writes are {@link #USER}'s at {@link #now()};
 * {@link #createAs}, {@link #updateAs} and {@link #setNow} stand for other users working at chosen times.
 */
public final class FakeServiceNow implements ContractFake {
    public static final String USER = "incident-gateway";
    private static final String TABLE = "/api/now/table/incident";
    private static final String JOURNAL = "/api/now/table/sys_journal_field";

    private final String password = "pw-" + java.util.UUID.randomUUID();
    private final FakeServiceNowTable table = new FakeServiceNowTable();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final Object failureLock = new Object();
    private int failuresLeft;
    private Canned failure;
    private volatile boolean down;
    private volatile int latencyMillis;
    private volatile Instant fixedNow;
    /** Reads of {@link #clock()}: what a poller asked of its clock (the fake's own reads of {@link #now()} do not count). */
    private final java.util.concurrent.atomic.AtomicInteger clockReads = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean linkHeaders = true;

    private record Canned(int status, Map<String, String> headers, String body) {
    }

    public FakeServiceNow() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String password() {
        return password;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public Map<String, String> env() {
        return Map.of("SERVICENOW_URL", baseUrl(), "SERVICENOW_USER", USER, "SERVICENOW_PASSWORD", password);
    }

    @Override
    public void failNext(int times, int status, Map<String, String> headers, String body) {
        synchronized (failureLock) {
            failuresLeft = times;
            failure = new Canned(status, Map.copyOf(headers), body == null ? "" : body);
        }
    }

    @Override
    public void setDown(boolean down) {
        this.down = down;
    }

    @Override
    public void setLatencyMillis(int millis) {
        this.latencyMillis = millis;
    }

    @Override
    public List<String> receivedFor(String incidentId) {
        return table.received(incidentId);
    }

    @Override
    public int ticketCount(String incidentId) {
        return table.count(incidentId);
    }

    @Override
    public Set<String> incidents() {
        return table.incidents();
    }

    /** The incident record made for a gateway incident (fields as the Table API returns them), or {@code null}. */
    public ObjectNode record(String incidentId) {
        return table.byCorrelationId(incidentId);
    }

    /** The work notes written to a record, oldest first. */
    public List<String> workNotes(String incidentId) {
        ObjectNode rec = record(incidentId);
        return rec == null ? List.of() : table.workNotes(rec.path("sys_id").asText());
    }

    /** The instance's clock: real time (to the second) unless {@link #setNow} fixed it. */
    public Instant now() {
        Instant fixed = fixedNow;
        return (fixed != null ? fixed : Instant.now()).truncatedTo(ChronoUnit.SECONDS);
    }

    /** {@link #now()} as a clock, for a poller whose "now" (its first-sync window) must be the instance's. */
    public java.time.Clock clock() {
        return new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                clockReads.incrementAndGet();
                return now();
            }
        };
    }

    /** How often a {@link #clock()} was read. */
    public int clockReads() {
        return clockReads.get();
    }

    /** Fixes the instance's clock ({@code null}: real time again). */
    public void setNow(Instant now) {
        this.fixedNow = now;
    }

    /** Whether list answers carry a Link header (on by default, as on real instances). */
    public void setLinkHeaders(boolean on) {
        this.linkHeaders = on;
    }

    /** Creates an incident record as {@code user} (not through HTTP) at {@link #now()}; returns it. */
    public ObjectNode createAs(String user, ObjectNode fields) {
        return table.insert(fields, user, now());
    }

    /** Updates a record as {@code user} at {@link #now()}: fields, and work_notes/comments as journal entries. */
    public ObjectNode updateAs(String user, String sysId, ObjectNode fields) {
        return table.update(sysId, fields, null, user, now());
    }

    /** A record by sys_id, or {@code null}. */
    public ObjectNode recordBySysId(String sysId) {
        return table.get(sysId);
    }

    /** Every request as {@code METHOD path?query}, in arrival order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String raw = ex.getRequestURI().getRawQuery();
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + (raw == null ? "" : "?" + raw));
            byte[] body = ex.getRequestBody().readAllBytes();
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            if (down) {
                FakeServiceNowHttp.reply(ex, 503, Map.of("Content-Type", "text/html"), "<html><body>Service Unavailable</body></html>");
                return;
            }
            Canned canned = nextFailure();
            if (canned != null) {
                FakeServiceNowHttp.reply(ex, canned.status(), canned.headers(), canned.body());
                return;
            }
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                FakeServiceNowHttp.error(ex, 401, "User Not Authenticated", "Required to provide Auth information");
                return;
            }
            route(ex, body);
        } catch (FakeServiceNowTable.Refused r) {
            FakeServiceNowHttp.error(ex, r.status, r.getMessage(), r.detail);
        } catch (RuntimeException e) {
            FakeServiceNowHttp.error(ex, 500, "Internal error in FakeServiceNow", String.valueOf(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex, byte[] body) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals(TABLE)) {
            switch (method) {
                case "GET" -> FakeServiceNowHttp.list(ex, baseUrl() + TABLE, linkHeaders, table::query);
                case "POST" -> {
                    ObjectNode rec = table.insert(FakeServiceNowHttp.json(ex, body), USER, now());
                    FakeServiceNowHttp.result(ex, 201, rec, Map.of("Location", baseUrl() + TABLE + "/" + rec.path("sys_id").asText()));
                }
                default -> FakeServiceNowHttp.error(ex, 405, "Method not Supported", "Method " + method + " is not supported for this resource");
            }
        } else if (path.startsWith(TABLE + "/")) {
            String sysId = path.substring(TABLE.length() + 1);
            switch (method) {
                case "GET" -> {
                    ObjectNode rec = table.get(sysId);
                    if (rec == null) {
                        throw new FakeServiceNowTable.Refused(404, "No Record found",
                                "Record doesn't exist or ACL restricts the record retrieval");
                    }
                    FakeServiceNowHttp.result(ex, 200, rec, Map.of());
                }
                case "PATCH", "PUT" -> FakeServiceNowHttp.result(ex, 200, table.update(sysId, FakeServiceNowHttp.json(ex, body),
                        ex.getRequestHeaders().getFirst(ServiceNowSink.EVENT_HEADER), USER, now()), Map.of());
                default -> FakeServiceNowHttp.error(ex, 405, "Method not Supported", "Method " + method + " is not supported for this resource");
            }
        } else if (path.equals(JOURNAL) && method.equals("GET")) {
            FakeServiceNowHttp.list(ex, baseUrl() + JOURNAL, linkHeaders, table::journalQuery);
        } else {
            FakeServiceNowHttp.error(ex, 400, "Requested URI does not represent any resource", "Please provide a valid URI");
        }
    }

    private Canned nextFailure() {
        synchronized (failureLock) {
            if (failuresLeft <= 0) {
                return null;
            }
            failuresLeft--;
            return failure;
        }
    }

    private boolean authorized(String header) {
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        return expected.equals(header);
    }
}
