package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.connectors.http.VendorHttp;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.ingest.poll.PollFailure;
import dev.incidentgateway.ingest.poll.PollPage;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.connectors.http.FailureClassifier;
import dev.incidentgateway.connectors.http.HttpCall;
import dev.incidentgateway.connectors.http.HttpReply;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.timeline.NewEvent;

import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Polls Jira Cloud for changes to the project's issues ({@code GET /rest/api/3/search/jql}, {@code nextPageToken}
 * paging, {@code expand=changelog}) and maps them with {@link JiraPollMapper}: new issues of the configured type
 * declare incidents, status changes acknowledge or resolve them, comments become notes.
 *
 * <p>JQL dates have minute precision and are read in the account's time zone ({@code GET /rest/api/3/myself}, or
 * {@code source.timeZone}), and Jira's search index lags: each run asks for
 * {@code updated >= "<last seen updated − overlapMinutes, floored to the minute>"} and lets the events' stable
 * ids drop what was read before. The watermark is described in {@link JiraPollWatermark}. The first sync (no
 * watermark) reads the issues updated in the last {@code source.firstSyncHours} (default 24).
 *
 * <p>Failures: 401/403 → {@link PollFailure.Kind#AUTH}; 429, 5xx, other errors and no answer →
 * {@link PollFailure.Kind#TRANSIENT} with Jira's Retry-After. A page token Jira no longer accepts (400) restarts
 * the run from the watermark's {@code updated}.
 */
public final class JiraPoller implements PollingSource {
    static final String NAME = "jira";
    static final String FIELDS = "summary,status,priority,labels,issuetype,created,updated,description,reporter,comment";
    private static final DateTimeFormatter JQL_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm", Locale.ROOT);
    private static final int MAX_WATERMARK = 500;

    private final JiraPollConfig config;
    private final SinkHttpClient http;
    private final ExternalRefs refs;
    private final Clock clock;
    private final Map<String, String> categories = new HashMap<>();
    private final JiraRunReads run = new JiraRunReads();
    private JiraPollMapper mapper;
    private ZoneId zone;

    JiraPoller(JiraPollConfig config, SinkHttpClient http, ExternalRefs refs, Clock clock) {
        this.config = config;
        this.http = http;
        this.refs = refs;
        this.clock = clock;
    }

    /**
     * The poller of {@code connectors/jira.yaml}'s {@code source:} block, or {@code null} when JIRA_URL, JIRA_EMAIL,
     * JIRA_API_TOKEN or JIRA_PROJECT is unset, JIRA_POLL_INTERVAL is 0, or {@code source.enabled} is false.
     *
     * @throws dev.incidentgateway.config.ConfigException naming every bad setting
     */
    public static JiraPoller create(JsonNode descriptor, Map<String, String> env, SinkHttpClient http, ExternalRefs refs) {
        JiraPollConfig config = JiraPollConfig.from(descriptor, env);
        return config == null ? null : new JiraPoller(config, http, refs, Clock.systemUTC());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    /** The issue's key (every event of an issue carries it in its data), else the event's id, which holds the issue id. */
    @Override
    public String ticket(NewEvent event) {
        String key = event.data().path("jiraKey").asText("");
        return key.isEmpty() ? event.ceId() : key;
    }

    @Override
    public PollPage poll(String watermark) throws PollFailure {
        if (mapper == null) {
            identify();
        }
        JiraPollWatermark w = JiraPollWatermark.parse(watermark);
        if (!w.paging()) {
            run.start();
        }
        Instant max = w.updated();
        List<NewEvent> events = new ArrayList<>();
        String from = w.paging() ? w.from() : lowerBound(w.updated());
        String token = w.page();
        boolean refreshed = false;
        while (true) {
            HttpReply reply = http.send(HttpCall.get(searchUrl(from, token), headers()));
            if (reply.status() == 400 && token != null) {
                // the page token expired (e.g. after a restart): start the run again from what is committed
                from = lowerBound(w.updated());
                token = null;
                run.start();
                continue;
            }
            JsonNode page = json(check(reply, "search issues of " + config.site().project()), "search issues");
            if (!refreshed && hasUnknownStatus(page)) {
                loadStatuses();
                refreshed = true;
            }
            for (JsonNode issue : page.path("issues")) {
                events.addAll(mapper.map(issue, incidentFor(issue.path("id").asText())));
                Instant updated = JiraPollMapper.time(issue.path("fields").path("updated").asText());
                run.read(issue.path("id").asText(), updated, from + "|" + token);
                if (updated != null && (max == null || updated.isAfter(max))) {
                    max = updated;
                }
            }
            String next = page.path("nextPageToken").asText("");
            if (page.path("isLast").asBoolean(next.isEmpty()) || next.isEmpty() || page.path("issues").isEmpty()) {
                Instant read = max != null ? max : parseJqlDate(from);
                Instant done = run.end(read);
                // an issue moved while the run paged: the next run, from before it, goes on at once (more)
                return new PollPage(events, new JiraPollWatermark(done, null, null).format(), done.isBefore(read));
            }
            String more = new JiraPollWatermark(max, from, next).format();
            if (more.length() <= MAX_WATERMARK) {
                return new PollPage(events, more, true);
            }
            token = next; // a token too long to store: read on in this call
        }
    }

    /** {@code GET /myself}: the account whose changes are the gateway's own, and the zone JQL dates are read in. */
    private void identify() throws PollFailure {
        JsonNode me = json(check(http.send(HttpCall.get(api("/myself"), headers())), "read the account of JIRA_EMAIL"), "myself");
        zone = config.timeZone();
        if (zone == null) {
            try {
                zone = ZoneId.of(me.path("timeZone").asText("UTC"));
            } catch (DateTimeException e) {
                zone = ZoneOffset.UTC;
            }
        }
        loadStatuses();
        mapper = new JiraPollMapper(config, me.path("accountId").asText(null), categories);
    }

    /** {@code GET /status}: every status's category ({@code new}, {@code indeterminate}, {@code done}). */
    private void loadStatuses() throws PollFailure {
        HttpReply reply = check(http.send(HttpCall.get(api("/status"), headers())), "list statuses");
        JsonNode statuses = VendorHttp.json(reply);
        if (statuses.isMissingNode()) {
            throw new PollFailure(PollFailure.Kind.TRANSIENT, "list statuses: the answer is not JSON", null);
        }
        for (JsonNode s : statuses) {
            String category = s.path("statusCategory").path("key").asText("");
            categories.put(s.path("id").asText(), category);
            categories.put(s.path("name").asText().toLowerCase(Locale.ROOT), category);
        }
    }

    private boolean hasUnknownStatus(JsonNode page) {
        for (JsonNode issue : page.path("issues")) {
            for (JsonNode h : issue.path("changelog").path("histories")) {
                for (JsonNode item : h.path("items")) {
                    if ("status".equals(item.path("field").asText()) && !categories.containsKey(item.path("to").asText(""))
                            && !categories.containsKey(item.path("toString").asText("").toLowerCase(Locale.ROOT))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private String incidentFor(String issueId) throws PollFailure {
        try {
            return refs.incidentFor(NAME, issueId);
        } catch (SQLException e) {
            throw new PollFailure(PollFailure.Kind.TRANSIENT, "could not read external refs: " + e.getMessage(), null);
        }
    }

    /** The run's JQL lower bound: the last seen {@code updated} minus the overlap (first sync: now minus firstSyncHours). */
    private String lowerBound(Instant updated) {
        Instant from = updated == null ? clock.instant().minus(config.firstSync())
                : updated.minus(Duration.ofMinutes(config.overlapMinutes()));
        return jqlBound(from, zone);
    }

    /**
     * {@code from} as a JQL date in {@code zone}, floored to the minute. A JQL date has no offset, and in the hour a
     * fall-back repeats Jira reads it as the second pass (the later instant): a bound in the first pass (01:28 EDT on
     * New York's 2026-11-01) would skip what was updated from there to 01:28 EST. Such a bound becomes the minute before
     * the repeated hour (00:59), which both passes come after: the hour is read again, and re-reads append nothing. A
     * bound in the second pass means what Jira reads it as and stays.
     */
    static String jqlBound(Instant from, ZoneId zone) {
        ZonedDateTime at = from.atZone(zone);
        LocalDateTime local = at.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES);
        ZoneOffsetTransition overlap = zone.getRules().getTransition(local);
        if (overlap != null && overlap.isOverlap() && at.getOffset().equals(overlap.getOffsetBefore())) {
            local = overlap.getDateTimeAfter().minusMinutes(1);
        }
        return JQL_DATE.format(local);
    }

    private Instant parseJqlDate(String text) {
        return LocalDateTime.parse(text, JQL_DATE).atZone(zone).toInstant();
    }

    String searchUrl(String from, String token) {
        String jql = "project = " + config.site().project() + " AND updated >= \"" + from + "\" ORDER BY updated ASC";
        return api("/search/jql?jql=" + VendorHttp.encode(jql) + "&maxResults=" + config.pageSize() + "&fields=" + VendorHttp.encode(FIELDS)
                + "&expand=changelog" + (token == null ? "" : "&nextPageToken=" + VendorHttp.encode(token)));
    }

    /** A non-2xx answer as a classified failure; never with the credentials in it. */
    private HttpReply check(HttpReply reply, String what) throws PollFailure {
        if (reply.isSuccess()) {
            return reply;
        }
        String reason = VendorHttp.scrub(JiraErrors.reason(reply), config.site().authorization(), config.site().token());
        String message = "HTTP " + (reply.status() == 0 ? "no answer" : reply.status()) + ": " + what
                + (reason.isEmpty() ? "" : ": " + reason);
        if (reply.status() == 401 || reply.status() == 403) {
            throw new PollFailure(PollFailure.Kind.AUTH, message, null);
        }
        throw new PollFailure(PollFailure.Kind.TRANSIENT, message, FailureClassifier.retryAfter(reply.header("Retry-After")));
    }

    private static JsonNode json(HttpReply reply, String what) throws PollFailure {
        JsonNode node = VendorHttp.json(reply);
        if (node.isObject()) {
            return node;
        }
        throw new PollFailure(PollFailure.Kind.TRANSIENT, what + ": HTTP " + reply.status() + " with a body that is not a JSON object", null);
    }

    private Map<String, String> headers() {
        return Map.of("Authorization", config.site().authorization(), "Accept", "application/json");
    }

    private String api(String path) {
        return config.site().baseUrl() + "/rest/api/3" + path;
    }

}
