package dev.incidentgateway.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code config/gateway.yaml} into dotted keys ({@code store.url}), values left unexpanded. */
public final class YamlSettings {
    /** Environment variable naming another settings file. */
    public static final String CONFIG_FILE_ENV = "GATEWAY_CONFIG";
    private static final String DEFAULT_FILE = "config/gateway.yaml";

    private YamlSettings() {
    }

    /**
     * {@code $GATEWAY_CONFIG} if set (it must exist), else {@code ./config/gateway.yaml} if present, else the copy
     * shipped inside the jar, so {@code java -jar} works from any directory.
     */
    public static Map<String, String> locate(Map<String, String> env) {
        String explicit = env.get(CONFIG_FILE_ENV);
        if (explicit != null && !explicit.isBlank()) {
            Path file = Path.of(explicit);
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(CONFIG_FILE_ENV + ": file not found: " + file.toAbsolutePath());
            }
            return read(file);
        }
        Path local = Path.of(DEFAULT_FILE);
        if (Files.isRegularFile(local)) {
            return read(local);
        }
        try (InputStream in = YamlSettings.class.getClassLoader().getResourceAsStream(DEFAULT_FILE)) {
            return in == null ? Map.of() : flatten(ConfigYaml.READER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, String> read(Path file) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = ConfigYaml.READER.readTree(in);
        } catch (IOException e) {
            throw new ConfigException(ConfigFileProblem.describe(file, e));
        }
        if (!isEmpty(root) && !root.isObject()) {
            throw new ConfigException(file + ": not a mapping of settings (such as http: and store:) but "
                    + (root.isArray() ? "a list" : "a single value"));
        }
        return flatten(root);
    }

    static Map<String, String> flatten(JsonNode root) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!isEmpty(root)) {
            flatten("", root, out);
        }
        return out;
    }

    /**
     * A file with nothing but comments (every setting left at its default) is no document at all: Jackson reads it as a
     * missing node, which is not {@code null} and was taken for a setting with an empty name.
     */
    private static boolean isEmpty(JsonNode root) {
        return root == null || root.isMissingNode() || root.isNull();
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (!node.isNull()) {
            out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }
}
