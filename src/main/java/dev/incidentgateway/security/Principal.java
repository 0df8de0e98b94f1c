package dev.incidentgateway.security;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who caused something, as decided by the server from the credential it checked — never from what the
 * caller wrote in a body. Its {@link #name} is recorded on every stored event:
 * {@code key:<api key name>}, {@code oidc:<sub>}, {@code webhook:<source>}, {@code poller:<connector>},
 * {@code system:<component>}.
 */
public record Principal(String name, Set<Scope> scopes) {
    public Principal {
        Objects.requireNonNull(name, "name");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    public static Principal apiKey(String keyName, Set<Scope> scopes) {
        return new Principal("key:" + keyName, scopes);
    }

    public static Principal oidc(String subject, Set<Scope> scopes) {
        return new Principal("oidc:" + subject, scopes);
    }

    public static Principal webhook(String source) {
        return new Principal("webhook:" + source, Set.of());
    }

    public static Principal poller(String connector) {
        return new Principal("poller:" + connector, Set.of());
    }

    public static Principal system(String component) {
        return new Principal("system:" + component, Set.of(Scope.ADMIN));
    }

    /**
     * Whether {@code principalName} is the gateway's own poller of {@code connector} ({@code poller:jira} for
     * {@code jira}): the only principal whose declare may link an incident to one of that connector's tickets.
     */
    public static boolean isPollerOf(String principalName, String connector) {
        return connector != null && poller(connector).name().equals(principalName);
    }

    /** True when this principal holds {@code scope}; {@code admin} holds every scope. */
    public boolean has(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }

    /**
     * The connector an event caused by this principal came from ({@code poller:jira} → {@code jira},
     * {@code webhook:slack} → {@code slack}), or {@code null}: loop prevention keys on this, never on a
     * caller-supplied string.
     */
    public static String originConnector(String principalName) {
        if (principalName == null) {
            return null;
        }
        if (principalName.startsWith("poller:")) {
            return principalName.substring("poller:".length());
        }
        if (principalName.startsWith("webhook:")) {
            return principalName.substring("webhook:".length());
        }
        return null;
    }
}
