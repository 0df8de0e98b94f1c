package dev.incidentgateway.config;

import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.main.Main;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static dev.incidentgateway.config.KafkaSettings.KAFKA_SASL_MECHANISM;
import static dev.incidentgateway.config.KafkaSettings.KAFKA_SASL_PASSWORD;
import static dev.incidentgateway.config.KafkaSettings.KAFKA_SASL_USERNAME;
import static dev.incidentgateway.config.KafkaSettings.KAFKA_SECURITY_PROTOCOL;
import static dev.incidentgateway.config.KafkaSettings.KAFKA_SSL_CA_FILE;

/**
 * SASL and TLS of every Kafka client of the gateway, from the {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*} and
 * {@code KAFKA_SSL_CA_FILE} settings.
 *
 * <p>Applied once, to Camel's {@code kafka} component (bound in the registry under that name, so Camel uses it instead
 * of creating its own): each endpoint copies the component's configuration, so the shipped target, the source, its
 * dead-letter producer and any user route's {@code kafka:} endpoint all authenticate the same way, and the shipped
 * YAML routes stay free of credentials. The JAAS line, which holds the password, is never a Camel property (Camel's
 * property listings and {@code config} would show it) and never part of an endpoint URI.
 *
 * <p>With every setting at its default nothing is bound: Camel's own component, exactly as before.
 */
public final class KafkaClientSecurity {
    /** The name Camel resolves the {@code kafka:} scheme by: a bean of this name in the registry wins. */
    public static final String COMPONENT = "kafka";
    private static final String PEM = "PEM";

    private final String protocol;
    private final String mechanism;
    private final String jaasConfig;
    private final Path caFile;

    private KafkaClientSecurity(String protocol, String mechanism, String jaasConfig, Path caFile) {
        this.protocol = protocol;
        this.mechanism = mechanism;
        this.jaasConfig = jaasConfig;
        this.caFile = caFile;
    }

    /**
     * The combinations {@link GatewayConfig#load} refuses, each naming its key: a SASL protocol without mechanism, user or
     * password (the client would fail at the first connection, far from the cause), and SASL or CA settings next to a
     * protocol that does not use them (the operator believes the connection authenticated or verified when it is not).
     *
     * @param value a key's parsed value as a string ("" when unset)
     */
    static List<String> missingSettings(Function<ConfigKey<?>, String> value) {
        List<String> problems = new ArrayList<>();
        String protocol = value.apply(KAFKA_SECURITY_PROTOCOL);
        if (protocol.isEmpty()) {
            return problems; // not one of the four: already named by its own validation
        }
        boolean sasl = protocol.startsWith("SASL_");
        for (ConfigKey<?> key : List.of(KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD)) {
            boolean set = !value.apply(key).isEmpty();
            if (sasl && !set) {
                problems.add(key.problem("required when " + KAFKA_SECURITY_PROTOCOL.env() + " is " + protocol));
            } else if (!sasl && set) {
                problems.add(key.problem("set, but " + KAFKA_SECURITY_PROTOCOL.env() + " is " + protocol
                        + " (no SASL): set it to SASL_SSL or SASL_PLAINTEXT, or unset " + key.env()));
            }
        }
        if (!protocol.endsWith("SSL") && !value.apply(KAFKA_SSL_CA_FILE).isBlank()) {
            problems.add(KAFKA_SSL_CA_FILE.problem("set, but " + KAFKA_SECURITY_PROTOCOL.env() + " is " + protocol
                    + " (no TLS): set it to SSL or SASL_SSL, or unset " + KAFKA_SSL_CA_FILE.env()));
        }
        return problems;
    }

    /**
     * The security of {@code config} (already validated by {@link GatewayConfig#load}); empty when every setting is at
     * its default. An unreadable CA file, or one without a certificate, stops the start here, naming the key.
     */
    public static Optional<KafkaClientSecurity> from(GatewayConfig config) {
        String protocol = config.get(KAFKA_SECURITY_PROTOCOL);
        String ca = config.get(KAFKA_SSL_CA_FILE);
        if (protocol.equals(KAFKA_SECURITY_PROTOCOL.defaultValue()) && ca.isBlank()) {
            return Optional.empty();
        }
        String mechanism = config.get(KAFKA_SASL_MECHANISM);
        String jaas = protocol.startsWith("SASL_")
                ? jaasConfig(mechanism, config.get(KAFKA_SASL_USERNAME), config.get(KAFKA_SASL_PASSWORD)) : null;
        return Optional.of(new KafkaClientSecurity(protocol, mechanism, jaas, ca.isBlank() ? null : checkedCaFile(Path.of(ca))));
    }

    /**
     * Kafka's {@code sasl.jaas.config} for {@code mechanism}: PLAIN uses Kafka's PlainLoginModule, SCRAM-SHA-* its
     * ScramLoginModule. Kafka reads the line with a {@link java.io.StreamTokenizer}, so a value is quoted and its
     * backslashes, quotes and line breaks escaped: a password such as {@code a"b;c} cannot end the value or the line.
     */
    static String jaasConfig(String mechanism, String username, String password) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=" + quoted(username) + " password=" + quoted(password) + ";";
    }

    static String quoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** Kafka's PEM trust store reads the file only when the first client connects: check it now, naming the key. */
    private static Path checkedCaFile(Path file) {
        String problem;
        try (InputStream in = Files.newInputStream(file)) {
            int certificates = CertificateFactory.getInstance("X.509").generateCertificates(in).size();
            problem = certificates > 0 ? null : "no PEM certificate in it";
        } catch (Exception e) {
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (problem != null) {
            throw new ConfigException(KAFKA_SSL_CA_FILE.problem("cannot read CA certificates from " + file.toAbsolutePath()
                    + ": " + problem));
        }
        return file.toAbsolutePath();
    }

    /** Sets the security options on a kafka component's configuration, the one every endpoint copies. */
    void applyTo(KafkaConfiguration configuration) {
        configuration.setSecurityProtocol(protocol);
        if (jaasConfig != null) {
            configuration.setSaslMechanism(mechanism);
            configuration.setSaslJaasConfig(jaasConfig);
        }
        if (caFile != null) {
            configuration.setSslTruststoreLocation(caFile.toString());
            configuration.setSslTruststoreType(PEM);
        }
    }

    /** Binds a kafka component carrying these options, which Camel then uses for every {@code kafka:} endpoint. */
    public void install(Main main) {
        KafkaComponent kafka = new KafkaComponent();
        applyTo(kafka.getConfiguration());
        main.bind(COMPONENT, kafka);
    }

    /** Never the JAAS line: it holds the password. */
    @Override
    public String toString() {
        return "KafkaClientSecurity[protocol=" + protocol + (jaasConfig == null ? "" : ", mechanism=" + mechanism
                + ", jaasConfig=****") + (caFile == null ? "" : ", caFile=" + caFile) + "]";
    }
}
