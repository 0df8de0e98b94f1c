package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.connectors.http.VendorHttp;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.api.IncidentRequestParser;
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
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Polls ServiceNow incidents (Table API, Basic auth as the sink's integration user) for changes made there:
 * <pre>
 *   GET /api/now/table/incident?sysparm_query=sys_updated_on&gt;=&lt;t&gt;[^&lt;source.query&gt;]^ORDERBYsys_updated_on^ORDERBYsys_id
 *       &amp;sysparm_fields=...&amp;sysparm_limit=&lt;pageSize&gt;&amp;sysparm_offset=&lt;skip&gt;
 *   GET /api/now/table/sys_journal_field?sysparm_query=element_idIN&lt;page's sys_ids&gt;^elementINwork_notes,comments
 *       ^sys_created_on&gt;=&lt;pass start&gt;^ORDERBYsys_created_on^ORDERBYsys_id
 * </pre>
 * A record with no incident is declared ({@link ServiceNowPollMapper}), followed by its state's event; a
 * record the gateway created (its external ref, or correlation_display {@code incident-gateway} while the ref
 * is on its way) maps to that incident. Loop prevention: records last updated, and journal entries written,
 * by {@code SERVICENOW_USER} give no events, and records that user created are not declared. So the
 * integration user should be used by the gateway only (a state change by someone else that the gateway user
 * overwrites before the next poll is not seen). Each pass re-reads {@code overlapSeconds} behind the watermark;
 * the idempotent event ids make the re-read a no-op. The first sync (no watermark) reads the records updated in the
 * last {@code source.firstSyncHours} (default 24). Watermark format: {@link ServiceNowPollWatermark}.
 * Date-times are read as UTC: give the integration user the UTC time zone.
 */
public final class ServiceNowPoller implements PollingSource {
    static final String INCIDENTS = "/api/now/table/incident";
    static final String JOURNAL = "/api/now/table/sys_journal_field";
    private static final int JOURNAL_IDS_PER_CALL = 50;
    private static final int JOURNAL_PAGE = 1000;
    private static final Pattern NEXT = Pattern.compile("rel\\s*=\\s*\"?next\"?", Pattern.CASE_INSENSITIVE);

    private final ServiceNowPollSettings settings;
    private final ServiceNowPollMapper mapper;
    private final SinkHttpClient http;
    private final ExternalRefs refs;
    private final String authorization;
    private final Clock clock;

    ServiceNowPoller(ServiceNowPollSettings settings, SinkHttpClient http, ExternalRefs refs, Clock clock) {
        this.settings = settings;
        this.mapper = new ServiceNowPollMapper(settings);
        this.http = http;
        this.refs = refs;
        this.authorization = settings.instance().authorization();
        this.clock = clock;
    }

    /**
     * @param descriptor {@code connectors/servicenow.yaml} (its optional {@code source:} block and {@code severity})
     * @return the poller, or {@code null} when SERVICENOW_URL/USER/PASSWORD are not all set or
     *         SERVICENOW_POLL_INTERVAL is 0
     * @throws dev.incidentgateway.config.ConfigException naming the variable or key at fault
     */
    public static ServiceNowPoller create(JsonNode descriptor, Map<String, String> env, SinkHttpClient http, ExternalRefs refs) {
        ServiceNowPollSettings settings = ServiceNowPollSettings.from(descriptor, env);
        return settings == null ? null : new ServiceNowPoller(settings, http, refs, Clock.systemUTC());
    }

    @Override
    public String name() {
        return ServiceNowSink.CONNECTOR;
    }

    @Override
    public Duration interval() {
        return settings.interval();
    }

    @Override
    public PollPage poll(String watermark) throws PollFailure {
        ServiceNowPollWatermark from = ServiceNowPollWatermark.parse(watermark).startingAt(this::firstSyncStart);
        Duration overlap = settings.overlap();
        LocalDateTime lower = from.lowerBound(overlap);
        String query = (lower == null ? "" : "sys_updated_on>=" + ServiceNowPollWatermark.FORMAT.format(lower) + "^")
                + (settings.query().isEmpty() ? "" : settings.query() + "^") + "ORDERBYsys_updated_on^ORDERBYsys_id";
        String anchor = from.anchorToCheck();
        HttpReply reply;
        List<JsonNode> records;
        if (anchor == null) {
            reply = get(INCIDENTS, query, ServiceNowPollMapper.RECORD_FIELDS, settings.pageSize(), from.offset());
            records = results(reply, "incident");
        } else {
            // from the last record read: still there, nothing of its second left it; gone, the skip would hide unread records
            reply = get(INCIDENTS, query, ServiceNowPollMapper.RECORD_FIELDS, settings.pageSize() + 1, from.offset() - 1);
            records = results(reply, "incident");
            if (!records.isEmpty() && isAnchor(records.get(0), anchor, lower)) {
                records = records.subList(1, records.size());
            } else {
                from = from.fromStartOfSecond();
                reply = get(INCIDENTS, query, ServiceNowPollMapper.RECORD_FIELDS, settings.pageSize(), from.offset());
                records = results(reply, "incident");
            }
        }
        String link = reply.header("Link");
        boolean more = link != null ? NEXT.matcher(link).find() : records.size() >= settings.pageSize();

        List<NewEvent> events = new ArrayList<>();
        Map<String, ServiceNowPollMapper.Target> targets = new LinkedHashMap<>();
        List<LocalDateTime> updatedOn = new ArrayList<>();
        String lastSysId = null;
        for (JsonNode rec : records) {
            String updated = ServiceNowPollMapper.text(rec, "sys_updated_on");
            if (ServiceNowPollWatermark.instant(updated) != null) {
                updatedOn.add(ServiceNowPollWatermark.time(updated));
                lastSysId = ServiceNowPollMapper.text(rec, "sys_id");
            }
            ServiceNowPollMapper.Target target = target(rec);
            if (target != null) {
                targets.put(ServiceNowPollMapper.text(rec, "sys_id"), target);
                events.addAll(mapper.recordEvents(rec, target));
            }
        }
        events.addAll(notes(targets, from.journalBound(overlap)));
        return new PollPage(events, from.next(updatedOn, lastSysId, more, overlap).format(), more);
    }

    /** Whether a record is the anchor: the last record read, still at the second the pass reads on from. */
    private static boolean isAnchor(JsonNode rec, String anchor, LocalDateTime second) {
        String updated = ServiceNowPollMapper.text(rec, "sys_updated_on");
        return anchor.equals(ServiceNowPollMapper.text(rec, "sys_id")) && ServiceNowPollWatermark.instant(updated) != null
                && ServiceNowPollWatermark.time(updated).equals(second);
    }

    /** The record's number and sys_id (state events carry both), else the event's id, which holds the sys_id. */
    @Override
    public String ticket(NewEvent event) {
        String number = event.data().path(ServiceNowPollMapper.NUMBER).asText("");
        return number.isEmpty() ? event.ceId() : number + " (sys_id " + event.data().path(ServiceNowPollMapper.SYS_ID).asText("") + ")";
    }

    /** Now minus {@code source.firstSyncHours}, to the second: where a first sync starts. */
    private LocalDateTime firstSyncStart() {
        return LocalDateTime.ofInstant(clock.instant().minus(settings.firstSync()), ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.SECONDS); // sys_updated_on is read as UTC (the integration user's zone)
    }

    /** Where a record's events go, or {@code null} when it gives none. */
    private ServiceNowPollMapper.Target target(JsonNode rec) throws PollFailure {
        String sysId = ServiceNowPollMapper.text(rec, "sys_id");
        if (sysId.isBlank()) {
            return null;
        }
        try {
            java.time.Instant changedAt = ServiceNowPollWatermark.instant(ServiceNowPollMapper.text(rec, "sys_updated_on"));
            String known = refs == null ? null : refs.incidentFor(ServiceNowSink.CONNECTOR, sysId);
            if (known != null) {
                return ServiceNowPollMapper.Target.known(known, refs.resolvedAndKnownTo(known, ServiceNowSink.CONNECTOR, changedAt));
            }
            String correlationId = ServiceNowPollMapper.text(rec, "correlation_id");
            if (ServiceNowRecordMapper.CORRELATION_DISPLAY.equals(ServiceNowPollMapper.text(rec, "correlation_display"))
                    && IncidentRequestParser.INCIDENT_ID.matcher(correlationId).matches()) {
                // created by the sink, its ref not stored yet
                return ServiceNowPollMapper.Target.known(correlationId, refs != null && refs.resolvedAndKnownTo(correlationId, ServiceNowSink.CONNECTOR, changedAt));
            }
        } catch (SQLException e) {
            throw new PollFailure(PollFailure.Kind.TRANSIENT, "ServiceNow poll: external refs not readable: " + e.getMessage(), null);
        }
        if (ServiceNowPollMapper.text(rec, "sys_created_by").equalsIgnoreCase(settings.user())) {
            return null;
        }
        return mapper.declared(rec);
    }

    /** The new work notes and comments of the page's records, oldest first. */
    private List<NewEvent> notes(Map<String, ServiceNowPollMapper.Target> targets, LocalDateTime since) throws PollFailure {
        List<NewEvent> out = new ArrayList<>();
        List<String> ids = new ArrayList<>(targets.keySet());
        for (int i = 0; i < ids.size(); i += JOURNAL_IDS_PER_CALL) {
            String query = "element_idIN" + String.join(",", ids.subList(i, Math.min(ids.size(), i + JOURNAL_IDS_PER_CALL)))
                    + "^elementINwork_notes,comments"
                    + (since == null ? "" : "^sys_created_on>=" + ServiceNowPollWatermark.FORMAT.format(since))
                    + "^ORDERBYsys_created_on^ORDERBYsys_id";
            for (int offset = 0; ; offset += JOURNAL_PAGE) {
                List<JsonNode> entries = results(get(JOURNAL, query, ServiceNowPollMapper.JOURNAL_FIELDS, JOURNAL_PAGE, offset),
                        "sys_journal_field");
                for (JsonNode entry : entries) {
                    ServiceNowPollMapper.Target target = targets.get(ServiceNowPollMapper.text(entry, "element_id"));
                    NewEvent note = target == null ? null : mapper.note(entry, target);
                    if (note != null) {
                        out.add(note);
                    }
                }
                if (entries.size() < JOURNAL_PAGE) {
                    break;
                }
            }
        }
        out.sort(Comparator.comparing(NewEvent::eventTime, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    private HttpReply get(String table, String query, String fields, int limit, int offset) {
        String url = settings.baseUrl() + table + "?sysparm_query=" + VendorHttp.encode(query) + "&sysparm_fields=" + VendorHttp.encode(fields)
                + "&sysparm_limit=" + limit + "&sysparm_offset=" + offset + "&sysparm_exclude_reference_link=true";
        return http.send(HttpCall.get(url, Map.of("Authorization", authorization, "Accept", "application/json")));
    }

    private List<JsonNode> results(HttpReply reply, String table) throws PollFailure {
        if (!reply.isSuccess()) {
            throw failure(reply, table);
        }
        JsonNode result = VendorHttp.json(reply).path("result");
        if (!result.isArray()) {
            // e.g. a hibernating developer instance answers 200 with an HTML page
            throw new PollFailure(PollFailure.Kind.TRANSIENT, "ServiceNow " + table + ": HTTP " + reply.status()
                    + ": the answer has no result list", null);
        }
        List<JsonNode> out = new ArrayList<>();
        result.forEach(out::add);
        return out;
    }

    private PollFailure failure(HttpReply reply, String table) {
        String reason = ServiceNowErrors.reason(reply);
        String message = scrub("ServiceNow " + table + ": HTTP " + (reply.status() == 0 ? "no answer" : reply.status())
                + (reason == null ? "" : ": " + reason));
        if (reply.status() == 401 || reply.status() == 403) {
            return new PollFailure(PollFailure.Kind.AUTH, message, null);
        }
        return new PollFailure(PollFailure.Kind.TRANSIENT, message, FailureClassifier.retryAfter(reply.header("Retry-After")));
    }

    /** Failure messages are logged and shown on /health: never the password or the auth header. */
    private String scrub(String message) {
        return VendorHttp.scrub(message, authorization, settings.instance().password());
    }

}
