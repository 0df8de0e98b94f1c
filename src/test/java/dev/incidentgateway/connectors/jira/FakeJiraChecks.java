package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Jira Cloud checks on {@code POST /rest/api/3/issue} and comments, with its messages: required
 * fields, known issue types and priorities, labels without spaces, rich text as an Atlassian Document
 * ({@code {"type":"doc","version":1,"content":[...]}}) rather than a string, and no field that is not on the screen
 * (the create screen holds {@link #CREATE_SCREEN}; the workflow's transitions have no screen at all).
 */
final class FakeJiraChecks {
    static final Set<String> ISSUE_TYPES = Set.of("Task", "Bug", "Story", "Epic");
    static final Set<String> PRIORITIES = Set.of("Highest", "High", "Medium", "Low", "Lowest");
    static final String NOT_ADF = "Operation value must be an Atlassian Document";
    /** The fields of the project's create screen; Jira refuses any other field, known or not, with {@link #offScreen}. */
    static final Set<String> CREATE_SCREEN = Set.of("project", "issuetype", "summary", "description", "labels", "priority");
    private static final Set<String> BLOCKS = Set.of("paragraph", "heading", "bulletList", "orderedList", "listItem",
            "codeBlock", "blockquote", "rule", "panel");
    private static final Set<String> INLINES = Set.of("text", "hardBreak", "mention", "emoji", "inlineCard");

    private FakeJiraChecks() {
    }

    /** The {@code errors} of a create request (field → message); empty when Jira would accept it. */
    static Map<String, String> createErrors(JsonNode fields, String project) {
        Map<String, String> errors = new LinkedHashMap<>();
        fields.fieldNames().forEachRemaining(name -> {
            if (!CREATE_SCREEN.contains(name)) {
                errors.put(name, offScreen(name));
            }
        });
        if (!project.equals(fields.path("project").path("key").asText(null))) {
            errors.put("project", "Specify a valid project ID or key");
        }
        String summary = fields.path("summary").asText("");
        if (summary.isBlank()) {
            errors.put("summary", "You must specify a summary of the issue.");
        } else if (summary.contains("\n") || summary.contains("\r")) {
            errors.put("summary", "The summary is invalid because it contains newline characters.");
        } else if (summary.length() > 255) {
            errors.put("summary", "Summary must be less than 255 characters.");
        }
        String type = fields.path("issuetype").path("name").asText("");
        if (type.isBlank()) {
            errors.put("issuetype", "Specify an issue type");
        } else if (!ISSUE_TYPES.contains(type)) {
            errors.put("issuetype", "The issue type selected is invalid.");
        }
        if (fields.has("description") && !isAdf(fields.get("description"))) {
            errors.put("description", NOT_ADF);
        }
        if (fields.has("labels")) {
            for (JsonNode l : fields.get("labels")) {
                if (!l.isTextual() || l.asText().isBlank() || l.asText().chars().anyMatch(Character::isWhitespace)) {
                    errors.put("labels", "The label '" + l.asText() + "' contains spaces which is invalid.");
                }
            }
        }
        if (fields.has("priority") && !PRIORITIES.contains(fields.path("priority").path("name").asText())) {
            errors.put("priority", "Specify the Priority (id or name) in the string format");
        }
        return errors;
    }

    /** The fields of the project's edit screen, as far as the gateway edits an issue. */
    static final Set<String> EDIT_SCREEN = Set.of("priority");

    /** The {@code errors} of an edit request (field → message); empty when Jira would accept it. */
    static Map<String, String> editErrors(JsonNode fields) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!fields.isObject() || fields.isEmpty()) {
            errors.put("fields", "No fields to edit");
            return errors;
        }
        fields.fieldNames().forEachRemaining(name -> {
            if (!EDIT_SCREEN.contains(name)) {
                errors.put(name, offScreen(name));
            }
        });
        if (fields.has("priority") && !PRIORITIES.contains(fields.path("priority").path("name").asText())) {
            errors.put("priority", "Specify the Priority (id or name) in the string format");
        }
        return errors;
    }

    /** Jira Cloud's answer to a field that is unknown or not on the screen of the operation. */
    static String offScreen(String field) {
        return "Field '" + field + "' cannot be set. It is not on the appropriate screen, or unknown.";
    }

    /** The {@code errors} of a transition's {@code fields}/{@code update}: the workflow has no transition screens. */
    static Map<String, String> transitionErrors(JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String part : new String[]{"fields", "update"}) {
            body.path(part).fieldNames().forEachRemaining(name -> errors.put(name, offScreen(name)));
        }
        return errors;
    }

    /** An ADF document: doc, version 1, block nodes holding inline nodes, no empty text nodes. */
    static boolean isAdf(JsonNode doc) {
        if (doc == null || !doc.isObject() || !"doc".equals(doc.path("type").asText()) || doc.path("version").asInt() != 1
                || !doc.path("content").isArray()) {
            return false;
        }
        for (JsonNode block : doc.get("content")) {
            if (!BLOCKS.contains(block.path("type").asText()) || !inlineOk(block.path("content"))) {
                return false;
            }
        }
        return true;
    }

    private static boolean inlineOk(JsonNode content) {
        if (content.isMissingNode()) {
            return true;
        }
        if (!content.isArray()) {
            return false;
        }
        for (JsonNode n : content) {
            String type = n.path("type").asText();
            if (!INLINES.contains(type) && !BLOCKS.contains(type)) {
                return false;
            }
            if (type.equals("text") && (!n.path("text").isTextual() || n.path("text").asText().isEmpty())) {
                return false;
            }
            if (BLOCKS.contains(type) && !inlineOk(n.path("content"))) {
                return false;
            }
        }
        return true;
    }

    /** A one-paragraph ADF document; newlines become hard breaks. */
    static JsonNode adfOf(String text) {
        com.fasterxml.jackson.databind.node.ObjectNode doc = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("type", "doc").put("version", 1);
        com.fasterxml.jackson.databind.node.ArrayNode inline = doc.putArray("content").addObject().put("type", "paragraph")
                .putArray("content");
        for (String line : text.split("\n")) {
            if (!inline.isEmpty()) {
                inline.addObject().put("type", "hardBreak");
            }
            inline.addObject().put("type", "text").put("text", line);
        }
        return doc;
    }

    /** The plain text of an ADF document (text nodes joined, hard breaks as newlines, paragraphs by blank lines). */
    static String text(JsonNode doc) {
        StringBuilder out = new StringBuilder();
        for (JsonNode block : doc.path("content")) {
            if (!out.isEmpty()) {
                out.append("\n\n");
            }
            for (JsonNode n : block.path("content")) {
                out.append(n.path("type").asText().equals("hardBreak") ? "\n" : n.path("text").asText());
            }
        }
        return out.toString();
    }
}
