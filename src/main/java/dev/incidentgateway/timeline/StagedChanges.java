package dev.incidentgateway.timeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the requests a group transaction accepted so far have staged ({@link AppendTransaction}): the incidents' views,
 * the events in staging order and by idempotency key, each event's status after it, and sources' watermarks. A request
 * joins it only once every event of it is accepted ({@link #accept}), so a refused request leaves nothing here.
 */
final class StagedChanges {
    /** Views after the requests accepted so far. */
    private final Map<String, Incident> views = new LinkedHashMap<>();
    private final Map<String, TimelineEvent> byCe = new HashMap<>();
    private final List<TimelineEvent> events = new ArrayList<>();
    /** The incident's status right after each staged event, by event id (the state machine's answer, for the outbox). */
    private final Map<String, IncidentStatus> statusAfter = new HashMap<>();
    private final Map<String, String> watermarks = new LinkedHashMap<>();

    /** An accepted request's views, events by idempotency key, events and statuses join the group's. */
    void accept(Map<String, Incident> overlay, Map<String, TimelineEvent> addedByCe, List<TimelineEvent> added,
                Map<String, IncidentStatus> addedStatus) {
        views.putAll(overlay);
        byCe.putAll(addedByCe);
        events.addAll(added);
        statusAfter.putAll(addedStatus);
    }

    void recordWatermark(String source, String watermark) {
        watermarks.put(source, watermark);
    }

    /** Views after the requests accepted so far, by incident id. */
    Map<String, Incident> views() {
        return views;
    }

    /** The staged events by idempotency key ({@link GroupLookups#ceKey}). */
    Map<String, TimelineEvent> byCe() {
        return byCe;
    }

    /** The staged events in staging (= id) order. */
    List<TimelineEvent> events() {
        return events;
    }

    Map<String, IncidentStatus> statusAfter() {
        return statusAfter;
    }

    Map<String, String> watermarks() {
        return watermarks;
    }
}
