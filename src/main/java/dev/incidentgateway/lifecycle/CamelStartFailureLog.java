package dev.incidentgateway.lifecycle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops Camel's "Error starting CamelContext … due to exception thrown" ERROR and its stack trace (logback.xml names
 * this filter). Camel throws the same failure on to the gateway's start, which answers it: bad configuration (two
 * routes consuming one endpoint, a route that cannot be created) as one exit-2 message naming the files, anything else
 * with its stack trace and exit 1. Before, the operator read the same failure twice, first as 27 lines of stack.
 *
 * <p>A filter of the appender, not a turbo filter: logback asks a turbo filter before the level check of every logging
 * call, also of each disabled {@code trace}/{@code debug} on the request path (with an {@code Object[]} of its arguments),
 * while an appender's filter sees only the events that are written.
 */
public final class CamelStartFailureLog extends Filter<ILoggingEvent> {
    static final String LOGGER = "org.apache.camel.impl.engine.AbstractCamelContext";
    static final String MESSAGE = "Error starting CamelContext";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String format = event.getMessage();
        return event.getLevel() == Level.ERROR && format != null && format.startsWith(MESSAGE) && LOGGER.equals(event.getLoggerName())
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
