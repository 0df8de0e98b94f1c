package dev.incidentgateway.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.fail;

/**
 * A real single-node Kafka broker for tests: KRaft mode (broker and controller in one process, no ZooKeeper, no
 * Docker), run as a separate JVM ({@code kafka.Kafka}) from the test classpath, where Maven put the
 * {@code kafka_2.13} server jars (test scope; the gateway's jar only has the client). A separate process keeps the
 * broker's classpath and threads out of the test JVM and makes an outage real: {@link #stop()} ends it (the
 * ports go dark), {@link #start()} brings it back on the same ports with the same log directory, so committed
 * records and consumer offsets survive.
 *
 * <p>Use: {@code try (KafkaBroker kafka = KafkaBroker.start(dir)) { kafka.bootstrapServers() ... }}.
 */
public final class KafkaBroker implements AutoCloseable {
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger LOGS = new AtomicInteger();
    /** The super user of a SASL broker: the broker's own login, and the one {@link #admin()} uses. */
    public static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-secret";

    private final Path dir;
    private final Path config;
    private final int port;
    /** What a client needs besides the bootstrap servers to be let in (empty for PLAINTEXT); {@link #ADMIN}'s login. */
    private final Map<String, Object> clientConfig;
    private Process process;
    private Path log;

    private KafkaBroker(Path dir, Path config, int port, Map<String, Object> clientConfig) {
        this.dir = dir;
        this.config = config;
        this.port = port;
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /** Formats a fresh log directory under {@code parent} and starts the broker; returns once it answers. */
    public static KafkaBroker start(Path parent) throws Exception {
        return start(parent, "PLAINTEXT", List.of(), Map.of());
    }

    /**
     * A broker whose client listener is SASL_PLAINTEXT with the PLAIN mechanism and the given users (name → password),
     * plus {@link #ADMIN} for the broker itself and for {@link #admin()}; the KRaft controller listener stays PLAINTEXT.
     * Passwords are written into the broker's JAAS line inside double quotes: keep {@code "} and {@code \} out of them.
     */
    public static KafkaBroker startSaslPlain(Path parent, Map<String, String> users) throws Exception {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + ADMIN + "\" password=\"" + ADMIN_PASSWORD + "\" user_" + ADMIN + "=\"" + ADMIN_PASSWORD + "\"");
        users.forEach((name, password) -> jaas.append(" user_").append(name).append("=\"").append(password).append('"'));
        jaas.append(';');
        return start(parent, "SASL_PLAINTEXT", List.of(
                "sasl.enabled.mechanisms=PLAIN",
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                // The listener's own JAAS line: its login (username/password) and the users it accepts (user_<name>).
                "listener.name.sasl_plaintext.plain.sasl.jaas.config=" + jaas),
                Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                                + "\" password=\"" + ADMIN_PASSWORD + "\";"));
    }

    /**
     * A broker whose client listener is SSL with {@code certificate} (the test's own CA; key and chain inline as PEM,
     * so no keystore file is built); the broker trusts it too, as it connects to its own listener. Clients trust it
     * through {@link #clientConfig()} (a PEM trust store of the certificate file).
     */
    public static KafkaBroker startSsl(Path parent, SelfSignedCertificate certificate) throws Exception {
        String chain = inlinePem(certificate.certFile());
        return start(parent, "SSL", List.of(
                "ssl.keystore.type=PEM",
                "ssl.keystore.certificate.chain=" + chain,
                "ssl.keystore.key=" + inlinePem(certificate.keyFile()),
                "ssl.truststore.type=PEM",
                "ssl.truststore.certificates=" + chain),
                Map.of("security.protocol", "SSL", "ssl.truststore.type", "PEM",
                        "ssl.truststore.location", certificate.certFile().toAbsolutePath().toString()));
    }

    /** A PEM file as one line of a properties file: its line breaks as {@code \n} escapes. */
    private static String inlinePem(Path file) throws IOException {
        return Files.readString(file).strip().replace("\r", "").replace("\n", "\\n");
    }

    private static KafkaBroker start(Path parent, String protocol, List<String> extraConfig, Map<String, Object> clientConfig)
            throws Exception {
        Path dir = Files.createTempDirectory(parent, "kafka-");
        int port = GatewayProcess.freePort();
        int controllerPort = GatewayProcess.freePort();
        Path config = dir.resolve("server.properties");
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=" + protocol + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=" + protocol + "://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + protocol,
                "listener.security.protocol.map=" + protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                // One node: internal topics cannot have more replicas than that.
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.partitions=3",
                "auto.create.topics.enable=true"));
        lines.addAll(extraConfig);
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
        KafkaBroker broker = new KafkaBroker(dir, config, port, clientConfig);
        broker.run(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()), true);
        broker.start();
        return broker;
    }

    /** {@code 127.0.0.1:PORT}, the same across {@link #stop()} and {@link #start()}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the (stopped) broker and waits until it answers an admin request. */
    public void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        process = run(List.of("kafka.Kafka", config.toString()), false);
        awaitReady();
    }

    /** Ends the broker process (SIGTERM: a controlled shutdown, then a kill after 30 s): an outage for clients. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Creates a topic with {@code partitions} partitions (replication factor 1). */
    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    public Admin admin() {
        Map<String, Object> config = new HashMap<>(clientConfig());
        config.putAll(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
        return Admin.create(config);
    }

    /** Bootstrap servers and, for a SASL broker, {@link #ADMIN}'s login: the base of a test's own consumer or producer. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** The broker's output so far (for failure messages). */
    public String log() throws IOException {
        return log == null ? "" : Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the Kafka broker exited with %d; output:%n%s", process.exitValue(), log());
            }
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception notYet) {
                last = notYet;
            }
            Thread.sleep(200);
        }
        fail("the Kafka broker did not answer within %s (last: %s); output:%n%s", START_TIMEOUT, last, log());
    }

    /** {@code java -cp <test classpath> MAIN ARGS} in the broker's directory; {@code wait}: run to completion. */
    private Process run(List<String> mainAndArgs, boolean wait) throws Exception {
        log = dir.resolve("kafka-" + LOGS.incrementAndGet() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", testClasspath()));
        command.addAll(mainAndArgs);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (wait) {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail("%s failed; output:%n%s", mainAndArgs, log());
            }
        }
        return p;
    }

    /** Surefire/Failsafe may run tests from a manifest-only jar; they give the real classpath in this property. */
    private static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }
}
