package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * out-of-box data policy wants). Every method is synchronized: the HTTP server calls it from many threads.
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
    private int nextNumber = 10001;

    synchronized ObjectNode insert(JsonNode body) {
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
        in.fields().forEachRemaining(f -> {
            if (!JOURNALS.contains(f.getKey()) && !f.getKey().startsWith("sys_")) {
                rec.put(f.getKey(), f.getValue().asText());
            }
        });
        bySysId.put(sysId, rec);
        journal(sysId, in);
        receivedFor(rec.path("correlation_id").asText()).add("declare");
        return rec.deepCopy();
    }

    synchronized ObjectNode update(String sysId, JsonNode body, String eventType) {
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
        String state = next.path("state").asText();
        if ((state.equals("6") || state.equals("7"))) {
            List<String> missing = new ArrayList<>();
            if (next.path("close_code").asText("").isBlank()) {
                missing.add("Resolution code");
            }
            if (next.path("close_notes").asText("").isBlank()) {
                missing.add("Resolution notes");
            }
            if (!missing.isEmpty()) {
                throw new Refused(403, "Operation Failed",
                        "Data Policy Exception: \n\tThe following fields are mandatory: " + String.join(", ", missing) + "\n");
            }
        }
        bySysId.put(sysId, next);
        journal(sysId, in);
        receivedFor(next.path("correlation_id").asText()).add(eventType == null ? "update" : eventType);
        return next.deepCopy();
    }

    /** Records matching every {@code field=value} term of an encoded query ({@code a=1^b=2}). */
    synchronized ArrayNode query(String encodedQuery, List<String> fields, int limit) {
        Map<String, String> terms = new LinkedHashMap<>();
        if (encodedQuery != null && !encodedQuery.isBlank()) {
            for (String term : encodedQuery.replace("^^", "\u0000").split("\\^")) {
                int eq = term.indexOf('=');
                if (eq <= 0) {
                    throw new Refused(400, "Invalid query", "only field=value terms are supported by the fake: " + term);
                }
                terms.put(term.substring(0, eq), term.substring(eq + 1).replace("\u0000", "^"));
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (ObjectNode rec : bySysId.values()) {
            if (out.size() >= limit) {
                break;
            }
            if (terms.entrySet().stream().allMatch(t -> rec.path(t.getKey()).asText("").equals(t.getValue()))) {
                out.add(fields.isEmpty() ? rec.deepCopy() : rec.deepCopy().retain(fields));
            }
        }
        return out;
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

    private void journal(String sysId, ObjectNode in) {
        String note = in.path("work_notes").asText("");
        if (!note.isBlank()) {
            workNotes.computeIfAbsent(sysId, k -> new ArrayList<>()).add(note);
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
