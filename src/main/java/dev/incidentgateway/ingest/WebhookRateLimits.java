package dev.incidentgateway.ingest;

import dev.incidentgateway.config.DescriptorKeys;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.transport.RateLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rate limit of each webhook source: {@code rateLimit: {perSecond: 50, burst: 100}} in its descriptor, else
 * the gateway-wide default ({@code GATEWAY_WEBHOOK_RATE_PER_S} / {@code GATEWAY_WEBHOOK_RATE_BURST}).
 * {@code perSecond: 0} turns the limit off for that source whatever the default; {@code burst} left out means one
 * second's worth. One request is one token, however many events it carries. A source over its limit gets 429 +
 * Retry-After (see {@link WebhookSteps#rateLimit}).
 */
public final class WebhookRateLimits {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRateLimits.class);
    static final int MAX = 1_000_000;
    private static final Set<String> FIELDS = Set.of("perSecond", "burst");

    private WebhookRateLimits() {
    }

    /** The descriptor key of a source's own limit. */
    public static final DescriptorKeys KEYS = DescriptorKeys.of("rateLimit");

    /**
     * @param descriptors every connector descriptor by name; only the running {@code sources} are read
     * @param fallback    the limit of a source that declares none
     */
    public static Map<String, RateLimit> of(Map<String, JsonNode> descriptors, Collection<String> sources, RateLimit fallback) {
        Map<String, RateLimit> limits = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : sources) {
            JsonNode node = KEYS.path(descriptors.get(name), "rateLimit");
            try {
                limits.put(name, node.isMissingNode() ? fallback : parse("connectors/" + name + ".yaml", node));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        limits.forEach((name, limit) -> {
            if (!limit.isOff()) {
                LOG.info("Webhook source '{}' is rate-limited to {}", name, limit.describe());
            }
        });
        return limits;
    }

    static RateLimit parse(String file, JsonNode node) {
        if (!node.isObject()) {
            throw new ConfigException(file + ": rateLimit must be a map such as {perSecond: 50, burst: 100}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw new ConfigException(file + ": rateLimit." + field + " is not a setting (perSecond, burst)");
            }
        }
        if (!node.has("perSecond")) {
            throw new ConfigException(file + ": rateLimit.perSecond is required (0: no limit for this source)");
        }
        int perSecond = whole(file, "perSecond", node.get("perSecond"), 0);
        int burst = node.has("burst") ? whole(file, "burst", node.get("burst"), 1) : 0;
        return RateLimit.of(perSecond, burst);
    }

    private static int whole(String file, String field, JsonNode value, int min) {
        // YAML gives numbers as numbers, but a quoted "50" is accepted too.
        String text = value.isNumber() || value.isTextual() ? value.asText().trim() : "";
        if (!text.matches("\\d{1,7}") || Integer.parseInt(text) < min || Integer.parseInt(text) > MAX) {
            throw new ConfigException(file + ": rateLimit." + field + " must be a whole number from " + min + " to " + MAX
                    + ", got '" + value + "'");
        }
        return Integer.parseInt(text);
    }
}
