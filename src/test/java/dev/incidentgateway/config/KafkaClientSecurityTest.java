package dev.incidentgateway.config;

import dev.incidentgateway.testsupport.SelfSignedCertificate;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.security.auth.login.AppConfigurationEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_CA_FILE: validation, the JAAS line, and the password kept out of sight. */
class KafkaClientSecurityTest {
    private static final String PASSWORD = "pw-\"quoted\"\\back;slash=x";

    private static Map<String, String> sasl(String protocol) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", protocol);
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("KAFKA_SASL_USERNAME", "gateway");
        env.put("KAFKA_SASL_PASSWORD", PASSWORD);
        return env;
    }

    @Test
    void nothingSetMeansCamelsOwnComponentUntouched() {
        assertThat(KafkaClientSecurity.from(GatewayConfig.load(Map.of(), Map.of()))).isEmpty();
    }

    @Test
    void anUnknownProtocolOrMechanismIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("KAFKA_SECURITY_PROTOCOL", "TLS"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.securityProtocol (env KAFKA_SECURITY_PROTOCOL)")
                .hasMessageContaining("SASL_SSL");
        Map<String, String> env = sasl("SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", "GSSAPI");
        assertThatThrownBy(() -> GatewayConfig.load(env, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.saslMechanism (env KAFKA_SASL_MECHANISM)");
    }

    @Test
    void aSaslProtocolNeedsMechanismUserAndPasswordEachNamed() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.getMessage()).contains("KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD")
                            .contains("required when KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT");
                });
        Map<String, String> noPassword = sasl("SASL_SSL");
        noPassword.remove("KAFKA_SASL_PASSWORD");
        assertThatThrownBy(() -> GatewayConfig.load(noPassword, Map.of())).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).singleElement().asString().contains("KAFKA_SASL_PASSWORD"));
    }

    @Test
    void saslOrCaSettingsWithAProtocolThatIgnoresThemAreRefused() {
        Map<String, String> env = sasl("PLAINTEXT");
        env.put("KAFKA_SSL_CA_FILE", "/etc/kafka/ca.pem");
        assertThatThrownBy(() -> GatewayConfig.load(env, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).hasSize(4);
            assertThat(e.getMessage()).contains("KAFKA_SASL_USERNAME", "KAFKA_SSL_CA_FILE", "is PLAINTEXT").doesNotContain(PASSWORD);
        });
        env.put("KAFKA_SECURITY_PROTOCOL", "SSL");
        env.remove("KAFKA_SSL_CA_FILE");
        assertThatThrownBy(() -> GatewayConfig.load(env, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("KAFKA_SASL_MECHANISM").hasMessageContaining("is SSL (no SASL)");
    }

    @Test
    void theJaasLineQuotesValuesSoKafkaReadsThemBackExactly() {
        String user = "svc \"a\\b\"";
        String password = PASSWORD + "\nline2\r";
        String line = KafkaClientSecurity.jaasConfig("PLAIN", user, password);
        assertThat(line).startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc \\\"a\\\\b\\\"\"")
                .endsWith(";").doesNotContain("\n");
        // Parsed as Kafka's client parses it.
        java.util.List<AppConfigurationEntry> entries = JaasContext.loadClientContext(
                Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(line))).configurationEntries();
        assertThat(entries).hasSize(1);
        Map<String, Object> options = new HashMap<>(entries.get(0).getOptions());
        assertThat(options).containsEntry("username", user).containsEntry("password", password).hasSize(2);

        String scram = KafkaClientSecurity.jaasConfig("SCRAM-SHA-256", "u", "p");
        assertThat(scram).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
    }

    @Test
    void theSettingsReachTheClientPropertiesOfEveryEndpointAndThePasswordNoOutput(@TempDir Path dir) throws Exception {
        Map<String, String> env = sasl("SASL_SSL");
        Path ca = SelfSignedCertificate.create(dir).certFile();
        env.put("KAFKA_SSL_CA_FILE", ca.toString());
        GatewayConfig config = GatewayConfig.load(env, Map.of());
        KafkaClientSecurity security = KafkaClientSecurity.from(config).orElseThrow();
        KafkaConfiguration component = new KafkaConfiguration();
        security.applyTo(component);
        for (Properties client : new Properties[] {component.createProducerProperties(), component.createConsumerProperties()}) {
            assertThat(client).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.type", "PEM").containsEntry("ssl.truststore.location", ca.toAbsolutePath().toString());
            assertThat(client.getProperty("sasl.jaas.config")).contains("ScramLoginModule", "username=\"gateway\"");
        }

        assertThat(security.toString()).contains("SASL_SSL", "SCRAM-SHA-512").doesNotContain("pw-").doesNotContain("gateway\"");
        assertThat(config.describe()).contains("KAFKA_SASL_PASSWORD", "****").doesNotContain("pw-");
        assertThat(RoutePlaceholders.of(config).values()).noneMatch(v -> v.contains("pw-"));
    }

    @Test
    void anUnreadableOrEmptyCaFileStopsTheStartNamingTheKey(@TempDir Path dir) throws Exception {
        Map<String, String> env = sasl("SASL_SSL");
        env.put("KAFKA_SSL_CA_FILE", dir.resolve("missing.pem").toString());
        assertThatThrownBy(() -> KafkaClientSecurity.from(GatewayConfig.load(env, Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.sslCaFile (env KAFKA_SSL_CA_FILE)").hasMessageContaining("missing.pem")
                .hasMessageNotContaining("pw-");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
        env.put("KAFKA_SSL_CA_FILE", notPem.toString());
        assertThatThrownBy(() -> KafkaClientSecurity.from(GatewayConfig.load(env, Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("KAFKA_SSL_CA_FILE");
    }
}
