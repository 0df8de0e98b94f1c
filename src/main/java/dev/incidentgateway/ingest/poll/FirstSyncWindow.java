package dev.incidentgateway.ingest.poll;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;

import java.time.Duration;

/**
 * {@code source.firstSyncHours} of a polled connector's descriptor (Jira, ServiceNow), declared once so both read it
 * alike: how far back the first sync (no watermark stored yet) reads. Without it a first start would import a
 * vendor's whole history, every closed ticket becoming an incident whose events fan out to the other sinks.
 */
public final class FirstSyncWindow {
    public static final String KEY = "firstSyncHours";
    public static final int DEFAULT_HOURS = 24;
    /** A leap year: a bound, not a recommendation. */
    public static final int MAX_HOURS = 24 * 366;

    private FirstSyncWindow() {
    }

    /**
     * The window: {@value #DEFAULT_HOURS} hours when the key is absent; 0 reads only what changes from now on.
     *
     * @param source the descriptor's {@code source:} block (a missing node gives the default)
     * @param file   the descriptor, for the message, e.g. {@code connectors/jira.yaml}
     * @throws ConfigException when the value is not a whole number from 0 to {@value #MAX_HOURS}
     */
    public static Duration read(JsonNode source, String file) {
        JsonNode v = source.path(KEY);
        if (v.isMissingNode() || v.isNull()) {
            return Duration.ofHours(DEFAULT_HOURS);
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0 || v.asInt() > MAX_HOURS) {
            throw new ConfigException(file + ": source." + KEY + " must be a whole number from 0 to " + MAX_HOURS
                    + ", got '" + v.asText() + "'");
        }
        return Duration.ofHours(v.asInt());
    }
}
