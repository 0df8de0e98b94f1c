package dev.incidentgateway.outbox;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the message templates of sink descriptors. Placeholders: {@code ${incident.id}},
 * {@code ${incident.title}}, {@code ${incident.severity}}, {@code ${incident.status}},
 * {@code ${incident.commander}}, {@code ${event.type}}, {@code ${event.actor}}, {@code ${event.title}},
 * {@code ${event.content}}, {@code ${event.time}}, {@code ${link}}. Unknown placeholders are left as written
 * (the descriptor loader rejects them at start); missing values render as empty text. {@code ${incident.status}} is
 * the status right after the delivered event ({@link Delivery#statusAfterEvent}); the other incident values are current.
 */
public final class MessageTemplates {
    public static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z.]+)}");
    public static final java.util.Set<String> NAMES = java.util.Set.of("incident.id", "incident.title", "incident.severity",
            "incident.status", "incident.commander", "event.type", "event.actor", "event.title", "event.content", "event.time",
            "link");

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
                Map.entry("link", nz(link)));
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
