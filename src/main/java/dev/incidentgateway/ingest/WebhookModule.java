package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ApiRouteSteps;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;
import dev.incidentgateway.config.RouteSettings;
import dev.incidentgateway.ingest.poll.SourcePoller;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.transport.KeyedRateLimiter;
import dev.incidentgateway.transport.RateLimit;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.main.Main;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Wires inbound webhooks into the gateway: the sources the connector descriptors declare (on, and off with why), their
 * tokens (a snapshot of the store's, refreshed), their rate limits, the steps bean of {@code routes/inbound/webhooks.camel.yaml}
 * and {@code GET /api/v1/sources}. Loaded (and validated) before Camel is configured; {@link #install} once the API exists.
 */
public final class WebhookModule implements AutoCloseable {
    private final WebhookTokenSnapshot tokens;
    private final Map<String, WebhookSource> sources;
    private final Map<String, String> off;
    private final DescriptorsAddedSinceStart added;
    private final Map<String, RateLimit> rates;

    private WebhookModule(WebhookTokenSnapshot tokens, Map<String, WebhookSource> sources, Map<String, String> off,
                          DescriptorsAddedSinceStart added, Map<String, RateLimit> rates) {
        this.tokens = tokens;
        this.sources = sources;
        this.off = off;
        this.added = added;
        this.rates = rates;
    }

    /** Reads the sources of {@code descriptors}; a bad one throws naming it (and nothing is left open). */
    public static WebhookModule load(Map<String, JsonNode> descriptors, GatewayConfig config, DataSource dataSource,
                                     CredentialRowMacs rowMacs, ObjectMapper json) {
        WebhookTokenSnapshot tokens = WebhookTokenSnapshot.open(dataSource, rowMacs, config.get(HttpSettings.WEBHOOK_TOKEN));
        try {
            Map<String, WebhookSource> sources = WebhookSourceRegistry.load(descriptors, config.env(), tokens, json);
            return new WebhookModule(tokens, sources, WebhookSourceRegistry.off(descriptors, config.env()),
                    new DescriptorsAddedSinceStart(Path.of(config.get(RouteSettings.CONNECTORS_DIR)), descriptors.keySet()),
                    WebhookRateLimits.of(descriptors, sources.keySet(),
                            RateLimit.of(config.get(HttpSettings.WEBHOOK_RATE_PER_S), config.get(HttpSettings.WEBHOOK_RATE_BURST))));
        } catch (RuntimeException e) {
            tokens.close();
            throw e;
        }
    }

    /**
     * Binds {@value WebhookSteps#BEAN} and adds {@code GET /api/v1/sources} (webhook sources and {@code pollers}).
     *
     * @return the steps, whose {@link WebhookSteps#authenticateFromHeaders} the HTTP edge asks before reading a body
     */
    public WebhookSteps install(Main main, ApiEndpoint.Settings endpoints, ObjectMapper json, MeterRegistry meters, List<SourcePoller> pollers,
                        Clock clock, dev.incidentgateway.security.RefusalLog refusals) {
        WebhookSourceActivity activity = new WebhookSourceActivity(sources.keySet(), meters, clock, refusals);
        WebhookSteps steps = new WebhookSteps(sources, off, added, KeyedRateLimiter.perKey(rates), new ApiRouteSteps(endpoints), json, activity);
        main.bind(WebhookSteps.BEAN, steps);
        main.configure().addRoutesBuilder(new SourcesApi(sources, off, activity, pollers, json, endpoints)); // issue 12
        return steps;
    }

    /** Reads the store's tokens again now (after the CLI changed them), waiting at most {@code wait}. */
    public boolean refreshTokens(Duration wait) {
        return tokens.refreshNow(wait);
    }

    @Override
    public void close() {
        tokens.close();
    }
}
