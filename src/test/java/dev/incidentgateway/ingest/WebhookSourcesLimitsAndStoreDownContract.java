package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.incidentgateway.ingest.WebhookFixtures.edited;
import static dev.incidentgateway.ingest.WebhookFixtures.pagerDutySignature;
import static dev.incidentgateway.ingest.WebhookFixtures.startsAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook sources at their limits, over real HTTP on each kind of store (H2 and PostgreSQL subclasses): a body over
 * 1 MiB is 413 and stores nothing; with the store down webhooks answer 503 with Retry-After, never 4xx (that test runs
 * last: it closes the store under the running gateway).
 */
abstract class WebhookSourcesLimitsAndStoreDownContract extends WebhookSourcesHarness {
    // ---------------------------------------------------------------- limits and store failures

    @Test
    void aBodyOverOneMebibyteIs413AndStoresNothing() {
        int before = eventCount();
        String padding = "x".repeat(1_572_864); // 1.5 MiB
        byte[] body = ("{\"alerts\":[],\"padding\":\"" + padding + "\"}").getBytes(StandardCharsets.UTF_8);
        Response r = post("alertmanager", body, BEARER);
        assertThat(r.status()).as(r.toString()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(eventCount()).isEqualTo(before);
    }

    /** Runs last: it closes the store under the running gateway. */
    @Test
    @Order(Integer.MAX_VALUE)
    void whenTheStoreIsDownWebhooksAnswer503WithRetryAfterNever4xx() {
        byte[] firing = edited("alertmanager-firing.json", startsAt("2024-05-14T15:00:18.493Z", "2024-05-14T15:01:03.117Z"));
        fixture.gateway().dataSource().close();
        Response r = post("alertmanager", firing, BEARER);
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.header("Retry-After")).as(r.toString()).isPresent();
        assertThat(r.header("Retry-After").orElseThrow()).matches("[1-9][0-9]*");
        assertThat(r.contentType()).startsWith("application/problem+json");

        // Authentication still comes first: a bad signature is 401, a good one meets the store and gets 503.
        byte[] fresh = edited("pagerduty-incident-triggered.json", root -> {
            ((ObjectNode) root.path("event")).put("id", "01DOWN" + System.nanoTime());
            ((ObjectNode) root.path("event").path("data")).put("id", "QDOWN" + System.nanoTime());
        });
        assertUnauthorized(post("pagerduty", fresh, "X-PagerDuty-Signature", pagerDutySignature("wrong", fresh)), PAGERDUTY_SECRET);
        Response pd = post("pagerduty", fresh, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, fresh));
        assertThat(pd.status()).as(pd.toString()).isEqualTo(503);
        assertThat(pd.header("Retry-After")).as(pd.toString()).isPresent();
    }
}
