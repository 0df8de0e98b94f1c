package dev.incidentgateway.ingest;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.incidentgateway.Gateway;
import dev.incidentgateway.cli.StoreCommand;
import dev.incidentgateway.cli.WebhookTokenCommand;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.security.TokenDigest;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.OlderSchema;
import dev.incidentgateway.testsupport.TableCells;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-source webhook tokens in a running gateway on each kind of store: none issued → 401; a token issued or
 * rotated while it runs (the command run in-process on the gateway's own DataSource, as the CLI or the control
 * channel runs it) works within seconds, the previous one stops, and it opens only its own source;
 * {@code GATEWAY_WEBHOOK_TOKEN} keeps working; the plain-text token of earlier versions keeps its senders working.
 */
abstract class WebhookTokensContract {
    /** How long a change may take to reach the gateway's snapshot (reloaded every 2 s) before the test fails. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String ALERTMANAGER = new String(WebhookFixtures.bytes("alertmanager-firing.json"), StandardCharsets.UTF_8);
    private static final String GRAFANA = new String(WebhookFixtures.bytes("grafana-firing.json"), StandardCharsets.UTF_8);

    /** CloudEvents subjects: incident ids like TOK-42, new for every delivery. */
    private static final AtomicLong INCIDENTS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    abstract TestStore.Kind kind();

    @BeforeEach
    void requireStore() {
        GatewayFixture.assumeStore(kind());
    }

    @Test
    void aRotatedTokenOpensOnlyItsOwnSourceWithinSecondsAndReplacesThePreviousOne() throws Exception {
        GatewayFixture fixture;
        List<ILoggingEvent> started;
        try (CapturedLogs logs = CapturedLogs.of(WebhookSourceRegistry.class.getName())) {
            fixture = GatewayFixture.start(kind(), Map.of());
            started = logs.events(e -> true);
        }
        try (fixture) {
            HttpApi http = fixture.http();
            String startLog = String.join("\n", started.stream().map(ILoggingEvent::getFormattedMessage).toList());
            assertThat(startLog).as("the start says which sources have no token and how to issue one")
                    .contains("[alertmanager, cloudevents, grafana] have no token yet").contains("webhook-token --source <name> --rotate");

            String guess = "igw_wh_alertmanager_" + "A".repeat(43);
            assertThat(post(http, "alertmanager", guess).status()).as("no token issued yet: every request refused").isEqualTo(401);
            assertThat(post(http, "cloudevents", guess).status()).isEqualTo(401);

            String first = rotate(fixture, "alertmanager");
            assertThat(awaitStatus(http, "alertmanager", first, 200).body()).contains("accepted");
            assertThat(post(http, "cloudevents", first).status()).as("the Alertmanager token does not open cloudevents").isEqualTo(401);
            assertThat(post(http, "grafana", first).status()).isEqualTo(401);

            String second = rotate(fixture, "alertmanager");
            awaitStatus(http, "alertmanager", second, 200);
            assertThat(awaitStatus(http, "alertmanager", first, 401).body()).doesNotContain(first);

            String cloudevents = rotate(fixture, "cloudevents");
            awaitStatus(http, "cloudevents", cloudevents, 200);
            assertThat(post(http, "alertmanager", cloudevents).status()).isEqualTo(401);
            assertThat(post(http, "alertmanager", second).status()).isEqualTo(200);
            assertThat(tokenTable(fixture.gateway().dataSource())).noneMatch(v -> v.contains(second.substring(second.length() - 43))
                    || v.contains(cloudevents.substring(cloudevents.length() - 43)));
        }
    }

    @Test
    void gatewayWebhookTokenStillOpensEveryManagedSourceBesideItsOwnToken() throws Exception {
        String shared = "shared-" + UUID.randomUUID();
        try (GatewayFixture fixture = GatewayFixture.start(kind(), Map.of("GATEWAY_WEBHOOK_TOKEN", shared))) {
            HttpApi http = fixture.http();
            for (String source : List.of("alertmanager", "grafana", "cloudevents")) {
                assertThat(post(http, source, shared).status()).as(source).isEqualTo(200);
            }
            String own = rotate(fixture, "cloudevents");
            awaitStatus(http, "cloudevents", own, 200);
            assertThat(post(http, "cloudevents", shared).status()).as("the shared token still works").isEqualTo(200);
            assertThat(post(http, "alertmanager", own).status()).isEqualTo(401);
        }
    }

    @Test
    void thePlainTextTokenOfEarlierVersionsKeepsItsSendersWorkingAndIsDeleted() throws Exception {
        String legacy = "legacy-" + UUID.randomUUID();
        try (TestStore store = TestStore.create(kind())) {
            OlderSchema.migrate(store.config(), OlderSchema.BEFORE_ROW_MACS); // the start upgrades it, and only that adopts
            try (var ds = StoreFactory.open(store.config());
                 Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_secrets (name, secret, created_at) VALUES (?, ?, ?)")) {
                ps.setString(1, "webhook-token");
                ps.setString(2, legacy);
                ps.setObject(3, OffsetDateTime.now());
                ps.executeUpdate();
            }
            try (Gateway gateway = Gateway.create(store.config()).start()) {
                HttpApi http = new HttpApi(gateway.port());
                for (String source : List.of("alertmanager", "grafana", "cloudevents")) {
                    assertThat(post(http, source, legacy).status()).as(source).isEqualTo(200);
                }
                assertThat(tokenTable(gateway.dataSource())).contains(TokenDigest.sha256Hex(legacy)).noneMatch(v -> v.contains(legacy));
                try (Connection c = gateway.dataSource().getConnection();
                     ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM gateway_secrets WHERE name = 'webhook-token'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("the plain-text row is deleted").isZero();
                }
            }
        }
    }

    /** Runs {@code webhook-token --source NAME --rotate} on the running gateway's store; returns the printed token. */
    static String rotate(GatewayFixture fixture, String source) throws Exception {
        GatewayConfig config = fixture.store().config();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new WebhookTokenCommand().run(new StoreCommand.Context(fixture.gateway().dataSource(), config,
                        SqlDialect.forUrl(config.get(StoreSettings.DB_URL))), List.of("--source", source, "--rotate"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    /** A valid delivery for {@code source} (alertmanager, grafana or cloudevents) with {@code token}. */
    static Response post(HttpApi http, String source, String token) {
        String auth = "Bearer " + token;
        return switch (source) {
            case "alertmanager" -> http.post("/webhooks/alertmanager", "application/json", ALERTMANAGER, "Authorization", auth);
            case "grafana" -> http.post("/webhooks/grafana", "application/json", GRAFANA, "Authorization", auth);
            default -> {
                String id = "TOK-" + INCIDENTS.incrementAndGet();
                yield http.post("/webhooks/cloudevents", "application/json", "{\"title\":\"Token test\",\"severity\":\"sev3\"}",
                        "Authorization", auth, "ce-specversion", "1.0", "ce-id", id, "ce-source", "urn:token-test",
                        "ce-type", "com.example.incident.declare", "ce-subject", id);
            }
        };
    }

    /** Posts until the answer has {@code status} (a token change reaches the gateway within seconds), else fails. */
    static Response awaitStatus(HttpApi http, String source, String token, int status) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        Response r = post(http, source, token);
        while (r.status() != status && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            r = post(http, source, token);
        }
        assertThat(r.status()).as("%s with the token, after waiting for the reload: %s", source, r).isEqualTo(status);
        return r;
    }

    static List<String> tokenTable(DataSource ds) throws Exception {
        return TableCells.of(ds, "webhook_tokens");
    }
}
