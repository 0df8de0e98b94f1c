package dev.incidentgateway.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a credential may do. {@code admin} includes every other scope.
 * <ul>
 *   <li>{@code read} — every GET of the API ({@code /api/v1/**}) and the detailed {@code /health}</li>
 *   <li>{@code write} — declare incidents, append events</li>
 *   <li>{@code operate} — operator actions: outbox replay/skip</li>
 *   <li>{@code metrics} — {@code GET /metrics} (Prometheus' {@code authorization} setting)</li>
 *   <li>{@code admin} — everything, including managing keys and audit operations</li>
 * </ul>
 */
public enum Scope {
    READ, WRITE, OPERATE, METRICS, ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> fromWire(String s) {
        for (Scope scope : values()) {
            if (scope.wireName().equals(s)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }

    /** Parses {@code read,write}; throws naming the unknown scope. */
    public static Set<Scope> parseList(String csv) {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        for (String part : csv.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            out.add(fromWire(p).orElseThrow(() -> new IllegalArgumentException(
                    "unknown scope '" + p + "' (scopes: read, write, operate, metrics, admin)")));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("at least one scope is required (read, write, operate, metrics, admin)");
        }
        return out;
    }
}
