package dev.incidentgateway.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Mattermost/Slack-style incoming webhook: {@code POST /hooks/<secret>} with {@code Content-Type: application/json}
 * and a body {@code {"text": "<string>"}}, answered 200 "ok"; anything else 400, as the real services do. A test can
 * make it answer a status (with Retry-After) to the next requests about one incident, or refuse one incident for good.
 */
final class FakeChatWebhook implements AutoCloseable {
    static final String SECRET = "s3cr3tHookKey";
    private static final Pattern INCIDENT = Pattern.compile("\\(([A-Z]+-\\d+)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One accepted message: the incident named in it, its text, when it came. */
    record Message(String incidentId, String text, Instant at) {
    }

    /** One request that got a scripted failure. */
    record Refusal(String incidentId, int status, Instant at) {
    }

    private final HttpServer server;
    private final List<Message> accepted = new ArrayList<>();
    private final List<Refusal> refused = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Queue<int[]>> scripted = new ConcurrentHashMap<>();
    private final Map<String, Integer> refuseAlways = new ConcurrentHashMap<>();

    FakeChatWebhook() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + SECRET;
    }

    /** The next request about {@code incidentId} gets {@code status}, with Retry-After {@code retryAfter} s when positive. */
    void answerNext(String incidentId, int status, int retryAfter) {
        scripted.computeIfAbsent(incidentId, k -> new ConcurrentLinkedQueue<>()).add(new int[]{status, retryAfter});
    }

    /** Every request about {@code incidentId} gets {@code status} until {@link #stopRefusing}. */
    void refuse(String incidentId, int status) {
        refuseAlways.put(incidentId, status);
    }

    void stopRefusing(String incidentId) {
        refuseAlways.remove(incidentId);
    }

    synchronized List<Message> accepted(String incidentId) {
        return accepted.stream().filter(m -> m.incidentId().equals(incidentId)).toList();
    }

    synchronized List<Message> accepted() {
        return List.copyOf(accepted);
    }

    synchronized List<Refusal> refused(String incidentId) {
        return refused.stream().filter(r -> r.incidentId().equals(incidentId)).toList();
    }

    /** Requests that were not what an incoming webhook takes (wrong path, type, shape, or a gateway header leaked). */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String problem = check(exchange, body);
        if (problem != null) {
            synchronized (this) {
                problems.add(problem);
            }
            reply(exchange, 400, problem, 0);
            return;
        }
        String text = JSON.readTree(body).get("text").asText();
        Matcher m = INCIDENT.matcher(text);
        String incident = m.find() ? m.group(1) : "?";
        Integer always = refuseAlways.get(incident);
        int[] next = always != null ? new int[]{always, 0} : scripted.getOrDefault(incident, new ConcurrentLinkedQueue<>()).poll();
        synchronized (this) {
            if (next != null) {
                refused.add(new Refusal(incident, next[0], Instant.now()));
            } else {
                accepted.add(new Message(incident, text, Instant.now()));
            }
        }
        if (next != null) {
            reply(exchange, next[0], next[0] == 400 ? "invalid_payload" : "try later", next[1]);
        } else {
            reply(exchange, 200, "ok", 0);
        }
    }

    private static String check(HttpExchange exchange, byte[] body) {
        if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/hooks/" + SECRET)) {
            return "not POST /hooks/<secret>: " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return "Content-Type " + type;
        }
        if (exchange.getRequestHeaders().keySet().stream().anyMatch(h -> h.toLowerCase().startsWith("timeline"))) {
            return "gateway headers sent: " + exchange.getRequestHeaders().keySet();
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject() || json.size() != 1 || !json.path("text").isTextual()) {
                return "not {\"text\": string}: " + new String(body, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "not JSON: " + new String(body, StandardCharsets.UTF_8);
        }
        return null;
    }

    private static void reply(HttpExchange exchange, int status, String text, int retryAfter) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        if (retryAfter > 0) {
            exchange.getResponseHeaders().add("Retry-After", Integer.toString(retryAfter));
        }
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
