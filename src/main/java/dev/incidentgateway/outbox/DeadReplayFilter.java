package dev.incidentgateway.outbox;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.api.IncidentRequestParser;
import dev.incidentgateway.api.QueryInstant;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Which dead rows {@code POST /api/v1/outbox/replay} sends again: always one connector, and optionally one incident,
 * rows created (the event's commit) from {@code since} (inclusive) to {@code until} (exclusive), and a last error
 * containing {@code deadReason} (case-insensitive). The filter is strict because it widens silently otherwise: a
 * misspelt parameter ({@code incidentId=} for {@code incident=}) would replay every incident of the connector, so any
 * parameter it does not take is refused by name ({@link dev.incidentgateway.api.QueryParameters}, before this runs),
 * and so is a connector no outbox row has (a typo replays nothing).
 *
 * @param incidentId {@code null}: every incident
 * @param since      {@code null}: no lower bound
 * @param until      {@code null}: no upper bound
 * @param deadReason {@code null}: any reason
 */
public record DeadReplayFilter(String connector, String incidentId, Instant since, Instant until, String deadReason) {
    private static final Pattern CONNECTOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int MAX_REASON = 200;

    /** The filter of a request's query string, or a 400 naming the parameter at fault. */
    static DeadReplayFilter of(ApiRequest req) {
        String connector = blankToNull(req.query("connector"));
        if (connector == null) {
            throw ApiProblem.invalidField("connector", "connector is required (e.g. connector=slack): a replay never spans connectors");
        }
        if (!CONNECTOR.matcher(connector).matches()) {
            throw ApiProblem.invalidField("connector", "connector must be a connector's name, e.g. slack");
        }
        String incident = blankToNull(req.query("incident"));
        if (incident != null && !IncidentRequestParser.INCIDENT_ID.matcher(incident).matches()) {
            throw ApiProblem.invalidField("incident", "incident must be an incident id (e.g. INC-42)");
        }
        Instant since = QueryInstant.read(req, "since", "2026-12-03T02:00:00Z");
        Instant until = QueryInstant.read(req, "until", "2026-12-03T02:00:00Z");
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiProblem.invalidField("until", "until must be after since");
        }
        String reason = blankToNull(req.query("deadReason"));
        if (reason != null && reason.length() > MAX_REASON) {
            throw ApiProblem.invalidField("deadReason", "deadReason must be at most " + MAX_REASON + " characters");
        }
        return new DeadReplayFilter(connector, incident, since, until, reason);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
