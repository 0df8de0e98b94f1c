package dev.incidentgateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The shell examples of README.md that tests run: each is a {@code ```bash} block right after a line
 * {@code <!-- readme-example: NAME -->}. An example may end with its claimed answer, a comment
 * {@code # → STATUS JSON}: the status the command prints last (curl's {@code -w '\n%{http_code}\n'}) and the fields of
 * the reply that matter (a subset of the reply's; a string with {@code …} stands for any string starting with the text
 * before it, as {@code "01…"} for an event id).
 */
public final class ReadmeExamples {
    private static final Pattern BLOCK = Pattern.compile(
            "^<!-- readme-example: ([a-z0-9-]+) -->\\n```bash\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern CLAIM = Pattern.compile("^# → (\\d{3}) (.+)$", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReadmeExamples() {
    }

    /** The claimed answer of one example. */
    public record Claim(int status, JsonNode body) {
    }

    /** The README of the checkout the tests run in (failsafe's working directory is the project's). */
    public static Path readme() {
        Path readme = Path.of("README.md").toAbsolutePath();
        assertThat(readme).as("README.md of the project").isRegularFile();
        return readme;
    }

    /** Every marked block of {@code readme}, by name, in the README's order; a name used twice fails the test. */
    public static Map<String, String> blocks(Path readme) throws IOException {
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(Files.readString(readme).replace("\r\n", "\n"));
        while (m.find()) {
            assertThat(blocks.put(m.group(1), m.group(2))).as("two README blocks named %s", m.group(1)).isNull();
        }
        return blocks;
    }

    /** The {@code # →} line of {@code block}, if it has one; more than one fails the test. */
    public static Optional<Claim> claim(String name, String block) throws IOException {
        Matcher m = CLAIM.matcher(block);
        if (!m.find()) {
            return Optional.empty();
        }
        Claim claim = new Claim(Integer.parseInt(m.group(1)), JSON.readTree(m.group(2)));
        assertThat(m.find()).as("README example %s claims two answers", name).isFalse();
        return Optional.of(claim);
    }

    /**
     * Asserts that {@code output} (what the example printed: the reply, then a line with the status) is what
     * {@code claim} says.
     */
    public static void assertAnswers(String name, Claim claim, String output) throws IOException {
        String trimmed = output.strip();
        int lastLine = trimmed.lastIndexOf('\n');
        assertThat(lastLine).as("README example %s printed a reply and a status line; it printed:%n%s", name, output)
                .isPositive();
        assertThat(trimmed.substring(lastLine + 1).strip()).as("status of README example %s; it printed:%n%s", name, output)
                .isEqualTo(Integer.toString(claim.status()));
        JsonNode reply = JSON.readTree(trimmed.substring(0, lastLine));
        assertMatches(name, "", claim.body(), reply);
    }

    /** The JSON replies an example printed one after the other ({@code curl -s} ends none with a line break). */
    public static List<JsonNode> replies(String output) throws IOException {
        try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(output)) {
            return values.readAll();
        }
    }

    private static void assertMatches(String name, String at, JsonNode claimed, JsonNode actual) {
        String where = "README example " + name + ", reply field '" + at + "': claimed " + claimed + ", got " + actual;
        if (actual == null || actual.isMissingNode()) {
            fail(where);
        } else if (claimed.isTextual() && claimed.asText().contains("…")) {
            String prefix = claimed.asText().substring(0, claimed.asText().indexOf('…'));
            assertThat(actual.isTextual() && actual.asText().startsWith(prefix)).as(where).isTrue();
        } else if (claimed.isObject()) {
            assertThat(actual.isObject()).as(where).isTrue();
            for (Iterator<Map.Entry<String, JsonNode>> it = claimed.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                assertMatches(name, at.isEmpty() ? field.getKey() : at + "." + field.getKey(), field.getValue(),
                        actual.get(field.getKey()));
            }
        } else if (claimed.isArray()) {
            assertThat(actual.isArray() && actual.size() == claimed.size()).as(where).isTrue();
            for (int i = 0; i < claimed.size(); i++) {
                assertMatches(name, at + "[" + i + "]", claimed.get(i), actual.get(i));
            }
        } else {
            assertThat(actual).as(where).isEqualTo(claimed);
        }
    }
}
