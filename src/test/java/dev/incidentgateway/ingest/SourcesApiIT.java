package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/sources} on a gateway with the shipped connectors: one accepted and one refused Alertmanager
 * webhook show in the source's counts, the refusal names its status and title, a request to an undeclared source
 * is not listed, the endpoint needs a credential, and the webhook token never appears in the answer.
 */
class SourcesApiIT {
    private static final String TOKEN = "sources-it-token-" + UUID.randomUUID();

    @Test
    void countsAcceptedAndRefusedWebhooksPerDeclaredSourceWithoutSecrets() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_WEBHOOK_TOKEN", TOKEN))) {
            HttpApi http = fixture.http();
            JsonNode before = alertmanager(http.get("/api/v1/sources").json());
            assertThat(before.path("accepted").asLong()).isZero();
            assertThat(before.path("lastAcceptedAt").isNull()).isTrue();

            String body = WebhookIngestGateway.alertmanager("firing", "fp-sources-1", "2026-11-23T10:00:00Z", "0001-01-01T00:00:00Z");
            assertThat(http.post("/webhooks/alertmanager", "application/json", body, "Authorization", "Bearer " + TOKEN).status())
                    .isEqualTo(200);
            assertThat(http.post("/webhooks/alertmanager", "application/json", body, "Authorization", "Bearer wrong").status())
                    .isEqualTo(401);
            assertThat(http.post("/webhooks/no-such-source", "application/json", body, "Authorization", "Bearer wrong").status())
                    .isEqualTo(404);

            HttpApi.Response response = http.get("/api/v1/sources");
            assertThat(response.status()).isEqualTo(200);
            JsonNode am = alertmanager(response.json());
            assertThat(am.path("path").asText()).isEqualTo("/webhooks/alertmanager");
            assertThat(am.path("auth").asText()).isEqualTo("bearer");
            assertThat(am.path("accepted").asLong()).isEqualTo(1);
            assertThat(am.path("refused").asLong()).isEqualTo(1);
            assertThat(am.path("lastAcceptedAt").asText()).isNotBlank();
            assertThat(am.path("lastRefusedAt").asText()).isNotBlank();
            assertThat(am.path("lastRefusal").asText()).startsWith("401 ").hasSizeGreaterThan(4);
            assertThat(response.json().path("webhooks").findValuesAsText("name")).doesNotContain("no-such-source");
            assertThat(response.json().path("pollers").isArray()).isTrue();
            JsonNode off = response.json().path("offWebhooks");
            assertThat(off.findValuesAsText("name")).as("shipped sources whose secret is unset").contains("pagerduty", "datadog");
            assertThat(off.findValuesAsText("reason")).anySatisfy(r -> assertThat(r).isEqualTo("set PAGERDUTY_WEBHOOK_SECRET to turn it on"));
            assertThat(response.json().path("webhooks").findValuesAsText("name")).doesNotContain("pagerduty");
            assertThat(response.body()).doesNotContain(TOKEN).doesNotContain("GATEWAY_WEBHOOK_TOKEN");
            assertThat(http.get("/metrics").body())
                    .contains("gateway_webhook_requests_total{outcome=\"accepted\",source=\"alertmanager\"} 1.0")
                    .doesNotContain("no-such-source");

            HttpApi.Response anonymous = new HttpApi(fixture.gateway().port()).get("/api/v1/sources");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.contentType()).startsWith("application/problem+json");
        }
    }

    private static JsonNode alertmanager(JsonNode sources) {
        for (JsonNode w : sources.path("webhooks")) {
            if (w.path("name").asText().equals("alertmanager")) {
                return w;
            }
        }
        throw new AssertionError("no alertmanager in " + sources);
    }
}
