package dev.incidentgateway;

import dev.incidentgateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Platform trial: {@code config} passed (exit 0) route files that stop a start with exit 2 (BadRouteStartIT's cases).
 * It loads the routes into a Camel context that never starts and words a failure with the start's code: exit 2 and the
 * start's "Invalid route" message, with nothing created (no store, no keys).
 */
class ConfigRouteCheckTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "YAML that does not parse | '- route:\\n    from:\\n      uri: timer:x\\n     steps: [\\n' | line 4",
            "an unknown step          | '- route:\\n    from:\\n      uri: timer:x\\n      steps:\\n        - nosuchstep: hi\\n' | nosuchstep",
            "an unknown component     | '- route:\\n    from:\\n      uri: nosuchcomponent:x\\n      steps:\\n        - log: hi\\n' | nosuchcomponent",
            "timeline:outbox without its connector | '- route:\\n    id: mine\\n    from:\\n      uri: timeline:outbox\\n      steps:\\n        - log: hi\\n' | connector=",
            "a wrong timeline option | '- route:\\n    id: mine\\n    from:\\n      uri: timer:x\\n      steps:\\n        - to: timeline:append?principal=bob\\n' | principal must start with system: (got bob)",
            "timeline:events without consumer= | '- route:\\n    id: mine\\n    from:\\n      uri: timeline:events\\n      steps:\\n        - log: hi\\n' | timeline:events needs consumer=NAME",
            "a user route under /webhooks/ | '- route:\\n    id: mine\\n    from:\\n      uri: platform-http:/webhooks/{source}/status\\n      steps:\\n        - log: hi\\n' | /webhooks/ is the webhook sources'",
            "a path and method a shipped route serves | '- route:\\n    id: mine\\n    from:\\n      uri: platform-http:/api/v1/stats\\n      steps:\\n        - log: hi\\n' | both take"})
    void aRouteThatStopsTheStartStopsConfig(String what, String yaml, String named) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mine.camel.yaml"), yaml.replace("\\n", "\n"));
        String message = assertConfigRefuses(named);
        assertThat(message).contains("mine.camel.yaml");
    }

    /**
     * A route file's fault is named by the line and column an editor shows (1-based): Camel's YAML DSL words it with
     * snakeyaml-engine's marks, which count from 0 and are printed from 1. Each file's fault follows good lines.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a tab before a step | '" + STEPS + "\\t- log: tab\\n' | line 7, column 1: | 7",
            "a step indented less than its siblings | '" + STEPS + "       - log: bad\\n' | line 7, column 8: | 4 7",
            "an unknown step in a second route | '" + STEPS + "- route:\\n    from:\\n      uri: timer:y\\n      steps:\\n"
                    + "        - nosuchstep: hi\\n' | Unknown node id: nosuchstep | 11",
            "an unknown field of a step | '" + STEPS + "        - log:\\n            mesage: hi\\n' | Unsupported field: mesage | 8"})
    void aRouteFileIsNamedWithTheLinesOfItsFault(String what, String yaml, String named, String lines) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mine.camel.yaml"), yaml.replace("\\n", "\n").replace("\\t", "\t"));
        String message = assertConfigRefuses(named);
        assertThat(java.util.regex.Pattern.compile("mine\\.camel\\.yaml, line (\\d+), column \\d+:").matcher(message).results()
                .map(m -> m.group(1)).toList()).as(message).containsExactly(lines.split(" "));
    }

    /**
     * Platform trial: a well-formed route file that Camel cannot build (a component, an endpoint option or a bean that is
     * not there) was named by its file alone, after a dump of the whole route; the operator looked for the step. The
     * message now names the step's line (the line of its {@code - step:}; the first step is line 6) and the step, on one
     * line: the innermost cause, not Camel's repetitions of it.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an unknown component | " + STEPS + "        - to: nosuch:x\\n | 7 | to[nosuch:x]: No endpoint could be found for: nosuch://x",
            "an unknown option of the from endpoint | - route:\\n    id: mine\\n    from:\\n      uri: timer:x?bogus=1\\n      steps:\\n"
                    + "        - log: hi\\n | 4 | From[timer:x?bogus=1]: Failed to resolve endpoint: timer://x?bogus=1 due to: There are 1 parameters",
            "an unknown option given as a parameter | " + STEPS + "        - to:\\n            uri: log:y\\n            parameters:\\n"
                    + "              noSuchOption: 1\\n | 7 | Unknown parameters=[{noSuchOption=1}]",
            "an unknown bean | " + STEPS + "        - bean:\\n            ref: nosuch\\n | 7 | Bean[ref:nosuch]: No bean could be found in the registry for: nosuch",
            "an unknown bean in an option | " + STEPS + "        - to: log:y?exchangeFormatter=#nosuch\\n | 7 | No bean could be found in the registry for: nosuch",
            "an unknown bean in a nested step | " + STEPS + "        - choice:\\n            when:\\n              - simple: ${body} != null\\n"
                    + "                steps:\\n                  - log: nested\\n                  - to: bean:nosuch\\n | 12 | to[bean:nosuch]",
            "a simple expression that does not parse | " + STEPS + "        - setBody:\\n            simple: ${nosuchfn}\\n | 7 | Unknown function: nosuchfn"})
    void aRouteCamelCannotBuildIsNamedByTheLineOfItsStep(String what, String yaml, int line, String named) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mine.camel.yaml"), yaml.replace("\\n", "\n"));
        String message = assertConfigRefuses(named);
        assertThat(message).contains("Invalid route: route 'mine' (file:" + dir.resolve("routes/mine.camel.yaml") + ", line " + line + "): ");
        assertThat(message.strip().lines()).as(message).hasSize(2); // "Invalid configuration:" and the route's one line
        assertThat(message).doesNotContain("Failed to create route");
    }

    /**
     * A key given twice in one mapping: Camel's YAML DSL took the later one silently (a route ran with the second id, a
     * step sent to the second URI). Refused at the second key.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a route's id twice | '" + STEPS + "    id: other\\n' | line 7, column 5: found duplicate key id",
            "a step's option twice | '" + STEPS + "        - to:\\n            uri: log:a\\n            uri: log:b\\n' | line 9, column 13: found duplicate key uri"})
    void aKeyTwiceInOneMappingIsRefusedAtTheSecond(String what, String yaml, String named) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mine.camel.yaml"), yaml.replace("\\n", "\n"));
        assertThat(assertConfigRefuses(named)).contains("Invalid route: file:" + dir.resolve("routes/mine.camel.yaml") + ", " + named);
    }

    /** Six lines of a good route, its steps last: a case's fault comes after them. */
    private static final String STEPS = "- route:\\n    id: mine\\n    from:\\n      uri: timer:x\\n      steps:\\n        - log: hi\\n";

    @Test
    void twoRoutesOnOnePathAndMethodAcrossFiles() throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mine.camel.yaml"), route("mine", "platform-http:/hooks/status?httpMethodRestrict=GET"));
        Files.writeString(dir.resolve("routes/theirs.camel.yaml"), route("theirs", "platform-http:/hooks/{x}?httpMethodRestrict=GET"));
        assertThat(assertConfigRefuses("both take GET")).contains("'mine'", "'theirs'", "mine.camel.yaml", "theirs.camel.yaml");
    }

    /** Camel refuses a second consumer of one endpoint only as it starts them; the check names both routes as the start does. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "one outbox connector twice | timeline:outbox?connector=dd | timeline:outbox?connector=dd | 'theirs' (",
            "a shipped connector's outbox | timeline:outbox?connector=slack | | 'outbound-slack' (",
            "one events consumer twice | timeline:events?consumer=same | timeline:events?consumer=same | 'theirs' ("})
    void aSecondConsumerOfOneEndpointNamesBoth(String what, String mine, String theirs, String named) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mine.camel.yaml"), route("mine", mine));
        if (theirs != null) {
            Files.writeString(dir.resolve("routes/theirs.camel.yaml"), route("theirs", theirs));
        }
        assertThat(assertConfigRefuses(named)).contains("'mine'", "both consume");
    }

    @Test
    void oneRouteIdInTwoFilesNamesBothFilesAndLines() throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mine.camel.yaml"), route("http-target", "timer:a"));
        Files.writeString(dir.resolve("routes/theirs.camel.yaml"), "# theirs\n" + route("http-target", "timer:b"));
        assertThat(assertConfigRefuses("'http-target'")).contains("mine.camel.yaml:2", "theirs.camel.yaml:3");
    }

    /** The shipped routes and a good route of the operator's pass: nothing of theirs is reached while checking. */
    @Test
    void goodRoutesPass() throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/mine.camel.yaml"), route("mine", "platform-http:/hooks/status?httpMethodRestrict=GET")
                + route("mine-feed", "timeline:events?consumer=mine") + route("mine-out", "timeline:outbox?connector=mine"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = config(err);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private static String route(String id, String uri) {
        return "- route:\n    id: " + id + "\n    from:\n      uri: \"" + uri + "\"\n      steps:\n        - log: hi\n";
    }

    private String assertConfigRefuses(String named) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = config(err);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(message).isEqualTo(GatewayMain.USAGE);
        assertThat(message).startsWith("Invalid configuration:").contains("Invalid route: ").contains(named).doesNotContain("\tat ");
        assertThat(dir.resolve("data")).doesNotExist();
        assertThat(dir.resolve("keys")).doesNotExist();
        return message;
    }

    private int config(ByteArrayOutputStream err) throws Exception {
        Map<String, String> env = Map.of("GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("data/gateway"), "GATEWAY_KEYS_DIR",
                dir.resolve("keys").toString(), "GATEWAY_ROUTES_DIR", dir.resolve("routes").toString(), "GATEWAY_HTTP_PORT", "0",
                "GATEWAY_CHECKPOINT_FILE", dir.resolve("data/checkpoints.jsonl").toString());
        return GatewayMain.run(new String[] {"config"}, () -> GatewayConfig.load(env, Map.of()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
