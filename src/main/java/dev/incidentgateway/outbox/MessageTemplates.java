package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the message templates of sink descriptors. Placeholders: {@code ${incident.id}},
 * {@code ${incident.title}}, {@code ${incident.severity}}, {@code ${incident.status}},
 * {@code ${incident.commander}}, {@code ${event.type}}, {@code ${event.actor}}, {@code ${event.title}},
 * {@code ${event.content}}, {@code ${event.time}}, {@code ${link}}. Unknown placeholders are left as written
 * (the descriptor loader rejects them at start); missing values render as empty text, and leave no trace: a line of
 * empty placeholders is dropped with its line break, and a line ending in one loses the separator before it. {@code ${incident.status}} is
 * the status right after the delivered event ({@link Delivery#statusAfterEvent}); the other incident values are current.
 * A state_change that set the severity fills {@code ${severity.to}} (the new one), {@code ${severity.from}}
 * (the one it replaced) and, like any state_change with {@code data.reason}, {@code ${event.reason}}; they are empty
 * for other events. {@link #SEVERITY_CHANGE} is the connectors' default text for such a change.
 */
public final class MessageTemplates {
    public static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z.]+)}");
    public static final java.util.Set<String> NAMES = java.util.Set.of("incident.id", "incident.title", "incident.severity",
            "incident.status", "incident.commander", "event.type", "event.actor", "event.title", "event.content", "event.time",
            "event.reason", "severity.from", "severity.to", "link");
    /** Template name of the message about a change of severity, in each Java sink's {@code templates}. */
    public static final String SEVERITY_CHANGE_TEMPLATE = "severity_change";
    /** Its default text: "Severity changed sev3 → sev1 by carol: customer impact" (without a reason, ends at the actor). */
    public static final String SEVERITY_CHANGE = "Severity changed ${severity.from} → ${severity.to} by ${event.actor}: ${event.reason}";

    /** What an empty value at the end of a line leaves: white space, and a separator (: - — ,) before it. */
    private static final Pattern DANGLING = Pattern.compile("\\s*[:\\-—,]?\\s*$");

    private MessageTemplates() {
    }

    /** @param link a URL to the incident in the gateway (may be empty) */
    public static String render(String template, Delivery d, String link) {
        if (template == null) {
            return "";
        }
        Map<String, String> values = Map.ofEntries(
                Map.entry("incident.id", d.incident().id()),
                Map.entry("incident.title", nz(d.incident().title())),
                Map.entry("incident.severity", d.incident().severity().wireName()),
                Map.entry("incident.status", d.statusAfterEvent().wireName()),
                Map.entry("incident.commander", nz(d.incident().commander())),
                Map.entry("event.type", d.event().type().wireName()),
                Map.entry("event.actor", nz(d.event().actor())),
                Map.entry("event.title", nz(d.event().title())),
                Map.entry("event.content", nz(d.event().content())),
                Map.entry("event.time", d.event().eventTime().toString()),
                Map.entry("severity.from", wire(d.event().previousSeverity())),
                Map.entry("severity.to", wire(d.event().severityChange())),
                Map.entry("event.reason", d.event().type() == EventType.STATE_CHANGE ? d.event().data().path("reason").asText("") : ""),
                Map.entry("link", nz(link)));
        java.util.List<String> kept = new java.util.ArrayList<>();
        for (String line : template.split("\n", -1)) {
            String rendered = renderLine(line, values);
            if (rendered != null) {
                kept.add(rendered);
            }
        }
        return String.join("\n", kept);
    }

    /**
     * One line of a template; {@code null} when it held only placeholders that are all empty (an event without content
     * must not leave an empty line, nor a message ending in a line break). A line ending in an empty placeholder loses
     * the separator before it ({@code "Resolved by Hank: "} → {@code "Resolved by Hank"}).
     */
    private static String renderLine(String line, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder out = new StringBuilder();
        boolean any = false;
        boolean allEmpty = true;
        int lastEmptyAt = -1;
        while (m.find()) {
            String v = values.get(m.group(1));
            any = true;
            allEmpty &= v != null && v.isEmpty();
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
            lastEmptyAt = v != null && v.isEmpty() ? m.end() : -1;
        }
        if (any && allEmpty && PLACEHOLDER.matcher(line).replaceAll("").isBlank()) {
            return null;
        }
        boolean endsEmpty = lastEmptyAt >= 0 && line.substring(lastEmptyAt).isBlank();
        m.appendTail(out);
        return endsEmpty ? DANGLING.matcher(out).replaceFirst("") : out.toString();
    }

    private static String wire(Severity s) {
        return s == null ? "" : s.wireName();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
