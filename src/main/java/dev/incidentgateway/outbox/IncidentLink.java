package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.HttpSettings;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code ${link}} of a sink's messages: the incident's page in the operator console,
 * {@code <GATEWAY_PUBLIC_URL>/#/incidents/<id>} (the console is served at {@code /} and routes by the URL fragment,
 * {@code console/console.js}), not the JSON API, which a browser click answers with 401. A descriptor's own
 * {@code link:} template (e.g. a page of another UI) wins. Every sink builds its link here, so they all point to the
 * same page.
 *
 * @param consoleBase {@code GATEWAY_PUBLIC_URL} without trailing slashes, or empty
 * @param template    the descriptor's {@code link:}, or empty
 */
public record IncidentLink(String consoleBase, String template) {
    /** The descriptor key of the link template, declared in {@link SinkRegistry#JAVA_SINK_KEYS}. */
    public static final String KEY = "link";

    /**
     * @param descriptor the sink's descriptor ({@code link:} read from it), or {@code null}
     * @param env        the environment the sink is built from ({@code GATEWAY_PUBLIC_URL}, optional)
     */
    public static IncidentLink of(JsonNode descriptor, Map<String, String> env) {
        String template = SinkRegistry.JAVA_SINK_KEYS.path(descriptor, KEY).asText("").strip();
        String base = env.getOrDefault(HttpSettings.PUBLIC_URL.env(), "").strip().replaceAll("/+$", "");
        return new IncidentLink(base, template);
    }

    /** The incident's page in the console, or empty when no public URL is set. */
    public String consolePage(String incidentId) {
        return consoleBase.isEmpty() ? "" : consoleBase + "/#/incidents/" + URLEncoder.encode(incidentId, StandardCharsets.UTF_8);
    }

    /** The link for this delivery: the descriptor's {@code link:} rendered when it has one, else the console page. */
    public String of(Delivery d) {
        return template.isEmpty() ? consolePage(d.incident().id()) : MessageTemplates.render(template, d, "");
    }
}
