package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The incident table of {@link FakeServiceNow}: records by sys_id, with the checks the fake stands for
 * (short_description on insert, choice values of state/urgency/impact, close fields for Resolved/Closed as the
 * out-of-box data policy wants, on insert and update; rows that tie on every ORDERBY field come back in a random order,
 * as a real instance gives no order among them), and the sys_journal_field entries of their work notes and comments. Each write
 * records who made it and when (sys_created_on/by, sys_updated_on/by, sys_mod_count, opened_at, resolved_at,
 * closed_at; date-times {@code yyyy-MM-dd HH:mm:ss} UTC). Every method is synchronized: the HTTP server calls it
 * from many threads.
 */
final class FakeServiceNowTable {
    /** incident.state choices: New, In Progress, On Hold, Resolved, Closed, Canceled. */
    static final Set<String> STATES = Set.of("1", "2", "3", "6", "7", "8");
    private static final Set<String> LEVELS = Set.of("1", "2", "3");
    /** Journal fields: written by PATCH, kept apart, read back empty (as the Table API does). */
    private static final Set<String> JOURNALS = Set.of("work_notes", "comments");

    /** A refusal, with the error envelope's message and detail. */
    static final class Refused extends RuntimeException {
        final int status;
        final String detail;

        Refused(int status, String message, String detail) {
            super(message);
            this.status = status;
            this.detail = detail;
        }
    }

    private final Map<String, ObjectNode> bySysId = new LinkedHashMap<>();
    private final Map<String, List<String>> workNotes = new HashMap<>();
    private final Map<String, List<String>> received = new HashMap<>();
    private final List<ObjectNode> journalEntries = new ArrayList<>();
    private int nextNumber = 10001;

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** Inserts a record as {@code user} at {@code at}. */
    synchronized ObjectNode insert(JsonNode body, String user, Instant at) {
        ObjectNode in = object(body);
        if (in.path("short_description").asText("").isBlank()) {
            throw new Refused(400, "Mandatory field missing", "Field short_description is mandatory");
        }
        checkChoices(in);
        ObjectNode rec = JsonNodeFactory.instance.objectNode();
        String sysId = UUID.randomUUID().toString().replace("-", "");
        rec.put("sys_id", sysId);
        rec.put("number", String.format("INC%07d", nextNumber++));
        rec.put("state", "1");
        rec.put("urgency", "3");
        rec.put("impact", "3");
        rec.put("close_code", "");
        rec.put("close_notes", "");
        rec.put("correlation_id", "");
        rec.put("correlation_display", "");
        String t = TIME.format(at);
        rec.put("opened_at", t);
        rec.put("resolved_at", "");
        rec.put("closed_at", "");
        rec.put("sys_created_on", t);
        rec.put("sys_created_by", user);
        rec.put("sys_updated_on", t);
        rec.put("sys_updated_by", user);
        rec.put("sys_mod_count", "0");
        in.fields().forEachRemaining(f -> {
            if (!JOURNALS.contains(f.getKey()) && !f.getKey().startsWith("sys_")) {
                rec.put(f.getKey(), f.getValue().asText());
            }
        });
        checkDataPolicy(rec); // on insert as on update: a record created Resolved or Closed needs its close fields too
        stamp(rec, rec, user, at);
        bySysId.put(sysId, rec);
        journal(sysId, in, user, at);
        receivedFor(rec.path("correlation_id").asText()).add("declare");
        return rec.deepCopy();
    }

    /** Updates a record as {@code user} at {@code at}; {@code eventType} is what the sink said the call stands for. */
    synchronized ObjectNode update(String sysId, JsonNode body, String eventType, String user, Instant at) {
        ObjectNode rec = bySysId.get(sysId);
        if (rec == null) {
            throw new Refused(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");
        }
        ObjectNode in = object(body);
        checkChoices(in);
        ObjectNode next = rec.deepCopy();
        in.fields().forEachRemaining(f -> {
            if (!JOURNALS.contains(f.getKey()) && !f.getKey().startsWith("sys_")) {
                next.put(f.getKey(), f.getValue().asText());
            }
        });
        checkDataPolicy(next);
        next.put("sys_updated_on", TIME.format(at));
        next.put("sys_updated_by", user);
        next.put("sys_mod_count", String.valueOf(rec.path("sys_mod_count").asInt() + 1));
        stamp(rec, next, user, at);
        bySysId.put(sysId, next);
        journal(sysId, in, user, at);
        receivedFor(next.path("correlation_id").asText()).add(eventType == null ? "update" : eventType);
        return next.deepCopy();
    }

    /** A page of the records an encoded query selects ({@link ServiceNowPollFakeQuery}). */
    synchronized ServiceNowPollFakeQuery.Page query(String encodedQuery, List<String> fields, int limit, int offset) {
        return ServiceNowPollFakeQuery.parse(encodedQuery).select(bySysId.values(), fields, limit, offset);
    }

    /** A page of sys_journal_field entries an encoded query selects. */
    synchronized ServiceNowPollFakeQuery.Page journalQuery(String encodedQuery, List<String> fields, int limit, int offset) {
        return ServiceNowPollFakeQuery.parse(encodedQuery).select(journalEntries, fields, limit, offset);
    }

    synchronized ObjectNode get(String sysId) {
        ObjectNode rec = bySysId.get(sysId);
        return rec == null ? null : rec.deepCopy();
    }

    /** The record of a gateway incident (by correlation_id), or {@code null}. */
    synchronized ObjectNode byCorrelationId(String incidentId) {
        return bySysId.values().stream().filter(r -> r.path("correlation_id").asText().equals(incidentId))
                .findFirst().map(ObjectNode::deepCopy).orElse(null);
    }

    synchronized List<String> workNotes(String sysId) {
        return List.copyOf(workNotes.getOrDefault(sysId, List.of()));
    }

    synchronized List<String> received(String incidentId) {
        return List.copyOf(received.getOrDefault(incidentId, List.of()));
    }

    synchronized int count(String incidentId) {
        return (int) bySysId.values().stream().filter(r -> r.path("correlation_id").asText().equals(incidentId)).count();
    }

    synchronized Set<String> incidents() {
        Set<String> ids = new TreeSet<>();
        bySysId.values().forEach(r -> ids.add(r.path("correlation_id").asText()));
        ids.remove("");
        return ids;
    }

    private List<String> receivedFor(String incidentId) {
        return received.computeIfAbsent(incidentId, k -> new ArrayList<>());
    }

    /** resolved_at / closed_at as ServiceNow's business rules set them when the state is entered. */
    private static void stamp(ObjectNode before, ObjectNode after, String user, Instant at) {
        String state = after.path("state").asText();
        boolean entered = before == after || !state.equals(before.path("state").asText());
        if (entered && (state.equals("6") || state.equals("7")) && after.path("resolved_at").asText("").isEmpty()) {
            after.put("resolved_at", TIME.format(at));
        }
        if (entered && state.equals("7")) {
            after.put("closed_at", TIME.format(at));
        }
    }

    private void journal(String sysId, ObjectNode in, String user, Instant at) {
        for (String element : JOURNALS) {
            String value = in.path(element).asText("");
            if (value.isBlank()) {
                continue;
            }
            if (element.equals("work_notes")) {
                workNotes.computeIfAbsent(sysId, k -> new ArrayList<>()).add(value);
            }
            ObjectNode entry = JsonNodeFactory.instance.objectNode();
            entry.put("sys_id", UUID.randomUUID().toString().replace("-", ""));
            entry.put("name", "incident");
            entry.put("element_id", sysId);
            entry.put("element", element);
            entry.put("value", value);
            entry.put("sys_created_on", TIME.format(at));
            entry.put("sys_created_by", user);
            journalEntries.add(entry);
        }
    }

    /** The out-of-box data policy: Resolved (6) and Closed (7) need a resolution code and notes, on insert and on update. */
    private static void checkDataPolicy(ObjectNode rec) {
        String state = rec.path("state").asText();
        if (state.equals("6") || state.equals("7")) {
            List<String> missing = new ArrayList<>();
            if (rec.path("close_code").asText("").isBlank()) {
                missing.add("Resolution code");
            }
            if (rec.path("close_notes").asText("").isBlank()) {
                missing.add("Resolution notes");
            }
            if (!missing.isEmpty()) {
                throw new Refused(403, "Operation Failed",
                        "Data Policy Exception: \n\tThe following fields are mandatory: " + String.join(", ", missing) + "\n");
            }
        }
    }

    private static ObjectNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new Refused(400, "Exception while reading request", "The payload is not valid JSON.");
        }
        return (ObjectNode) body;
    }

    private static void checkChoices(ObjectNode in) {
        check(in, "state", STATES);
        check(in, "urgency", LEVELS);
        check(in, "impact", LEVELS);
    }

    private static void check(ObjectNode in, String field, Set<String> allowed) {
        if (in.has(field) && !allowed.contains(in.get(field).asText())) {
            throw new Refused(400, "Invalid value for field " + field,
                    "'" + in.get(field).asText() + "' is not one of " + new TreeSet<>(allowed));
        }
    }
}
