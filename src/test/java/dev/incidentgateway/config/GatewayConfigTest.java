package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest {

    @Test
    void defaultsApplyWithNothingSet() {
        GatewayConfig c = GatewayConfig.load(Map.of(), Map.of());
        assertThat(c.get(HttpSettings.HTTP_PORT)).isEqualTo(8080);
        assertThat(c.get(StoreSettings.DB_URL)).startsWith("jdbc:h2:file:./data/");
        assertThat(c.get(HttpSettings.HTTP_MAX_BODY_BYTES)).isEqualTo(1_048_576);
        assertThat(c.isPostgres()).isFalse();
    }

    @Test
    void environmentWinsOverTheFileAndTheFileExpandsEnvDefaults() {
        Map<String, String> yaml = Map.of("http.port", "${GATEWAY_HTTP_PORT:9000}", "store.url", "${PG_URL:jdbc:h2:mem:x}");
        assertThat(GatewayConfig.load(Map.of(), yaml).get(HttpSettings.HTTP_PORT)).isEqualTo(9000);
        assertThat(GatewayConfig.load(Map.of("GATEWAY_HTTP_PORT", "9100"), yaml).get(HttpSettings.HTTP_PORT)).isEqualTo(9100);
        GatewayConfig pg = GatewayConfig.load(Map.of("PG_URL", "jdbc:postgresql://db/gw"), yaml);
        assertThat(pg.get(StoreSettings.DB_URL)).isEqualTo("jdbc:postgresql://db/gw");
        assertThat(pg.isPostgres()).isTrue();
    }

    @Test
    void everyBadKeyIsNamedAtOnce() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_HTTP_PORT", "eighty", "GATEWAY_DB_URL", "mysql://x",
                "GATEWAY_MAX_BODY_BYTES", "5"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.getMessage()).contains("http.port (env GATEWAY_HTTP_PORT)", "store.url (env GATEWAY_DB_URL)",
                            "http.maxBodyBytes (env GATEWAY_MAX_BODY_BYTES)");
                });
    }

    @Test
    void aMalformedChainKeyIsNamedWithWhatIsWrongAndNeverShown() {
        for (String malformed : new String[] {"short", "0123456789abcdef", "!!not base64 at all!!"}) {
            assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_CHAIN_KEY", malformed), Map.of()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("audit.chainKey (env GATEWAY_CHAIN_KEY)")
                    .hasMessageContaining("at least 32").hasMessageNotContaining(malformed);
        }
        String key = "ab".repeat(32);
        assertThat(GatewayConfig.load(Map.of("GATEWAY_CHAIN_KEY", key), Map.of()).get(AuditSettings.CHAIN_KEY)).isEqualTo(key);
    }

    /** Set but empty (a template that rendered nothing), a path named the working directory instead of the default. */
    @Test
    void aPathSettingSetButEmptyIsRefusedNotReadAsTheWorkingDirectory() {
        for (String env : new String[] {"GATEWAY_KEYS_DIR", "GATEWAY_CONNECTORS_DIR", "GATEWAY_CHECKPOINT_FILE"}) {
            assertThatThrownBy(() -> GatewayConfig.load(Map.of(env, ""), Map.of())).as(env).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("(env " + env + "): must be a path, not empty");
            assertThatThrownBy(() -> GatewayConfig.load(Map.of(env, "  "), Map.of())).as(env + " blank").isInstanceOf(ConfigException.class);
        }
        GatewayConfig defaults = GatewayConfig.load(Map.of(), Map.of());
        assertThat(defaults.get(AuditSettings.KEYS_DIR)).isEqualTo("./keys");
        assertThat(defaults.get(RouteSettings.CONNECTORS_DIR)).isEqualTo("connectors");
        assertThat(defaults.get(AuditSettings.CHECKPOINT_FILE)).isEqualTo("./data/checkpoints.jsonl");
    }

    /** REST appends are CloudEvents with this source: an empty one was stored and fed as "source": "". */
    @Test
    void theRestSourceIsANonEmptyCloudEventsSource() {
        for (String bad : new String[] {"", " ", "/api v1", "/" + "s".repeat(512)}) {
            assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_API_DEFAULT_SOURCE", bad), Map.of())).as("'" + bad + "'")
                    .isInstanceOf(ConfigException.class).hasMessageContaining("api.defaultSource (env GATEWAY_API_DEFAULT_SOURCE)");
        }
        assertThat(GatewayConfig.load(Map.of("GATEWAY_API_DEFAULT_SOURCE", "urn:acme:gateway"), Map.of()).get(HttpSettings.DEFAULT_SOURCE))
                .isEqualTo("urn:acme:gateway");
        assertThat(GatewayConfig.load(Map.of(), Map.of()).get(HttpSettings.DEFAULT_SOURCE)).isEqualTo("/api/v1");
    }

    @Test
    void aBadValueFromTheConfigFileSaysSo() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of(), Map.of("http.maxBodyBytes", "5")))
                .hasMessageContaining("http.maxBodyBytes (in the config file; env GATEWAY_MAX_BODY_BYTES)");
    }

    @Test
    void aConfigFileKeyThatIsNoSettingIsNamed() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of(), Map.of("http.maxBodyByte", "5000", "http.port", "8081")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.getMessage()).contains("http.maxBodyByte (config file): not a setting");
                });
    }

    @Test
    void aConnectorSettingCopiedFromTheConfigListingIntoTheFileIsToldItsVariable() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of(), Map.of("servicenow.url", "https://acme.service-now.com")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .contains("servicenow.url (config file): not a setting of the config file")
                        .contains("`# connector` or `# webhook sources` heading are set by their environment variable only"));
    }

    @Test
    void aPostgresqlUrlWithUserinfoIsRefusedAtOnceWithoutShowingThePassword() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_DB_URL", "jdbc:postgresql://app:s3cret@db:5432/gw"), Map.of()))
                .hasMessageContaining("store.url (env GATEWAY_DB_URL)").hasMessageContaining("GATEWAY_DB_PASSWORD")
                .hasMessageNotContaining("s3cret");
        assertThat(GatewayConfig.load(Map.of("GATEWAY_DB_URL", "jdbc:postgresql://db:5432/gw?user=app&password=x"), Map.of())
                .isPostgres()).isTrue();
    }

    @Test
    void thePublicUrlIsAnHttpBaseUrlOrEmpty() {
        for (String ok : new String[] {"", "https://gateway.example.com", "http://10.0.0.5:8080/incidents/"}) {
            assertThat(GatewayConfig.load(Map.of("GATEWAY_PUBLIC_URL", ok), Map.of()).get(HttpSettings.PUBLIC_URL)).isEqualTo(ok);
        }
        for (String bad : new String[] {"zz-bad", "gateway.example.com", "ftp://x", "https://"}) {
            assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_PUBLIC_URL", bad), Map.of())).as(bad)
                    .hasMessageContaining("http.publicUrl (env GATEWAY_PUBLIC_URL)");
        }
    }

    @Test
    void kafkaBrokersAreHostPortListsOrEmpty() {
        for (String ok : new String[] {"", "kafka:9092", "10.0.0.1:9092, kafka-2.example.com:19092", "[::1]:9092", "SSL://broker:9093"}) {
            assertThat(GatewayConfig.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", ok), Map.of()).get(KafkaSettings.KAFKA_BOOTSTRAP_SERVERS))
                    .isEqualTo(ok);
        }
        for (String bad : new String[] {"zz-bad", "kafka", "kafka:", "host:port", "a:1,,b:2"}) {
            assertThatThrownBy(() -> GatewayConfig.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", bad), Map.of())).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrapServers (env KAFKA_BOOTSTRAP_SERVERS)");
        }
    }

    @Test
    void aKafkaSourceReadingTheTargetsTopicOrItsOwnDeadLettersIsRefused() {
        Map<String, String> broker = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        Map<String, String> sameAsTarget = new java.util.HashMap<>(broker);
        sameAsTarget.put("KAFKA_SOURCE_TOPIC", "incident-events"); // KAFKA_TOPIC's default
        assertThatThrownBy(() -> GatewayConfig.load(sameAsTarget, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .startsWith("kafka.sourceTopic (env KAFKA_SOURCE_TOPIC): is KAFKA_TOPIC too ('incident-events')"));
        Map<String, String> ownDeadLetters = new java.util.HashMap<>(broker);
        ownDeadLetters.putAll(Map.of("KAFKA_SOURCE_TOPIC", "alerts", "KAFKA_SOURCE_DLQ_TOPIC", "alerts"));
        assertThatThrownBy(() -> GatewayConfig.load(ownDeadLetters, Map.of()))
                .hasMessageContaining("kafka.sourceDeadLetterTopic (env KAFKA_SOURCE_DLQ_TOPIC): is KAFKA_SOURCE_TOPIC too ('alerts')");

        sameAsTarget.put("KAFKA_TOPIC", ""); // the target off: a source-only setup
        assertThat(GatewayConfig.load(sameAsTarget, Map.of()).get(KafkaSettings.KAFKA_SOURCE_TOPIC)).isEqualTo("incident-events");
        assertThat(GatewayConfig.load(Map.of("KAFKA_SOURCE_TOPIC", "incident-events"), Map.of())
                .get(KafkaSettings.KAFKA_SOURCE_TOPIC)).as("no broker: both routes off").isEqualTo("incident-events");
    }

    @Test
    void anUnsetVariableWithoutDefaultIsNamed() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of(), Map.of("store.password", "${DB_SECRET}")))
                .hasMessageContaining("store.password").hasMessageContaining("DB_SECRET");
    }

    @Test
    void secretsAreMaskedInTheDescription() {
        String text = GatewayConfig.load(Map.of("GATEWAY_DB_PASSWORD", "hunter2"), Map.of()).describe();
        assertThat(text).doesNotContain("hunter2").contains("****").contains("GATEWAY_DB_PASSWORD");
    }

    @Test
    void theDescriptionSaysWhereEachValueCameFrom() {
        String text = GatewayConfig.load(Map.of("GATEWAY_HTTP_PORT", "9999"), Map.of("http.maxBodyBytes", "2048")).describe();
        assertThat(text).containsPattern("http\\.port\\s+GATEWAY_HTTP_PORT\\s+= 9999  \\[env\\]")
                .containsPattern("http\\.maxBodyBytes\\s+GATEWAY_MAX_BODY_BYTES\\s+= 2048  \\[config file\\]")
                .containsPattern("store\\.url\\s+GATEWAY_DB_URL\\s+= jdbc:h2:file:\\./data/gateway  \\[default\\]");
    }

    @Test
    void aDeliveryTimeoutAboveTwoThirdsOfTheLeaseIsLoweredAndTheDescriptionSaysWhatIsInEffect() {
        GatewayConfig lowered = GatewayConfig.load(Map.of("GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS", "80000"), Map.of());
        assertThat(lowered.outboxDeliveryTimeout()).isEqualTo(java.time.Duration.ofMillis(60_000)); // the lease: 90 s
        assertThat(lowered.describe()).containsPattern("GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS\\s+= 80000 \\(in effect: 60000, two "
                + "thirds of GATEWAY_OUTBOX_LEASE_MS\\)  \\[env\\]");
        GatewayConfig kept = GatewayConfig.load(Map.of("GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS", "5000"), Map.of());
        assertThat(kept.outboxDeliveryTimeout()).isEqualTo(java.time.Duration.ofMillis(5_000));
        assertThat(kept.describe()).containsPattern("GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS\\s+= 5000  \\[env\\]");
    }

    @Test
    void connectorsSeeThePublicUrlInEffectAlsoWhenOnlyTheConfigFileSetsIt() {
        GatewayConfig fromFile = GatewayConfig.load(Map.of("SLACK_BOT_TOKEN", "x"), Map.of("http.publicUrl", "https://gw.example.com"));
        assertThat(fromFile.connectorEnv()).containsEntry("GATEWAY_PUBLIC_URL", "https://gw.example.com").containsEntry("SLACK_BOT_TOKEN", "x");
        assertThat(GatewayConfig.load(Map.of(), Map.of()).connectorEnv()).doesNotContainKey("GATEWAY_PUBLIC_URL");
    }

    @Test
    void theShippedConfigFileLoads() {
        Map<String, String> shipped = YamlSettings.read(java.nio.file.Path.of("config/gateway.yaml"));
        assertThat(shipped).containsKeys("http.port", "store.url", "routes.dir");
        GatewayConfig c = GatewayConfig.load(Map.of(), shipped);
        assertThat(c.get(HttpSettings.HTTP_PORT)).isEqualTo(8080);
        assertThat(c.routesDir()).isNull();
    }
}
