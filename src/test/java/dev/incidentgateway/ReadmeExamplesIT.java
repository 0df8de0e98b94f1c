package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Launched;
import dev.incidentgateway.testsupport.ReadmeExamples;
import dev.incidentgateway.testsupport.ReadmeExamples.Claim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.incidentgateway.testsupport.GatewayProcess.freePort;
import static dev.incidentgateway.testsupport.GatewayProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * README.md's copy-paste examples, run as a user runs them: one gateway started from the built jar in an empty
 * directory, then one {@code bash} in that directory (with {@code target/incident-gateway.jar} there, as after
 * {@code mvn package}) runs the marked blocks as written, in order, sharing their variables: the Quick start's
 * walk-through, the Alertmanager and Grafana examples, then the CloudEvents setup and examples. Only the address differs: the gateway listens on a free port,
 * so {@code localhost:8080} becomes {@code localhost:<port>}. Each CloudEvents example must print what its
 * {@code # →} line claims ({@link ReadmeExamples}); changing an example into something that no longer works, or its
 * claim into something the gateway does not answer, fails this test.
 */
class ReadmeExamplesIT {
    /** Where the README's commands expect the gateway. */
    private static final String README_ADDRESS = "localhost:8080";
    /** The script prints this and a block's name before the block, to tell what each block printed. */
    private static final String SECTION = "@@@ readme-example: ";
    /** The declare example run a second time ("the same for any of the commands above"). */
    private static final String DECLARE_AGAIN = "cloudevents-declare, sent again";

    /** The directory the gateway and the examples run in, as a user's checkout after {@code mvn package}. */
    @TempDir
    Path dir;

    @Test
    void quickStartAndCloudEventsExamplesWorkAsWritten() throws Exception {
        Map<String, String> blocks = ReadmeExamples.blocks(ReadmeExamples.readme());
        assertThat(blocks).containsKeys("quick-start", "alertmanager", "grafana", "cloudevents-setup", "cloudevents-declare", "cloudevents-note",
                "cloudevents-batch", "cloudevents-resend", "cloudevents-incident");
        Map<String, Claim> claims = new LinkedHashMap<>();
        for (Map.Entry<String, String> b : blocks.entrySet()) {
            Optional<Claim> claim = ReadmeExamples.claim(b.getKey(), b.getValue());
            if (b.getKey().startsWith("cloudevents-") && !b.getKey().equals("cloudevents-setup")) {
                claims.put(b.getKey(), claim.orElseThrow(() -> new AssertionError(
                        "README example " + b.getKey() + " has no '# → STATUS JSON' line saying what it answers")));
            }
        }

        GatewayProcess gw = GatewayProcess.locate();
        int port = freePort();
        Files.createDirectories(dir.resolve("target"));
        Files.createSymbolicLink(dir.resolve("target/incident-gateway.jar"), gw.jar());
        Launched server = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(port)));
        try {
            gw.awaitHealthy(server);
            Map<String, String> printed = runInBash(dir, script(blocks, claims, port));

            String quickStart = printed.get("quick-start");
            assertThat(quickStart).as("what the Quick start walk-through printed")
                    .contains("\"id\":\"INC-1\"")            // the declare
                    .contains("\"type\":\"resolve\"")        // the third command's event
                    .contains("\"principal\":\"key:alice\"") // "each event names its principal: key:alice"
                    // "401: no credential": the last command's answer
                    .containsPattern("\\{\"type\":\"urn:incident-gateway:problem:unauthorized\",[^{}]*\"status\":401,[^{}]*}$");

            // Alertmanager: the firing declares ({"accepted":["01J…"],"duplicates":[],"ignored":0}), the clearing resolves.
            List<JsonNode> alertmanager = ReadmeExamples.replies(printed.get("alertmanager"));
            assertThat(alertmanager).as("the Alertmanager example's replies").hasSize(2)
                    .allSatisfy(r -> assertThat(r.path("accepted")).as(r.toString()).hasSize(1));
            assertThat(alertmanager.get(0).path("duplicates")).isEmpty();
            assertThat(alertmanager.get(0).path("ignored").asInt(-1)).isZero();
            List<JsonNode> grafana = ReadmeExamples.replies(printed.get("grafana"));
            assertThat(grafana).as("the Grafana example's replies").hasSize(1)
                    .allSatisfy(r -> assertThat(r.path("accepted")).as(r.toString()).hasSize(1));

            for (Map.Entry<String, Claim> c : claims.entrySet()) {
                ReadmeExamples.assertAnswers(c.getKey(), c.getValue(), printed.get(c.getKey()));
            }
            // "the same for any of the commands above": the declare again stores nothing and names the original.
            String again = printed.get(DECLARE_AGAIN);
            Claim noOp = ReadmeExamples.claim(DECLARE_AGAIN, "# → 200 {\"accepted\":[],\"duplicates\":[\"01…\"],\"ignored\":0}")
                    .orElseThrow();
            ReadmeExamples.assertAnswers(DECLARE_AGAIN, noOp, again);
        } finally {
            stop(server.process());
            Files.delete(dir.resolve("target/incident-gateway.jar")); // the link, before JUnit cleans up (it warns)
        }
    }

    /**
     * One script: each block after a line naming it. The Quick start's and the alert examples' address is replaced; the
     * CloudEvents examples' address is their {@code GW} variable, which the README sets in the setup block and the script sets again after it.
     */
    private static String script(Map<String, String> blocks, Map<String, Claim> claims, int port) {
        String quickStart = blocks.get("quick-start");
        String setup = blocks.get("cloudevents-setup");
        assertThat(quickStart).as("the Quick start talks to " + README_ADDRESS).contains(README_ADDRESS);
        assertThat(setup).as("the CloudEvents setup sets GW").contains("GW=http://" + README_ADDRESS);
        StringBuilder script = new StringBuilder();
        section(script, "quick-start", quickStart.replace(README_ADDRESS, "localhost:" + port));
        for (String alerts : List.of("alertmanager", "grafana")) {
            assertThat(blocks.get(alerts)).as("the " + alerts + " example talks to " + README_ADDRESS).contains(README_ADDRESS);
            section(script, alerts, blocks.get(alerts).replace(README_ADDRESS, "localhost:" + port));
        }
        section(script, "cloudevents-setup", setup + "GW=http://localhost:" + port + "\n");
        for (String name : claims.keySet()) {
            section(script, name, blocks.get(name));
        }
        section(script, DECLARE_AGAIN, blocks.get("cloudevents-declare"));
        return script.toString();
    }

    private static void section(StringBuilder script, String name, String block) {
        script.append("printf '\\n%s\\n' '").append(SECTION).append(name).append("'\n").append(block);
    }

    /** Runs {@code script} with bash in {@code dir} (java first on PATH, no GATEWAY_* variables); output by section. */
    private static Map<String, String> runInBash(Path dir, String script) throws Exception {
        Path file = dir.resolve("readme-examples.sh");
        Files.writeString(file, script);
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).directory(dir.toFile())
                .redirectOutput(dir.resolve("readme-examples.out").toFile())
                .redirectError(dir.resolve("readme-examples.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
        // The commands' JVMs (api-key, webhook-token) run for a second or two: C1 alone starts them with less CPU.
        pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
        pb.environment().merge("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator,
                (path, javaBin) -> javaBin + path);
        Process bash = pb.start();
        try {
            if (!bash.waitFor(2, TimeUnit.MINUTES)) {
                fail("the README examples did not finish within 2 minutes; script:%n%s", script);
            }
        } finally {
            stop(bash);
        }
        String out = Files.readString(dir.resolve("readme-examples.out"));
        String err = Files.readString(dir.resolve("readme-examples.err"));
        Map<String, String> sections = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : (out + "\n" + SECTION + "end").lines().toList()) {
            if (line.startsWith(SECTION)) {
                if (current != null) {
                    sections.put(current, text.toString().strip());
                }
                current = line.substring(SECTION.length());
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        assertThat(sections.keySet()).as("every section ran; stdout:%n%s%nstderr:%n%s", out, err)
                .containsAll(List.of("quick-start", DECLARE_AGAIN));
        return sections;
    }
}
