package dev.incidentgateway.testsupport;

import dev.incidentgateway.Gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process gateway on a fresh PostgreSQL store reached through a {@link PausableTcpProxy}, with an admin API
 * key: for tests where the database hangs ({@link #proxy()}{@code .pause()}) and comes back. H2 runs in-process and
 * cannot be paused. {@link #close} resumes the proxy first, so the gateway can stop cleanly.
 */
public final class GatewayBehindProxy implements AutoCloseable {
    private static final Pattern HOST_PORT = Pattern.compile("^(jdbc:postgresql://)([^/:?]+)(?::(\\d+))?(.*)$");

    private final TestStore store;
    private final PausableTcpProxy proxy;
    private final String adminKey;
    private Gateway gateway;

    private GatewayBehindProxy(Map<String, String> extraEnv) {
        store = TestStore.create(TestStore.Kind.POSTGRESQL);
        Matcher m = HOST_PORT.matcher(store.env().get("GATEWAY_DB_URL"));
        if (!m.matches()) {
            store.close();
            throw new IllegalStateException("not a jdbc:postgresql://host:port/db URL: " + store.env().get("GATEWAY_DB_URL"));
        }
        proxy = new PausableTcpProxy(m.group(2), m.group(3) == null ? 5432 : Integer.parseInt(m.group(3)));
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("GATEWAY_DB_URL", m.group(1) + "127.0.0.1:" + proxy.port() + m.group(4));
        adminKey = TestApiKeys.admin(store.config(env));
        try {
            gateway = Gateway.create(store.config(env)).start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the gateway did not start behind the proxy", e);
        }
    }

    /** Starts one (call after {@link PostgresTestDatabase#assumeAvailable()}). */
    public static GatewayBehindProxy start(Map<String, String> extraEnv) {
        return new GatewayBehindProxy(extraEnv);
    }

    public Gateway gateway() {
        return gateway;
    }

    public PausableTcpProxy proxy() {
        return proxy;
    }

    public String adminKey() {
        return adminKey;
    }

    @Override
    public void close() {
        proxy.resume();
        if (gateway != null) {
            gateway.close();
        }
        proxy.close();
        store.close();
    }
}
