package dev.incidentgateway.lifecycle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's logback.xml drops Camel's start-failure ERROR at its appender, and only that event. */
class CamelStartFailureLogTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");

    @Test
    void camelsStartFailureIsDroppedAndEveryOtherEventWritten() {
        assertThat(appender).as("logback.xml's appender").isNotNull();
        assertThat(decision(CamelStartFailureLog.LOGGER, Level.ERROR, "Error starting CamelContext (camel-1) due to exception thrown: x"))
                .isEqualTo(FilterReply.DENY);
        assertThat(decision(CamelStartFailureLog.LOGGER, Level.WARN, "Error starting CamelContext (camel-1)")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decision(CamelStartFailureLog.LOGGER, Level.ERROR, "Something else failed")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decision("dev.incidentgateway.GatewayMain", Level.ERROR, "Error starting CamelContext")).isEqualTo(FilterReply.NEUTRAL);
    }

    /** The filter sits on the appender, so logging calls below the level never reach a turbo filter chain. */
    @Test
    void noTurboFilterIsInstalled() {
        assertThat(context.getTurboFilterList()).isEmpty();
    }

    private FilterReply decision(String logger, Level level, String message) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger(logger), level, message, null, null);
        return appender.getFilterChainDecision(event);
    }
}
