package dev.incidentgateway.camel;

import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.OutboxSubscriptions;
import dev.incidentgateway.outbox.Sink;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The processor a {@code timeline:outbox} route calls to deliver through a connector written in Java (ServiceNow,
 * Jira, Slack): the gateway binds it as {@value #BEAN}. It hands the exchange's {@value TimelineHeaders#DELIVERY} to the
 * active sink named by {@value TimelineHeaders#CONNECTOR} and puts the sink's classified outcome in
 * {@value TimelineHeaders#DELIVERY_RESULT} (the sink already classified every failure, so nothing is thrown and
 * nothing is classified twice); a ticket it created is also named in {@value TimelineHeaders#EXTERNAL_REF_CREATED}.
 */
public final class ConnectorSinkProcessor implements Processor {
    /** The name routes use: {@code - process: {ref: connectorSink}}. */
    public static final String BEAN = "connectorSink";

    private final OutboxSubscriptions connectors;

    public ConnectorSinkProcessor(OutboxSubscriptions connectors) {
        this.connectors = connectors;
    }

    @Override
    public void process(Exchange exchange) {
        String connector = exchange.getMessage().getHeader(TimelineHeaders.CONNECTOR, String.class);
        Delivery delivery = exchange.getProperty(TimelineHeaders.DELIVERY, Delivery.class);
        if (delivery == null) {
            throw new IllegalStateException(BEAN + " delivers exchanges of a timeline:outbox route; this one has no "
                    + TimelineHeaders.DELIVERY);
        }
        Sink sink = connectors.sink(connector).orElseThrow(() -> new DeliveryDeadException("no active Java sink named '"
                + connector + "' (connectors/" + connector + ".yaml off or absent)"));
        DeliveryResult result = sink.deliver(delivery);
        exchange.setProperty(TimelineHeaders.DELIVERY_RESULT, result);
        if (result instanceof DeliveryResult.Delivered d && d.created() != null) {
            exchange.getMessage().setHeader(TimelineHeaders.EXTERNAL_REF_CREATED, d.created().externalId());
        }
    }
}
