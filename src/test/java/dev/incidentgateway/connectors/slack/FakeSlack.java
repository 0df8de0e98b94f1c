package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.incidentgateway.testsupport.ContractFake;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.incidentgateway.connectors.slack.FakeSlackWorkspace.error;

/**
 * Slack Web API stand-in: {@code POST /api/chat.postMessage} and {@code POST /api/chat.update}, checked like
 * the real API (Bearer token, JSON body, channel, ts, text/blocks, thread_ts), answering HTTP 200 with
 * {@code ok:false} and Slack's error code on a bad call; {@code conversations.list} and
 * {@code conversations.history} ({@link FakeSlackConversations}: GET or form POST, cursor pagination, message
 * metadata with include_all_metadata). One channel the gateway posts to, {@code #incidents} =
 * {@value #CHANNEL_ID}; chat.update and conversations.history accept only the ID. The token has every scope
 * the gateway needs until {@link #revokeScope(String)}. A root message's incident is read from its message metadata
 * ({@code event_payload.incident_id}); replies belong to their thread_ts's incident and are recorded under
 * {@code event_payload.event_type}.
 */
public final class FakeSlack implements ContractFake {
    public static final String TOKEN = "xoxb-0000000000-fake-slack-token";
    public static final String CHANNEL_NAME = "#incidents";
    public static final String CHANNEL_ID = "C0123ABCD";

    /** @param target {@code null} for any call, else a method name or {@value #REPLY} */
    private record Failure(String target, int status, Map<String, String> headers, String body) {
        boolean matches(String method, boolean reply) {
            return target == null || target.equals(method) || (REPLY.equals(target) && reply);
        }
    }

    /** Target of {@link #failNext(String, int, int, Map, String)}: chat.postMessage calls with a thread_ts. */
    public static final String REPLY = "reply";

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    // Guarded by this.
    private final Deque<Failure> failures = new ArrayDeque<>();
    private final FakeSlackWorkspace workspace = new FakeSlackWorkspace();
    private int requests;
    private final Map<String, Integer> calls = new HashMap<>();
    private final Set<String> scopes = new HashSet<>(Set.of("chat:write", "channels:read", "groups:read", "channels:history",
            "groups:history"));
    private volatile int pageSize = 1000;
    private volatile boolean down;
    private volatile int latencyMillis;
    private volatile String misconfigured;

    public FakeSlack() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    @Override
    public Map<String, String> env() {
        return Map.of("SLACK_API_URL", baseUrl(), "SLACK_BOT_TOKEN", TOKEN, "SLACK_CHANNEL", CHANNEL_NAME);
    }

    @Override
    public void failNext(int times, int status, Map<String, String> headers, String body) {
        failNext(null, times, status, headers, body);
    }

    /** Like {@link #failNext(int, int, Map, String)}, for calls of one method only ({@value #REPLY}: replies). */
    public synchronized void failNext(String target, int times, int status, Map<String, String> headers, String body) {
        for (int i = 0; i < times; i++) {
            failures.add(new Failure(target, status, Map.copyOf(headers), body));
        }
    }

    /** HTTP 429 with Retry-After and Slack's {@code ratelimited} body, as chat.postMessage answers a burst. */
    public void rateLimitNext(int retryAfterSeconds) {
        failNext(1, 429, Map.of("Retry-After", String.valueOf(retryAfterSeconds)), "{\"ok\":false,\"error\":\"ratelimited\"}");
    }

    @Override
    public void setDown(boolean down) {
        this.down = down;
    }

    @Override
    public void setLatencyMillis(int millis) {
        this.latencyMillis = millis;
    }

    /** Every call answers HTTP 200 {@code {"ok":false,"error":<error>}} until {@link #repair()}. */
    public void misconfigure(String error) {
        this.misconfigured = error;
    }

    public void repair() {
        this.misconfigured = null;
    }

    @Override
    public List<String> receivedFor(String incidentId) {
        return workspace.receivedFor(incidentId);
    }

    @Override
    public int ticketCount(String incidentId) {
        return workspace.ticketCount(incidentId);
    }

    @Override
    public Set<String> incidents() {
        return workspace.incidents();
    }

    /** The incident's (first) root message as it is now: after chat.update, the updated text and blocks. */
    public JsonNode rootMessage(String incidentId) {
        return workspace.rootMessage(incidentId);
    }

    /** How many chat.update calls Slack accepted for the incident's root. */
    public int updateCount(String incidentId) {
        return workspace.updateCount(incidentId);
    }

    /** The token loses a scope: calls of the methods that need it answer missing_scope (with needed). */
    public synchronized void revokeScope(String scope) {
        scopes.remove(scope);
    }

    /** conversations.list and conversations.history answer at most this many items a page, whatever the limit. */
    public void setPageSize(int items) {
        this.pageSize = items;
    }

    /** Requests received for one Web API method (e.g. conversations.list), failed ones included. */
    public synchronized int callCount(String method) {
        return calls.getOrDefault(method, 0);
    }

    /** Requests received, failed ones included. */
    public synchronized int requestCount() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestURI().getPath().substring("/api/".length());
            boolean reply = new String(raw, StandardCharsets.UTF_8).contains("\"thread_ts\"");
            Failure failure;
            synchronized (this) {
                requests++;
                calls.merge(method, 1, Integer::sum);
                failure = failures.stream().filter(f -> f.matches(method, reply)).findFirst().orElse(null);
                failures.remove(failure);
            }
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            if (failure != null) {
                failure.headers().forEach(ex.getResponseHeaders()::add);
                FakeSlackHttp.send(ex, failure.status(), failure.body());
            } else if (down) {
                FakeSlackHttp.send(ex, 503, "{\"ok\":false,\"error\":\"service_unavailable\"}");
            } else {
                ObjectNode answer = answer(ex, method, raw);
                FakeSlackHttp.send(ex, "unknown_method".equals(answer.path("error").asText()) ? 404 : 200, answer.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ObjectNode answer(HttpExchange ex, String method, byte[] raw) {
        if (misconfigured != null) {
            return error(misconfigured);
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || auth.isBlank()) {
            return error("not_authed");
        }
        if (!auth.equals("Bearer " + TOKEN)) {
            return error("invalid_auth");
        }
        synchronized (this) {
            String needed = FakeSlackConversations.neededScope(method);
            if (!scopes.contains(needed)) {
                return error("missing_scope").put("needed", needed).put("provided", String.join(",", scopes));
            }
        }
        if (method.equals("conversations.list")) {
            return FakeSlackConversations.list(FakeSlackHttp.params(ex, raw), pageSize);
        }
        if (method.equals("conversations.history")) {
            return FakeSlackConversations.history(FakeSlackHttp.params(ex, raw), workspace, pageSize);
        }
        ObjectNode invalid = FakeSlackHttp.jsonError(ex, raw);
        if (invalid != null) {
            return invalid;
        }
        ObjectNode body = FakeSlackHttp.jsonObject(raw);
        return switch (method) {
            case "chat.postMessage" -> workspace.postMessage(body);
            case "chat.update" -> workspace.update(body);
            default -> error("unknown_method");
        };
    }
}
