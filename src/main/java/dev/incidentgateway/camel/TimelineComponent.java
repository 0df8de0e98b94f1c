package dev.incidentgateway.camel;

import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import java.util.Map;

/**
 * The {@code timeline:} Camel component: routes reach the gateway's append-only timeline through it.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>URI</th><th>role</th></tr>
 *   <tr><td>{@code timeline:append}</td><td>producer: appends the exchange's event, a batch of events (all or nothing) or a poller's page with its watermark (see {@link TimelineAppendProducer})</td></tr>
 * </table>
 *
 * The outbox consumer ({@code timeline:outbox?connector=}) and the committed feed ({@code timeline:events}) are the
 * next steps of issue 11; until then a URI naming them is refused when the route starts, naming what exists.
 */
public final class TimelineComponent extends DefaultComponent {
    /** The name the gateway binds the component under, so {@code timeline:} URIs resolve to it. */
    public static final String SCHEME = "timeline";

    private final TimelineStore store;
    private final CloudEventsWebhookMapper cloudEvents;

    public TimelineComponent(TimelineStore store, CloudEventsWebhookMapper cloudEvents) {
        this.store = store;
        this.cloudEvents = cloudEvents;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!"append".equals(remaining)) {
            throw new IllegalArgumentException("timeline:" + remaining + " is not an endpoint of the timeline component; "
                    + "it has: timeline:append");
        }
        TimelineAppendEndpoint endpoint = new TimelineAppendEndpoint(uri, this, store, cloudEvents);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
