package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.incidentgateway.connectors.jira.JiraPollFakeData.User;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The projects, issues and workflow behind {@link FakeJira}: what Jira answers once a request is
 * authenticated and routed. Not thread-safe by itself; {@link FakeJira} calls it under its lock.
 */
final class FakeJiraState {
    /** A reply: status and JSON body ({@code null} for none). */
    record Reply(int status, Map<String, String> headers, String body) {
    }

    /** One issue as Jira holds it. */
    public static final class Issue {
        public final String id;
        public final String key;
        public final ObjectNode fields;
        public final List<JsonNode> comments = new ArrayList<>();
        public volatile String status = "To Do";
        /** For polling: who reported it, when, its changelog histories and full comments (author, created). */
        public User reporter = JiraPollFakeData.GATEWAY;
        public Instant created;
        public Instant updated;
        public final List<ObjectNode> histories = new ArrayList<>();
        public final List<ObjectNode> commentRecords = new ArrayList<>();

        Issue(String id, String key, ObjectNode fields) {
            this.id = id;
            this.key = key;
            this.fields = fields;
        }
    }

    private static final Pattern JQL = Pattern.compile(
            "project\\s*=\\s*\"?([A-Za-z0-9_]+)\"?\\s+AND\\s+labels\\s*=\\s*\"([^\"]+)\"(\\s+ORDER BY .*)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG = Pattern.compile("^\\[([a-z_]+)]");
    /** status → transitions available from it: {id, name, target status}. To Do → In Progress → Done, and back. */
    private static final Map<String, List<String[]>> WORKFLOW = Map.of(
            "To Do", List.of(new String[]{"21", "Start Progress", "In Progress"}, new String[]{"31", "Done", "Done"}),
            "In Progress", List.of(new String[]{"11", "Stop Progress", "To Do"}, new String[]{"31", "Done", "Done"}),
            "Done", List.of(new String[]{"11", "Reopen", "To Do"}, new String[]{"21", "Back to In Progress", "In Progress"}));

    private final ObjectMapper json = new ObjectMapper();
    private final String project;
    private final String baseUrl;
    private final List<Issue> issues = new ArrayList<>();
    private final Map<String, List<String>> received = new HashMap<>();
    /** The fake's clock: each change takes {@link #tick()} (one second later than the last unless set). */
    Instant now = Instant.parse("2025-03-01T09:00:00Z");
    /** The account's profile zone: JQL dates are read in it, times are rendered in it. */
    ZoneId zone = ZoneOffset.UTC;
    /** Part of every page token: bumping it expires the tokens issued before. */
    int tokenEpoch;
    /**
     * Jira's issue search is eventually consistent: a new issue can take seconds to minutes to appear in it (Atlassian,
     * "Search after write"). While {@code indexLags}, issues created are kept out of the label search until
     * {@link #catchUpIndex}.
     */
    boolean indexLags;
    private final List<Issue> unindexed = new ArrayList<>();
    private long nextHistory = 30000;
    private long nextComment = 20000;

    FakeJiraState(String project, String baseUrl) {
        this.project = project;
        this.baseUrl = baseUrl;
    }

    Reply create(JsonNode body) {
        return create(body, JiraPollFakeData.GATEWAY);
    }

    Reply create(JsonNode body, User who) {
        JsonNode fields = body.path("fields");
        if (!fields.isObject()) {
            return error(400, List.of("Request body must contain fields"), Map.of());
        }
        Map<String, String> errors = FakeJiraChecks.createErrors(fields, project);
        if (!errors.isEmpty()) {
            return error(400, List.of(), errors);
        }
        int n = issues.size() + 1;
        Issue issue = new Issue(String.valueOf(10000 + n), project + "-" + n, (ObjectNode) fields.deepCopy());
        issue.reporter = who;
        issue.created = tick();
        issue.updated = issue.created;
        issues.add(issue);
        if (indexLags) {
            unindexed.add(issue);
        }
        record(issue, "declare");
        return ok(201, json.createObjectNode().put("id", issue.id).put("key", issue.key)
                .put("self", baseUrl + "/rest/api/3/issue/" + issue.id));
    }

    Reply search(Map<String, String> params) {
        ObjectNode byUpdated = JiraPollFakeData.searchUpdated(issues, params, baseUrl, zone, tokenEpoch);
        if (byUpdated != null && byUpdated.has("errorMessages")) {
            return new Reply(400, Map.of(), byUpdated.toString());
        }
        if (byUpdated != null) {
            return ok(200, byUpdated);
        }
        Matcher m = JQL.matcher(params.getOrDefault("jql", "").trim());
        if (!m.matches()) {
            return error(400, List.of("Error in the JQL Query: unsupported query '" + params.get("jql") + "'"), Map.of());
        }
        int max = Integer.parseInt(params.getOrDefault("maxResults", "50"));
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("issues");
        issues.stream().filter(i -> i.fields.path("project").path("key").asText().equalsIgnoreCase(m.group(1)))
                .filter(i -> labels(i).contains(m.group(2))).filter(i -> !unindexed.contains(i)).limit(max)
                .forEach(i -> list.add(view(i)));
        out.put("isLast", true);
        return ok(200, out);
    }

    /** The search index has caught up: every issue is found. */
    void catchUpIndex() {
        unindexed.clear();
    }

    /** {@code GET /rest/api/3/issue/{idOrKey}}, {@code /comment} and {@code /transitions}. */
    Reply issue(String method, String idOrKey, String sub, JsonNode body, String event) {
        return issue(method, idOrKey, sub, body, event, JiraPollFakeData.GATEWAY);
    }

    /** As {@link #issue(String, String, String, JsonNode, String)}, acting as {@code who}. */
    Reply issue(String method, String idOrKey, String sub, JsonNode body, String event, User who) {
        Issue issue = find(idOrKey);
        if (issue == null) {
            return error(404, List.of("Issue does not exist or you do not have permission to see it."), Map.of());
        }
        return switch (method + " " + sub) {
            case "GET " -> ok(200, view(issue));
            case "POST /comment" -> comment(issue, body, event, who);
            case "GET /transitions" -> ok(200, transitions(issue));
            case "POST /transitions" -> transition(issue, body, event, who);
            case "PUT " -> edit(issue, body, event);
            default -> error(405, List.of("Method " + method + " is not allowed here"), Map.of());
        };
    }

    Issue find(String idOrKey) {
        return issues.stream().filter(i -> i.id.equals(idOrKey) || i.key.equals(idOrKey)).findFirst().orElse(null);
    }

    /** The next change's time. */
    Instant tick() {
        now = now.plusSeconds(1);
        return now;
    }

    private Reply comment(Issue issue, JsonNode body, String event, User who) {
        JsonNode doc = body.get("body");
        if (!FakeJiraChecks.isAdf(doc) || doc.path("content").isEmpty()) {
            return error(400, List.of(), Map.of("comment", FakeJiraChecks.NOT_ADF));
        }
        issue.comments.add(doc);
        long id = nextComment++;
        issue.updated = tick();
        issue.commentRecords.add(JiraPollFakeData.comment(id, who, issue.updated, zone, doc));
        Matcher tag = TAG.matcher(FakeJiraChecks.text(doc));
        record(issue, event != null ? event : tag.find() ? tag.group(1) : "note");
        ObjectNode out = json.createObjectNode().put("id", String.valueOf(id));
        out.set("body", doc);
        return ok(201, out);
    }

    /** {@code PUT /rest/api/3/issue/{key}}: sets the fields of the edit screen (here: priority); 204 without a body. */
    private Reply edit(Issue issue, JsonNode body, String event) {
        Map<String, String> errors = FakeJiraChecks.editErrors(body.path("fields"));
        if (!errors.isEmpty()) {
            return error(400, List.of(), errors);
        }
        body.path("fields").properties().forEach(f -> issue.fields.set(f.getKey(), f.getValue().deepCopy()));
        issue.updated = tick();
        record(issue, (event != null ? event : "edit") + ":" + String.join(",", iterable(body.path("fields").fieldNames())));
        return new Reply(204, Map.of(), null);
    }

    private static Iterable<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private ObjectNode transitions(Issue issue) {
        ObjectNode out = json.createObjectNode().put("expand", "transitions");
        ArrayNode list = out.putArray("transitions");
        for (String[] t : WORKFLOW.get(issue.status)) {
            ObjectNode node = list.addObject().put("id", t[0]).put("name", t[1]).put("hasScreen", false);
            node.putObject("to").put("name", t[2]).put("id", String.valueOf(t[2].hashCode() & 0xffff));
        }
        return out;
    }

    private Reply transition(Issue issue, JsonNode body, String event, User who) {
        String id = body.path("transition").path("id").asText("");
        Map<String, String> offScreen = FakeJiraChecks.transitionErrors(body);
        if (!offScreen.isEmpty()) {
            return error(400, List.of(), offScreen);
        }
        for (String[] t : WORKFLOW.get(issue.status)) {
            if (t[0].equals(id)) {
                issue.updated = tick();
                issue.histories.add(JiraPollFakeData.history(nextHistory++, who, issue.updated, zone, issue.status, t[2]));
                issue.status = t[2];
                record(issue, event != null ? event : "transition:" + t[2]);
                return new Reply(204, Map.of(), null);
            }
        }
        return error(400, List.of("Transition id '" + id + "' is not valid for this issue."), Map.of());
    }

    List<String> receivedFor(String incidentId) {
        return List.copyOf(received.getOrDefault(incidentId, List.of()));
    }

    List<Issue> issuesFor(String incidentId) {
        return issues.stream().filter(i -> incidentId.equals(incidentOf(i))).toList();
    }

    Set<String> incidents() {
        Set<String> out = new TreeSet<>();
        issues.stream().map(FakeJiraState::incidentOf).filter(i -> i != null).forEach(out::add);
        return out;
    }

    private ObjectNode view(Issue i) {
        return JiraPollFakeData.view(i, baseUrl, zone, false);
    }

    private void record(Issue issue, String what) {
        String incident = incidentOf(issue);
        if (incident != null) {
            received.computeIfAbsent(incident, k -> new ArrayList<>()).add(what);
        }
    }

    private static List<String> labels(Issue i) {
        List<String> out = new ArrayList<>();
        i.fields.path("labels").forEach(l -> out.add(l.asText()));
        return out;
    }

    /** The incident id of the {@code incident-gateway-<id>} label. */
    private static String incidentOf(Issue i) {
        return labels(i).stream().filter(l -> l.startsWith(JiraIssueMapper.INCIDENT_LABEL_PREFIX))
                .map(l -> l.substring(JiraIssueMapper.INCIDENT_LABEL_PREFIX.length())).findFirst().orElse(null);
    }

    private Reply ok(int status, JsonNode body) {
        return new Reply(status, Map.of(), body.toString());
    }

    /** Jira's ErrorCollection: {@code {"errorMessages":[...],"errors":{field: message}}}. */
    Reply error(int status, List<String> messages, Map<String, String> errors) {
        ObjectNode out = json.createObjectNode();
        ArrayNode msgs = out.putArray("errorMessages");
        messages.forEach(msgs::add);
        ObjectNode errs = out.putObject("errors");
        errors.forEach(errs::put);
        return new Reply(status, Map.of(), out.toString());
    }
}
