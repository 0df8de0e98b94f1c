package dev.incidentgateway.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.api.ApiAuthPolicyFactory;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.config.StreamSettings;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.TimelineStore;
import dev.incidentgateway.transport.HttpEdge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;

/**
 * The live stream's parts, wired by Gateway: the {@link StreamBroadcaster} (an append listener of the store, or
 * fed by a {@link StoreTail}) and {@code GET /api/v1/stream} on the HTTP edge.
 */
public final class LiveStream implements AutoCloseable {
    private final GatewayConfig config;
    private final StreamBroadcaster broadcaster;
    private final boolean poll;
    private StoreTail tail;

    private LiveStream(GatewayConfig config, StreamBroadcaster broadcaster, boolean poll) {
        this.config = config;
        this.broadcaster = broadcaster;
        this.poll = poll;
    }

    public static LiveStream create(GatewayConfig config, String typePrefix, ObjectMapper json, MeterRegistry meters) {
        String source = config.get(StreamSettings.STREAM_SOURCE);
        boolean poll = source.equals("poll") || (source.equals("auto")
                && SqlDialect.forUrl(config.get(StoreSettings.DB_URL)) == SqlDialect.POSTGRESQL);
        StreamBroadcaster broadcaster = new StreamBroadcaster(config.get(StreamSettings.STREAM_BUFFER_EVENTS),
                config.get(StreamSettings.STREAM_BUFFER_BYTES), !poll,
                Duration.ofSeconds(config.get(StreamSettings.STREAM_HEARTBEAT_S)).toMillis(),
                new TimelineCloudEventMapper(typePrefix, json), meters);
        return new LiveStream(config, broadcaster, poll);
    }

    /** For the store's listeners: publishes this process's commits (does nothing in poll mode). */
    public AppendListener listener() {
        return broadcaster;
    }

    /** Starts the Since-feed tail (poll mode) and routes {@code GET /api/v1/stream}; before Camel starts. */
    public void serve(TimelineStore store, ApiAuthPolicyFactory auth, HttpEdge edge) {
        if (poll) {
            tail = new StoreTail(store, broadcaster, Duration.ofMillis(config.get(StreamSettings.STREAM_POLL_MS)),
                    config.get(HttpSettings.PAGE_MAX_BYTES)).start();
        }
        edge.streamRoute(StreamHttpHandler.PATH, new StreamHttpHandler(auth, broadcaster, store,
                config.get(StreamSettings.STREAM_MAX_SUBSCRIBERS), config.get(StreamSettings.STREAM_MAX_PER_PRINCIPAL),
                config.get(HttpSettings.PAGE_MAX_BYTES)));
    }

    public StreamBroadcaster broadcaster() {
        return broadcaster;
    }

    /** Ends every open stream, and every one that opens from now on (the first step of a graceful stop). */
    public void endStreams() {
        broadcaster.close();
    }

    @Override
    public void close() {
        if (tail != null) {
            tail.close();
        }
        broadcaster.close();
    }
}
