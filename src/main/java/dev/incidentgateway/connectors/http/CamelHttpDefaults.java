package dev.incidentgateway.connectors.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every camel-http endpoint of the gateway's Camel gets unless its URI says otherwise: the YAML routes' calls (the
 * shipped chat target's {@code {{env:CHAT_WEBHOOK_URL}}}, a user's own {@code to: https://…}) as well as the Java
 * sinks' ({@link SinkHttpClient}).
 *
 * <p>Set on both components, {@code http} and {@code https}: Camel registers them as two instances, so a setting made on
 * {@code http} alone left every https call (every real chat webhook) with camel-http's own defaults, a 3-minute
 * connect timeout and no response timeout at all: a chat service that accepted and never answered held a delivery slot
 * for good, since the delivery deadline cannot stop a call that ignores interrupts. And HttpClient's automatic retries
 * would sleep out a 429/503's Retry-After on a relay thread: retries are the outbox's, with their state in the row.
 */
public final class CamelHttpDefaults {
    /** camel-http's timeout options, in milliseconds: connect, lease from the connection pool, wait for the answer. */
    private static final Map<String, Long> TIMEOUTS_MS = timeouts();

    private static Map<String, Long> timeouts() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("connectTimeout", 5_000L);
        out.put("connectionRequestTimeout", 5_000L);
        out.put("responseTimeout", 30_000L);
        return out;
    }

    private CamelHttpDefaults() {
    }

    /** Camel Main's component properties ({@code camel.component.<http|https>.<option>}) that set them. */
    public static Map<String, String> mainProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String component : new String[]{"http", "https"}) {
            String prefix = "camel.component." + component + ".";
            out.put(prefix + "automaticRetriesDisabled", "true");
            TIMEOUTS_MS.forEach((option, ms) -> out.put(prefix + option, String.valueOf(ms)));
        }
        return out;
    }

    /** The same timeouts as endpoint URI options, for an endpoint created outside Camel Main's configuration. */
    static String endpointOptions() {
        return TIMEOUTS_MS.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining("&"));
    }
}
