package dev.incidentgateway.lifecycle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Camel's "Error starting CamelContext … due to exception thrown" ERROR and its stack trace (logback.xml names
 * this filter). Camel throws the same failure on to the gateway's start, which answers it: bad configuration (two
 * routes consuming one endpoint, a route that cannot be created) as one exit-2 message naming the files, anything else
 * with its stack trace and exit 1. Before, the operator read the same failure twice, first as 27 lines of stack.
 */
public final class CamelStartFailureLog extends TurboFilter {
    static final String LOGGER = "org.apache.camel.impl.engine.AbstractCamelContext";
    static final String MESSAGE = "Error starting CamelContext";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return level == Level.ERROR && format != null && format.startsWith(MESSAGE) && LOGGER.equals(logger.getName())
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
