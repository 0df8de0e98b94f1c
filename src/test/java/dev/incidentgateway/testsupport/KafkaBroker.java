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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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
 * <p>Use: {@code try (KafkaBroker kafka = KafkaBroker.start(dir)) { kafka.bootstrapServers() ... }}; for clients that
 * log in or need TLS, {@link #startSecured}, one broker with a listener per security protocol.
 */
public final class KafkaBroker implements AutoCloseable {
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger LOGS = new AtomicInteger();
    /** The super user of a SASL broker: the broker's own login, and the one {@link #admin()} uses. */
    public static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required";
    private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required";

    /** A client listener, named after its security protocol (so Kafka's protocol map is the identity). */
    public enum Listener { PLAINTEXT, SASL_PLAINTEXT, SSL, SASL_SSL }

    /**
     * JVM options of the broker and its format tool, test-only like {@code GatewayProcess}'s: C1 only and the serial
     * collector. A test's broker lives for seconds to a minute and carries a few hundred records, so C2's compiler
     * threads and G1's concurrent ones only competed for CI's 2 cores with the test JVM and the gateway while the broker
     * started; what the broker does is the same.
     */
    private static final String BROKER_C1_ONLY = "-XX:TieredStopAtLevel=1";
    private static final String BROKER_SERIAL_GC = "-XX:+UseSerialGC";

    private final Path dir;
    private final Path config;
    /**
     * Per client listener, in order (the first is the inter-broker one, which {@link #admin()} uses), what a client
     * needs to be let in: bootstrap servers, security protocol and, as the listener wants, {@link #ADMIN}'s login and
     * trust in the certificate.
     */
    private final Map<Listener, Map<String, Object>> clientConfigs;
    private Process process;
    private Path log;

    private KafkaBroker(Path dir, Path config, Map<Listener, Map<String, Object>> clientConfigs) {
        this.dir = dir;
        this.config = config;
        this.clientConfigs = clientConfigs;
    }

    /** Formats a fresh log directory under {@code parent} and starts the broker; returns once it answers. */
    public static KafkaBroker start(Path parent) throws Exception {
        return start(parent, Map.of(Listener.PLAINTEXT, Map.of()), List.of(), List.of());
    }

    /**
     * A broker with three client listeners, so that one start serves every secured case of a test class:
     * SASL_PLAINTEXT (the inter-broker listener: the broker logs in to itself with PLAIN as {@link #ADMIN}), SSL
     * (TLS, no login) and SASL_SSL; both SASL listeners take PLAIN and SCRAM-SHA-512. The KRaft controller listener
     * stays PLAINTEXT. Clients reach each through {@link #clientConfig(Listener)}.
     *
     * @param certificate the TLS listeners' certificate (the test's own CA); the key and chain go inline as PEM, so no
     *                    keystore file is built
     * @param plainUsers  PLAIN logins (name → password) besides {@link #ADMIN}, written into the broker's JAAS line
     *                    inside double quotes: keep {@code "} and {@code \} out of them
     * @param scramUsers  SCRAM-SHA-512 logins (name → password), stored in the cluster metadata when the log
     *                    directory is formatted; the format tool splits its argument at {@code ,}: keep it out of them
     */
    public static KafkaBroker startSecured(Path parent, SelfSignedCertificate certificate, Map<String, String> plainUsers,
                                           Map<String, String> scramUsers) throws Exception {
        StringBuilder plain = new StringBuilder(PLAIN_LOGIN + adminLogin() + " user_" + ADMIN + "=\"" + ADMIN_PASSWORD + "\"");
        plainUsers.forEach((name, password) -> plain.append(" user_").append(name).append("=\"").append(password).append('"'));
        plain.append(';');
        List<String> brokerConfig = new ArrayList<>(List.of(
                "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512",
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                // No trust store: no listener asks clients for a certificate, and the broker talks to itself without TLS.
                "ssl.keystore.type=PEM",
                "ssl.keystore.certificate.chain=" + inlinePem(certificate.certFile()),
                "ssl.keystore.key=" + inlinePem(certificate.keyFile())));
        for (Listener sasl : List.of(Listener.SASL_PLAINTEXT, Listener.SASL_SSL)) {
            // A SASL listener needs a JAAS line per mechanism: PLAIN's holds the broker's own login and the users it
            // accepts (user_<name>); SCRAM's names none, as the broker checks SCRAM logins against the cluster metadata.
            String prefix = "listener.name." + sasl.name().toLowerCase(Locale.ROOT) + ".";
            brokerConfig.add(prefix + "plain.sasl.jaas.config=" + plain);
            brokerConfig.add(prefix + "scram-sha-512.sasl.jaas.config=" + SCRAM_LOGIN + ";");
        }
        // Added at format time: in KRaft the credentials are metadata records, so the broker starts with them.
        List<String> formatArgs = new ArrayList<>();
        scramUsers.forEach((name, password) -> formatArgs.addAll(List.of("--add-scram",
                "SCRAM-SHA-512=[name=" + name + ",password=" + password + "]")));

        Map<String, Object> login = Map.of("sasl.mechanism", "PLAIN", "sasl.jaas.config", PLAIN_LOGIN + adminLogin() + ";");
        Map<String, Object> trust = Map.of("ssl.truststore.type", "PEM",
                "ssl.truststore.location", certificate.certFile().toAbsolutePath().toString());
        Map<String, Object> loginAndTrust = new HashMap<>(login);
        loginAndTrust.putAll(trust);
        Map<Listener, Map<String, Object>> listeners = new LinkedHashMap<>();
        listeners.put(Listener.SASL_PLAINTEXT, login);
        listeners.put(Listener.SSL, trust);
        listeners.put(Listener.SASL_SSL, loginAndTrust);
        return start(parent, listeners, brokerConfig, formatArgs);
    }

    private static String adminLogin() {
        return " username=\"" + ADMIN + "\" password=\"" + ADMIN_PASSWORD + "\"";
    }

    /** A PEM file as one line of a properties file: its line breaks as {@code \n} escapes. */
    private static String inlinePem(Path file) throws IOException {
        return Files.readString(file).strip().replace("\r", "").replace("\n", "\\n");
    }

    /**
     * @param listeners  the client listeners in order, each with the client settings besides bootstrap servers and
     *                   protocol that let {@link #ADMIN} in; the first is the inter-broker listener
     * @param formatArgs extra arguments of the storage format
     */
    private static KafkaBroker start(Path parent, Map<Listener, Map<String, Object>> listeners, List<String> extraConfig,
                                     List<String> formatArgs) throws Exception {
        Path dir = Files.createTempDirectory(parent, "kafka-");
        Map<Listener, Map<String, Object>> clientConfigs = new LinkedHashMap<>();
        for (Map.Entry<Listener, Map<String, Object>> listener : listeners.entrySet()) {
            Map<String, Object> client = new HashMap<>(listener.getValue());
            client.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, listener.getKey().name());
            client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + GatewayProcess.freePort());
            clientConfigs.put(listener.getKey(), Map.copyOf(client));
        }
        int controllerPort = GatewayProcess.freePort();
        String advertised = clientConfigs.entrySet().stream()
                .map(e -> e.getKey() + "://" + e.getValue().get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG))
                .collect(Collectors.joining(","));
        Path config = dir.resolve("server.properties");
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=" + advertised + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=" + advertised,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + clientConfigs.keySet().iterator().next(),
                "listener.security.protocol.map=" + clientConfigs.keySet().stream().map(l -> l + ":" + l)
                        .collect(Collectors.joining(",")) + ",CONTROLLER:PLAINTEXT",
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
        KafkaBroker broker = new KafkaBroker(dir, config, clientConfigs);
        List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted",
                "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
        format.addAll(formatArgs);
        broker.run(format, true);
        broker.start();
        return broker;
    }

    /** The first listener's {@code 127.0.0.1:PORT}, the same across {@link #stop()} and {@link #start()}. */
    public String bootstrapServers() {
        return bootstrapServers(firstListener());
    }

    /** {@code listener}'s {@code 127.0.0.1:PORT}. */
    public String bootstrapServers(Listener listener) {
        return (String) clientConfig(listener).get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
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

    /** {@link #clientConfig(Listener)} of the first listener, the one the broker itself uses. */
    public Map<String, Object> clientConfig() {
        return clientConfig(firstListener());
    }

    /**
     * What a test's own consumer, producer or admin needs on {@code listener}: its bootstrap servers, security
     * protocol and, as that listener wants, {@link #ADMIN}'s PLAIN login and trust in the certificate. A new map;
     * fails for a listener this broker does not have.
     */
    public Map<String, Object> clientConfig(Listener listener) {
        Map<String, Object> config = clientConfigs.get(listener);
        if (config == null) {
            throw new IllegalArgumentException("no " + listener + " listener; this broker has " + clientConfigs.keySet());
        }
        return new HashMap<>(config);
    }

    private Listener firstListener() {
        return clientConfigs.keySet().iterator().next();
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
                "-Xmx512m", BROKER_C1_ONLY, BROKER_SERIAL_GC, "-cp", testClasspath()));
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
