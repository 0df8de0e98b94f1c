package dev.incidentgateway.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the connector descriptors ({@code connectors/<name>.yaml}): those on the class path (found by listing its
 * {@code connectors/} directories, {@link ShippedDescriptors}: no list of names to keep up to date), replaced or
 * extended by the files in the connectors directory. Each loader (webhook sources, sinks) then takes the
 * descriptors of its {@code kind}.
 */
public final class ConnectorDescriptors {

    /** The keys every descriptor may hold, whatever its kind: read here ({@code kind}, {@code enabled}) and by the loaders. */
    public static final DescriptorKeys KEYS = DescriptorKeys.of("kind", "name", "enabled");

    private ConnectorDescriptors() {
    }

    /**
     * The descriptors of {@code GATEWAY_CONNECTORS_DIR}'s directory and the shipped ones. A directory that is missing is
     * fine when the setting is the default (the jar runs from any directory), but refused when it was set: a wrong path
     * would otherwise drop the operator's own sources without a word.
     */
    public static Map<String, JsonNode> loadConfigured(GatewayConfig config) {
        Path dir = Path.of(config.get(RouteSettings.CONNECTORS_DIR));
        if (config.isExplicit(RouteSettings.CONNECTORS_DIR) && !Files.isDirectory(dir)) {
            throw new ConfigException(RouteSettings.CONNECTORS_DIR.problem("directory not found: " + dir.toAbsolutePath()));
        }
        return load(dir);
    }

    /** Descriptors by name (the file name without {@code .yaml}). */
    public static Map<String, JsonNode> load(Path connectorsDir) {
        Map<String, JsonNode> descriptors = new TreeMap<>();
        ShippedDescriptors.list().forEach((name, text) -> {
            try {
                descriptors.put(name, ConfigYaml.READER.readTree(text));
            } catch (IOException e) {
                throw new ConfigException("connectors/" + name + ".yaml (shipped): not readable YAML: " + e.getMessage());
            }
        });
        if (connectorsDir != null && Files.isDirectory(connectorsDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(connectorsDir, "*.yaml")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
                    try (java.io.InputStream in = Files.newInputStream(file)) {
                        descriptors.put(name, ConfigYaml.READER.readTree(in));
                    } catch (IOException e) {
                        throw new ConfigException(ConfigFileProblem.describe(file, e)); // as gateway.yaml and sla.yaml
                    }
                }
            } catch (IOException e) {
                throw new ConfigException(connectorsDir + ": cannot list connector descriptors: " + e.getMessage());
            }
        }
        return descriptors;
    }

    /** The descriptors of one kind ({@code webhook-source}, {@code sink}; others stop the start: DescriptorCheck). */
    public static Map<String, JsonNode> ofKind(Map<String, JsonNode> all, String kind) {
        Map<String, JsonNode> out = new TreeMap<>();
        all.forEach((name, d) -> {
            if (d != null && kind.equals(KEYS.path(d, "kind").asText())) {
                out.put(name, d);
            }
        });
        return out;
    }

    /**
     * The descriptor says {@code enabled: false}: the whole connector is off, its sink and its poller alike
     * (README: "{@code enabled: false} turns it off"), whatever its variables say.
     *
     * @param d the descriptor, or {@code null} when there is none (then never off by it)
     * @throws ConfigException when {@code enabled} is neither true nor false
     */
    public static boolean switchedOff(String name, JsonNode d) {
        return enabled(name, d) == Switch.OFF;
    }

    /**
     * The shared on/off rule of connectors: off with {@code enabled: false}; on with {@code enabled: true}
     * (the caller then fails the start for a missing variable, naming it); otherwise on only when every
     * variable in {@code requiredEnv} is set, so shipped descriptors never block a start with no environment.
     */
    public static boolean isOn(String name, JsonNode d, List<String> requiredEnv, Map<String, String> env) {
        Switch enabled = enabled(name, d);
        if (enabled == Switch.OFF) {
            return false;
        }
        List<String> missing = requiredEnv.stream().filter(v -> env.getOrDefault(v, "").isBlank()).toList();
        if (enabled == Switch.ON && !missing.isEmpty()) {
            throw new ConfigException("connectors/" + name + ".yaml says enabled: true but " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not set");
        }
        return missing.isEmpty();
    }

    /**
     * Why a connector that {@link #isOn} refused is off, for its "is off" log line: {@code enabled: false}, else which
     * variables to set.
     */
    public static String offReason(String name, JsonNode d, List<String> requiredEnv) {
        return switchedOff(name, d) ? "enabled: false" : "set " + String.join(", ", requiredEnv) + " to turn it on";
    }

    /** What a descriptor's {@code enabled} says; {@link Switch#UNSET} without the field or without a descriptor. */
    private enum Switch { ON, OFF, UNSET }

    /** Reads and checks {@code enabled}: the one place it is parsed, so {@link #isOn} and {@link #switchedOff} agree. */
    private static Switch enabled(String name, JsonNode d) {
        String enabled = KEYS.path(d, "enabled").asText("");
        return switch (enabled) {
            case "" -> Switch.UNSET;
            case "true" -> Switch.ON;
            case "false" -> Switch.OFF;
            default -> throw new ConfigException("connectors/" + name + ".yaml: enabled must be true or false, got '" + enabled + "'");
        };
    }
}
