package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ApiResponse;
import dev.incidentgateway.ingest.poll.SourcePoller;
import org.apache.camel.builder.RouteBuilder;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/sources} (scope {@code read}): the inbound side at a glance, for the console's sources page.
 * <pre>
 * {"webhooks":[{"name","path":"/webhooks/&lt;name&gt;","auth":"bearer|standard-webhooks|hmac-sha256-hex|none",
 *               "accepted":n,"refused":n,"lastAcceptedAt","lastRefusedAt","lastRefusal":"401 Unauthorized"}],
 *  "pollers":[{"name","status":"UP|DOWN","state":"starting|up|standby|backing_off|down","detail","intervalSeconds"}],
 *  "offWebhooks":[{"name","path","reason"}]}
 * </pre>
 * {@code offWebhooks}: sources declared in {@code connectors/} that are off (their secret unset, or {@code enabled: false}),
 * with what turns them on, so an operator sees why a sender's requests get 404.
 * Webhook counts are since this process started ({@link WebhookSourceActivity}, in memory); pollers are the same
 * objects {@code /health} reads. Only the auth <em>mode</em> is named, never a token, secret or the env variable
 * holding one.
 */
public final class SourcesApi extends RouteBuilder {
    public static final String PATH = "/api/v1/sources";

    private final Map<String, WebhookSource> webhooks;
    private final Map<String, String> offWebhooks;
    private final WebhookSourceActivity activity;
    private final List<SourcePoller> pollers;
    private final ObjectMapper json;
    private final ApiEndpoint.Settings endpoints;

    /** @param offWebhooks declared sources that are off → why (what turns them on) */
    public SourcesApi(Map<String, WebhookSource> webhooks, Map<String, String> offWebhooks, WebhookSourceActivity activity,
                      List<SourcePoller> pollers, ObjectMapper json, ApiEndpoint.Settings endpoints) {
        this.webhooks = new TreeMap<>(webhooks); // listed by name
        this.offWebhooks = new TreeMap<>(offWebhooks);
        this.activity = activity;
        this.pollers = List.copyOf(pollers);
        this.json = json;
        this.endpoints = endpoints;
    }

    @Override
    public void configure() {
        from("platform-http:" + PATH + "?httpMethodRestrict=GET").routeId("api-sources")
                .process(endpoints.read(req -> ApiResponse.json(200, json.writeValueAsBytes(listing()))));
    }

    ObjectNode listing() {
        ObjectNode body = json.createObjectNode();
        var hooks = body.putArray("webhooks");
        webhooks.values().forEach(source -> {
            ObjectNode w = hooks.addObject();
            w.put("name", source.name());
            w.put("path", "/webhooks/" + source.name());
            w.put("auth", source.authenticator().mode());
            WebhookSourceActivity.Snapshot seen = activity.of(source.name())
                    .orElse(new WebhookSourceActivity.Snapshot(0, 0, null, null, null));
            w.put("accepted", seen.accepted());
            w.put("refused", seen.refused());
            w.put("lastAcceptedAt", iso(seen.lastAcceptedAt()));
            w.put("lastRefusedAt", iso(seen.lastRefusedAt()));
            w.put("lastRefusal", seen.lastRefusal());
        });
        var polls = body.putArray("pollers");
        for (SourcePoller p : pollers) {
            ObjectNode o = polls.addObject();
            o.put("name", p.name());
            o.put("status", p.status() == SourcePoller.Status.DOWN ? "DOWN" : "UP");
            o.put("state", p.status().name().toLowerCase(java.util.Locale.ROOT));
            o.put("detail", p.detail());
            o.put("intervalSeconds", p.interval().toSeconds());
        }
        var off = body.putArray("offWebhooks");
        offWebhooks.forEach((name, reason) -> off.addObject().put("name", name).put("path", "/webhooks/" + name).put("reason", reason));
        return body;
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }
}
