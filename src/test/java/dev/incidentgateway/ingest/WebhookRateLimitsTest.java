package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.transport.RateLimit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookRateLimitsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final RateLimit FALLBACK = RateLimit.of(20, 40);

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    @Test
    void aDeclaredLimitWinsAndTheOthersTakeTheGatewayDefault() throws Exception {
        Map<String, JsonNode> descriptors = Map.of(
                "fast", yaml("kind: webhook-source\nrateLimit: {perSecond: 50, burst: 100}\n"),
                "plain", yaml("kind: webhook-source\n"),
                "unlimited", yaml("kind: webhook-source\nrateLimit:\n  perSecond: 0\n"),
                "quoted", yaml("kind: webhook-source\nrateLimit: {perSecond: \"5\"}\n"));
        Map<String, RateLimit> limits = WebhookRateLimits.of(descriptors, List.of("fast", "plain", "unlimited", "quoted"), FALLBACK);
        assertThat(limits).containsEntry("fast", new RateLimit(50, 100))
                .containsEntry("plain", FALLBACK)
                .containsEntry("unlimited", RateLimit.OFF)
                .containsEntry("quoted", new RateLimit(5, 5));
    }

    @Test
    void onlyRunningSourcesAreRead() throws Exception {
        Map<String, JsonNode> descriptors = Map.of("off", yaml("kind: webhook-source\nrateLimit: nonsense\n"));
        assertThat(WebhookRateLimits.of(descriptors, List.of(), FALLBACK)).isEmpty();
    }

    @Test
    void badDeclarationsStopTheStartNamingFileAndKey() throws Exception {
        Map<String, JsonNode> descriptors = Map.of(
                "a", yaml("rateLimit: 50\n"),
                "b", yaml("rateLimit: {perSecond: -1}\n"),
                "c", yaml("rateLimit: {perSecond: 10, burst: 0}\n"),
                "d", yaml("rateLimit: {perSec: 10}\n"),
                "e", yaml("rateLimit: {burst: 10}\n"),
                "f", yaml("rateLimit: {perSecond: 1.5}\n"));
        assertThatThrownBy(() -> WebhookRateLimits.of(descriptors, List.of("a", "b", "c", "d", "e", "f"), FALLBACK))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "connectors/a.yaml: rateLimit must be a map such as {perSecond: 50, burst: 100}",
                        "connectors/b.yaml: rateLimit.perSecond must be a whole number from 0 to 1000000, got '-1'",
                        "connectors/c.yaml: rateLimit.burst must be a whole number from 1 to 1000000, got '0'",
                        "connectors/d.yaml: rateLimit.perSec is not a setting (perSecond, burst)",
                        "connectors/e.yaml: rateLimit.perSecond is required (0: no limit for this source)",
                        "connectors/f.yaml: rateLimit.perSecond must be a whole number from 0 to 1000000, got '1.5'"));
    }
}
