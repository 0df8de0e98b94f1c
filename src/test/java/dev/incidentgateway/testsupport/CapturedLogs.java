package dev.incidentgateway.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The log events of one logger (and the loggers below it) while open, for tests that assert what was or was not logged:
 * {@code try (CapturedLogs logs = CapturedLogs.of(name)) { ...; logs.events(e -> ...) }}. Closing detaches it and puts
 * back every level {@link #atLevel} changed.
 */
public final class CapturedLogs implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Runnable> restore = new ArrayList<>();

    private CapturedLogs(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    /** Everything the gateway logs. */
    public static CapturedLogs root() {
        return of(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    public static CapturedLogs of(String loggerName) {
        return new CapturedLogs(loggerName);
    }

    /** Lets {@code loggerName} log at {@code level} (e.g. a DEBUG line a test waits for) until this is closed. */
    public CapturedLogs atLevel(String loggerName, Level level) {
        Logger l = (Logger) LoggerFactory.getLogger(loggerName);
        Level before = l.getLevel();
        l.setLevel(level);
        restore.add(() -> l.setLevel(before));
        return this;
    }

    /** The events so far that {@code which} selects, in the order they were logged. */
    public List<ILoggingEvent> events(Predicate<ILoggingEvent> which) {
        synchronized (appender) { // AppenderBase appends under this lock, from any thread
            return appender.list.stream().filter(which).toList();
        }
    }

    /** Their formatted messages, each led by its level (e.g. {@code "WARN …"}). */
    public List<String> lines(Predicate<ILoggingEvent> which) {
        return events(which).stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        restore.forEach(Runnable::run);
    }
}
