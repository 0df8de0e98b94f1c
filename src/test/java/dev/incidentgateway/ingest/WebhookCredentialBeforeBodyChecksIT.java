package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README: a webhook without its credential is answered 401. With no body and no Content-Type either, it was 415: the
 * body was checked before the credential. A bearer source's 401 names its scheme in {@code WWW-Authenticate}.
 */
class WebhookCredentialBeforeBodyChecksIT {
    @Test
    void aWebhookWithoutCredentialBodyOrContentTypeIs401() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_WEBHOOK_TOKEN", "before-body-it-token"))) {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://localhost:" + fixture.gateway().port() + "/webhooks/alertmanager");
            HttpResponse<String> bare = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bare.statusCode()).as(bare.body()).isEqualTo(401);
            // RFC 9110 15.5.2: a 401 carries the challenge of the scheme that works, as the API's do
            assertThat(bare.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer not-the-token")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
            HttpResponse<String> notJson = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(notJson.statusCode()).as("no credential: 401 before the body's type").isEqualTo(401);
            HttpResponse<String> withToken = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer before-body-it-token")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(withToken.statusCode()).as("with its credential, the body is checked: " + withToken.body()).isEqualTo(415);
        }
    }
}
