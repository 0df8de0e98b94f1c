package dev.incidentgateway.testsupport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The shaded jar as operators run it, for tests: each start is a separate JVM ({@code java -Xmx256m -jar
 * incident-gateway.jar ...}, plus two options that only make it start with less CPU, see {@link #startOptions}) in a
 * given working directory, configured only by the environment the test passes (every inherited {@code GATEWAY_*}
 * variable and any other names given to {@link #locate} are removed), with its output in a log file in that directory.
 *
 * <p>Typical use: {@code gw = GatewayProcess.locate()} in {@code @BeforeAll}; per test
 * {@code Launched p = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", ...))}, {@code gw.awaitHealthy(p)}, requests,
 * and {@link #stop} in {@code finally}; offline CLI commands through {@link #command}.
 */
public final class GatewayProcess {
    public static final Duration START_TIMEOUT = Duration.ofSeconds(45);
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(45);
    private static final AtomicInteger LOGS = new AtomicInteger();

    /**
     * Test-only JVM option of every launched process: C1 only. Most launched JVMs live for seconds (a CLI command, a
     * start and a few requests), and on CI's 2 cores C2's compiler threads doubled a start's CPU (12 → 6.6 s of CPU
     * from launch to healthy and stopped, measured on a loaded machine) while competing with the test JVM. What the
     * gateway does is the same; only how fast its hot code runs after minutes differs, which no *IT measures.
     */
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    private static final Map<Path, List<String>> OPTIONS_BY_JAR = new ConcurrentHashMap<>();

    private final Path jar;
    private final Set<String> alsoUnset;
    private final List<String> jvmOptions;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private GatewayProcess(Path jar, Set<String> alsoUnset, List<String> jvmOptions) {
        this.jar = jar;
        this.alsoUnset = alsoUnset;
        this.jvmOptions = jvmOptions;
    }

    /**
     * The jar of system property {@code gateway.jar} (else {@code target/incident-gateway.jar}), asserted to exist.
     * {@code alsoUnset}: variables besides {@code GATEWAY_*} that started processes must not inherit.
     */
    public static GatewayProcess locate(String... alsoUnset) {
        String prop = System.getProperty("gateway.jar");
        Path jar = Path.of(prop == null || prop.isBlank() ? "target/incident-gateway.jar" : prop).toAbsolutePath();
        assertThat(jar).as("the shaded jar (run mvn package first)").isRegularFile();
        return new GatewayProcess(jar, Set.of(alsoUnset), OPTIONS_BY_JAR.computeIfAbsent(jar, GatewayProcess::startOptions));
    }

    /**
     * {@link #C1_ONLY} and, once this jar's class-data archive exists, that archive: classes of a started gateway
     * mapped from one file instead of read from the jar and verified, another half of a start's CPU (6.6 → 3.6 s).
     * The archive is made once per jar build (its size and time in the name) by starting the gateway once with
     * {@code -XX:ArchiveClassesAtExit}; if that fails the processes run without it, as the same gateway.
     */
    private static List<String> startOptions(Path jar) {
        try {
            Path archive = jar.resolveSibling("class-data").resolve(jar.getFileName() + "-" + Files.size(jar) + "-"
                    + Files.getLastModifiedTime(jar).toMillis() + "-java" + Runtime.version().feature() + ".jsa");
            if (!Files.isRegularFile(archive)) {
                Files.createDirectories(archive.getParent());
                Path dir = TempDirs.directory("class-data-run");
                Path made = dir.resolve("gateway.jsa");
                GatewayProcess maker = new GatewayProcess(jar, Set.of(), List.of(C1_ONLY, "-XX:ArchiveClassesAtExit=" + made));
                Launched run = maker.start(dir, Map.of("GATEWAY_HTTP_PORT", String.valueOf(freePort())));
                try {
                    maker.awaitHealthy(run);
                } finally {
                    run.process().destroy(); // SIGTERM: the archive is written as the JVM exits, which takes seconds
                    if (!run.process().waitFor(2, TimeUnit.MINUTES)) {
                        stop(run.process());
                    }
                }
                Files.move(made, archive, StandardCopyOption.ATOMIC_MOVE);
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            return List.of(C1_ONLY, "-XX:SharedArchiveFile=" + archive);
        } catch (Exception | AssertionError e) {
            System.err.println("GatewayProcess: no class-data archive, launching without one: " + e);
            return List.of(C1_ONLY);
        }
    }

    /** The jar this launches (absolute). */
    public Path jar() {
        return jar;
    }

    /** A started process, the file its stdout and stderr go to, and its GATEWAY_HTTP_PORT (-1 when not set). */
    public record Launched(Process process, Path log, int port) {
    }

    /** A finished CLI command. */
    public record Command(int exitCode, String stdout, String stderr) {
        /** Everything it printed: stdout, then stderr. */
        public String output() {
            return stdout + stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    /** Starts {@code java -jar} with {@code args} in {@code dir}; stdout and stderr go to one log file in {@code dir}. */
    public Launched start(Path dir, Map<String, String> env, String... args) throws IOException {
        Path log = dir.resolve("gateway-" + LOGS.incrementAndGet() + ".log");
        ProcessBuilder pb = builder(List.of(), dir, env, args).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        String port = env.get("GATEWAY_HTTP_PORT");
        return new Launched(pb.start(), log, port == null ? -1 : Integer.parseInt(port));
    }

    /**
     * Runs a CLI command in {@code dir} with nothing but the cleaned environment, fails the test when it does not
     * finish within {@link #COMMAND_TIMEOUT}, and stops it in any case.
     */
    public Command command(Path dir, String... args) throws Exception {
        return command(dir, Map.of(), args);
    }

    /** {@link #command(Path, String...)} with these environment variables (e.g. the store's URL). */
    public Command command(Path dir, Map<String, String> env, String... args) throws Exception {
        return commandAs(List.of(), dir, env, args);
    }

    /**
     * {@link #command(Path, Map, String...)} run through {@code wrapper} (e.g. {@code runuser -u nobody --}, to run it
     * as another user); its output files are written by this process, so that user needs no write access to {@code dir}.
     */
    public Command commandAs(List<String> wrapper, Path dir, Map<String, String> env, String... args) throws Exception {
        int n = LOGS.incrementAndGet();
        Path out = dir.resolve("command-" + n + ".out");
        Path err = dir.resolve("command-" + n + ".err");
        ProcessBuilder pb = builder(wrapper, dir, env, args);
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("'%s' did not finish within %s; output:%n%s%n%s", String.join(" ", args), COMMAND_TIMEOUT,
                        Files.readString(out), Files.readString(err));
            }
            return new Command(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            stop(p);
        }
    }

    /**
     * Creates an API key with {@code java -jar … api-key create} (offline, or through a running gateway's control
     * channel) and returns it; fails the test unless the command exits 0 printing exactly one line.
     */
    public String createApiKey(Path dir, Map<String, String> env, String name, String scopes) throws Exception {
        Command created = command(dir, env, "api-key", "create", "--name", name, "--scopes", scopes);
        assertThat(created.exitCode()).as(created.toString()).isZero();
        List<String> lines = created.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("api-key create prints the key alone on stdout; %s", created).hasSize(1);
        return lines.get(0).strip();
    }

    private ProcessBuilder builder(List<String> wrapper, Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        // Only what the test sets: no token, store, config file, routes/connectors dir or secrets inherited from the caller.
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || alsoUnset.contains(k));
        pb.environment().putAll(env);
        return pb;
    }

    /** Stops a process if it still runs: SIGTERM, then after 20 s a kill. */
    public static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy(); // SIGTERM: Camel Main shuts down gracefully and H2 closes its file
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Polls {@code /health} until it answers 200 and returns that body; fails the test when the process exits
     * first or nothing answers 200 within {@link #START_TIMEOUT}.
     */
    public String awaitHealthy(Launched server) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!server.process().isAlive()) {
                fail("the gateway exited with %d before becoming healthy; output:%n%s", server.process().exitValue(),
                        Files.readString(server.log()));
            }
            try {
                HttpResponse<String> r = send(request(server.port(), "/health").GET());
                if (r.statusCode() == 200) {
                    return r.body();
                }
                last = r.statusCode() + " " + r.body();
            } catch (ConnectException notYet) {
                // still starting
            } catch (IOException e) {
                last = e.toString();
            }
            // Short: every *IT waits here for each start (over a hundred starts per CI run), and a refused connection costs
            // nothing; at 200 ms each start lost ~100 ms on average after the gateway was up.
            Thread.sleep(50);
        }
        fail("/health did not answer 200 within %s (last: %s); output:%n%s", START_TIMEOUT, last, Files.readString(server.log()));
        throw new AssertionError("unreachable");
    }

    /** A request to {@code path} on 127.0.0.1:{@code port}, with a 10 s timeout. */
    public HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    /** Sends over HTTP/1.1 (2 s connect timeout), the body as a string. */
    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
