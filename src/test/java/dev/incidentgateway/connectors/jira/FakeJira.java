package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.incidentgateway.connectors.jira.FakeJiraState.Issue;
import dev.incidentgateway.connectors.jira.FakeJiraState.Reply;
import dev.incidentgateway.connectors.jira.JiraPollFakeData.User;
import dev.incidentgateway.testsupport.ContractFake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful Jira Cloud (REST v3) on 127.0.0.1: {@code POST /rest/api/3/issue}, {@code GET /search/jql}
 * by project and label, comments, and the workflow To Do → In Progress → Done through {@code /transitions}
 * ({@link FakeJiraState}). Checks Basic auth, required fields and ADF like Jira ({@link FakeJiraChecks}) and
 * answers Jira's error body {@code {"errorMessages":[],"errors":{}}}. {@link #receivedFor} names each accepted
 * change by the {@code X-Incident-Gateway-Event} header the sink sends ("declare" for a create).
 */
public final class FakeJira implements ContractFake {
    public static final String EMAIL = "gateway-bot@example.com";
    public static final String TOKEN = "jira-api-token-s3cr3t";
    public static final String PROJECT = "OPS";
    private static final Pattern ISSUE_PATH = Pattern.compile("/rest/api/3/issue/([^/]+)(/comment|/transitions)?");

    /** One request as received (for assertions on headers and bodies). */
    public record Request(String method, String uri, String event, String body) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final FakeJiraState state;
    private final Deque<Reply> failures = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private Integer lostCreateAnswer;
    private volatile boolean down;
    private volatile int latencyMillis;

    public FakeJira() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
        state = new FakeJiraState(PROJECT, baseUrl());
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public Map<String, String> env() {
        return Map.of("JIRA_URL", baseUrl(), "JIRA_EMAIL", EMAIL, "JIRA_API_TOKEN", TOKEN, "JIRA_PROJECT", PROJECT);
    }

    @Override
    public synchronized void failNext(int times, int status, Map<String, String> headers, String body) {
        for (int i = 0; i < times; i++) {
            failures.add(new Reply(status, headers == null ? Map.of() : headers, body));
        }
    }

    /** The next create is made, but answered with {@code status} (a proxy's 502 after Jira wrote it, say). */
    public synchronized void loseNextCreateAnswer(int status) {
        lostCreateAnswer = status;
    }

    /** While on, new issues stay out of the search until it is turned off again ({@link FakeJiraState#indexLags}). */
    public synchronized void setSearchIndexLagging(boolean lagging) {
        state.indexLags = lagging;
        if (!lagging) {
            state.catchUpIndex();
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
    public synchronized List<String> receivedFor(String incidentId) {
        return state.receivedFor(incidentId);
    }

    @Override
    public synchronized int ticketCount(String incidentId) {
        return state.issuesFor(incidentId).size();
    }

    @Override
    public synchronized Set<String> incidents() {
        return state.incidents();
    }

    /** The issues of an incident, oldest first. */
    public synchronized List<Issue> issuesFor(String incidentId) {
        return state.issuesFor(incidentId);
    }

    /** Every request received, failures included, in order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Where the fake's clock stands: the next change is one second later. */
    public synchronized void setNow(Instant now) {
        state.now = now;
    }

    /** Page tokens issued so far are refused from now on (400), as Jira does with expired ones. */
    public synchronized void expirePageTokens() {
        state.tokenEpoch++;
    }

    /** The gateway account's profile zone (JQL dates are read in it; {@code /myself} reports it). */
    public synchronized void setUserZone(ZoneId zone) {
        state.zone = zone;
    }

    /** Someone (not the gateway) creates an issue of {@code issueType} at {@code at}; priority High. */
    public synchronized Issue createIssue(User who, String summary, String issueType, Instant at) {
        state.now = at.minusSeconds(1);
        return state.find(json(state.create(JiraPollFakeData.newIssue(PROJECT, summary, issueType, who), who)).path("id").asText());
    }

    /** {@code who} moves the issue to {@code status} at {@code at} (through the workflow's transition). */
    public synchronized void transition(User who, String key, String status, Instant at) {
        for (JsonNode t : json(state.issue("GET", key, "/transitions", null, null)).path("transitions")) {
            if (t.path("to").path("name").asText().equals(status)) {
                state.now = at.minusSeconds(1);
                state.issue("POST", key, "/transitions", json.createObjectNode().set("transition",
                        json.createObjectNode().put("id", t.path("id").asText())), null, who);
                return;
            }
        }
        throw new IllegalStateException("no transition of " + key + " to " + status);
    }

    /** {@code who} comments on the issue at {@code at}. */
    public synchronized void comment(User who, String key, String text, Instant at) {
        state.now = at.minusSeconds(1);
        state.issue("POST", key, "/comment", json.createObjectNode().set("body", FakeJiraChecks.adfOf(text)), null, who);
    }

    private JsonNode json(Reply reply) {
        try {
            return json.readTree(reply.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            Reply reply = answer(ex, body);
            byte[] bytes = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            if (bytes.length > 0) {
                ex.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            }
            ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized Reply answer(HttpExchange ex, String body) {
        String method = ex.getRequestMethod();
        String event = ex.getRequestHeaders().getFirst(JiraSink.EVENT_HEADER);
        requests.add(new Request(method, ex.getRequestURI().toString(), event, body));
        if (down) {
            return state.error(503, List.of("Service unavailable"), Map.of());
        }
        if (!failures.isEmpty()) {
            return failures.poll();
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString((EMAIL + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            return state.error(401, List.of("Client must be authenticated to access this resource."), Map.of());
        }
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if ((method.equals("POST") || method.equals("PUT"))
                && (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json"))) {
            return new Reply(415, Map.of(), null); // Jira's REST API reads only JSON bodies: 415, no body
        }
        String path = ex.getRequestURI().getPath();
        try {
            if (path.equals("/rest/api/3/issue") && method.equals("POST")) {
                Reply made = state.create(parse(body));
                if (lostCreateAnswer != null && made.status() == 201) {
                    int status = lostCreateAnswer;
                    lostCreateAnswer = null;
                    return state.error(status, List.of("Bad gateway"), Map.of());
                }
                return made;
            }
            if (path.equals("/rest/api/3/myself") && method.equals("GET")) {
                return new Reply(200, Map.of(), JiraPollFakeData.myself(state.zone).toString());
            }
            if (path.equals("/rest/api/3/status") && method.equals("GET")) {
                return new Reply(200, Map.of(), JiraPollFakeData.statuses().toString());
            }
            if (path.equals("/rest/api/3/search/jql") && method.equals("GET")) {
                return state.search(query(ex.getRequestURI().getRawQuery()));
            }
            Matcher m = ISSUE_PATH.matcher(path);
            if (m.matches()) {
                return state.issue(method, m.group(1), m.group(2) == null ? "" : m.group(2), parse(body), event);
            }
        } catch (IOException e) {
            return state.error(400, List.of("Unexpected character in the request body"), Map.of());
        }
        return state.error(404, List.of("No resource at " + method + " " + path), Map.of());
    }

    private JsonNode parse(String body) throws IOException {
        return body.isBlank() ? json.createObjectNode() : json.readTree(body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
