package dev.incidentgateway.lifecycle;

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

/**
 * {@code GATEWAY_LOG_FORMAT=json}: the running gateway's log as one JSON object per line, by logback's own
 * {@link JsonEncoder} on the appender {@code logback.xml} declares (so its filters stay). Switched once the configuration
 * is read, before anything else is started; the few lines before that (none in a normal start) stay text. Only the
 * rendered message goes out, not the message pattern and its arguments apart: what a text line shows, once.
 */
public final class LogFormat {
    private LogFormat() {
    }

    /** Applies {@link LogSettings#LOG_FORMAT} to the log of this process. */
    public static void apply(GatewayConfig config) {
        if (!"json".equals(config.get(LogSettings.LOG_FORMAT))
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
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
