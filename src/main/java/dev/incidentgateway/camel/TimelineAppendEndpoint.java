package dev.incidentgateway.camel;

import dev.incidentgateway.config.RouteOptionException;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code timeline:append[?principal=system:NAME]}: a producer only.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code principal}</td><td>{@code system:route:<routeId>}</td><td>who the stored event names when the
 *   exchange carries no authenticated principal (an HTTP route's caller, a webhook source's {@code webhook:<name>}
 *   and a poller's {@code poller:<name>} always win; a route cannot claim a caller's identity). Must start with {@code system:}.</td></tr>
 * </table>
 */
public final class TimelineAppendEndpoint extends DefaultEndpoint {
    private final TimelineStore store;
    private final CloudEventsWebhookMapper cloudEvents;
    private String principal;

    TimelineAppendEndpoint(String uri, TimelineComponent component, TimelineStore store, CloudEventsWebhookMapper cloudEvents) {
        super(uri, component);
        this.store = store;
        this.cloudEvents = cloudEvents;
    }

    @Override
    public Producer createProducer() {
        return new TimelineAppendProducer(this, store, cloudEvents);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new RouteOptionException("timeline:append is a producer (to:), not a consumer (from:)");
    }

    public String getPrincipal() {
        return principal;
    }

    /**
     * Set from the URI ({@code ?principal=system:my-exporter}); only {@code system:} names are accepted, and a name there
     * must be: {@code system:} alone (or {@code system: x}) was stored as a principal that names nobody.
     */
    public void setPrincipal(String principal) {
        if (principal != null && !principal.startsWith("system:")) {
            throw new RouteOptionException("timeline:append principal must start with system: (got " + principal + ")");
        }
        if (principal != null && !SYSTEM_NAME.matcher(principal).matches()) {
            throw new RouteOptionException("timeline:append principal must be system:NAME, NAME 1.." + NAME_MAX
                    + " characters without spaces or control characters (got '" + principal + "')");
        }
        this.principal = principal;
    }

    /** The longest NAME of {@code system:NAME}: the whole principal fits the store's limit. */
    private static final int NAME_MAX = dev.incidentgateway.timeline.EventLimits.PRINCIPAL - "system:".length();
    private static final java.util.regex.Pattern SYSTEM_NAME =
            java.util.regex.Pattern.compile("system:[^\\s\\p{Cntrl}]{1," + NAME_MAX + "}");
}
