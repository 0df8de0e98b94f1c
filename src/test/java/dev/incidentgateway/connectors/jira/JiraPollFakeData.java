package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.connectors.jira.FakeJiraState.Issue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link FakeJira} needs for polling: users (with accountId and emailAddress, as changelog and comment
 * authors), the workflow's statuses with their categories ({@code GET /rest/api/3/status}), changelog histories,
 * and {@code /search/jql} by {@code updated >= "yyyy/MM/dd HH:mm"} (read in the account's zone, as Jira does)
 * {@code ORDER BY updated ASC} with {@code maxResults} and {@code nextPageToken}/{@code isLast} paging.
 */
final class JiraPollFakeData {
    /** An Atlassian account. */
    record User(String accountId, String emailAddress, String displayName) {
        ObjectNode json() {
            return JSON.createObjectNode().put("accountId", accountId).put("emailAddress", emailAddress)
                    .put("displayName", displayName).put("active", true);
        }
    }

    static final User GATEWAY = new User("557058:gateway-bot", FakeJira.EMAIL, "Incident Gateway");
    static final User ALICE = new User("557058:alice", "alice@example.com", "Alice Ops");
    static final User BOB = new User("557058:bob", "bob@example.com", "Bob Oncall");
    static final Pattern UPDATED_JQL = Pattern.compile("project\\s*=\\s*\"?([A-Za-z0-9_]+)\"?\\s+AND\\s+updated\\s*>=\\s*"
            + "\"(\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2})\"\\s+ORDER BY updated ASC", Pattern.CASE_INSENSITIVE);
    /** status name → {id, category key}. */
    static final Map<String, String[]> STATUSES = Map.of("To Do", new String[]{"10000", "new"},
            "In Progress", new String[]{"3", "indeterminate"}, "Done", new String[]{"10001", "done"});
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter JIRA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    private static final DateTimeFormatter JQL_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");

    private JiraPollFakeData() {
    }

    static String time(Instant t, ZoneId zone) {
        return JIRA_TIME.format(t.atZone(zone));
    }

    static ObjectNode status(String name) {
        ObjectNode s = JSON.createObjectNode().put("name", name).put("id", STATUSES.get(name)[0]);
        s.putObject("statusCategory").put("key", STATUSES.get(name)[1]);
        return s;
    }

    /** {@code GET /rest/api/3/status}. */
    static ArrayNode statuses() {
        ArrayNode out = JSON.createArrayNode();
        STATUSES.keySet().stream().sorted().forEach(n -> out.add(status(n)));
        return out;
    }

    /** The body of a create by someone other than the gateway: priority High, a two-line description. */
    static ObjectNode newIssue(String project, String summary, String issueType, User who) {
        ObjectNode fields = JSON.createObjectNode();
        fields.putObject("project").put("key", project);
        fields.putObject("issuetype").put("name", issueType);
        fields.put("summary", summary);
        fields.putObject("priority").put("name", "High");
        fields.set("description", FakeJiraChecks.adfOf("Reported by " + who.displayName() + "\nSee the dashboard"));
        ObjectNode body = JSON.createObjectNode();
        body.set("fields", fields);
        return body;
    }

    /** {@code GET /rest/api/3/myself}. */
    static ObjectNode myself(ZoneId zone) {
        return GATEWAY.json().put("timeZone", zone.getId());
    }

    static ObjectNode history(long id, User who, Instant at, ZoneId zone, String from, String to) {
        ObjectNode h = JSON.createObjectNode().put("id", String.valueOf(id));
        h.set("author", who.json());
        h.put("created", time(at, zone));
        h.putArray("items").addObject().put("field", "status").put("fieldtype", "jira").put("fieldId", "status")
                .put("from", STATUSES.get(from)[0]).put("fromString", from).put("to", STATUSES.get(to)[0]).put("toString", to);
        return h;
    }

    static ObjectNode comment(long id, User who, Instant at, ZoneId zone, JsonNode body) {
        ObjectNode c = JSON.createObjectNode().put("id", String.valueOf(id));
        c.set("author", who.json());
        c.set("body", body);
        c.put("created", time(at, zone)).put("updated", time(at, zone));
        return c;
    }

    /** The issue as search and {@code GET /issue} return it; with {@code changelog} when expanded. */
    static ObjectNode view(Issue i, String baseUrl, ZoneId zone, boolean changelog) {
        ObjectNode out = JSON.createObjectNode().put("id", i.id).put("key", i.key).put("self", baseUrl + "/rest/api/3/issue/" + i.id);
        ObjectNode fields = out.putObject("fields");
        fields.put("summary", i.fields.path("summary").asText());
        fields.set("status", status(i.status));
        fields.set("labels", i.fields.has("labels") ? i.fields.get("labels").deepCopy() : JSON.createArrayNode());
        fields.putObject("issuetype").put("name", i.fields.path("issuetype").path("name").asText());
        fields.set("priority", i.fields.has("priority") ? i.fields.get("priority").deepCopy() : null);
        fields.set("description", i.fields.has("description") ? i.fields.get("description").deepCopy() : null);
        fields.set("reporter", i.reporter.json());
        fields.put("created", time(i.created, zone)).put("updated", time(i.updated, zone));
        ObjectNode comment = fields.putObject("comment");
        ArrayNode comments = comment.putArray("comments");
        i.commentRecords.forEach(comments::add);
        comment.put("maxResults", comments.size()).put("total", comments.size()).put("startAt", 0);
        if (changelog) {
            ObjectNode log = out.putObject("changelog").put("startAt", 0).put("maxResults", i.histories.size())
                    .put("total", i.histories.size());
            ArrayNode histories = log.putArray("histories");
            i.histories.forEach(histories::add);
        }
        return out;
    }

    /** {@code /search/jql} by {@code updated}; {@code null} when the JQL is not of that shape. */
    static ObjectNode searchUpdated(List<Issue> issues, Map<String, String> params, String baseUrl, ZoneId zone, int epoch) {
        Matcher m = UPDATED_JQL.matcher(params.getOrDefault("jql", "").trim());
        if (!m.matches()) {
            return null;
        }
        // as Jira: a time in the hour a fall-back repeats is its second pass
        Instant from = LocalDateTime.parse(m.group(2), JQL_DATE).atZone(zone).withLaterOffsetAtOverlap().toInstant();
        int max = Math.min(100, Integer.parseInt(params.getOrDefault("maxResults", "50")));
        String token = params.get("nextPageToken");
        String[] parts = token == null ? new String[]{"offset", "0", String.valueOf(epoch)}
                : new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
        if (!parts[2].equals(String.valueOf(epoch))) {
            ObjectNode error = JSON.createObjectNode();
            error.putArray("errorMessages").add("The provided next page token is invalid or expired.");
            error.putObject("errors");
            return error;
        }
        int offset = Integer.parseInt(parts[1]);
        List<Issue> matching = issues.stream().filter(i -> i.fields.path("project").path("key").asText().equalsIgnoreCase(m.group(1)))
                .filter(i -> !i.updated.isBefore(from))
                .sorted(Comparator.comparing((Issue i) -> i.updated).thenComparing(i -> Long.parseLong(i.id))).toList();
        boolean changelog = params.getOrDefault("expand", "").contains("changelog");
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("issues");
        matching.stream().skip(offset).limit(max).forEach(i -> list.add(view(i, baseUrl, zone, changelog)));
        boolean last = offset + max >= matching.size();
        out.put("isLast", last);
        if (!last) {
            out.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("offset:" + (offset + max) + ":" + epoch).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
