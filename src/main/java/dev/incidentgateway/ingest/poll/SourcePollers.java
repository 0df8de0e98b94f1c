package dev.incidentgateway.ingest.poll;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pollers of this gateway, by source name, bound in the Camel registry as {@code sourcePollers} for the
 * timer routes in {@code routes/pollers.camel.yaml}. A tick for a source that is not configured does nothing.
 */
public final class SourcePollers implements AutoCloseable {
    public static final String BEAN = "sourcePollers";

    private final Map<String, SourcePoller> byName = new LinkedHashMap<>();

    public SourcePollers(List<SourcePoller> pollers) {
        pollers.forEach(p -> byName.put(p.name(), p));
    }

    private volatile boolean stopped;

    /** Called by the route {@code poll-<name>} every second; the poller decides whether its interval has come. */
    public void tick(String name) {
        SourcePoller poller = byName.get(name);
        if (poller != null && !stopped) {
            poller.tick();
        }
    }

    public List<SourcePoller> all() {
        return List.copyOf(byName.values());
    }

    /** Shutdown: later ticks do nothing; a run under way finishes (Camel's route shutdown waits for it). */
    public void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        byName.values().forEach(SourcePoller::close);
    }
}
