package dev.incidentgateway.lifecycle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.LogSettings;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Locale;

/**
 * The running gateway's log as its settings ask, applied once the configuration is read, before anything else is started.
 *
 * <p>{@code GATEWAY_LOG_LEVEL}: the level of the gateway's own loggers ({@code dev.incidentgateway.*}), whose lines are
 * written redacted. Other libraries keep the levels {@code logback.xml} gives them: some log request headers or
 * connection URLs at DEBUG, credentials included, so no setting opens them.
 *
 * <p>{@code GATEWAY_LOG_FORMAT=json}: one JSON object per line, by logback's own
 * {@link JsonEncoder} on the appender {@code logback.xml} declares (so its filters stay). Switched once the configuration
 * is read, before anything else is started; the few lines before that (none in a normal start) stay text. Only the
 * rendered message goes out, not the message pattern and its arguments apart: what a text line shows, once.
 */
public final class GatewayLogging {
    private GatewayLogging() {
    }

    /** Applies {@link LogSettings#LOG_LEVEL} and {@link LogSettings#LOG_FORMAT} to the log of this process. */
    public static void apply(GatewayConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger("dev.incidentgateway").setLevel(Level.toLevel(config.get(LogSettings.LOG_LEVEL).toUpperCase(Locale.ROOT)));
        if (!"json".equals(config.get(LogSettings.LOG_FORMAT))) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                JsonEncoder json = new JsonEncoder();
                json.setContext(context);
                json.setWithSequenceNumber(false);
                json.setWithNanoseconds(false);
                json.setWithContext(false);
                json.setWithMDC(false); // the gateway sets none
                json.setWithMessage(false);
                json.setWithArguments(false);
                json.setWithFormattedMessage(true);
                json.start();
                appender.stop();
                appender.setEncoder(json);
                appender.start();
            }
        }
    }
}
