package dev.incidentgateway.camel;

import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.Sink;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

import java.nio.charset.StandardCharsets;

/**
 * The {@link Sink} of a {@code timeline:outbox} route: each delivery the relay hands it becomes one exchange, run
 * through the route on the relay's delivery thread (so the relay's deadline, slots and order apply), and the route's
 * outcome becomes the row's ({@link DeliveryOutcomes}).
 *
 * <p>In: body = the event as a structured CloudEvent JSON string (as in the feed), the {@link TimelineHeaders} headers,
 * property {@value TimelineHeaders#DELIVERY}.
 */
final class RouteDeliverySink implements Sink {
    private final String connector;
    private final DefaultConsumer consumer;
    private final TimelineCloudEventMapper cloudEvents;

    RouteDeliverySink(String connector, DefaultConsumer consumer, TimelineCloudEventMapper cloudEvents) {
        this.connector = connector;
        this.consumer = consumer;
        this.cloudEvents = cloudEvents;
    }

    @Override
    public String connector() {
        return connector;
    }

    @Override
    public DeliveryResult deliver(Delivery d) {
        Exchange exchange = consumer.createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(new String(cloudEvents.serialize(d.event()), StandardCharsets.UTF_8));
            in.setHeader(TimelineHeaders.CONNECTOR, connector);
            in.setHeader(TimelineHeaders.EVENT_ID, d.event().id());
            in.setHeader(TimelineHeaders.INCIDENT_ID, d.incident().id());
            in.setHeader(TimelineHeaders.EVENT_SEQ, d.event().seq());
            in.setHeader(TimelineHeaders.EVENT_TYPE, d.event().type().wireName());
            in.setHeader(TimelineHeaders.INCIDENT_SEVERITY, d.incident().severity().wireName());
            in.setHeader(TimelineHeaders.INCIDENT_STATUS, d.statusAfterEvent().wireName());
            in.setHeader(TimelineHeaders.INCIDENT_TITLE, d.incident().title());
            in.setHeader(TimelineHeaders.ATTEMPT, d.item().attempts() + 1);
            if (d.ref() != null) {
                in.setHeader(TimelineHeaders.EXTERNAL_REF, d.ref().externalId());
            }
            exchange.setProperty(TimelineHeaders.DELIVERY, d);
            Processor route = consumer.getProcessor();
            try {
                route.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            return DeliveryOutcomes.of(exchange, d);
        } finally {
            consumer.releaseExchange(exchange, false);
        }
    }
}
