package dev.incidentgateway;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.YamlSettings;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A YAML file of the operator's that does not parse is named with the line and column of the fault as an editor shows
 * them (1-based), for each kind the gateway reads: settings ({@code GATEWAY_CONFIG}), SLA policies
 * ({@code GATEWAY_SLA_FILE}), connector descriptors ({@code GATEWAY_CONNECTORS_DIR}); routes are ConfigRouteCheckTest's.
 * Each file here breaks on a line after a good one: the message named that good line too (Jackson's {@code line: N},
 * where its parser stood after the last token it read) and quoted the broken line, secret and all. A key given twice in
 * one mapping is refused at the second key (it was accepted, the later value silently winning).
 */
class YamlErrorLinesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // Jackson said "line: 2" (where its parser stood), SnakeYAML line 3, where the tab is
            "SLA policies, a tab on line 3 | GATEWAY_SLA_FILE | sla.yaml | 'severities:\\n  sev1:\\n\\tacknowledge: hunter2\\n' | "
                    + "at line 3, column 1: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)",
            "settings, a key indented less than its siblings | GATEWAY_CONFIG | gateway.yaml | "
                    + "'store:\\n  url: jdbc:h2:./data/gateway\\n password: hunter2\\n' | "
                    + "at line 3, column 2: expected <block end>, but found '<block mapping start>' (while parsing a block mapping at line 1, column 1)",
            // Jackson said "line: 6", the key before the quote; the quote opens on line 6 and is still open at the end (line 7)
            "a connector descriptor, a quote not closed | GATEWAY_CONNECTORS_DIR | connectors/acme.yaml | 'kind: webhook-source\\n"
                    + "name: acme\\nmapper: jsonpath\\nauth:\\n  type: hmac\\n  secret: \"hunter2\\n' | "
                    + "at line 7, column 1: found unexpected end of stream (while scanning a quoted scalar at line 6, column 11)",
            // a key twice in one mapping: the later one silently won (the operator edited the first url:, the second ran)
            "settings, one key twice in a mapping | GATEWAY_CONFIG | gateway.yaml | 'store:\\n  url: jdbc:h2:./data/gateway\\n"
                    + "  password: hunter2\\n  url: jdbc:h2:./data/other\\n' | at line 4, column 3: Duplicate field 'url'",
            "SLA policies, one severity twice | GATEWAY_SLA_FILE | sla.yaml | 'severities:\\n  sev1:\\n    acknowledge: 5m\\n"
                    + "  sev1:\\n    acknowledge: 10m\\n' | at line 4, column 3: Duplicate field 'sev1'",
            "a connector descriptor, a top-level key twice | GATEWAY_CONNECTORS_DIR | connectors/acme.yaml | 'kind: webhook-source\\n"
                    + "name: acme\\nmapper: jsonpath\\nname: other\\n' | at line 4, column 1: Duplicate field 'name'"})
    void aSyntaxErrorNamesTheLineAndColumnOfTheFault(String kind, String variable, String name, String yaml, String expected)
            throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml.replace("\\n", "\n").replace("\\t", "\t"));
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("data/gateway"),
                "GATEWAY_KEYS_DIR", dir.resolve("keys").toString(), "GATEWAY_HTTP_PORT", "0"));
        env.put(variable, variable.equals("GATEWAY_CONNECTORS_DIR") ? file.getParent().toString() : file.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GatewayMain.run(new String[] {"config"}, () -> GatewayConfig.load(env, YamlSettings.locate(env)),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(code).as(message).isEqualTo(GatewayMain.USAGE);
        assertThat(message).isEqualTo("Invalid configuration:\n  - " + file + ": not readable YAML " + expected);
        assertThat(message).doesNotContain("hunter2");
    }
}
