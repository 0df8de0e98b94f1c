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
    static final long CONNECT_TIMEOUT_MS = 5_000;
    static final long CONNECTION_REQUEST_TIMEOUT_MS = 5_000;
    static final long RESPONSE_TIMEOUT_MS = 30_000;

    private CamelHttpDefaults() {
    }

    /** Camel Main's component properties ({@code camel.component.<http|https>.<option>}) that set them. */
    public static Map<String, String> mainProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String component : new String[]{"http", "https"}) {
            String prefix = "camel.component." + component + ".";
            out.put(prefix + "automaticRetriesDisabled", "true");
            out.put(prefix + "connectTimeout", String.valueOf(CONNECT_TIMEOUT_MS));
            out.put(prefix + "connectionRequestTimeout", String.valueOf(CONNECTION_REQUEST_TIMEOUT_MS));
            out.put(prefix + "responseTimeout", String.valueOf(RESPONSE_TIMEOUT_MS));
        }
        return out;
    }

    /** The same timeouts as endpoint URI options, for an endpoint created outside Camel Main's configuration. */
    static String endpointOptions() {
        return "connectTimeout=" + CONNECT_TIMEOUT_MS + "&connectionRequestTimeout=" + CONNECTION_REQUEST_TIMEOUT_MS
                + "&responseTimeout=" + RESPONSE_TIMEOUT_MS;
    }
}
