package dev.incidentgateway.cli;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.testsupport.CapturedLogs;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The control channel takes nothing from another OS user (security review of 2026-12-03, finding 2): a local user
 * who made {@code control/} in a shared store directory before the start got an admin API key through it, and had the
 * root gateway overwrite a file of their choice through a link planted under the answer's temporary name. Another user
 * is {@code nobody} by {@code chown}, so those cases need root (as in CI) and are skipped otherwise.
 */
class ControlChannelOwnershipTest {
    private static final String REQUEST = "{\"command\":\"api-key\",\"args\":[\"create\",\"--name\",\"mallory\",\"--scopes\",\"admin\"]}";

    @TempDir
    Path data;
    private final List<List<String>> ran = new CopyOnWriteArrayList<>();

    @BeforeEach
    void posixOnly() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    @Test
    void aMissingControlDirectoryIsCreatedOwnerOnly() throws Exception {
        Path control = ControlChannel.prepareForGateway(data.resolve("control"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(control))).isEqualTo("rwx------");
        assertThat(ControlChannel.usable(control)).isTrue();
    }

    @Test
    void aControlDirectoryOfAnotherUserMadeBeforeTheStartStopsTheStartNamingItsOwner() throws Exception {
        assumeTrue(root(), "needs root to give the directory to another user");
        Path control = Files.createDirectory(data.resolve("control"));
        Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rwxrwxrwx"));
        giveToNobody(control);
        assertThatThrownBy(() -> ControlChannel.prepareForGateway(control)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(control + " belongs to nobody, not to root")
                .hasMessageContaining("GATEWAY_DB_URL");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(control))).as("left as it was")
                .isEqualTo("rwxrwxrwx");
    }

    @Test
    void aControlDirectoryThatIsALinkIsRefused() throws Exception {
        Path elsewhere = Files.createDirectory(data.resolve("elsewhere"));
        Path control = Files.createSymbolicLink(data.resolve("control"), elsewhere);
        assertThatThrownBy(() -> ControlChannel.prepareForGateway(control)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(control + " is a symbolic link");
        assertThat(ControlChannel.usable(control)).isFalse();
    }

    @Test
    void anAnswerIsNeverWrittenThroughALinkPlantedUnderItsName() throws Exception {
        Path control = ControlChannel.prepare(data.resolve("control"));
        Path victim = Files.writeString(data.resolve("victim.txt"), "precious");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(control.resolve(".evil.response.json.tmp"), victim); // the old fixed temporary name
        try (DefaultCamelContext camel = running(control)) {
            Files.writeString(control.resolve("evil.request.json"), REQUEST);
            Path response = control.resolve("evil.response.json");
            await(() -> Files.exists(response, LinkOption.NOFOLLOW_LINKS));
            assertThat(Files.isSymbolicLink(response)).isFalse();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(response))).isEqualTo("rw-------");
            assertThat(Files.readString(response)).contains("\"exitCode\":0");
        }
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r--r--");
    }

    @Test
    void aRequestFileThatIsALinkIsNotRunButDeletedWithOneWarning() throws Exception {
        Path control = ControlChannel.prepare(data.resolve("control"));
        Path target = Files.writeString(data.resolve("planted.json"), REQUEST);
        try (CapturedLogs logs = CapturedLogs.of(ControlChannelRoute.class.getName()); DefaultCamelContext camel = running(control)) {
            Path link = Files.createSymbolicLink(control.resolve("evil.request.json"), target);
            await(() -> !Files.exists(link, LinkOption.NOFOLLOW_LINKS));
            Thread.sleep(300); // a few more polls: still one warning, still nothing run
            assertThat(ran).isEmpty();
            assertThat(logs.lines(e -> true)).singleElement().asString().isEqualTo("WARN Ignored a control request: " + link
                    + " is a symbolic link (owner " + System.getProperty("user.name") + "); only regular files of the gateway's user are run");
        }
        assertThat(Files.readString(target)).isEqualTo(REQUEST);
        try (Stream<Path> left = Files.list(control)) {
            assertThat(left).as("no answer").isEmpty();
        }
    }

    @Test
    void aRequestFileOfAnotherUserIsNotRun() throws Exception {
        assumeTrue(root(), "needs root to give the file to another user");
        Path control = ControlChannel.prepare(data.resolve("control"));
        try (CapturedLogs logs = CapturedLogs.of(ControlChannelRoute.class.getName()); DefaultCamelContext camel = running(control)) {
            Path tmp = Files.writeString(control.resolve(".y.tmp"), REQUEST);
            giveToNobody(tmp);
            Path request = Files.move(tmp, control.resolve("evil.request.json"));
            await(() -> !Files.exists(request, LinkOption.NOFOLLOW_LINKS));
            assertThat(ran).isEmpty();
            assertThat(logs.lines(e -> true)).singleElement().asString()
                    .contains(request + " belongs to nobody, not to root");
        }
    }

    @Test
    void aRootCommandLineDoesNotSendItsCommandIntoAnotherUsersDirectory() throws Exception {
        assumeTrue(root(), "needs root to give the directory to another user");
        Path control = Files.createDirectory(data.resolve("control"));
        giveToNobody(control);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new ControlChannelClient(control, Duration.ofMillis(300), Duration.ofMillis(300))
                .run("api-key", List.of("create"), print(new ByteArrayOutputStream()), print(err));
        assertThat(exit).isEqualTo(StoreCommand.STORE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is missing or not yours (" + control + " belongs to nobody, not to root)");
        try (Stream<Path> files = Files.list(control)) {
            assertThat(files).as("nothing written there").isEmpty();
        }
    }

    /** The gateway's control route on a Camel context of its own, with one store command that records its arguments. */
    private DefaultCamelContext running(Path control) throws Exception {
        StoreCommand record = (ctx, args, out, err) -> {
            ran.add(args);
            out.println("igw_key");
            return 0;
        };
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new ControlChannelRoute(control, Map.of("api-key", record), null, () -> { }));
        camel.start();
        return camel;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void giveToNobody(Path path) throws Exception {
        Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
