package dev.incidentgateway.outbox;

import dev.incidentgateway.connectors.jira.FakeJira;
import dev.incidentgateway.connectors.servicenow.FakeServiceNow;
import dev.incidentgateway.connectors.slack.FakeSlack;
import dev.incidentgateway.testsupport.ContractFake;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One real gateway per test class delivering to the stateful ServiceNow, Jira and Slack fakes (quick retries and
 * polls, concurrency 8), for the contracts that drive the outbox end to end; {@link #extraEnv} adds to its settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VendorGatewayContract {
    FakeServiceNow serviceNow;
    FakeJira jira;
    FakeSlack slack;
    List<ContractFake> fakes;
    GatewayFixture fixture;
    HttpApi http;

    abstract TestStore.Kind kind();

    /** More settings for the gateway (e.g. a connectors directory of its own). */
    Map<String, String> extraEnv() throws Exception {
        return Map.of();
    }

    @BeforeAll
    void start() throws Exception {
        if (!GatewayFixture.available(kind())) {
            return;
        }
        serviceNow = new FakeServiceNow();
        jira = new FakeJira();
        slack = new FakeSlack();
        fakes = List.of(serviceNow, jira, slack);
        Map<String, String> env = new HashMap<>();
        fakes.forEach(f -> env.putAll(f.env()));
        env.put("GATEWAY_OUTBOX_BACKOFF_MS", "50");
        env.put("GATEWAY_OUTBOX_POLL_MS", "50");
        env.put("GATEWAY_OUTBOX_CONCURRENCY", "8");
        // These contracts drive the sinks only. A fake's failNext answers the next request to any endpoint, so a poll of
        // ServiceNow or Jira could take a failure meant for a delivery (seen in CI: OutboxDeadReplayH2IT waited a minute
        // for a dead ServiceNow row because the poller got the injected 400 and the note went through).
        env.put("SERVICENOW_POLL_INTERVAL", "0");
        env.put("JIRA_POLL_INTERVAL", "0");
        env.putAll(extraEnv());
        fixture = GatewayFixture.start(kind(), env);
        http = fixture.http();
    }

    @BeforeEach
    void requireStore() {
        GatewayFixture.assumeStore(kind());
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (fakes != null) {
            fakes.forEach(ContractFake::close);
        }
    }
}
