package dev.incidentgateway.connectors.jira;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The Jira poller's watermark, as stored in {@code source_watermarks}:
 * <ul>
 *   <li>between runs: the greatest {@code updated} (Jira's own clock) of the issues read so far, ISO-8601 UTC,
 *       e.g. {@code 2025-03-01T10:15:30Z}. The next run asks for {@code updated >= } that minus the overlap,
 *       floored to the minute;</li>
 *   <li>while a run pages: {@code <updated>|<JQL lower bound of the run>|<nextPageToken>}, e.g.
 *       {@code 2025-03-01T10:15:30Z|2025/03/01 10:13|eyJvZmZzZXQiOjUwfQ}, so a restart repeats exactly the
 *       uncommitted page (same query, same token).</li>
 * </ul>
 * {@code null} (nothing committed yet) is the first sync. An unreadable value also starts one.
 */
record JiraPollWatermark(Instant updated, String from, String page) {
    static final JiraPollWatermark NONE = new JiraPollWatermark(null, null, null);

    static JiraPollWatermark parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        String[] parts = text.split("\\|", 3);
        try {
            Instant updated = parts[0].isEmpty() ? null : Instant.parse(parts[0]);
            if (parts.length == 3 && !parts[1].isEmpty() && !parts[2].isEmpty()) {
                return new JiraPollWatermark(updated, parts[1], parts[2]);
            }
            return new JiraPollWatermark(updated, null, null);
        } catch (DateTimeParseException e) {
            return NONE;
        }
    }

    boolean paging() {
        return page != null;
    }

    String format() {
        String u = updated == null ? "" : updated.toString();
        return page == null ? u : u + "|" + from + "|" + page;
    }
}
