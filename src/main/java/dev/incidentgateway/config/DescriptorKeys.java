package dev.incidentgateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The top-level keys one reader takes from a connector descriptor, declared once next to the code that reads them.
 * Readers go through {@link #path}, which refuses a key not declared here: the set checked against an operator's file
 * ({@link #unknown}) is then the set actually read, and a new key cannot be read without being declared.
 */
public final class DescriptorKeys {
    public static final DescriptorKeys NONE = new DescriptorKeys(Set.of());

    private final Set<String> names;

    private DescriptorKeys(Set<String> names) {
        this.names = Collections.unmodifiableSet(names);
    }

    public static DescriptorKeys of(String... names) {
        return new DescriptorKeys(new LinkedHashSet<>(List.of(names)));
    }

    /** These keys and {@code other}'s: what a descriptor read by both readers may hold. */
    public DescriptorKeys and(DescriptorKeys other) {
        Set<String> both = new LinkedHashSet<>(names);
        both.addAll(other.names);
        return new DescriptorKeys(both);
    }

    public Set<String> names() {
        return names;
    }

    /**
     * The descriptor's {@code key} (a missing node when absent or when there is no descriptor).
     *
     * @throws IllegalStateException when {@code key} is not declared here: a programming error, caught by any test that
     *                               reads the key, so a key read is never one an operator's file is refused for
     */
    public JsonNode path(JsonNode descriptor, String key) {
        if (!names.contains(key)) {
            throw new IllegalStateException("descriptor key '" + key + "' is read but not declared in " + names);
        }
        return descriptor == null ? MissingNode.getInstance() : descriptor.path(key);
    }

    /** One problem per top-level key of {@code descriptor} that is not declared here, naming the file and the known keys. */
    public List<String> unknown(String file, JsonNode descriptor) {
        List<String> problems = new ArrayList<>();
        descriptor.fieldNames().forEachRemaining(key -> {
            if (!names.contains(key)) {
                problems.add(file + ": unknown key '" + key + "' (known: " + String.join(", ", names) + ")");
            }
        });
        return problems;
    }
}
