package dev.incidentgateway;

import dev.incidentgateway.config.GatewayConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line's parsing, in-process on a fresh store location: {@code --help} on every command and subcommand,
 * {@code --version} and usage errors print and exit (0, 0, 2) before the configuration is read or a store is
 * created; option values may follow an {@code =}.
 */
class GatewayCliTest {
    @TempDir
    Path dir;
    private final AtomicInteger configReads = new AtomicInteger();

    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void noStoreYet() {
        assertThat(dir.resolve("data")).doesNotExist();
    }

    Result run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String url = "jdbc:h2:file:" + dir.resolve("data/gateway");
        int exit = GatewayMain.run(args, () -> {
            configReads.incrementAndGet();
            // The keys beside the store, not in ./keys: the checkout's own, which a gateway started there would use.
            return GatewayConfig.load(Map.of("GATEWAY_DB_URL", url, "GATEWAY_KEYS_DIR", dir.resolve("keys").toString()), Map.of());
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void assertNothingTouched(String what) {
        assertThat(configReads).as(what + ": the configuration was read").hasValue(0);
        assertThat(dir.resolve("data")).as(what + ": a store was created").doesNotExist();
    }

    @Test
    void helpOnEveryCommandPrintsItsUsageOnStdoutAndTouchesNothing() throws Exception {
        List<List<String>> commands = List.of(List.of("run"), List.of("verify"), List.of("rebuild-views"), List.of("webhook-token"),
                List.of("api-key"), List.of("api-key", "create"), List.of("api-key", "list"), List.of("api-key", "revoke"),
                List.of("config"), List.of("pg-roles"), List.of("backup"));
        for (List<String> command : commands) {
            for (String help : List.of("--help", "-h")) {
                String typed = String.join(" ", command) + " " + help;
                List<String> args = new java.util.ArrayList<>(command);
                args.add(help);
                Result r = run(args.toArray(String[]::new));
                assertThat(r.exit()).as(typed + ": " + r).isZero();
                assertThat(r.out()).as(typed).contains("Usage: ", String.join(" ", command) + " [-h]");
                assertThat(r.err()).as(typed).isEmpty();
                assertNothingTouched(typed);
            }
        }
        Result helpCommand = run("help", "api-key");
        assertThat(helpCommand.exit()).isZero();
        assertThat(helpCommand.out()).contains("create", "list", "revoke");
        assertNothingTouched("help api-key");
        // README: help COMMAND is COMMAND --help, subcommands too (it printed api-key's help).
        Result subcommand = run("help", "api-key", "create");
        assertThat(subcommand.exit()).as(subcommand.toString()).isZero();
        assertThat(subcommand.out()).isEqualTo(run("api-key", "create", "--help").out()).contains("api-key create [-h]", "--name");
        Result unknown = run("help", "api-key", "nosuch");
        assertThat(unknown.exit()).isEqualTo(GatewayMain.USAGE);
        assertThat(unknown.err()).contains("'api-key nosuch'", "Usage: api-key [-h]");
    }

    @Test
    void theTopLevelHelpListsEveryCommandWithADescriptionAndTheExitCodes() throws Exception {
        Result r = run("--help");
        assertThat(r.exit()).isZero();
        for (String command : List.of("run", "verify", "rebuild-views", "webhook-token", "api-key", "backup", "config", "pg-roles", "help")) {
            assertThat(r.out()).as(command).containsPattern("(?m)^  " + command + " +\\S");
        }
        assertThat(r.out()).contains("--version", "Exit codes: 0 success, 1 verify found a problem, 2 bad usage or configuration, 3 store error.");
    }

    @Test
    void versionPrintsTheGatewaysVersion() throws Exception {
        for (String option : List.of("--version", "-V")) {
            Result r = run(option);
            assertThat(r.exit()).as(option).isZero();
            assertThat(r.out()).as(option).startsWith("incident-gateway ");
            assertNothingTouched(option);
        }
    }

    @Test
    void anOptionsValueMayFollowAnEqualsSign() throws Exception {
        Result created = run("api-key", "create", "--name=alice", "--scopes=admin");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out().lines().toList()).as("the key alone on stdout").singleElement().asString().startsWith("igw_");
        Result list = run("api-key", "list");
        assertThat(list.out()).containsPattern("(?m)^alice +admin ");
    }

    @Test
    void aMissingOrUnknownOptionIsAUsageErrorNamingItBeforeAnyStore() throws Exception {
        Map<List<String>, String> problems = new java.util.HashMap<>(Map.of(
                List.of("api-key", "create", "--name", "alice"), "--scopes",
                List.of("api-key", "create", "--scopes", "read"), "--name",
                List.of("api-key", "create", "--name", "alice", "--scopes", "read", "--bogus"), "--bogus",
                List.of("api-key", "create", "--name", "alice", "--scopes", "read,superuser"), "superuser",
                List.of("api-key"), "api-key needs a subcommand",
                List.of("api-key", "revoke"), "NAME",
                List.of("verify", "--checkpoint"), "--checkpoint needs a FILE",
                List.of("verify", "--bogus"), "--bogus",
                List.of("webhook-token", "--rotate"), "--rotate needs --source",
                List.of("rebuild-views", "extra"), "extra"));
        problems.put(List.of("backup"), "--to");
        // The option the command does not take comes first, before the required ones left out (README "usage error").
        problems.put(List.of("api-key", "create", "--bogus"), "Unknown option: '--bogus'");
        problems.put(List.of("api-key", "create", "--name", "--bogus", "--scopes=read", "-x"), "Unknown option: '-x'");
        problems.put(List.of("backup", "--to", "pom.xml"), "--to pom.xml exists: a backup never overwrites a file");
        for (Map.Entry<List<String>, String> problem : problems.entrySet()) {
            String typed = String.join(" ", problem.getKey());
            Result r = run(problem.getKey().toArray(String[]::new));
            assertThat(r.exit()).as(typed + ": " + r).isEqualTo(GatewayMain.USAGE);
            assertThat(r.err()).as(typed).contains(problem.getValue()).contains("Usage: " + problem.getKey().get(0));
            assertThat(r.out()).as(typed).isEmpty();
            assertNothingTouched(typed);
        }
    }

    @Test
    void anUnknownCommandListsTheCommandsAndHelpOnOneNamesIt() throws Exception {
        Result r = run("nosuch");
        assertThat(r.exit()).isEqualTo(GatewayMain.USAGE);
        assertThat(r.err()).isEqualTo("Unknown command 'nosuch'. Commands: run (default), config, pg-roles, help, verify, "
                + "rebuild-views, webhook-token, api-key, backup, chain-key" + System.lineSeparator());
        assertNothingTouched("nosuch");
        Result help = run("help", "nosuch");
        assertThat(help.exit()).isEqualTo(GatewayMain.USAGE);
        assertThat(help.err()).contains("'nosuch'", "Usage: java -jar incident-gateway.jar [-hV] [COMMAND]");
    }
}
