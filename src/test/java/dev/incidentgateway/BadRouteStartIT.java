package dev.incidentgateway;

import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Timeout;
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
 * A route file of the operator's that cannot be loaded, or that takes an HTTP path and method a shipped route serves (only
 * one of them would ever answer), ends the start as bad configuration: exit 2, the file named, no stack trace.
 */
class BadRouteStartIT {
    @TempDir
    Path routes;

    @ParameterizedTest(name = "{0}")
    @Timeout(120) // a start that does not fail runs until stopped
    @CsvSource(delimiter = '|', value = {
            "YAML that does not parse | '- route:\\n    from:\\n      uri: timer:x\\n     steps: [\\n' | line 4",
            "an unknown step          | '- route:\\n    from:\\n      uri: timer:x\\n      steps:\\n        - nosuchstep: hi\\n' | nosuchstep",
            "an unknown component     | '- route:\\n    from:\\n      uri: nosuchcomponent:x\\n      steps:\\n        - log: hi\\n' | nosuchcomponent",
            "timeline:outbox without its connector | '- route:\\n    from:\\n      uri: timeline:outbox\\n      steps:\\n        - log: hi\\n' | connector=",
            "an unknown component in a step | '- route:\\n    from:\\n      uri: timer:x\\n      steps:\\n        - to: nosuchcomp:foo\\n' | nosuchcomp",
            "a key twice in one mapping | '- route:\\n    id: a\\n    id: b\\n    from:\\n      uri: timer:x\\n      steps:\\n        - log: hi\\n' | 'line 3, column 5: found duplicate key id'",
            "an unknown bean, named by its line | '- route:\\n    from:\\n      uri: timer:x\\n      steps:\\n        - log: hi\\n        - bean:\\n            ref: nosuch\\n' | 'mine.camel.yaml, line 6): Bean[ref:nosuch]: No bean could be found'",
            "a path and method a shipped route serves | '- route:\\n    from:\\n      uri: platform-http:/api/v1/incidents\\n      steps:\\n        - log: hi\\n' | 'both take'",
            "a shipped path under another parameter name | '- route:\\n    from:\\n      uri: platform-http:/api/v1/incidents/{incident}/events?httpMethodRestrict=POST\\n      steps:\\n        - log: hi\\n' | 'both take POST'"})
    void isBadConfigurationNamingTheFile(String what, String yaml, String named) throws Exception {
        Files.writeString(routes.resolve("mine.camel.yaml"), yaml.replace("\\n", "\n"));
        assertBadConfiguration(named);
    }

    /**
     * Platform trial: the timeline component's own option errors reached the operator as Camel's "Error binding property
     * (principal=bob)" without the reason, twice, or (timeline:events without consumer=) as exit 1 with a stack trace.
     */
    @ParameterizedTest(name = "{0}")
    @Timeout(120)
    @CsvSource(delimiter = '|', value = {
            "timeline:events without consumer= | timeline:events | | timeline:events needs consumer=NAME",
            "a principal that is no system: name | timer:x?repeatCount=1 | timeline:append?principal=bob | principal must start with system: (got bob)",
            "a type that is no event type | timeline:events?consumer=c1&types=declare,resolved | | unknown event type resolved; known: [declare"})
    void aTimelineOptionErrorIsBadConfigurationSayingWhatIsAllowedOnce(String what, String from, String to, String named) throws Exception {
        Files.writeString(routes.resolve("mine.camel.yaml"), "- route:\n    id: mine\n    from:\n      uri: \"" + from
                + "\"\n      steps:\n        - " + (to == null ? "log: hi" : "to: \"" + to + "\"") + "\n");
        String message = assertBadConfiguration(named);
        assertThat(message).contains("route 'mine'").doesNotContain("Error binding property");
        assertThat(message.split(java.util.regex.Pattern.quote(named), -1)).as(message).hasSize(2);
    }

    /** Platform trial: "Duplicate route ids detected: http-target." named neither file. */
    @org.junit.jupiter.api.Test
    @Timeout(120)
    void oneRouteIdInTwoFilesNamesBothFilesAndLines() throws Exception {
        Files.writeString(routes.resolve("mine.camel.yaml"), route("http-target", "timer:a"));
        Files.writeString(routes.resolve("theirs.camel.yaml"), "# theirs\n" + route("http-target", "timer:b"));
        String message = assertBadConfiguration("'http-target'");
        assertThat(message).contains("mine.camel.yaml:2", "theirs.camel.yaml:3");
    }

    /** Two routes one of which would never see its exchanges: both named, with their files (built in for a shipped one). */
    @ParameterizedTest(name = "{0}")
    @Timeout(120)
    @CsvSource(delimiter = '|', value = {
            "one outbox connector twice | timeline:outbox?connector=dd | timeline:outbox?connector=dd | 'theirs' (",
            "a shipped connector's outbox | timeline:outbox?connector=slack | | 'outbound-slack' (",
            "one events consumer twice | timeline:events?consumer=same | timeline:events?consumer=same | 'theirs' (",
            "the console's page | platform-http:/?httpMethodRestrict=GET | | 'console-page'",
            "a webhook source's path under the shipped template | platform-http:/webhooks/alertmanager?httpMethodRestrict=POST | | /webhooks/{source}",
            "a path under the console's prefix | platform-http:/console/leak | | /console/{file}",
            // /webhooks/ is the intake's whatever the method: the edge leaves POST /webhooks/<x> to the source's secret
            "a GET route under /webhooks/ | platform-http:/webhooks/{src}?httpMethodRestrict=GET | | 'takes GET /webhooks/{src}: /webhooks/ is the webhook sources'",
            "a route under /webhooks/ for every method | platform-http:/webhooks/{source}/status | | 'takes every method /webhooks/{source}/status'"})
    void aSecondConsumerOfOneEndpointIsBadConfigurationNamingBoth(String what, String mine, String theirs, String named) throws Exception {
        Files.writeString(routes.resolve("mine.camel.yaml"), route("mine", mine));
        if (theirs != null) {
            Files.writeString(routes.resolve("theirs.camel.yaml"), route("theirs", theirs));
        }
        String message = assertBadConfiguration(named);
        assertThat(message).contains("'mine'").doesNotContain("Multiple consumers");
        assertThat(message.strip().lines().filter(l -> l.contains("Invalid route")).count()).as(message).isEqualTo(1);
    }

    private static String route(String id, String uri) {
        return "- route:\n    id: " + id + "\n    from:\n      uri: \"" + uri + "\"\n      steps:\n        - log: hi\n";
    }

    private String assertBadConfiguration(String named) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (TestStore store = TestStore.create(TestStore.Kind.H2)) {
            int code = GatewayMain.run(new String[0], () -> store.config(Map.of("GATEWAY_ROUTES_DIR", routes.toString(),
                    "GATEWAY_HTTP_PORT", "0")), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(message).isEqualTo(2);
            assertThat(message).startsWith("Invalid configuration:").contains("Invalid route: ").contains("mine.camel.yaml").contains(named);
            assertThat(message).doesNotContain("\tat ");
            return message;
        }
    }
}
